"""The pledge admin: who may see and do what, escaping, exports and review actions."""

import csv
import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.urls import reverse

from pledge_forms.choices import ReviewStatus
from pledge_forms.models import Pledge, PledgeSubmission
from pledge_forms.testing.factories import submitted_pledge

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script>'


def curators_group():
    """The plugin rights a site gives the staff who curate the showcase (the campaign
    site gives them to its communications staff): the pledge listing and editing a
    pledge, nothing more. The plugin itself knows no group but its reviewers."""
    group, _ = Group.objects.get_or_create(name="Showcase curators")
    group.permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        ),
        *Permission.objects.filter(
            content_type__app_label="pledge_forms",
            codename__in=["view_pledge", "change_pledge"],
        ),
    )
    return group


@pytest.fixture
def users(django_user_model):
    curators_group()

    def make(name, group=None, superuser=False):
        user = django_user_model.objects.create_user(
            username=name,
            password="pw",
            email=f"{name}@example.org",
            is_superuser=superuser,
        )
        if group:
            user.groups.add(Group.objects.get(name=group))
        return user

    return {
        "anonymous": None,
        "communications": make("comms", "Showcase curators"),
        "reviewer": make("reviewer", "Campaign reviewers"),
        "admin": make("admin", superuser=True),
    }


@pytest.fixture
def pledge(form_page, run_on_commit):
    return submitted_pledge(
        form_page,
        "verified",
        public_statement=f'=HYPERLINK("http://evil.example") {XSS}',
        city=XSS,
        chief_email="secret.chief@agency.example",
    )


def pledge_urls(pledge):
    ns = "wagtailsnippets_pledge_forms_pledge"
    return {
        "index": reverse(f"{ns}:list"),
        "inspect": reverse(f"{ns}:inspect", args=[pledge.pk]),
        "edit": reverse(f"{ns}:edit", args=[pledge.pk]),
        "history": reverse(f"{ns}:history", args=[pledge.pk]),
        "delete": reverse(f"{ns}:delete", args=[pledge.pk]),
        "export": reverse(f"{ns}:list") + "?export=csv",
        "approve": reverse(f"{ns}:review", args=[pledge.pk, "approve"]),
        "decline": reverse(f"{ns}:review", args=[pledge.pk, "decline"]),
        "submissions": "/admin/pledge_forms/pledgesubmission/",
        "mails": "/admin/pledge_forms/outgoingmail/",
    }


ALLOWED = {
    "anonymous": set(),
    "communications": {"index", "inspect", "edit", "history"},
    "reviewer": {
        "index",
        "inspect",
        "edit",
        "history",
        "delete",
        "export",
        "approve",
        "decline",
        "submissions",
        "mails",
    },
    "admin": {
        "index",
        "inspect",
        "edit",
        "history",
        "delete",
        "export",
        "approve",
        "decline",
        "submissions",
        "mails",
    },
}


@pytest.mark.parametrize("role", ["anonymous", "communications", "reviewer", "admin"])
def test_permission_matrix_over_every_pledge_admin_url(client, users, pledge, role):
    if users[role]:
        client.force_login(users[role])
    for name, url in pledge_urls(pledge).items():
        response = client.get(url)
        if name in ALLOWED[role]:
            assert response.status_code == 200, (role, name, response.status_code)
        else:
            assert response.status_code in {302, 403}, (
                role,
                name,
                response.status_code,
            )
            if response.status_code == 302:
                assert response["Location"] != url


def test_communications_staff_never_see_contact_details(client, users, pledge):
    client.force_login(users["communications"])
    for name in ("index", "inspect", "edit"):
        html = client.get(pledge_urls(pledge)[name]).content.decode()
        assert "secret.chief@agency.example" not in html, name
    client.force_login(users["reviewer"])
    assert (
        "secret.chief@agency.example"
        in client.get(pledge_urls(pledge)["inspect"]).content.decode()
    )


def test_typed_markup_is_escaped_in_listing_inspect_history_and_inbox(
    client, users, pledge
):
    client.force_login(users["admin"])
    submission = PledgeSubmission.objects.get()
    pages = [
        pledge_urls(pledge)["index"],
        pledge_urls(pledge)["inspect"],
        pledge_urls(pledge)["history"],
        "/admin/pledge_forms/pledgesubmission/",
        f"/admin/pledge_forms/pledgesubmission/inspect/{submission.pk}/",
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert XSS not in html, url


def test_e_mails_escape_typed_markup_in_their_html_part(form_page, run_on_commit):
    submitted_pledge(form_page, "unverified", legal_name=f"Agency {XSS}")
    message = mail.outbox[0]
    html = message.alternatives[0][0]
    assert XSS not in html and "&lt;script&gt;" in html
    assert "\n" not in message.subject and "Agency" not in message.subject


def test_exports_neutralise_spreadsheet_formulas(client, users, pledge, form_page):
    submitted_pledge(form_page, "unverified", legal_name="=1+2")
    client.force_login(users["reviewer"])
    response = client.get(pledge_urls(pledge)["export"])
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    )
    statement = next(row for row in rows if row["Slug"] == pledge.slug)[
        "Public statement"
    ]
    assert statement.startswith("'=HYPERLINK")

    import openpyxl

    response = client.get(pledge_urls(pledge)["index"] + "?export=xlsx")
    content = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    values = [str(cell.value) for row in sheet.iter_rows(min_row=2) for cell in row]
    assert any(v.startswith("'=HYPERLINK") for v in values)
    assert "'=1+2" in values
    assert not any(v.startswith("=") for v in values)

    response = client.get("/admin/pledge_forms/pledgesubmission/?export=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    cells = [cell for row in rows for cell in row if cell.endswith("=1+2")]
    assert cells and all(cell == "'=1+2" for cell in cells)


def test_contact_details_leave_in_exports_only_for_those_allowed(client, users, pledge):
    users["communications"].groups.first().permissions.add(
        *Permission.objects.filter(codename="export_pledge")
    )
    client.force_login(users["communications"])
    body = b"".join(
        client.get(pledge_urls(pledge)["export"]).streaming_content
    ).decode()
    assert "secret.chief@agency.example" not in body
    client.force_login(users["reviewer"])
    body = b"".join(
        client.get(pledge_urls(pledge)["export"]).streaming_content
    ).decode()
    assert "secret.chief@agency.example" in body


def test_a_reviewer_approves_and_declines_from_the_admin(
    client, users, pledge, run_on_commit
):
    client.force_login(users["reviewer"])
    urls = pledge_urls(pledge)
    page = client.get(urls["approve"]).content.decode()
    assert "Eligibility" in page
    assert client.post(urls["approve"]).status_code == 302
    pledge.refresh_from_db()
    assert pledge.live and pledge.review_status == ReviewStatus.APPROVED

    response = client.post(urls["decline"], {"reason": ""})
    assert response.status_code == 200  # the reason is required
    client.post(urls["decline"], {"reason": f"Duplicate entry {XSS}"})
    pledge.refresh_from_db()
    assert not pledge.live and pledge.review_status == ReviewStatus.DECLINED
    history = client.get(urls["history"]).content.decode()
    assert "Declined" in history and XSS not in history


def test_submissions_cannot_be_added_edited_or_deleted(client, users, pledge):
    client.force_login(users["admin"])
    submission = PledgeSubmission.objects.get()
    for url in (
        "/admin/pledge_forms/pledgesubmission/create/",
        f"/admin/pledge_forms/pledgesubmission/edit/{submission.pk}/",
        f"/admin/pledge_forms/pledgesubmission/delete/{submission.pk}/",
    ):
        assert client.get(url).status_code in {302, 403, 404}, url
    assert PledgeSubmission.objects.count() == 1
    assert Pledge.objects.count() == 1


def test_the_plugin_imports_nothing_from_the_site():
    from pathlib import Path

    import pledge_forms

    root = Path(pledge_forms.__file__).parent
    for source in root.rglob("*.py"):
        text = source.read_text()
        for forbidden in ("campaign_pages", "from cms", "import cms"):
            assert forbidden not in text, f"{source} mentions {forbidden}"


def practices_formset_data(pledge, changes=None):
    """The edit form's practice rows as posted, with ``changes`` by checklist item id."""
    changes = changes or {}
    data = {}
    rows = list(pledge.practices.all())
    for index, row in enumerate(rows):
        status, note = changes.get(row.item_id, (row.status, row.note))
        data.update(
            {
                f"practices-{index}-id": str(row.pk),
                f"practices-{index}-item": str(row.item_id),
                f"practices-{index}-status": status,
                f"practices-{index}-note": note,
                f"practices-{index}-DELETE": "",
            }
        )
    data.update(
        {
            "practices-TOTAL_FORMS": str(len(rows)),
            "practices-INITIAL_FORMS": str(len(rows)),
            "practices-MIN_NUM_FORMS": "0",
            "practices-MAX_NUM_FORMS": "1000",
        }
    )
    return data


def test_reviewers_edit_each_practice_with_a_status_and_a_note(client, users, pledge):
    client.force_login(users["reviewer"])
    html = client.get(pledge_urls(pledge)["edit"]).content.decode()
    rows = list(pledge.practices.all())
    assert len(rows) == 25
    assert 'name="practices-0-status"' in html
    assert 'name="practices-24-note"' in html
    assert "practice_statuses" not in html


def test_a_pledge_added_in_the_admin_offers_every_practice_of_the_checklist(
    client, users, form_page
):
    client.force_login(users["admin"])
    html = client.get(
        reverse("wagtailsnippets_pledge_forms_pledge:add")
    ).content.decode()
    for index in range(25):
        assert f'name="practices-{index}-status"' in html
    assert 'name="practices-25-status"' not in html


def test_the_admin_form_saves_practice_statuses_from_the_rows(pledge, users):
    from django.forms.models import model_to_dict

    form_class = Pledge.snippet_viewset.get_form_class(for_update=True)
    item = pledge.form_page.checklist_items().first()
    data = {
        key: value
        for key, value in model_to_dict(pledge).items()
        if value is not None and key not in {"logo"}
    }
    data.update(
        practices_formset_data(pledge, {item.pk: ("in_place", f"Adopted {XSS}")})
    )
    form = form_class(data=data, instance=pledge, for_user=users["reviewer"])
    assert form.is_valid(), (form.errors, form.formsets["practices"].errors)
    form.save()
    pledge.refresh_from_db()
    row = pledge.practices.get(item=item)
    assert (row.status, row.note) == ("in_place", f"Adopted {XSS}")
    assert pledge.practices.count() == 25


def test_a_forged_status_is_refused_with_a_field_error(pledge, users):
    from django.forms.models import model_to_dict

    form_class = Pledge.snippet_viewset.get_form_class(for_update=True)
    item = pledge.form_page.checklist_items().first()
    data = {
        key: value
        for key, value in model_to_dict(pledge).items()
        if value is not None and key not in {"logo"}
    }
    data.update(practices_formset_data(pledge, {item.pk: ("<b>bogus</b>", "")}))
    form = form_class(data=data, instance=pledge, for_user=users["reviewer"])
    assert not form.is_valid()
    assert form.formsets["practices"].errors[0]["status"]


def test_the_inspect_view_shows_each_practice_readably(client, users, pledge):
    client.force_login(users["reviewer"])
    html = client.get(pledge_urls(pledge)["inspect"]).content.decode()
    item = pledge.form_page.checklist_items().first()
    assert f"{item.code} · {item.title}" in html
    assert "In progress" in html
    assert "{&#x27;" not in html and "&quot;status&quot;" not in html


def test_every_export_is_written_to_the_site_history(client, users, pledge):
    from wagtail.models import ModelLogEntry

    client.force_login(users["reviewer"])
    query = {"q": f"Agency {XSS}"}
    for export_format in ("csv", "xlsx"):
        response = client.get(
            pledge_urls(pledge)["index"], {**query, "export": export_format}
        )
        b"".join(response.streaming_content)
    response = client.get(pledge_urls(pledge)["index"], {"export": "csv"})
    b"".join(response.streaming_content)
    response = client.get(pledge_urls(pledge)["submissions"], {"export": "xlsx"})
    b"".join(response.streaming_content)

    entries = ModelLogEntry.objects.filter(action="pledge_forms.export").order_by("pk")
    assert [
        (entry.user, entry.data["format"], entry.data["rows"], entry.label)
        for entry in entries
    ] == [
        (users["reviewer"], "csv", 0, "Pledges"),
        (users["reviewer"], "xlsx", 0, "Pledges"),
        (users["reviewer"], "csv", 1, "Pledges"),
        (users["reviewer"], "xlsx", 1, "Pledge submissions"),
    ]

    client.force_login(users["admin"])
    html = client.get(reverse("wagtailadmin_reports:site_history")).content.decode()
    assert "Exported 1 row as CSV" in html
    assert "Exported 1 row as XLSX" in html
    assert "Exported 0 rows as CSV (filters: q: Agency &lt;script&gt;" in html
    assert "Pledge submissions" in html
    assert XSS not in html and "&lt;script&gt;" in html


def test_a_refused_export_leaves_no_audit_entry(client, users, pledge):
    from wagtail.models import ModelLogEntry

    client.force_login(users["communications"])
    response = client.get(pledge_urls(pledge)["export"])
    assert response.status_code in {302, 403}
    assert not ModelLogEntry.objects.filter(action="pledge_forms.export").exists()


@pytest.mark.parametrize("query", ["Agency", 'alert("x")', 'an "unbalanced quote'])
def test_searching_the_pledge_listing_never_fails(client, users, pledge, query):
    client.force_login(users["reviewer"])
    response = client.get(pledge_urls(pledge)["index"], {"q": query})
    assert response.status_code == 200


def test_the_pledge_listing_finds_agencies_by_legal_name_and_city(
    client, users, pledge, form_page
):
    other = submitted_pledge(
        form_page,
        "verified",
        legal_name="Northfield Constabulary",
        display_name="NFC",
        city="Lakeshore",
    )
    client.force_login(users["reviewer"])
    edit_url = pledge_urls(other)["edit"]
    for query in ("Northf", "Lakesh"):
        html = client.get(pledge_urls(pledge)["index"], {"q": query}).content.decode()
        assert edit_url in html, query
        assert pledge_urls(pledge)["edit"] not in html, query
    html = client.get(pledge_urls(pledge)["index"], {"q": "zzzqqq"}).content.decode()
    assert edit_url not in html


def test_the_pledge_listing_reads_like_wagtails_own(client, users, pledge, form_page):
    import re

    approved = submitted_pledge(form_page, "approved", legal_name="Northfield Police")
    Pledge.objects.filter(pk=approved.pk).update(eligible=False)
    client.force_login(users["reviewer"])
    html = client.get(pledge_urls(pledge)["index"]).content.decode()
    cells = re.findall(r"<td[^>]*>(.*?)</td>", html, flags=re.S)
    texts = [re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in cells]
    assert "True" not in texts and "False" not in texts
    assert pledge.country_name() in texts and pledge.region_name() in texts
    assert "Yes" in texts and "No" in texts
    # Wagtail's live/draft status tags, the live one highlighted
    assert "live" in texts and "draft" in texts
    assert html.count('class="w-status') == 2
    assert html.count("w-status--primary") == 1


def test_communications_staff_never_see_contact_details_in_revisions(
    client, users, pledge
):
    first = pledge.latest_revision
    pledge.chief_email = "new.chief@agency.example"
    pledge.chief_phone = "+1 555 0199"
    pledge.chief_name = "Secret Chief Name"
    second = pledge.save_revision()
    ns = "wagtailsnippets_pledge_forms_pledge"
    urls = [
        reverse(f"{ns}:history", args=[pledge.pk]),
        reverse(f"{ns}:revisions_compare", args=[pledge.pk, first.pk, second.pk]),
        reverse(f"{ns}:revisions_compare", args=[pledge.pk, "earliest", "latest"]),
        reverse(f"{ns}:revisions_view", args=[pledge.pk, first.pk]),
        reverse(f"{ns}:revisions_revert", args=[pledge.pk, first.pk]),
        reverse(f"{ns}:usage", args=[pledge.pk]),
    ]
    secrets = ["secret.chief@agency.example", "new.chief@agency.example", "0199"]
    client.force_login(users["communications"])
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert not [secret for secret in secrets if secret in html], url
        assert "Secret Chief Name" not in html, url
    client.force_login(users["reviewer"])
    html = client.get(urls[1]).content.decode()
    assert "Chief executive&#x27;s e-mail" in html and "Secret Chief Name" in html


def test_the_admin_loads_no_avatar_from_an_outside_service(client, users, pledge):
    client.force_login(users["reviewer"])
    for url in (
        reverse("wagtailadmin_reports:site_history"),
        pledge_urls(pledge)["history"],
        pledge_urls(pledge)["index"],
    ):
        html = client.get(url).content.decode()
        assert "gravatar.com" not in html, url


def test_inspect_names_the_country_and_state_and_keeps_decline_secondary(
    client, users, pledge
):
    import re

    client.force_login(users["reviewer"])
    html = client.get(pledge_urls(pledge)["inspect"]).content.decode()
    assert pledge.country_name() in html and pledge.region_name() in html
    decline = pledge_urls(pledge)["decline"]
    approve = pledge_urls(pledge)["approve"]
    assert re.search(rf'class="button button-secondary" href="{decline}"', html)
    assert re.search(rf'class="button" href="{approve}"', html)
    approved = submitted_pledge(pledge.form_page, "approved", legal_name="Northfield")
    html = client.get(pledge_urls(approved)["inspect"]).content.decode()
    decline = pledge_urls(approved)["decline"]
    assert re.search(rf'class="button button-secondary" href="{decline}"', html)


def test_the_submissions_inbox_reads_yes_no_in_a_fixed_number_of_queries(
    client, users, pledge, form_page, django_assert_max_num_queries
):
    import re

    client.force_login(users["reviewer"])
    url = pledge_urls(pledge)["submissions"]
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for number in range(8):
        submitted_pledge(form_page, "unverified", legal_name=f"Agency {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(url).content.decode()
    cells = [
        re.sub(r"<[^>]+>|\s+", " ", cell).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", html, flags=re.S)
    ]
    assert "True" not in cells and "False" not in cells
    assert cells.count("Yes") == 1 and cells.count("No") == 8

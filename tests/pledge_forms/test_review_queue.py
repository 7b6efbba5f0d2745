"""The reviewer's admin: the dashboard queue of pledges awaiting review, submission
answers shown as tables, and "Verified" meaning the submission's address was confirmed."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from pledge_forms import services
from pledge_forms.choices import ReviewStatus, SubmissionKind
from pledge_forms.models import PledgeSubmission
from pledge_forms.testing.factories import (
    PledgeFactory,
    PledgeSubmissionFactory,
    pledge_data,
    submitted_pledge,
)

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script>'
PANEL = 'id="pledge-review-queue-content"'


@pytest.fixture
def make_user(django_user_model):
    def make(name, group=None, superuser=False):
        user = django_user_model.objects.create_user(
            username=name, password="pw", is_superuser=superuser
        )
        if group:
            user.groups.add(Group.objects.get_or_create(name=group)[0])
        return user

    return make


@pytest.fixture
def reviewer(make_user):
    return make_user("reviewer", "Campaign reviewers")


def awaiting(name, days_ago, **extra):
    return PledgeFactory(
        legal_name=name,
        review_status=ReviewStatus.AWAITING_REVIEW,
        verified_at=timezone.now() - timedelta(days=days_ago, hours=1),
        **extra,
    )


def queue_rows(html):
    """(agency, link, days text) of each row of the panel, top to bottom."""
    panel = html[html.index(PANEL) :]
    rows = re.findall(r"<tr data-review-queue-row>(.*?)</tr>", panel, flags=re.S)
    result = []
    for row in rows:
        link = re.search(r'<a href="([^"]+)">(.*?)</a>', row, flags=re.S)
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        days = " ".join(re.sub(r"<[^>]+>", " ", cells[-1]).split())
        result.append((link.group(2).strip(), link.group(1), days))
    return result


def test_the_queue_lists_pledges_awaiting_review_oldest_first(client, reviewer):
    newest = awaiting("Newest Police", 1)
    oldest = awaiting("Oldest Police", 20)
    middle = awaiting("Middle Police", 7)
    # Not waiting for a review: unconfirmed, approved, declined.
    PledgeFactory(legal_name="Unconfirmed Police")
    PledgeFactory(
        legal_name="Approved Police",
        review_status=ReviewStatus.APPROVED,
        verified_at=timezone.now(),
    )
    PledgeFactory(legal_name="Declined Police", review_status=ReviewStatus.DECLINED)
    client.force_login(reviewer)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    rows = queue_rows(html)
    assert [name for name, _url, _days in rows] == [
        "Oldest Police",
        "Middle Police",
        "Newest Police",
    ]
    edit = "wagtailsnippets_pledge_forms_pledge:edit"
    assert [url for _name, url, _days in rows] == [
        reverse(edit, args=[pledge.pk]) for pledge in (oldest, middle, newest)
    ]
    # Past 7 days (the default) is marked in words; exactly 7 is not yet overdue.
    assert [days for _name, _url, days in rows] == ["20 Overdue", "7", "1"]
    assert "3 confirmed pledges are waiting" in html


def test_the_overdue_mark_follows_the_setting(client, reviewer, settings):
    settings.PLEDGE_FORMS_REVIEW_OVERDUE_DAYS = 2
    awaiting("Three Days Police", 3)
    awaiting("One Day Police", 1)
    client.force_login(reviewer)
    rows = queue_rows(client.get(reverse("wagtailadmin_home")).content.decode())
    assert [days for _name, _url, days in rows] == ["3 Overdue", "1"]


def test_the_queue_shows_n_rows_and_links_to_the_full_filtered_listing(
    client, reviewer, settings
):
    settings.PLEDGE_FORMS_REVIEW_QUEUE_ROWS = 3
    for number in range(5):
        awaiting(f"Agency {number}", 10 - number)
    client.force_login(reviewer)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert [name for name, _u, _d in queue_rows(html)] == [
        "Agency 0",
        "Agency 1",
        "Agency 2",
    ]
    listing = reverse("wagtailsnippets_pledge_forms_pledge:list")
    link = f"{listing}?review_status=awaiting_review"
    assert f'href="{link}"' in html
    assert "(2 more)" in html
    filtered = client.get(link).content.decode()
    assert all(f"Agency {n}" in filtered for n in range(5))


def test_agency_names_are_escaped_in_the_queue(client, reviewer):
    awaiting(XSS, 3)
    client.force_login(reviewer)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert XSS not in html
    assert "&lt;script&gt;" in html[html.index(PANEL) :]


def test_an_empty_queue_says_so(client, reviewer):
    client.force_login(reviewer)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert PANEL in html and "No pledge is waiting for a review." in html


@pytest.mark.parametrize(
    "group,superuser,shown",
    [
        ("Campaign reviewers", False, True),
        (None, True, True),
        ("Showcase curators", False, False),
    ],
)
def test_only_reviewers_see_the_queue(
    client, make_user, group, superuser, shown, django_user_model
):
    from django.contrib.auth.models import Permission

    curators, _ = Group.objects.get_or_create(name="Showcase curators")
    curators.permissions.add(
        Permission.objects.get(codename="access_admin"),
        *Permission.objects.filter(
            content_type__app_label="pledge_forms",
            codename__in=["view_pledge", "change_pledge"],
        ),
    )
    awaiting("Secret Queue Police", 3)
    client.force_login(make_user("someone", group, superuser))
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert (PANEL in html) is shown
    assert ("Secret Queue Police" in html) is shown


def test_the_dashboard_reads_the_queue_in_a_fixed_number_of_queries(
    client, reviewer, settings, django_assert_max_num_queries
):
    settings.PLEDGE_FORMS_REVIEW_QUEUE_ROWS = 10
    url = reverse("wagtailadmin_home")
    client.force_login(reviewer)
    for number in range(2):
        awaiting(f"Agency {number}", number + 1)
    client.get(url)
    with django_assert_max_num_queries(200) as few:
        client.get(url)
    for number in range(2, 20):
        awaiting(f"Agency {number}", number + 1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(url).content.decode()
    assert len(queue_rows(html)) == 10
    assert "(10 more)" in html


# --- Verified: the submission's own address --------------------------------------------


def inbox_verified_cells(client):
    """The Yes/No cells of the submissions inbox (its only such column)."""
    html = client.get(
        reverse("pledge_forms_pledgesubmission_modeladmin_index")
    ).content.decode()
    cells = [
        " ".join(re.sub(r"<[^>]+>", " ", cell).split())
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", html, flags=re.S)
    ]
    return [cell for cell in cells if cell in {"Yes", "No"}]


def answers_section(html):
    """The inspect view's "Answers" entry, up to the next one."""
    start = html.index("Answers")
    return html[start : html.index("<dt", start)]


def test_a_repeat_from_someone_who_never_confirmed_is_not_verified(
    client, reviewer, form_page, run_on_commit
):
    pledge = submitted_pledge(form_page, "verified")
    # Someone else sends the same agency again, with their own address: never confirmed.
    services.submit(
        form_page,
        pledge_data(form_page.checklist, chief_email="stranger@elsewhere.example"),
    )
    first, repeat = PledgeSubmission.objects.order_by("pk")
    assert (
        first.kind == SubmissionKind.PLEDGE and repeat.kind == SubmissionKind.DUPLICATE
    )
    assert repeat.pledge_id == pledge.pk
    client.force_login(reviewer)
    # Newest first: the repeat, then the confirmed first pledge.
    assert inbox_verified_cells(client) == ["No", "Yes"]
    index = reverse("pledge_forms_pledgesubmission_modeladmin_index")
    yes = client.get(index + "?verified=yes").content.decode()
    no = client.get(index + "?verified=no").content.decode()
    first_url = reverse(
        "pledge_forms_pledgesubmission_modeladmin_inspect", args=[first.pk]
    )
    repeat_url = reverse(
        "pledge_forms_pledgesubmission_modeladmin_inspect", args=[repeat.pk]
    )
    assert first_url in yes and repeat_url not in yes
    assert repeat_url in no and first_url not in no
    inspect = client.get(repeat_url).content.decode()
    assert re.search(r"Verified\s*</dt>\s*<dd>\s*No\s*</dd>", inspect), inspect


def test_an_unconfirmed_pledge_and_its_repeat_are_not_verified(
    client, reviewer, form_page, run_on_commit
):
    submitted_pledge(form_page, "unverified")
    services.submit(form_page, pledge_data(form_page.checklist))
    client.force_login(reviewer)
    assert inbox_verified_cells(client) == ["No", "No"]


# --- Practice statuses as tables ------------------------------------------------------


def test_the_submission_inspect_view_shows_answers_and_practices_as_tables(
    client, make_user, form_page, run_on_commit
):
    checklist = form_page.checklist
    item = checklist.sections.first().items.order_by("number").first()
    data = pledge_data(checklist, city=XSS)
    data[f"practice_{item.pk}"] = "in_place"
    data[f"note_{item.pk}"] = f"Private note {XSS}"
    result = services.submit(form_page, data)
    url = reverse(
        "pledge_forms_pledgesubmission_modeladmin_inspect",
        args=[result.submission.pk],
    )
    client.force_login(make_user("reviewer", "Campaign reviewers"))
    html = client.get(url).content.decode()
    assert XSS not in html
    answers = answers_section(html)
    # No raw dict: neither Python's nor JSON's, nor the form's field names.
    assert "{" not in answers and "practice_" not in answers
    assert "<table" in answers
    row = re.search(
        rf"<td>{item.number} · {item.code}</td>\s*<th scope=\"row\">{item.title}</th>"
        r"\s*<td>(.*?)</td>\s*<td>(.*?)</td>",
        html,
    )
    assert row, html
    assert row.group(1) == "In place"
    assert (
        row.group(2) == "Private note &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
    )
    assert "Riverside Falls Police Department" in html


def test_practice_notes_in_a_submission_need_the_contacts_right(
    client, make_user, form_page, run_on_commit
):
    from django.contrib.auth.models import Permission

    inbox_only, _ = Group.objects.get_or_create(name="Inbox readers")
    inbox_only.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_pledgesubmission"),
    )
    checklist = form_page.checklist
    item = checklist.sections.first().items.first()
    data = pledge_data(checklist)
    data[f"note_{item.pk}"] = "A private practice note"
    result = services.submit(form_page, data)
    url = reverse(
        "pledge_forms_pledgesubmission_modeladmin_inspect",
        args=[result.submission.pk],
    )
    client.force_login(make_user("reader", "Inbox readers"))
    html = client.get(url).content.decode()
    assert "In progress" in html
    assert "A private practice note" not in html


def test_the_revision_comparison_shows_practices_by_title_and_status_label(
    client, reviewer, form_page, run_on_commit
):
    from pledge_forms.models import Pledge

    pledge = submitted_pledge(form_page, "verified")
    first = pledge.save_revision()
    Pledge.objects.get(pk=pledge.pk).practices.update(status="in_place")
    second = Pledge.objects.get(pk=pledge.pk).save_revision()
    client.force_login(reviewer)
    url = reverse(
        "wagtailsnippets_pledge_forms_pledge:revisions_compare",
        args=[pledge.pk, first.pk, second.pk],
    )
    html = client.get(url).content.decode()
    item = form_page.checklist.sections.first().items.order_by("number").first()
    assert f"<dd>{item.number}. {item.title}</dd>" in html
    assert re.search(
        r'<span class="deletion">In progress</span><span class="addition">In place</span>',
        html,
    )
    assert "in_progress" not in html and "in_place" not in html


def test_a_practice_deleted_since_shows_by_the_wording_the_agency_saw(
    client, reviewer, form_page, run_on_commit
):
    checklist = form_page.checklist
    item = checklist.sections.first().items.order_by("number").first()
    data = pledge_data(checklist)
    data[f"practice_{item.pk}"] = "planned"
    labels = {f"practice_{item.pk}": "The old wording of practice one"}
    result = services.submit(form_page, data, labels)
    item.delete()
    url = reverse(
        "pledge_forms_pledgesubmission_modeladmin_inspect",
        args=[result.submission.pk],
    )
    client.force_login(reviewer)
    response = client.get(url)
    assert response.status_code == 200
    answers = answers_section(response.content.decode())
    assert re.search(
        r'<td>—</td>\s*<th scope="row">The old wording of practice one</th>'
        r"\s*<td>Planned within 12 months</td>",
        answers,
    )


def test_exported_answers_show_practice_statuses_by_their_label():
    submission = PledgeSubmissionFactory(
        form_data={"legal_name": "Label PD", "practice_7": "in_progress"},
        labels={"legal_name": "Legal name", "practice_7": "UF-1 Use of force policy"},
    )
    assert submission.answers_text().splitlines() == [
        "Legal name: Label PD",
        "UF-1 Use of force policy: In progress",
    ]

"""Privacy by default in the plugin: the consent wording each submission keeps, the erasure
of personal data when a retention period is over or on request, and the daily housekeeping
task that runs it."""

import datetime
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from wagtail.models import ModelLogEntry, Revision

from pledge_forms import housekeeping, services
from pledge_forms.choices import MailStatus, ReviewStatus, Stage
from pledge_forms.models import (
    ConsentText,
    OutgoingMail,
    Pledge,
    PledgeErasure,
    PledgeSubmission,
    ScheduledTask,
)
from pledge_forms.services import privacy
from pledge_forms.testing.factories import pledge_data
from tests.pledge_forms.steps_walk import step_url, walk
from tests.pledge_forms.test_public_form import form_post
from tests.pledge_forms.workers import run_worker_once

pytestmark = pytest.mark.django_db

CLIENT = "198.51.100.23"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
NOW = timezone.make_aware(datetime.datetime(2031, 6, 1, 12, 0))


def people(prefix: str) -> dict:
    """Answers that name or reach a person, each carrying a marker of ``prefix``."""
    low = prefix.lower()
    return {
        "chief_name": f"{prefix}Chiefname",
        "chief_title": f"{prefix}Chieftitle",
        "chief_email": f"{low}.chief@marker.example",
        "chief_phone": f"+1 555 {low}01",
        "contact_name": f"{prefix}Contactname",
        "contact_email": f"{low}.contact@marker.example",
        "contact_phone": f"+1 555 {low}02",
        "signatory_name": f"{prefix}Signatory",
        "signatory_title": f"{prefix}Signtitle",
        "public_statement": f"{prefix}Statement of commitment",
    }


def make_pledge(page, prefix: str, state: str, *, logo: bool = False) -> Pledge:
    """A pledge sent through the services (so it has a submission, a revision and
    e-mails), every personal answer carrying ``prefix``, brought to ``state``."""
    data = pledge_data(page.checklist, legal_name=f"{prefix} Police", **people(prefix))
    first_item = page.checklist_items().first()
    data[f"note_{first_item.pk}"] = f"{prefix}Practicenote"
    upload = ContentFile(b"\x89PNG fake", name=f"{prefix.lower()}logo.png")
    result = services.submit(
        page, data, client_address=f"{CLIENT}-{prefix}", logo=upload if logo else None
    )
    pledge = result.pledge
    if state == "unverified":
        return pledge
    pledge = services.verify(services.make_verify_token(pledge))
    if state == "declined":
        return services.decline(
            pledge, f"{prefix}Reason: the chief could not be reached"
        )
    return services.approve(pledge)


def age(pledge: Pledge, **fields) -> None:
    Pledge.objects.filter(pk=pledge.pk).update(**fields)


def database_text() -> str:
    """Every value of every table, as text (the database, grepped)."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (table names)
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks).lower()


def markers(prefix: str) -> list[str]:
    found = [value.lower() for value in people(prefix).values()]
    return [*found, f"{prefix}Practicenote".lower(), f"{prefix}Reason".lower()]


@pytest.fixture
def page(form_page):
    return form_page


# --- Consent wording -------------------------------------------------------------------------


def test_each_submission_keeps_the_consent_wording_the_agency_saw(client, page):
    client.post("/pledge/", form_post(page))
    client.post(
        "/pledge/", form_post(page, legal_name="Lakeside Police", region="US-WA")
    )
    first, second = PledgeSubmission.objects.order_by("pk")
    assert first.consent_id and first.consent_id == second.consent_id
    text = first.consent.text
    # The questions exactly as the form worded them, and the text around them.
    for line in (
        "List our agency publicly as a member once the pledge is approved.",
        "What may the public see on your member page?",
        "Contact e-mails and phone numbers are never shown.",
        "- Chief executive's name and title",
        "- Progress per practice",
    ):
        assert line in text.splitlines()
    assert first.consent.digest == ConsentText.digest_of(text)
    assert ConsentText.objects.count() == 1  # the text is kept once


def test_a_new_wording_or_notice_is_a_new_consent_version(client, page, settings):
    client.post("/pledge/", form_post(page))
    before = PledgeSubmission.objects.get().consent

    settings.PLEDGE_FORMS_PRIVACY_NOTICE_URL = "/our-privacy/"
    client.post("/pledge/", form_post(page, legal_name="Lakeside Police"))
    with_notice = PledgeSubmission.objects.latest("pk").consent
    assert with_notice != before
    assert "Privacy notice: Privacy notice </our-privacy/>" in with_notice.text

    labels = {"consent_listed": "Show us in the member list."}
    changed = privacy.consent_record(page, labels)
    assert changed not in (before, with_notice)
    assert changed.text.startswith("Show us in the member list.\n")
    # The earlier submissions still point at what they agreed to.
    assert PledgeSubmission.objects.order_by("pk").first().consent == before


def test_reviewers_see_the_consent_wording_on_the_submission(admin_client, page):
    admin_client.post("/pledge/", form_post(page))
    submission = PledgeSubmission.objects.get()
    response = admin_client.get(
        f"/admin/pledge_forms/pledgesubmission/inspect/{submission.pk}/"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "What may the public see on your member page?<br>" in body
    assert f"(version {submission.consent.digest[:12]})" in body


def test_the_form_links_the_privacy_notice_beside_consent_and_submit(
    client, page, settings
):
    settings.PLEDGE_FORMS_PRIVACY_NOTICE_URL = "/our-privacy/"
    settings.PLEDGE_FORMS_ACCESSIBILITY_URL = "/our-accessibility/"
    walk(client, page, until="commitment")
    body = client.get(step_url(page, "commitment")).content.decode()
    consent = body.index("What may the public see on your member page?")
    submit = body.index('<button type="submit" name="action" value="next"')
    links = [i for i in range(len(body)) if body.startswith('href="/our-privacy/"', i)]
    assert len(links) == 2
    assert consent < links[0] < body.index("Public statement (optional)")
    assert submit < links[1]  # the notice follows the step's buttons
    assert body.index('href="/our-accessibility/"') > submit
    check = client.get(step_url(page, "check")).content.decode()
    assert 'href="/our-privacy/"' in check


# --- Retention -------------------------------------------------------------------------------


def test_retention_erases_exactly_the_pledges_whose_period_is_over(
    page, settings, run_on_commit
):
    settings.PLEDGE_FORMS_RETENTION_DECLINED_DAYS = 180
    settings.PLEDGE_FORMS_RETENTION_UNVERIFIED_DAYS = 30
    settings.PLEDGE_FORMS_RETENTION_LAPSED_DAYS = 180
    day = timedelta(days=1)
    declined_old = make_pledge(page, "Declinedold", "declined")
    age(declined_old, declined_at=NOW - 181 * day)
    declined_new = make_pledge(page, "Declinednew", "declined")
    age(declined_new, declined_at=NOW - 179 * day)
    unverified_old = make_pledge(page, "Unverold", "unverified")
    age(unverified_old, created_at=NOW - 31 * day)
    unverified_new = make_pledge(page, "Unvernew", "unverified")
    age(unverified_new, created_at=NOW - 29 * day)
    lapsed_old = make_pledge(page, "Lapsedold", "approved")
    age(lapsed_old, deadline=(NOW - 181 * day).date())
    lapsed_new = make_pledge(page, "Lapsednew", "approved")
    age(lapsed_new, deadline=(NOW - 179 * day).date())
    completed = make_pledge(page, "Completedold", "approved")
    age(completed, deadline=(NOW - 400 * day).date(), stage=Stage.COMPLETED)
    for pledge in (declined_old, declined_new, unverified_old, unverified_new):
        age(pledge, deadline=(NOW + 900 * day).date())  # far from lapsing
    for pledge in (declined_new, unverified_new, lapsed_new, completed):
        age(pledge, created_at=NOW - 29 * day)
    for pledge in (declined_old, lapsed_old, completed):
        age(pledge, created_at=NOW - 500 * day)

    assert privacy.due_for_erasure(NOW) == {
        "declined": [declined_old.pk],
        "unverified": [unverified_old.pk],
        "lapsed": [lapsed_old.pk],
    }
    counts = privacy.apply_retention(NOW)
    assert counts == {"declined": 1, "unverified": 1, "lapsed": 1, "orphans": 0}
    erased = dict(PledgeErasure.objects.values_list("pledge_id", "reason"))
    assert erased == {
        declined_old.pk: "declined",
        unverified_old.pk: "unverified",
        lapsed_old.pk: "lapsed",
    }
    text = database_text()
    for prefix in ("Declinedold", "Unverold", "Lapsedold"):
        for marker in markers(prefix):
            assert marker not in text, marker
    for prefix in ("Declinednew", "Unvernew", "Lapsednew", "Completedold"):
        assert people(prefix)["chief_email"] in text
    # Once is enough: a second run finds nothing.
    assert privacy.apply_retention(NOW) == {
        "declined": 0,
        "unverified": 0,
        "lapsed": 0,
        "orphans": 0,
    }


def test_an_erased_pledge_keeps_what_is_counted_and_frees_the_agency_to_pledge_again(
    page, run_on_commit
):
    pledge = make_pledge(page, "Gone", "declined")
    kept = {
        name: getattr(pledge, name)
        for name in (
            "agency_type",
            "country",
            "region",
            "size_band",
            "stage",
            "review_status",
            "pledged_at",
            "deadline",
            "declined_at",
        )
    }
    statuses = sorted(pledge.practices.values_list("item_id", "status"))
    privacy.erase(pledge, "declined")
    pledge.refresh_from_db()
    assert {name: getattr(pledge, name) for name in kept} == kept
    assert sorted(pledge.practices.values_list("item_id", "status")) == statuses
    assert pledge.legal_name == f"Erased pledge {pledge.pk}"
    assert (pledge.chief_email, pledge.public_statement, pledge.logo.name) == (
        "",
        "",
        "",
    )

    again = services.submit(page, pledge_data(page.checklist, legal_name="Gone Police"))
    assert not again.duplicate and again.pledge.pk != pledge.pk


def test_erasure_reaches_revisions_submissions_mails_logs_and_logo_files(
    page, run_on_commit, django_capture_on_commit_callbacks
):
    pledge = make_pledge(page, "Wipe", "declined", logo=True)
    logo = pledge.logo.name
    assert default_storage.exists(logo)
    OutgoingMail.objects.filter(pledge=pledge).update(status=MailStatus.PENDING)
    client_hash = PledgeSubmission.objects.get(pledge=pledge).client_hash
    assert client_hash and client_hash.lower() in database_text()

    with django_capture_on_commit_callbacks(execute=True):
        privacy.erase(pledge, "request")

    assert not default_storage.exists(logo)
    text = database_text()
    for marker in [*markers("Wipe"), "wipe police", client_hash.lower(), "wipelogo"]:
        assert marker not in text, marker
    submission = PledgeSubmission.objects.get(pledge=pledge)
    assert submission.form_data["country"] == "US"
    assert submission.form_data["chief_email"] == ""
    assert submission.client_hash == ""
    for revision in Revision.objects.for_instance(pledge):
        assert revision.content["chief_email"] == ""
    mails = OutgoingMail.objects.filter(pledge=pledge)
    assert mails.exists()
    assert {(m.status, tuple(m.to), m.body_text) for m in mails} == {
        (MailStatus.FAILED, (), "")
    }


def test_a_lapsed_member_stays_in_the_showcase_without_its_people(page, run_on_commit):
    member = make_pledge(page, "Stays", "approved")
    age(member, deadline=(NOW - timedelta(days=400)).date())
    privacy.apply_retention(NOW)
    member.refresh_from_db()
    assert member.live and member.review_status == ReviewStatus.APPROVED
    assert member.display_name == "Stays Police"
    assert member.chief_name == "" and not member.consent_show_chief
    live = member.live_revision.as_object()
    assert (live.display_name, live.chief_email, live.public_statement) == (
        "Stays Police",
        "",
        "",
    )


def test_orphaned_submissions_and_mails_of_deleted_pledges_are_erased(
    page, run_on_commit
):
    pledge = make_pledge(page, "Orphan", "unverified")
    Pledge.objects.filter(pk=pledge.pk).delete()  # what the old purge did
    PledgeSubmission.objects.update(submit_time=NOW - timedelta(days=31))
    OutgoingMail.objects.update(created_at=NOW - timedelta(days=31))
    assert privacy.erase_orphans(NOW) == 2  # the submission and the confirmation
    text = database_text()
    for marker in people("Orphan").values():
        assert marker.lower() not in text
    assert privacy.erase_orphans(NOW) == 0


# --- Erasure on request, over HTTP -----------------------------------------------------------


@pytest.fixture
def staff(django_user_model):
    def make(name, group=None):
        user = django_user_model.objects.create_user(username=name, password="pw")
        if group:
            user.groups.add(Group.objects.get(name=group))
        return user

    curators, _ = Group.objects.get_or_create(name="Showcase curators")
    curators.permissions.add(
        *Permission.objects.filter(
            Q(content_type__app_label="wagtailadmin", codename="access_admin")
            | Q(
                content_type__app_label="pledge_forms",
                codename__in=["view_pledge", "change_pledge"],
            )
        )
    )
    return {
        "reviewer": make("reviewer", "Campaign reviewers"),
        "curator": make("curator", "Showcase curators"),
        "nobody": make("x"),
    }


def test_erasure_on_request_asks_first_then_erases_and_logs_who(
    client, page, staff, run_on_commit
):
    pledge = make_pledge(page, "Asked", "approved")
    url = reverse("pledge_forms_erasure:erase", args=[pledge.pk])

    client.force_login(staff["nobody"])  # no admin access: sent to the login page
    assert client.get(url).url.startswith("/admin/login/")
    assert client.post(url).url.startswith("/admin/login/")
    # Edits pledges but may not delete them: refused (Wagtail sends a refused admin
    # user back to the dashboard with a message).
    client.force_login(staff["curator"])
    for response in (client.get(url), client.post(url)):
        assert (response.status_code, response.url) == (302, "/admin/")
    listing = client.get(reverse("wagtailsnippets_pledge_forms_pledge:list"))
    assert url not in listing.content.decode()
    assert not PledgeErasure.objects.exists()

    client.force_login(staff["reviewer"])
    listing = client.get(reverse("wagtailsnippets_pledge_forms_pledge:list"))
    assert url in listing.content.decode()
    confirm = client.get(url)
    body = confirm.content.decode()
    assert confirm.status_code == 200
    for label in ("Chief executive&#x27;s e-mail", "Public statement", "Logo"):
        assert label in body
    assert "stays there with the agency" in body  # a live member keeps its listing
    assert Pledge.objects.get(pk=pledge.pk).chief_email  # nothing erased on GET

    response = client.post(url)
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.chief_email == "" and pledge.erasure.erased_by == staff["reviewer"]
    entry = ModelLogEntry.objects.for_instance(pledge).get(action="pledge_forms.erase")
    assert entry.user == staff["reviewer"] and entry.data["reason"] == "request"
    assert "chief_email" in entry.data["fields"]
    history = client.get(
        reverse("wagtailsnippets_pledge_forms_pledge:history", args=[pledge.pk])
    ).content.decode()
    assert "Personal data erased (Erased on request)" in history

    # Asking twice erases nothing more and logs nothing more.
    client.post(url)
    assert ModelLogEntry.objects.filter(action="pledge_forms.erase").count() == 1
    assert "was erased on" in client.get(url).content.decode()


def test_an_unknown_pledge_is_a_404_for_those_allowed(client, staff):
    client.force_login(staff["reviewer"])
    response = client.get(reverse("pledge_forms_erasure:erase", args=[999999]))
    assert response.status_code == 404


# --- Housekeeping ----------------------------------------------------------------------------


def test_housekeeping_runs_and_reschedules_itself_once(
    page, settings, monkeypatch, run_on_commit
):
    settings.TASKS = DATABASE_TASKS
    stale = make_pledge(page, "Housekept", "unverified")
    age(stale, created_at=timezone.now() - timedelta(days=400))

    first = housekeeping.schedule_housekeeping()
    assert first
    assert housekeeping.schedule_housekeeping() is None  # one waiting run is enough
    call_command("schedule_housekeeping", stdout=io.StringIO())
    waiting = DBTaskResult.objects.filter(
        task_path="pledge_forms.housekeeping.housekeeping"
    )
    assert waiting.count() == 1

    run_worker_once(monkeypatch)

    assert PledgeErasure.objects.filter(pledge=stale, reason="unverified").exists()
    rows = {str(row.id): row for row in waiting.all()}
    assert rows[first].status == "SUCCESSFUL"
    later = [row for pk, row in rows.items() if pk != str(first)]
    assert len(later) == 1 and later[0].status == "READY"
    assert later[0].run_after > timezone.now() + timedelta(hours=23)
    schedule = ScheduledTask.objects.get(name=housekeeping.HOUSEKEEPING)
    assert str(schedule.task_id) == str(later[0].id)
    assert "unverified: 1" in schedule.last_result

    # The worker does not run the next one early, and no one adds a second.
    run_worker_once(monkeypatch)
    assert housekeeping.schedule_housekeeping() is None
    assert waiting.count() == 2 and waiting.filter(status="READY").count() == 1


def test_housekeeping_enqueues_again_when_its_task_was_lost(settings):
    settings.TASKS = DATABASE_TASKS
    first = housekeeping.schedule_housekeeping()
    DBTaskResult.objects.filter(id=first).delete()  # pruned, or the queue was reset
    second = housekeeping.schedule_housekeeping()
    assert second and second != first
    DBTaskResult.objects.filter(id=second).update(
        status="RUNNING", run_after=timezone.now() - timedelta(days=2)
    )
    ScheduledTask.objects.update(run_after=timezone.now() - timedelta(days=2))
    assert housekeeping.schedule_housekeeping()  # its worker died long ago


def test_without_a_deferring_backend_the_command_runs_housekeeping_at_once(
    page, run_on_commit
):
    stale = make_pledge(page, "Cron", "unverified")
    age(stale, created_at=timezone.now() - timedelta(days=400))
    out = io.StringIO()
    call_command("schedule_housekeeping", "--now", stdout=out)
    assert "Housekeeping done (declined: 0, unverified: 1" in out.getvalue()
    assert "cannot defer" in out.getvalue()
    assert PledgeErasure.objects.filter(pledge=stale).exists()

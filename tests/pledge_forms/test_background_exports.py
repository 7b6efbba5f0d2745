"""Exports of more rows than PLEDGE_FORMS_EXPORT_BACKGROUND_ROWS are written by the task
worker into private storage and downloaded from Reports → My exports."""

import csv
import io

import openpyxl
import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.models import ModelLogEntry

from pledge_forms import tasks
from pledge_forms.choices import ExportStatus
from pledge_forms.models import ExportJob
from pledge_forms.models.exports import private_storage
from pledge_forms.testing.factories import submitted_pledge

pytestmark = pytest.mark.django_db

PLEDGES = reverse("wagtailsnippets_pledge_forms_pledge:list")
SUBMISSIONS = "/admin/pledge_forms/pledgesubmission/"
MY_EXPORTS = reverse("pledge_forms_exports:index")
CHIEF_EMAIL = "secret.chief@agency.example"


@pytest.fixture(autouse=True)
def threshold(settings):
    settings.PLEDGE_FORMS_EXPORT_BACKGROUND_ROWS = 2


@pytest.fixture
def pledges(form_page, run_on_commit):
    return [
        submitted_pledge(
            form_page,
            "verified",
            legal_name=f"Agency {n}",
            public_statement=f'=HYPERLINK("http://evil.example/{n}")',
            chief_email=CHIEF_EMAIL,
        )
        for n in range(3)
    ]


@pytest.fixture
def make_user(django_user_model):
    def make(name, group="Campaign reviewers", extra=()):
        user = django_user_model.objects.create_user(username=name, password="pw")
        user.groups.add(Group.objects.get(name=group))
        user.user_permissions.add(
            *Permission.objects.filter(codename__in=["access_admin", *extra])
        )
        return user

    return make


@pytest.fixture
def reviewer(make_user):
    return make_user("reviewer")


def export_in_background(client, url, params, django_capture_on_commit_callbacks):
    """Ask for an export that is too large for the request; the task runs at once (the
    test settings' immediate backend) once the request's transaction commits."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(url, {**params}, follow=True)
    job = ExportJob.objects.latest("pk")
    return response, job


def csv_rows(job):
    with job.file.open("rb") as file:
        return list(csv.DictReader(io.StringIO(file.read().decode())))


def test_an_export_below_the_threshold_streams_as_before(
    client, reviewer, pledges, settings
):
    settings.PLEDGE_FORMS_EXPORT_BACKGROUND_ROWS = 3
    client.force_login(reviewer)
    response = client.get(PLEDGES, {"export": "csv"})
    assert response.status_code == 200 and response.streaming
    assert b"".join(response.streaming_content).decode().count("Agency") >= 3
    assert not ExportJob.objects.exists()


def test_a_large_export_is_prepared_by_the_worker_with_the_same_rows_and_columns(
    client, reviewer, pledges, django_capture_on_commit_callbacks, settings
):
    client.force_login(reviewer)
    response, job = export_in_background(
        client, PLEDGES, {"export": "csv"}, django_capture_on_commit_callbacks
    )
    assert response.redirect_chain == [(PLEDGES, 302)]
    assert "the file is being prepared" in response.content.decode()
    assert MY_EXPORTS in response.content.decode()

    assert (job.user, job.status, job.rows) == (reviewer, ExportStatus.DONE, 3)
    # In private storage, never under public media (the storage object itself may be
    # made again when another test changes the settings).
    assert private_storage().exists(job.file.name)
    assert not job.file.path.startswith(str(settings.MEDIA_ROOT))
    rows = csv_rows(job)
    assert sorted(row["Legal name"] for row in rows) == [
        "Agency 0",
        "Agency 1",
        "Agency 2",
    ]
    assert {row["Chief executive's e-mail"] for row in rows} == {CHIEF_EMAIL}
    assert all(row["Public statement"].startswith("'=HYPERLINK") for row in rows)

    entries = ModelLogEntry.objects.filter(action="pledge_forms.export")
    assert [(e.user, e.data["format"], e.data["rows"]) for e in entries] == [
        (reviewer, "csv", 3)
    ]

    settings.PLEDGE_FORMS_EXPORT_BACKGROUND_ROWS = 3
    streamed = b"".join(client.get(PLEDGES, {"export": "csv"}).streaming_content)
    assert list(csv.DictReader(io.StringIO(streamed.decode()))) == rows


def test_the_worker_keeps_the_filters_and_leaves_out_contacts_without_permission(
    client, make_user, pledges, django_capture_on_commit_callbacks, settings
):
    settings.PLEDGE_FORMS_EXPORT_BACKGROUND_ROWS = 1
    curator = make_user("curator", group="Campaign reviewers", extra=["export_pledge"])
    curator.groups.clear()
    curator.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="pledge_forms",
            codename__in=["view_pledge", "change_pledge"],
        )
    )
    client.force_login(curator)
    _, job = export_in_background(
        client,
        PLEDGES,
        {"export": "csv", "q": "Agency"},
        django_capture_on_commit_callbacks,
    )
    assert job.status == ExportStatus.DONE, job.error
    assert job.query == "q=Agency"
    rows = csv_rows(job)
    assert rows and "Chief executive's e-mail" not in rows[0]
    assert CHIEF_EMAIL not in str(rows)


def test_a_large_submissions_workbook_is_prepared_by_the_worker(
    client, reviewer, pledges, django_capture_on_commit_callbacks
):
    client.force_login(reviewer)
    _, job = export_in_background(
        client, SUBMISSIONS, {"export": "xlsx"}, django_capture_on_commit_callbacks
    )
    assert job.status == ExportStatus.DONE, job.error
    with job.file.open("rb") as file:
        sheet = openpyxl.load_workbook(io.BytesIO(file.read())).active
    assert len(list(sheet.iter_rows(min_row=2))) == 3
    assert job.filename.endswith(".xlsx")


def test_only_the_owner_with_the_export_permission_downloads_the_file(
    client, reviewer, make_user, pledges, django_capture_on_commit_callbacks
):
    client.force_login(reviewer)
    _, job = export_in_background(
        client, PLEDGES, {"export": "csv"}, django_capture_on_commit_callbacks
    )
    download = reverse("pledge_forms_exports:download", args=[job.pk])
    page = client.get(MY_EXPORTS).content.decode()
    assert download in page
    assert MY_EXPORTS in client.get(reverse("wagtailadmin_home")).content.decode()

    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode().count(CHIEF_EMAIL) == 3
    assert job.filename in response["Content-Disposition"]

    other = make_user("other reviewer")
    client.force_login(other)
    assert client.get(download).status_code == 404
    assert download not in client.get(MY_EXPORTS).content.decode()

    client.logout()
    response = client.get(download)
    assert response.status_code == 302 and "/login/" in response["Location"]

    reviewer.groups.clear()
    reviewer.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="pledge_forms", codename="view_pledge"
        )
    )
    client.force_login(reviewer)
    response = client.get(
        download
    )  # Wagtail's answer to a refusal: back to the dashboard
    assert response.status_code == 302 and response["Location"] == reverse(
        "wagtailadmin_home"
    )


def test_running_the_task_again_writes_no_second_file_or_log_entry(
    client, reviewer, pledges, django_capture_on_commit_callbacks
):
    client.force_login(reviewer)
    _, job = export_in_background(
        client, PLEDGES, {"export": "csv"}, django_capture_on_commit_callbacks
    )
    _, files = private_storage().listdir("pledge_forms/exports/")
    assert tasks.export(job.pk) == tasks.Outcome.SKIPPED
    assert private_storage().listdir("pledge_forms/exports/")[1] == files
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.file.name.endswith(".csv")
    assert ModelLogEntry.objects.filter(action="pledge_forms.export").count() == 1


def test_a_failed_export_records_its_error_and_shows_it(
    client, reviewer, pledges, django_capture_on_commit_callbacks, monkeypatch
):
    def refuse(*args, **kwargs):
        raise OSError("private storage is full")

    monkeypatch.setattr(type(private_storage()), "save", refuse)
    client.force_login(reviewer)
    _, job = export_in_background(
        client, PLEDGES, {"export": "csv"}, django_capture_on_commit_callbacks
    )
    assert job.status == ExportStatus.FAILED
    assert "private storage is full" in job.error
    page = client.get(MY_EXPORTS).content.decode()
    assert "Failed" in page and "private storage is full" in page
    assert reverse("pledge_forms_exports:download", args=[job.pk]) not in page

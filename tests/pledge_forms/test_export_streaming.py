"""Admin exports of many submissions stream in pieces with a fixed number of queries."""

import csv
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pledge_forms.admin import exports
from pledge_forms.testing.factories import PledgeFactory, PledgeSubmissionFactory

pytestmark = pytest.mark.django_db

EXPORT_URL = "/admin/pledge_forms/pledgesubmission/?export="


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(
        django_user_model.objects.create_user(
            username="exporter", password="pw", is_superuser=True
        )
    )
    return client


def add_submissions(form_page, count, start=0):
    for n in range(start, start + count):
        PledgeSubmissionFactory(
            page=form_page,
            pledge=PledgeFactory(legal_name=f"Agency {n}"),
            form_data={"legal_name": f"=Agency {n}"},
        )


def export(client, fmt):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(EXPORT_URL + fmt)
        chunks = list(response.streaming_content)
    assert response.status_code == 200
    return chunks, len(captured)


def test_submission_export_runs_the_same_queries_for_3_or_30_rows(
    admin_client, form_page
):
    add_submissions(form_page, 3)
    export(admin_client, "csv")  # warm per-process caches
    _, few = export(admin_client, "csv")
    add_submissions(form_page, 27, start=3)
    chunks, many = export(admin_client, "csv")
    assert few == many
    rows = list(csv.reader(io.StringIO(b"".join(chunks).decode())))[1:]
    assert len(rows) == 30
    assert {row[3] for row in rows} == {f"Agency {n}" for n in range(30)}
    assert {row[4] for row in rows} == {f"'=Agency {n}" for n in range(30)}


def test_submission_csv_is_sent_in_pieces_not_in_one_block(
    admin_client, form_page, monkeypatch
):
    monkeypatch.setattr(exports, "CSV_ROWS_PER_CHUNK", 4)
    add_submissions(form_page, 10)
    chunks, _ = export(admin_client, "csv")
    assert len(chunks) >= 3
    assert b"".join(chunks).decode().count("'=Agency") == 10


def test_submission_xlsx_export_is_a_workbook_with_every_row(admin_client, form_page):
    add_submissions(form_page, 5)
    chunks, _ = export(admin_client, "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(chunks))).active
    names = [row[4] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == sorted(f"'=Agency {n}" for n in range(5))


def test_an_export_reads_no_row_before_writing_the_file(admin_client, settings):
    """The listing's own context (its table, the unpaginated row count) is not built
    for an export: with 50,000 pledges it read every one into memory first."""
    for n in range(3):
        PledgeFactory(legal_name=f"Agency {n}")
    settings.PLEDGE_FORMS_EXPORT_BACKGROUND_ROWS = 2
    url = reverse("wagtailsnippets_pledge_forms_pledge:list") + "?export=csv"

    with CaptureQueriesContext(connection) as captured:
        response = admin_client.get(url)

    assert response.status_code == 302  # the task worker writes it
    reads = [
        query["sql"]
        for query in captured
        if 'FROM "pledge_forms_pledge"' in query["sql"] and "COUNT(" not in query["sql"]
    ]
    assert reads == []

"""Every spreadsheet export of the admin, Wagtail's own included, neutralises formulas
(cms/spreadsheets.py)."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.models import ModelLogEntry

from cms.spreadsheets import neutralise_every_export
from pledge_forms.models import Pledge

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://x","y")'


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser(
        username="exporter", email="exporter@example.org", password="x" * 16
    )
    client.force_login(user)
    return client


@pytest.fixture
def typed_by_the_public(db):
    """A log entry naming an object whose name the public typed (a pledge's agency name)."""
    for label in (FORMULA, "+1+2", "-3", "@SUM(A1)", "\tcmd", "\rcmd", "Plain agency"):
        ModelLogEntry.objects.create(
            content_type=ContentType.objects.get_for_model(Pledge),
            object_id="1",
            label=label,
            action="wagtail.edit",
            timestamp=timezone.now(),
        )


def site_history(client, export_format):
    response = client.get(
        reverse("wagtailadmin_reports:site_history"), {"export": export_format}
    )
    assert response.status_code == 200
    return (
        b"".join(response.streaming_content) if response.streaming else response.content
    )


def test_the_site_history_csv_export_neutralises_formulas(
    admin_client, typed_by_the_public
):
    rows = list(csv.DictReader(io.StringIO(site_history(admin_client, "csv").decode())))
    names = {row["Name"] for row in rows}
    assert "'" + FORMULA in names
    assert {"'+1+2", "'-3", "'@SUM(A1)", "'\tcmd", "'\rcmd", "Plain agency"} <= names
    assert FORMULA not in names


def test_the_site_history_xlsx_export_neutralises_formulas(
    admin_client, typed_by_the_public
):
    sheet = load_workbook(io.BytesIO(site_history(admin_client, "xlsx"))).active
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    column = header.index("Name")
    names = {row[column] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert "'" + FORMULA in names
    assert FORMULA not in names


def test_a_pledge_export_is_not_prefixed_twice(admin_client):
    from pledge_forms.testing.factories import PledgeFactory

    PledgeFactory(display_name=FORMULA)
    response = admin_client.get(
        reverse("wagtailsnippets_pledge_forms_pledge:list"), {"export": "csv"}
    )
    text = b"".join(response.streaming_content).decode()
    assert f"'{FORMULA}" in text.replace('""', '"')
    assert f"''{FORMULA}" not in text.replace('""', '"')


def test_installing_twice_wraps_once():
    before = SpreadsheetExportMixin.preprocess_field_value
    neutralise_every_export()
    assert SpreadsheetExportMixin.preprocess_field_value is before
    assert before.neutralises_formulas

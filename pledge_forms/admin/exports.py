"""Spreadsheet export that never hands a spreadsheet a formula typed by the public, and that
keeps memory flat whatever the number of rows: rows are read from the database in chunks,
CSV is streamed as it is written and XLSX is written to a temporary file, not to memory.
Every export of a listing is written to Wagtail's audit log (Reports → Site history).
An export of more rows than ``PLEDGE_FORMS_EXPORT_BACKGROUND_ROWS`` is written by the task
worker instead (``BackgroundExportMixin``, ``pledge_forms.tasks``)."""

import csv
import tempfile

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import FileResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin import messages
from wagtail.log_actions import LogFormatter
from wagtail.models import ModelLogEntry

from pledge_forms import conf, tasks
from pledge_forms.models.exports import ExportJob

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")

# Rows fetched from the database at a time, and CSV rows sent to the client at a time.
EXPORT_CHUNK_SIZE = 2000
CSV_ROWS_PER_CHUNK = 200

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    """Text that a spreadsheet would read as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class ChunkedRows:
    """A queryset read ``chunk_size`` rows at a time instead of all at once (a queryset
    iterated in a ``for`` loop keeps every row in its result cache until the end)."""

    def __init__(self, queryset: models.QuerySet, chunk_size: int = EXPORT_CHUNK_SIZE):
        self.queryset = queryset
        self.model = queryset.model
        self.chunk_size = chunk_size

    def __iter__(self):
        return self.queryset.iterator(chunk_size=self.chunk_size)

    def __len__(self):
        return self.queryset.count()

    def __getattr__(self, name):
        return getattr(self.queryset, name)


class _Lines:
    """A file-like object collecting what the CSV writer writes, handed out in pieces."""

    def __init__(self):
        self.parts = []

    def write(self, value):
        self.parts.append(value)
        return len(value)

    def take(self) -> str:
        text = "".join(self.parts)
        self.parts = []
        return text


class StreamingExportMixin:
    """For views using Wagtail's ``SpreadsheetExportMixin``: flat memory for any number of
    rows, and the related objects named in ``list_export`` fetched with the rows (one query
    per chunk instead of one per row)."""

    def get_context_data(self, **kwargs):
        if getattr(self, "is_export", False):
            # Only the rows, read as the file is written (as_spreadsheet): the listing's
            # context (its table, and Wagtail's items_count, len() of the unpaginated
            # rows) would read every row into memory first.
            return {"view": self, "object_list": self.object_list, **kwargs}
        return super().get_context_data(**kwargs)

    def export_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        related = []
        for name in self.list_export:
            try:
                field = queryset.model._meta.get_field(name)
            except FieldDoesNotExist:  # a method or property, not a field
                continue
            if isinstance(field, models.ForeignKey):
                related.append(name)
        return queryset.select_related(*related) if related else queryset

    def as_spreadsheet(self, queryset, spreadsheet_format):
        if isinstance(queryset, models.QuerySet):
            queryset = ChunkedRows(self.export_queryset(queryset))
        return super().as_spreadsheet(queryset, spreadsheet_format)

    def count_export_rows(self, queryset) -> int:
        """The number of rows exported (one query, counted once per request)."""
        if not hasattr(self, "_export_rows"):
            if isinstance(queryset, models.QuerySet):
                self._export_rows = queryset.order_by().count()
            else:
                self._export_rows = len(queryset)
        return self._export_rows

    def stream_csv(self, queryset):
        """The CSV a few hundred rows at a time."""
        lines = _Lines()
        writer = csv.DictWriter(lines, fieldnames=self.list_export)
        writer.writerow(
            {field: self.get_heading(queryset, field) for field in self.list_export}
        )
        for count, item in enumerate(queryset, start=1):
            self.write_csv_row(writer, self.to_row_dict(item))
            if count % CSV_ROWS_PER_CHUNK == 0:
                yield lines.take()
        yield lines.take()

    def write_xlsx_response(self, queryset):
        """The workbook (openpyxl's write-only mode) in a temporary file, sent from there."""
        # Closed (and so removed) by the response once sent.
        output = tempfile.TemporaryFile()  # noqa: SIM115
        try:
            self.write_xlsx(queryset, output)
        except BaseException:
            output.close()
            raise
        output.seek(0)
        return FileResponse(
            output,
            as_attachment=True,
            content_type=XLSX_CONTENT_TYPE,
            filename=f"{self.get_filename()}.xlsx",
        )


class NeutralisingExportMixin(StreamingExportMixin):
    """For views using Wagtail's ``SpreadsheetExportMixin`` (CSV and XLSX)."""

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        return neutralise(value)


EXPORT_ACTION = "pledge_forms.export"

# An export concerns a listing, not one object: its log entry points at no object.
LISTING_OBJECT_ID = "0"


class ExportFormatter(LogFormatter):
    """Site history: "Exported 12 rows as CSV", with the filters used if any."""

    label = _("Export")

    def format_message(self, log_entry):
        data = log_entry.data
        values = {
            "rows": data.get("rows", 0),
            "format": str(data.get("format", "")).upper(),
            "query": data.get("query", ""),
        }
        if values["query"]:
            message = ngettext(
                "Exported %(rows)s row as %(format)s (filters: %(query)s)",
                "Exported %(rows)s rows as %(format)s (filters: %(query)s)",
                values["rows"],
            )
        else:
            message = ngettext(
                "Exported %(rows)s row as %(format)s",
                "Exported %(rows)s rows as %(format)s",
                values["rows"],
            )
        return message % values


def log_export(user, model, export_format: str, rows: int, query: str = ""):
    """Write one export of a listing of ``model`` to Wagtail's audit log."""
    return ModelLogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_id=LISTING_OBJECT_ID,
        label=str(model._meta.verbose_name_plural).capitalize(),
        action=EXPORT_ACTION,
        data={"format": export_format, "rows": rows, "query": query},
        user=user,
        timestamp=timezone.now(),
    )


class AuditedExportMixin:
    """For views using Wagtail's ``SpreadsheetExportMixin``: every CSV/XLSX export is
    written to the audit log with the user, the format, the number of rows and the
    filters used (one extra query to count the rows)."""

    def as_spreadsheet(self, queryset, spreadsheet_format):
        response = super().as_spreadsheet(queryset, spreadsheet_format)
        if response is not None:
            rows = self.count_export_rows(queryset)
            filters = ", ".join(
                f"{key}: {value}"
                for key, values in self.request.GET.lists()
                if key != "export"
                for value in values
                if value
            )
            log_export(self.request.user, self.model, spreadsheet_format, rows, filters)
        return response


class BackgroundExportMixin:
    """For views using ``AuditedExportMixin`` (put it before): an export of more rows than
    ``PLEDGE_FORMS_EXPORT_BACKGROUND_ROWS`` is stored as an ``ExportJob`` and the user sent
    back to the listing; the task worker replays this request to write the file (same view,
    filters, columns and audit-log entry), which the user downloads from "My exports" as
    long as they have ``export_permission``."""

    export_permission: str

    def as_spreadsheet(self, queryset, spreadsheet_format):
        rows = self.count_export_rows(queryset)
        job = getattr(self.request, tasks.EXPORT_JOB_ATTR, None)
        if job is not None:  # the task worker replaying the request
            job.rows = rows
        elif rows > conf.get("EXPORT_BACKGROUND_ROWS"):
            return self.start_background_export(spreadsheet_format)
        return super().as_spreadsheet(queryset, spreadsheet_format)

    def start_background_export(self, spreadsheet_format):
        query = self.request.GET.copy()
        query.pop("export", None)
        job = ExportJob.objects.create(
            user=self.request.user,
            label=capfirst(self.model._meta.verbose_name_plural),
            path=self.request.path_info,
            query=query.urlencode(),
            export_format=spreadsheet_format,
            permission=self.export_permission,
        )
        tasks.enqueue_export_on_commit(job.pk)
        messages.success(
            self.request,
            _(
                "The export has more than %(limit)s rows: the file is being prepared. "
                "Download it from Reports → My exports when it is ready."
            )
            % {"limit": conf.get("EXPORT_BACKGROUND_ROWS")},
            buttons=[
                messages.button(reverse("pledge_forms_exports:index"), _("My exports"))
            ],
        )
        listing = self.request.path
        return redirect(f"{listing}?{query.urlencode()}" if query else listing)

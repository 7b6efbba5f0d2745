"""Spreadsheet export that never hands a spreadsheet a formula typed by the public, and that
keeps memory flat whatever the number of rows: rows are read from the database in chunks,
CSV is streamed as it is written and XLSX is written to a temporary file, not to memory."""

import csv
import tempfile

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import FileResponse

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

"""Spreadsheet export that never hands a spreadsheet a formula typed by the public."""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def neutralise(value):
    """Text that a spreadsheet would read as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class NeutralisingExportMixin:
    """For views using Wagtail's ``SpreadsheetExportMixin`` (CSV and XLSX)."""

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        return neutralise(value)

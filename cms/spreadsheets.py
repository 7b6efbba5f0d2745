"""Every spreadsheet export of the admin neutralises formulas (OWASP "CSV injection").

Wagtail's exports (Reports → Site history, the page reports, form submissions, any listing
with export buttons) and the plugin's go through ``SpreadsheetExportMixin``, which prepares
each cell with ``preprocess_field_value``. Wrapping that one method at start-up covers them
all, including exports added later, without replacing any of Wagtail's views: a text cell
starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (or another character a
spreadsheet reads as a formula) gets a leading apostrophe, in CSV and XLSX alike. The plugin's
own ``NeutralisingExportMixin`` does the same where the plugin runs without this site; a
value is never prefixed twice (an apostrophe is not a formula prefix).
"""

from functools import wraps

from wagtail.admin.views.mixins import SpreadsheetExportMixin

from pledge_forms.admin.exports import neutralise


def neutralise_every_export():
    original = SpreadsheetExportMixin.preprocess_field_value
    if getattr(original, "neutralises_formulas", False):
        return

    @wraps(original)
    def preprocess_field_value(self, field, value, export_format):
        return neutralise(original(self, field, value, export_format))

    preprocess_field_value.neutralises_formulas = True
    SpreadsheetExportMixin.preprocess_field_value = preprocess_field_value

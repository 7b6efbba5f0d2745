"""Widgets of the admin: the table of a pledge's practice statuses."""

import json

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from pledge_forms.choices import PracticeStatus
from pledge_forms.models.checklists import ChecklistItem


class PracticeStatusesWidget(forms.Widget):
    """Edits ``{"BF-1": {"status": …, "note": …}, …}`` as a table of the checklist's practices."""

    def _items(self):
        return list(
            ChecklistItem.objects.select_related("section").order_by(
                "section__checklist_id", "section__sort_order", "number"
            )
        )

    def format_value(self, value):
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                value = {}
        return value if isinstance(value, dict) else {}

    def render(self, name, value, attrs=None, renderer=None):
        data = self.format_value(value)
        rows = []
        for item in self._items():
            entry = data.get(item.code) or {}
            current = entry.get("status") or PracticeStatus.NOT_PLANNED
            options = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (code, " selected" if code == current else "", label)
                    for code, label in PracticeStatus.choices
                ),
            )
            field_id = f"id_{name}_{item.pk}"
            rows.append(
                format_html(
                    '<tr><th scope="row">{code} · {title}</th>'
                    '<td><label class="w-sr-only" for="{id}_status">{status_label}</label>'
                    '<select id="{id}_status" name="{name}-{code}-status">{options}</select></td>'
                    '<td><label class="w-sr-only" for="{id}_note">{note_label}</label>'
                    '<input type="text" id="{id}_note" name="{name}-{code}-note" value="{note}" maxlength="500"></td></tr>',
                    code=item.code,
                    title=item.title,
                    id=field_id,
                    name=name,
                    options=options,
                    note=entry.get("note", ""),
                    status_label=_("Status of %(code)s") % {"code": item.code},
                    note_label=_("Note on %(code)s") % {"code": item.code},
                )
            )
        return format_html(
            '<table class="listing"><caption class="w-sr-only">{}</caption><thead><tr>'
            '<th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th>'
            "</tr></thead><tbody>{}</tbody></table>",
            _("Status of each practice"),
            _("Practice"),
            _("Status"),
            _("Note"),
            format_html_join("", "{}", ((row,) for row in rows)),
        )

    def value_from_datadict(self, data, files, name):
        valid = set(PracticeStatus.values)
        result = {}
        for item in self._items():
            status = data.get(f"{name}-{item.code}-status")
            if status is None:
                continue
            result[item.code] = {
                "status": status if status in valid else PracticeStatus.NOT_PLANNED,
                "note": (data.get(f"{name}-{item.code}-note") or "")[:500].strip(),
            }
        # A JSON string, as the form's JSONField expects from a widget: a dict would break
        # re-displaying the form after a validation error.
        return json.dumps(result)

    def value_omitted_from_data(self, data, files, name):
        return not any(key.startswith(f"{name}-") for key in data)

"""The pledge inbox (wagtail-modeladmin, read-only): every submission as it arrived and
every e-mail the plugin sent, with its status."""

import datetime
import re
from typing import Any

from django.contrib import admin
from django.contrib.admin import SimpleListFilter
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup
from wagtail_modeladmin.views import HistoryView as ModelAdminHistoryView
from wagtail_modeladmin.views import IndexView as ModelAdminIndexView
from wagtail_modeladmin.views import InspectView as ModelAdminInspectView

from pledge_forms.admin.evidence import may_see_evidence
from pledge_forms.admin.exports import (
    AuditedExportMixin,
    BackgroundExportMixin,
    NeutralisingExportMixin,
)
from pledge_forms.choices import PracticeStatus
from pledge_forms.evidence import display_name, web_link
from pledge_forms.models.checklists import ChecklistItem
from pledge_forms.models.pages import PledgeFormPage
from pledge_forms.models.pledges import CONTACTS_PERMISSION
from pledge_forms.models.submissions import CONFIRMED, OutgoingMail, PledgeSubmission
from pledge_forms.services.evidence import pledge_evidence_names

SUBMISSIONS_PERMISSION = "pledge_forms.view_pledgesubmission"


class ReadOnlyPermissionHelper(PermissionHelper):
    """The inbox is read-only, and every view of it (listing, inspect, history, export)
    needs the model's view permission: any other right on the model is not enough."""

    def user_can_view(self, user):
        return self.user_has_specific_permission(user, f"view_{self.opts.model_name}")

    def user_can_list(self, user):
        return self.user_can_view(user)

    def user_can_inspect_obj(self, user, obj):
        return self.inspect_view_enabled and self.user_can_view(user)

    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class PermittedHistoryView(ModelAdminHistoryView):
    """An inbox row's history, for those who may inspect it (wagtail-modeladmin's own
    history view only asks for a signed-in user)."""

    def check_action_permitted(self, user):
        return self.permission_helper.user_can_inspect_obj(user, self.instance)


class SubmissionIndexView(
    BackgroundExportMixin,
    AuditedExportMixin,
    NeutralisingExportMixin,
    ModelAdminIndexView,
):
    export_permission = SUBMISSIONS_PERMISSION


class SubmissionVerifiedFilter(SimpleListFilter):
    title = _("verified")
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(CONFIRMED)
        if self.value() == "no":
            return queryset.exclude(CONFIRMED)
        return queryset


class SubmissionFormFilter(SimpleListFilter):
    title = _("form")
    parameter_name = "form"

    def lookups(self, request, model_admin):
        return [
            (str(page.pk), page.title)
            for page in PledgeFormPage.objects.order_by("title")
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(page_id=int(value))
        return queryset


# The public form's answers about one practice: ``<prefix><item id>`` (see
# ``services.submission.practice_rows``).
PRACTICE_ANSWERS = {
    "practice_": "status",
    "note_": "note",
    "target_": "target",
    "evidence_url_": "evidence_url",
    "evidence_file_": "evidence_file",
}
_PREFIXES = "|".join(re.escape(prefix) for prefix in PRACTICE_ANSWERS)
PRACTICE_ANSWER = re.compile(rf"^({_PREFIXES})(\d+)$")


def split_answers(form_data: dict) -> tuple[list[str], list[dict[str, Any]]]:
    """The submission's answer names, apart from its practices: the answers about one
    practice (status, note, target month, evidence link and file) become one dict per
    practice, ``{"pk": item id, "status": …, "note": …, …}``, in the order they arrived."""
    practices: dict[int, dict[str, Any]] = {}
    others = []
    for name, value in form_data.items():
        match = PRACTICE_ANSWER.match(name)
        if match:
            pk = int(match.group(2))
            answer = practices.setdefault(pk, {"pk": pk, "status": "", "note": ""})
            answer[PRACTICE_ANSWERS[match.group(1)]] = "" if value is None else value
        else:
            others.append(name)
    for answer in practices.values():
        answer["status"] = str(answer["status"])
        answer["note"] = str(answer["note"])
    return others, list(practices.values())


def _month_text(value) -> str:
    """ "2027-03-01" (as stored in a submission) -> a date for the template, or ""."""
    try:
        return datetime.date.fromisoformat(str(value)[:10]) if value else ""
    except ValueError:
        return ""


def _answer_text(value) -> str:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if value is True:
        return str(_("Yes"))
    if value is False:
        return str(_("No"))
    return "" if value is None else str(value)


class SubmissionInspectView(ModelAdminInspectView):
    """A submission's answers as tables (question, answer; practice, status, note), not
    the stored JSON; practice notes only for those who may see them, as on the pledge."""

    def get_field_label(self, field_name, field=None):
        if field_name == "form_data":
            return _("Answers")
        if field_name == "verified":
            return _("Verified")
        return super().get_field_label(field_name, field)

    def get_field_display_value(self, field_name, field=None):
        if field_name == "form_data":
            return self.answers_display()
        if field_name == "verified":
            return _("Yes") if self.instance.is_verified else _("No")
        return super().get_field_display_value(field_name, field)

    def answers_display(self):
        submission = self.instance
        labels = submission.labels or {}
        names, practice_answers = split_answers(submission.form_data or {})
        items = ChecklistItem.objects.in_bulk([row["pk"] for row in practice_answers])
        statuses = dict(PracticeStatus.choices)
        # Files are linked while the pledge still names them (a repeat's are not kept).
        show_evidence = may_see_evidence(self.request.user)
        files = (
            pledge_evidence_names(submission.pledge)
            if show_evidence and submission.pledge_id
            else set()
        )
        practices = sorted(
            (
                {
                    "item": items.get(row["pk"]),
                    "label": labels.get(f"practice_{row['pk']}", ""),
                    "status": statuses.get(row["status"], row["status"]),
                    "note": row["note"],
                    "target": _month_text(row.get("target")),
                    "evidence_link": web_link(row.get("evidence_url")),
                    "evidence_name": row.get("evidence_file") or "",
                    "evidence_display_name": display_name(
                        str(row.get("evidence_file") or "")
                    ),
                    "evidence_stored": row.get("evidence_file") in files,
                }
                for row in practice_answers
            ),
            key=lambda row: (row["item"] is None, getattr(row["item"], "number", 0)),
        )
        return render_to_string(
            "pledge_forms/admin/submission_answers.html",
            {
                "answers": [
                    (labels.get(name, name), _answer_text(submission.form_data[name]))
                    for name in names
                ],
                "practices": practices,
                "pledge_id": submission.pledge_id,
                "show_notes": self.request.user.has_perm(CONTACTS_PERMISSION),
                "show_evidence": show_evidence,
            },
        )


class PledgeSubmissionAdmin(ModelAdmin):
    model = PledgeSubmission
    menu_label = _("Submissions")
    menu_icon = "form"
    permission_helper_class = ReadOnlyPermissionHelper
    history_view_class = PermittedHistoryView
    index_view_class = SubmissionIndexView
    inspect_view_class = SubmissionInspectView
    inspect_view_enabled = True
    # The questions' wording (``labels``) is shown next to each answer.
    inspect_view_fields = [
        "submit_time",
        "kind",
        "page",
        "pledge",
        "verified",
        "form_data",
        "consent_text",
    ]
    list_display = ["submit_time", "agency_name", "kind", "page", "verified"]
    list_select_related = ["page", "pledge"]
    list_filter = [
        SubmissionFormFilter,
        "submit_time",
        "kind",
        SubmissionVerifiedFilter,
    ]
    list_export = [
        "submit_time",
        "kind",
        "page",
        "pledge",
        "agency_name",
        "answers_text",
    ]
    export_filename = "pledge-submissions"

    @admin.display(description=_("Verified"))
    def verified(self, obj):
        """Whether this submission's address was confirmed, not only its pledge's: a
        repeat from someone who never confirmed reads "No" (``is_verified``)."""
        return _("Yes") if obj.is_verified else _("No")


class OutgoingMailAdmin(ModelAdmin):
    model = OutgoingMail
    menu_label = _("E-mails")
    menu_icon = "mail"
    permission_helper_class = ReadOnlyPermissionHelper
    history_view_class = PermittedHistoryView
    inspect_view_enabled = True
    list_display = [
        "created_at",
        "subject",
        "purpose",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
    ]
    list_filter = ["status", "purpose"]


class PledgeInboxGroup(ModelAdminGroup):
    menu_label = _("Pledge inbox")
    menu_icon = "form"
    menu_order = 205
    items = (PledgeSubmissionAdmin, OutgoingMailAdmin)

"""The pledge inbox (wagtail-modeladmin, read-only): every submission as it arrived and
every e-mail the plugin sent, with its status."""

from django.contrib import admin
from django.contrib.admin import SimpleListFilter
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup
from wagtail_modeladmin.views import HistoryView as ModelAdminHistoryView
from wagtail_modeladmin.views import IndexView as ModelAdminIndexView
from wagtail_modeladmin.views import InspectView as ModelAdminInspectView

from pledge_forms.admin.exports import (
    AuditedExportMixin,
    BackgroundExportMixin,
    NeutralisingExportMixin,
)
from pledge_forms.choices import PracticeStatus
from pledge_forms.models.checklists import ChecklistItem
from pledge_forms.models.pages import PledgeFormPage
from pledge_forms.models.pledges import CONTACTS_PERMISSION
from pledge_forms.models.submissions import CONFIRMED, OutgoingMail, PledgeSubmission

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


def split_answers(form_data: dict) -> tuple[list[str], list[tuple[int, str, str]]]:
    """The submission's answer names, apart from its practices: ``practice_<id>`` and
    ``note_<id>`` (the public form's fields, see ``pledge_forms.forms``) become
    ``(item id, status, note)``, in the order they arrived."""
    practices: dict[int, dict[str, str]] = {}
    others = []
    for name, value in form_data.items():
        prefix, _sep, rest = name.partition("_")
        if prefix in {"practice", "note"} and rest.isdigit():
            practices.setdefault(int(rest), {})[prefix] = "" if value is None else value
        else:
            others.append(name)
    rows = [
        (pk, str(answer.get("practice", "")), str(answer.get("note", "")))
        for pk, answer in practices.items()
    ]
    return others, rows


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
        items = ChecklistItem.objects.in_bulk([pk for pk, _s, _n in practice_answers])
        statuses = dict(PracticeStatus.choices)
        practices = sorted(
            (
                {
                    "item": items.get(pk),
                    "label": labels.get(f"practice_{pk}", ""),
                    "status": statuses.get(status, status),
                    "note": note,
                }
                for pk, status, note in practice_answers
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
                "show_notes": self.request.user.has_perm(CONTACTS_PERMISSION),
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

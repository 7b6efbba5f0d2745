"""The pledge inbox (wagtail-modeladmin, read-only): every submission as it arrived and
every e-mail the plugin sent, with its status."""

from django.contrib import admin
from django.contrib.admin import SimpleListFilter
from django.utils.translation import gettext_lazy as _
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup
from wagtail_modeladmin.views import HistoryView as ModelAdminHistoryView
from wagtail_modeladmin.views import IndexView as ModelAdminIndexView

from pledge_forms.admin.exports import (
    AuditedExportMixin,
    BackgroundExportMixin,
    NeutralisingExportMixin,
)
from pledge_forms.models.pages import PledgeFormPage
from pledge_forms.models.submissions import OutgoingMail, PledgeSubmission

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
            return queryset.filter(pledge__verified_at__isnull=False)
        if self.value() == "no":
            return queryset.exclude(pledge__verified_at__isnull=False)
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


class PledgeSubmissionAdmin(ModelAdmin):
    model = PledgeSubmission
    menu_label = _("Submissions")
    menu_icon = "form"
    permission_helper_class = ReadOnlyPermissionHelper
    history_view_class = PermittedHistoryView
    index_view_class = SubmissionIndexView
    inspect_view_enabled = True
    inspect_view_fields = [
        "submit_time",
        "kind",
        "page",
        "pledge",
        "form_data",
        "labels",
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

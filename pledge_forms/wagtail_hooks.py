"""Admin wiring of the pledge plugin: snippets, the submissions inbox, log actions."""

from django.contrib import admin, messages
from django.contrib.admin import SimpleListFilter
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup, modeladmin_register
from wagtail_modeladmin.views import IndexView as ModelAdminIndexView

from pledge_forms.admin_views import (
    ACTIONS,
    EXPORT_ACTION,
    REVIEW_PERMISSION,
    AuditedExportMixin,
    ExportFormatter,
    PledgeFilterSet,
    PledgeIndexView,
    PledgeInspectView,
    ReviewView,
    available_actions,
    pledge_list_display,
)
from pledge_forms.exports import NeutralisingExportMixin
from pledge_forms.models import (
    Checklist,
    ChecklistItem,
    OutgoingMail,
    Pledge,
    PledgeFormPage,
    PledgeSubmission,
)
from pledge_forms.services import PLEDGE_FIELDS


@hooks.register("register_log_actions")
def register_pledge_log_actions(actions):
    actions.register_action(
        "pledge_forms.verify", _("Confirm e-mail"), _("E-mail address confirmed")
    )

    @actions.register_action("pledge_forms.decline")
    class DeclineFormatter(LogFormatter):
        label = _("Decline")

        def format_message(self, log_entry):
            return _("Declined")

        def format_comment(self, log_entry):
            return log_entry.data.get("reason", "")

    actions.register_action("pledge_forms.approve", _("Approve"), _("Approved"))
    actions.register_action(
        "pledge_forms.complete", _("Mark completed"), _("Marked as completed")
    )
    actions.register_action(EXPORT_ACTION)(ExportFormatter)
    actions.register_action(
        "pledge_forms.revoke_update_links",
        _("Revoke update links"),
        _("Update links revoked"),
    )


class PledgeViewSet(SnippetViewSet):
    model = Pledge
    icon = "group"
    menu_label = _("Pledges")
    menu_order = 200
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = PledgeIndexView
    inspect_view_class = PledgeInspectView
    filterset_class = PledgeFilterSet
    list_per_page = 50
    # What the agency submitted (the fields the submit service copies), then its review.
    inspect_view_fields = [
        "display_name",
        "slug",
        *PLEDGE_FIELDS,
        "logo",
        "stage",
        "pledged_at",
        "deadline",
        "completed_at",
        "review_status",
        "verified_at",
        "approved_at",
        "declined_at",
        "decline_reason",
        "live",
        "has_unpublished_changes",
        "featured",
        "featured_order",
        "practice_statuses",
    ]
    # Searched through the model's index (legal name, display name, city): naming
    # fields here makes SQLite's full-text backend query columns it does not have.
    export_filename = "pledges"
    ordering = ["-pledged_at"]

    @property
    def list_display(self):
        return pledge_list_display()

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("review/<int:pk>/<str:action>/", ReviewView.as_view(), name="review"),
        ]


class ChecklistViewSet(SnippetViewSet):
    model = Checklist
    icon = "list-ul"
    menu_label = _("Checklists")


class ChecklistItemViewSet(SnippetViewSet):
    model = ChecklistItem
    icon = "tick"
    menu_label = _("Practices")
    list_display = ["number", "code", "title", "section"]
    list_filter = ["section__checklist"]
    search_fields = ["title", "description"]


class ChecklistGroup(SnippetViewSetGroup):
    items = (ChecklistViewSet, ChecklistItemViewSet)
    menu_icon = "list-ul"
    menu_label = _("Checklist")
    menu_order = 210


register_snippet(PledgeViewSet)
register_snippet(ChecklistGroup)


@hooks.register("register_snippet_listing_buttons")
def pledge_review_buttons(snippet, user, next_url=None):
    if not isinstance(snippet, Pledge) or not user.has_perm(REVIEW_PERMISSION):
        return []
    return [
        Button(
            ACTIONS[action],
            reverse(
                "wagtailsnippets_pledge_forms_pledge:review", args=[snippet.pk, action]
            ),
            priority=50 + index,
        )
        for index, action in enumerate(available_actions(snippet))
    ]


# --- The submissions inbox (wagtail-modeladmin, read-only) ---------------------------------


class ReadOnlyPermissionHelper(PermissionHelper):
    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class SubmissionIndexView(
    AuditedExportMixin, NeutralisingExportMixin, ModelAdminIndexView
):
    pass


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
    index_view_class = SubmissionIndexView
    inspect_view_enabled = True
    inspect_view_fields = [
        "submit_time",
        "kind",
        "page",
        "pledge",
        "form_data",
        "labels",
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


modeladmin_register(PledgeInboxGroup)


@hooks.register("before_edit_snippet")
def refuse_publishing_unconfirmed_pledges(request, instance):
    """Wagtail's own Publish button must not put an unconfirmed pledge in the showcase."""
    if (
        isinstance(instance, Pledge)
        and request.method == "POST"
        and "action-publish" in request.POST
        and not instance.is_verified
    ):
        messages.error(
            request,
            _("This pledge cannot be published: its e-mail address is not confirmed."),
        )
        return redirect(
            reverse("wagtailsnippets_pledge_forms_pledge:edit", args=[instance.pk])
        )
    return None


# --- The showcase: curation of featured members, certificate links --------------------------

from pledge_forms import showcase_admin  # noqa: E402

hooks.register("register_admin_urls", showcase_admin.admin_urls)
hooks.register("register_admin_menu_item", showcase_admin.menu_item)
hooks.register("register_snippet_listing_buttons", showcase_admin.certificate_buttons)
hooks.register("register_log_actions", showcase_admin.register_log_actions)

"""The plugin's snippet viewsets: pledges (listing, inspect, review actions) and the
checklist."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from pledge_forms.admin.filters import PledgeFilterSet
from pledge_forms.admin.views import (
    PledgeIndexView,
    PledgeInspectView,
    ReviewView,
    pledge_list_display,
)
from pledge_forms.admin.widgets import (
    ChecklistItemChooserViewSet,
    PledgeChooserViewSet,
)
from pledge_forms.models.checklists import Checklist, ChecklistItem
from pledge_forms.models.pledges import Pledge
from pledge_forms.models.review import DeclineReason
from pledge_forms.panels import pledge_edit_handler
from pledge_forms.services import PLEDGE_FIELDS


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
    chooser_viewset_class = PledgeChooserViewSet
    filterset_class = PledgeFilterSet
    list_per_page = 50
    edit_handler = pledge_edit_handler()
    # What the agency submitted (the fields the submit service copies), then its review.
    inspect_view_fields = [
        "display_name",
        "slug",
        *PLEDGE_FIELDS,
        "logo",
        "stage",
        "language",
        "pledged_at",
        "deadline",
        "completed_at",
        "review_status",
        "verified_at",
        "approved_at",
        "declined_at",
        "decline_reason",
        "decline_code",
        "live",
        "has_unpublished_changes",
        "featured",
        "featured_order",
        "practices",
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
    chooser_viewset_class = ChecklistItemChooserViewSet
    menu_label = _("Practices")
    list_display = ["number", "code", "title", "section"]
    list_filter = ["section__checklist"]
    search_fields = ["title", "description"]


class ChecklistGroup(SnippetViewSetGroup):
    items = (ChecklistViewSet, ChecklistItemViewSet)
    menu_icon = "list-ul"
    menu_label = _("Checklist")
    menu_order = 210


class DeclineReasonViewSet(SnippetViewSet):
    """The reason codes of the decline form, in the order reviewers see them (drag and
    drop, or the keyboard, in "Sort item order")."""

    model = DeclineReason
    icon = "comment"
    menu_label = _("Decline reasons")
    add_to_settings_menu = True
    list_display = ["label", "code", "active"]
    list_filter = ["active"]
    sort_order_field = "sort_order"
    ordering = ["sort_order", "label"]

"""Admin views of the pledge snippet: listing, inspect and the review actions."""

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import (
    BooleanColumn,
    Column,
    DateColumn,
    LiveStatusTagColumn,
)
from wagtail.admin.views.generic import InspectView
from wagtail.log_actions import LogFormatter
from wagtail.models import ModelLogEntry
from wagtail.snippets.views.snippets import IndexView

from pledge_forms import services
from pledge_forms.choices import AgencyType, ReviewStatus, Stage
from pledge_forms.exports import NeutralisingExportMixin
from pledge_forms.geography import country_choices
from pledge_forms.models import Pledge
from pledge_forms.models.pledges import CONTACT_FIELDS, CONTACTS_PERMISSION

REVIEW_PERMISSION = "pledge_forms.review_pledge"
EXPORT_PERMISSION = "pledge_forms.export_pledge"

PUBLIC_EXPORT = [
    "display_name",
    "legal_name",
    "slug",
    "agency_type",
    "country",
    "region",
    "city",
    "size_band",
    "website",
    "stage",
    "review_status",
    "eligible",
    "live",
    "pledged_at",
    "deadline",
    "completed_at",
    "verified_at",
    "public_statement",
]


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
            if isinstance(queryset, models.QuerySet):
                rows = queryset.order_by().count()
            else:
                rows = len(queryset)
            filters = ", ".join(
                f"{key}: {value}"
                for key, values in self.request.GET.lists()
                if key != "export"
                for value in values
                if value
            )
            log_export(self.request.user, self.model, spreadsheet_format, rows, filters)
        return response


class YesNoColumn(BooleanColumn):
    """A tick or a cross, read out as "Yes" or "No" (Wagtail's own reads "True")."""

    cell_template_name = "pledge_forms/admin/yes_no_cell.html"


def pledge_list_display():
    """The columns of the pledge listing, as Wagtail shows its own objects: names of
    countries and states, ticks and crosses, the live/draft status tag, relative dates."""
    return [
        "display_name",
        Column("country_name", label=_("Country"), sort_key="country"),
        Column("region_name", label=_("State / province"), sort_key="region"),
        "stage",
        "review_status",
        YesNoColumn("eligible", label=_("Eligible"), sort_key="eligible"),
        LiveStatusTagColumn(),
        DateColumn("pledged_at", label=_("Pledged"), sort_key="pledged_at"),
    ]


class PledgeFilterSet(WagtailFilterSet):
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=Stage.choices)
    review_status = django_filters.ChoiceFilter(
        label=_("Review status"), choices=ReviewStatus.choices
    )
    verified = django_filters.BooleanFilter(
        label=_("Verified"), method="filter_verified"
    )
    eligible = django_filters.BooleanFilter(label=_("Eligible"))
    country = django_filters.ChoiceFilter(
        label=_("Country"), choices=lambda: country_choices()
    )
    agency_type = django_filters.ChoiceFilter(
        label=_("Agency type"), choices=AgencyType.choices
    )
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")

    def filter_verified(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(verified_at__isnull=not value)

    def filter_overdue(self, queryset, name, value):
        from django.utils import timezone

        if value is None:
            return queryset
        overdue = {"stage": Stage.PLEDGED, "deadline__lt": timezone.localdate()}
        return queryset.filter(**overdue) if value else queryset.exclude(**overdue)

    class Meta:
        model = Pledge
        fields = []


class PledgeIndexView(AuditedExportMixin, NeutralisingExportMixin, IndexView):
    """The pledge listing; exports carry contact details only for those allowed to see them."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.list_export = list(PUBLIC_EXPORT)
        if request.user.has_perm(CONTACTS_PERMISSION):
            self.list_export += list(CONTACT_FIELDS)

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") and not request.user.has_perm(EXPORT_PERMISSION):
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    @property
    def show_export_buttons(self):
        return self.request.user.has_perm(EXPORT_PERMISSION)

    @cached_property
    def search_query(self):
        # An unbalanced double quote makes SQLite's full-text search fail: search for
        # the words instead.
        query = super().search_query
        if query.count('"') % 2:
            query = " ".join(query.replace('"', " ").split())
        return query


class PledgeInspectView(InspectView):
    """Inspect a pledge with its eligibility; contact details only with permission."""

    template_name = "pledge_forms/admin/pledge_inspect.html"

    def get_fields(self):
        fields = super().get_fields()
        if not self.request.user.has_perm(CONTACTS_PERMISSION):
            fields = [name for name in fields if name not in CONTACT_FIELDS]
        return [
            name for name in fields if name not in {"normalised_key", "latest_revision"}
        ]

    def get_field_display_value(self, field_name, field):
        # Names, not ISO codes, as in the listing.
        if field_name == "country":
            return self.object.country_name()
        if field_name == "region":
            return self.object.region_name()
        return super().get_field_display_value(field_name, field)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["eligibility"] = services.evaluate_eligibility(self.object)
        context["can_review"] = self.request.user.has_perm(REVIEW_PERMISSION)
        context["review_actions"] = [
            (
                action,
                ACTIONS[action],
                reverse(
                    "wagtailsnippets_pledge_forms_pledge:review",
                    args=[self.object.pk, action],
                ),
            )
            for action in available_actions(self.object)
        ]
        return context


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the agency)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )


ACTIONS = {
    "approve": _("Approve and publish"),
    "decline": _("Decline"),
    "complete": _("Mark as completed"),
    "revoke": _("Revoke update links"),
    "send_update_link": _("Send the update link"),
}


def available_actions(pledge: Pledge) -> list[str]:
    """The review actions that make sense for the pledge as it stands."""
    actions = []
    approved = pledge.review_status == ReviewStatus.APPROVED
    if pledge.is_verified and (not approved or pledge.has_unpublished_changes):
        actions.append("approve")
    if pledge.review_status != ReviewStatus.DECLINED:
        actions.append("decline")
    statuses = pledge.practice_statuses.values()
    if (
        approved
        and pledge.stage != Stage.COMPLETED
        and statuses
        and all((entry or {}).get("status") == "in_place" for entry in statuses)
    ):
        actions.append("complete")
    if pledge.is_verified and pledge.review_status != ReviewStatus.DECLINED:
        actions += ["send_update_link", "revoke"]
    return actions


class ReviewView(View):
    """Confirm and run one review action on one pledge (reviewers only)."""

    template_name = "pledge_forms/admin/review_action.html"

    def dispatch(self, request, pk, action):
        if action not in ACTIONS:
            raise PermissionDenied
        if not request.user.has_perm(REVIEW_PERMISSION):
            raise PermissionDenied
        self.pledge = get_object_or_404(Pledge, pk=pk)
        self.action = action
        return super().dispatch(request)

    def render(self, request, form=None):
        return TemplateResponse(
            request,
            self.template_name,
            {
                "pledge": self.pledge,
                "action": self.action,
                "action_label": ACTIONS[self.action],
                "form": form,
                "eligibility": services.evaluate_eligibility(self.pledge),
                "inspect_url": reverse(
                    "wagtailsnippets_pledge_forms_pledge:inspect", args=[self.pledge.pk]
                ),
                "header_title": ACTIONS[self.action],
            },
        )

    def get(self, request):
        return self.render(request, DeclineForm() if self.action == "decline" else None)

    def post(self, request):
        user = request.user
        try:
            if self.action == "approve":
                services.approve(self.pledge, user=user)
            elif self.action == "decline":
                form = DeclineForm(request.POST)
                if not form.is_valid():
                    return self.render(request, form)
                services.decline(self.pledge, form.cleaned_data["reason"], user=user)
            elif self.action == "complete":
                services.mark_completed(self.pledge, user=user)
            elif self.action == "revoke":
                services.revoke_update_links(self.pledge, user=user)
            elif self.action == "send_update_link":
                if not self.pledge.is_verified:
                    raise services.ReviewError(_("The pledge is not confirmed yet."))
                services.send_update_link(self.pledge)
        except services.ReviewError as error:
            messages.error(request, str(error))
            return self.render(
                request, DeclineForm(request.POST) if self.action == "decline" else None
            )
        messages.success(
            request,
            _("%(action)s: done for “%(pledge)s”.")
            % {"action": ACTIONS[self.action], "pledge": self.pledge},
        )
        return redirect("wagtailsnippets_pledge_forms_pledge:inspect", self.pledge.pk)

"""Admin views of the pledge snippet: listing, inspect and the review actions."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail.admin.ui.tables import (
    BooleanColumn,
    Column,
    DateColumn,
    LiveStatusTagColumn,
)
from wagtail.admin.views.generic import InspectView
from wagtail.admin.widgets import Button
from wagtail.models import Revision
from wagtail.snippets.views.snippets import IndexView

from pledge_forms import services
from pledge_forms.admin.evidence import may_see_evidence
from pledge_forms.admin.exports import (
    AuditedExportMixin,
    BackgroundExportMixin,
    NeutralisingExportMixin,
)
from pledge_forms.choices import ReviewStatus
from pledge_forms.models.pledges import CONTACT_FIELDS, CONTACTS_PERMISSION, Pledge
from pledge_forms.models.review import DeclineReason
from pledge_forms.services.changes import pending_changes

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
    "decline_code",
    "eligible",
    "live",
    "pledged_at",
    "deadline",
    "completed_at",
    "verified_at",
    "public_statement",
]


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
        Column("language_name", label=_("Language"), sort_key="language"),
        LiveStatusTagColumn(),
        DateColumn("pledged_at", label=_("Pledged"), sort_key="pledged_at"),
    ]


# Set on the listing's rows by prepare_rows: whether "Mark as completed" is offered.
COMPLETABLE_ATTR = "_can_mark_completed"


def prepare_rows(pledges: list[Pledge], user) -> None:
    """What the listing shows of each row and would read row by row, read for all its
    rows at once: the revision scheduled to go live (its status tag: Wagtail's
    ``scheduled_revision``) and, for reviewers, whether "Mark as completed" is offered
    (:func:`available_actions`)."""
    if not pledges:
        return
    scheduled = {}
    for revision in (
        Revision.objects.filter(
            base_content_type=Pledge.get_base_content_type(),
            object_id__in=[str(pledge.pk) for pledge in pledges],
            approved_go_live_at__isnull=False,
        )
        .order_by("pk")
        .iterator()
    ):
        scheduled.setdefault(revision.object_id, revision)
    for pledge in pledges:
        pledge.scheduled_revision = scheduled.get(str(pledge.pk))
    if user.has_perm(REVIEW_PERMISSION):
        completable = services.completable(pledges)
        for pledge in pledges:
            setattr(pledge, COMPLETABLE_ATTR, pledge.pk in completable)


class PledgeIndexView(
    BackgroundExportMixin, AuditedExportMixin, NeutralisingExportMixin, IndexView
):
    """The pledge listing; exports carry contact details only for those allowed to see them."""

    export_permission = EXPORT_PERMISSION

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.list_export = list(PUBLIC_EXPORT)
        if request.user.has_perm(CONTACTS_PERMISSION):
            self.list_export += list(CONTACT_FIELDS)

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") and not request.user.has_perm(EXPORT_PERMISSION):
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def paginate_queryset(self, queryset, page_size):
        paginator, page, rows, paginated = super().paginate_queryset(
            queryset, page_size
        )
        page.object_list = rows = list(rows)
        prepare_rows(rows, self.request.user)
        return paginator, page, rows, paginated

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

    def get_field_label(self, field_name, field):
        if field_name == "practices":
            return _("Practices")
        return super().get_field_label(field_name, field)

    def get_practices_display_value(self):
        """The status, target month (and, for reviewers, evidence and note) of each
        practice, as a table."""
        rows = self.object.practices.select_related("item")
        return render_to_string(
            "pledge_forms/admin/practice_rows.html",
            {
                "rows": rows,
                "pledge_id": self.object.pk,
                # Notes and evidence are never public: reviewers only, as contact details.
                "show_notes": self.request.user.has_perm(CONTACTS_PERMISSION),
                "show_evidence": may_see_evidence(self.request.user),
            },
        )

    def get_field_display_value(self, field_name, field):
        if field_name == "decline_code" and self.object.decline_code:
            reason = DeclineReason.objects.filter(code=self.object.decline_code).first()
            return (
                f"{reason.label} ({reason.code})"
                if reason
                else field.value_from_object(self.object)
            )
        # Names, not ISO codes, as in the listing.
        if field_name == "country":
            return self.object.country_name()
        if field_name == "region":
            return self.object.region_name()
        if field_name == "language":
            return self.object.language_name()
        return super().get_field_display_value(field_name, field)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["eligibility"] = services.evaluate_eligibility(self.object)
        context["pending_changes"] = pending_changes(
            self.object, show_private=self.request.user.has_perm(CONTACTS_PERMISSION)
        )
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
    """A reason code from the list, words of the reviewer's own, or both."""

    code = forms.ModelChoiceField(
        label=_("Reason"),
        queryset=DeclineReason.objects.none(),
        required=False,
        empty_label=_("— No reason from the list —"),
        help_text=_("Its text is sent to the agency, before your own words."),
    )
    reason = forms.CharField(
        label=_("Reason in your own words (sent to the agency)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reasons = DeclineReason.objects.filter(active=True)
        if reasons.exists():
            self.fields["code"].queryset = reasons
        else:
            del self.fields["code"]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if not cleaned.get("code") and not (cleaned.get("reason") or "").strip():
            self.add_error(
                "reason",
                _("Choose a reason from the list or write one.")
                if "code" in self.fields
                else _("Give the reason for declining."),
            )
        return cleaned


class RequestChangesForm(forms.Form):
    comments = forms.CharField(
        label=_("What the agency should change (sent to the agency)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=4000,
        error_messages={"required": _("Write what the agency should change.")},
    )

    def clean_comments(self):
        comments = self.cleaned_data["comments"].strip()
        if not comments:
            raise forms.ValidationError(_("Write what the agency should change."))
        return comments


ACTIONS = {
    "approve": _("Approve and publish"),
    "request_changes": _("Request changes"),
    "decline": _("Decline"),
    "complete": _("Mark as completed"),
    "revoke": _("Revoke update links"),
    "send_update_link": _("Send the update link"),
}

FORMS = {"decline": DeclineForm, "request_changes": RequestChangesForm}


def available_actions(pledge: Pledge) -> list[str]:
    """The review actions that make sense for the pledge as it stands."""
    actions = []
    approved = pledge.review_status == ReviewStatus.APPROVED
    if pledge.is_verified and (not approved or pledge.has_unpublished_changes):
        actions.append("approve")
    if services.can_request_changes(pledge):
        actions.append("request_changes")
    if pledge.review_status != ReviewStatus.DECLINED:
        actions.append("decline")
    completable = getattr(pledge, COMPLETABLE_ATTR, None)
    if completable is None:
        completable = services.can_mark_completed(pledge)
    if completable:
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
                "pending_changes": pending_changes(
                    self.pledge,
                    show_private=request.user.has_perm(CONTACTS_PERMISSION),
                ),
                "inspect_url": reverse(
                    "wagtailsnippets_pledge_forms_pledge:inspect", args=[self.pledge.pk]
                ),
                "header_title": ACTIONS[self.action],
            },
        )

    def form(self, data=None):
        form_class = FORMS.get(self.action)
        return form_class(data) if form_class else None

    def get(self, request):
        return self.render(request, self.form())

    def post(self, request):
        user = request.user
        form = self.form(request.POST)
        if form is not None and not form.is_valid():
            return self.render(request, form)
        try:
            if self.action == "approve":
                services.approve(self.pledge, user=user)
            elif self.action == "decline":
                services.decline(
                    self.pledge,
                    form.cleaned_data["reason"],
                    user=user,
                    code=form.cleaned_data.get("code"),
                )
            elif self.action == "request_changes":
                services.request_changes(
                    self.pledge, form.cleaned_data["comments"], user=user
                )
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
            return self.render(request, form)
        messages.success(
            request,
            _("%(action)s: done for “%(pledge)s”.")
            % {"action": ACTIONS[self.action], "pledge": self.pledge},
        )
        return redirect("wagtailsnippets_pledge_forms_pledge:inspect", self.pledge.pk)


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


def refuse_publishing_unconfirmed_pledges(request, instance):
    """``before_publish``: the edit form's Publish (also on creating a pledge, publishing a
    reverted revision or scheduling) refuses an unconfirmed pledge with a message; the
    edits stay as a draft. ``Pledge.publish`` refuses every other path."""
    if isinstance(instance, Pledge) and not instance.is_verified:
        messages.error(
            request,
            _("This pledge cannot be published: its e-mail address is not confirmed."),
        )
        return redirect(
            reverse("wagtailsnippets_pledge_forms_pledge:edit", args=[instance.pk])
        )
    return None

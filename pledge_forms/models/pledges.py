"""The pledge snippet: one agency's curated commitment, reviewed and published to the showcase."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from modelcluster.models import ClusterableModel
from wagtail.actions.publish_revision import PublishPermissionError
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    PreviewableMixin,
    RevisionMixin,
)
from wagtail.search import index

from pledge_forms.choices import (
    AgencyType,
    PracticeStatus,
    ReviewStatus,
    SizeBand,
    Stage,
)
from pledge_forms.geography import country_name, region_name
from pledge_forms.models.practices import PledgePractice

# Contact details: only users with this permission see or edit them.
CONTACTS_PERMISSION = "pledge_forms.view_pledge_contacts"
CONTACT_FIELDS = (
    "chief_name",
    "chief_title",
    "chief_email",
    "chief_phone",
    "contact_name",
    "contact_email",
    "contact_phone",
)

# Fields that record where a pledge stands in review rather than what it says. They live on
# the row only: publishing or reverting a revision never turns them back.
# What an update or a resubmission never changes: the agency's identity, as reviewed.
IDENTITY_FIELDS = ("legal_name", "country", "region")
REVIEW_STATE_FIELDS = (
    "review_status",
    "verified_at",
    "approved_at",
    "declined_at",
    "decline_reason",
    "decline_code",
    "update_link_version",
    "normalised_key",
    "slug",
    "featured",
    "featured_order",
)

# Addresses the showcase uses for its own views (/members/map/, /members/statistics/, ...) or
# may use later: a member page there would be hidden, so no member slug takes these words.
RESERVED_MEMBER_SLUGS = frozenset(
    {
        "map",
        "statistics",
        "stats",
        "data",
        "page",
        "search",
        "feed",
        "api",
        "badge",
        "badges",
        "certificate",
        "certificates",
        "featured",
        "recent",
        "completed",
        "index",
    }
)


def slug_is_reserved(slug: str) -> bool:
    return (slug or "").lower() in RESERVED_MEMBER_SLUGS


def lapsed_q(today: datetime.date | None = None) -> models.Q:
    """The one rule of a lapsed pledge, as a filter: still "pledged" and its deadline
    before ``today`` (``pledge_forms.services.lapse`` says what follows from it)."""
    today = today or timezone.localdate()
    return models.Q(stage=Stage.PLEDGED, deadline__isnull=False, deadline__lt=today)


def member_q() -> models.Q:
    """Members as reminders and lapses count them: approved pledges, and live members
    whose pending update a reviewer asked the agency to change (they stay members)."""
    return models.Q(review_status=ReviewStatus.APPROVED) | models.Q(
        review_status=ReviewStatus.CHANGES_REQUESTED, live=True
    )


def is_lapsed(pledge: "Pledge", today: datetime.date | None = None) -> bool:
    """The one rule for one pledge (see :func:`lapsed_q`)."""
    today = today or timezone.localdate()
    return (
        pledge.stage == Stage.PLEDGED
        and pledge.deadline is not None
        and pledge.deadline < today
    )


class Pledge(
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    PreviewableMixin,
    index.Indexed,
    ClusterableModel,
):
    """One agency's pledge, created from its first submission and curated by reviewers.

    Reviewers verify, approve (publish) or decline it; the published version appears in the
    member showcase with the fields the agency agreed to show. Later progress updates arrive
    as draft revisions, so the showcase keeps the published version until a reviewer
    publishes the update.
    """

    form_page = models.ForeignKey(
        "pledge_forms.PledgeFormPage",
        verbose_name=_("form"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pledges",
    )

    # Identity
    legal_name = models.CharField(_("legal name"), max_length=255)
    display_name = models.CharField(
        _("display name"),
        max_length=255,
        help_text=_("The name shown in the showcase."),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        help_text=_("Address of the member page: /members/<slug>/."),
    )
    normalised_key = models.CharField(
        _("duplicate key"),
        max_length=600,
        unique=True,
        editable=False,
        help_text=_("Normalised name, country and state/province; one pledge each."),
    )
    agency_type = models.CharField(
        _("agency type"), max_length=20, choices=AgencyType.choices
    )
    country = models.CharField(
        _("country"),
        max_length=2,
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Use an ISO 3166 country code."))],
    )
    region = models.CharField(
        _("state / province"),
        max_length=10,
        blank=True,
        help_text=_("ISO 3166-2 code, e.g. US-CA."),
    )
    city = models.CharField(_("city"), max_length=255, blank=True)
    size_band = models.CharField(
        _("sworn officers"), max_length=10, choices=SizeBand.choices
    )
    website = models.URLField(_("website"), max_length=500, blank=True)
    logo = models.FileField(
        _("logo"), upload_to="pledge-logos/%Y/%m/", max_length=255, blank=True
    )

    # Contacts (never public, except the chief's name and title with consent)
    chief_name = models.CharField(_("chief executive's name"), max_length=255)
    chief_title = models.CharField(_("chief executive's title"), max_length=255)
    chief_email = models.EmailField(_("chief executive's e-mail"))
    chief_phone = models.CharField(_("chief executive's phone"), max_length=40)
    contact_name = models.CharField(
        _("second contact's name"), max_length=255, blank=True
    )
    contact_email = models.EmailField(_("second contact's e-mail"), blank=True)
    contact_phone = models.CharField(
        _("second contact's phone"), max_length=40, blank=True
    )

    # Commitment
    committed_all_areas = models.BooleanField(
        _("committed to all focus areas"), default=False
    )
    signatory_name = models.CharField(_("signatory's name"), max_length=255)
    signatory_title = models.CharField(_("signatory's title"), max_length=255)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)

    # Public profile and consent
    public_statement = models.TextField(_("public statement"), blank=True)
    consent_listed = models.BooleanField(
        _("consents to a public listing"), default=False
    )
    consent_show_city = models.BooleanField(_("show the city"), default=True)
    consent_show_website = models.BooleanField(_("show the website"), default=True)
    consent_show_logo = models.BooleanField(_("show the logo"), default=True)
    consent_show_statement = models.BooleanField(
        _("show the public statement"), default=True
    )
    consent_show_chief = models.BooleanField(
        _("show the chief executive's name and title"), default=False
    )
    consent_show_practices = models.BooleanField(
        _("show progress per practice"), default=True
    )

    # Stage and dates
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.PLEDGED
    )
    pledged_at = models.DateTimeField(_("pledged at"), default=timezone.now)
    # A language code of LANGUAGES (no choices here: a new language needs no migration).
    language = models.CharField(
        _("language"),
        max_length=15,
        blank=True,
        help_text=_(
            "The language the pledge was made in: e-mails to the agency use it."
        ),
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    eligible = models.BooleanField(
        _("eligible"),
        default=False,
        help_text=_("Computed from the recognition rule when the pledge changes."),
    )

    # Review state (kept on the row, see REVIEW_STATE_FIELDS)
    review_status = models.CharField(
        _("review status"),
        max_length=20,
        choices=ReviewStatus.choices,
        default=ReviewStatus.UNVERIFIED,
        db_index=True,
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined at"), null=True, blank=True)
    decline_reason = models.TextField(_("decline reason"), blank=True)
    decline_code = models.CharField(
        _("decline reason code"),
        max_length=50,
        blank=True,
        help_text=_("The code of the reason chosen from the list (DeclineReason)."),
    )
    update_link_version = models.PositiveIntegerField(
        _("update link version"),
        default=1,
        editable=False,
        help_text=_("Raising it revokes every update link sent so far."),
    )

    # Curation
    featured = models.BooleanField(_("featured"), default=False)
    featured_order = models.PositiveSmallIntegerField(_("featured order"), default=0)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    search_fields = [
        index.SearchField("legal_name"),
        index.SearchField("display_name"),
        index.SearchField("city"),
        index.AutocompleteField("display_name"),
        index.AutocompleteField("legal_name"),
        index.AutocompleteField("city"),
        index.FilterField("stage"),
        index.FilterField("live"),
        index.FilterField("country"),
        index.FilterField("review_status"),
        index.FilterField("agency_type"),
        index.FilterField("eligible"),
    ]

    class Meta:
        ordering = ["featured_order", "display_name"]
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        permissions = [
            ("view_pledge_contacts", _("Can see pledge contact details")),
            ("review_pledge", _("Can approve, decline and complete pledges")),
            ("export_pledge", _("Can export pledges")),
        ]
        indexes = [
            models.Index(fields=["live", "stage"], name="pledge_live_stage"),
            # The showcase: its sort orders, and its counts per area without reading rows.
            models.Index(fields=["display_name"], name="pledge_name"),
            models.Index(fields=["-pledged_at"], name="pledge_newest"),
            models.Index(fields=["-completed_at"], name="pledge_completed"),
            models.Index(
                fields=["featured_order", "display_name"],
                condition=models.Q(featured=True),
                name="pledge_featured",
            ),
            models.Index(
                fields=[
                    "live",
                    "consent_listed",
                    "review_status",
                    "country",
                    "region",
                    "stage",
                ],
                name="pledge_listed_areas",
            ),
        ]

    def __str__(self):
        return self.display_name or self.legal_name

    def clean(self):
        super().clean()
        if slug_is_reserved(self.slug):
            raise ValidationError(
                {
                    "slug": _(
                        "“%(slug)s” is the address of a showcase page (such as its map or "
                        "statistics); choose another slug, e.g. the agency's name."
                    )
                    % {"slug": self.slug}
                }
            )

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def is_overdue(self) -> bool:
        """Lapsed: :func:`is_lapsed`."""
        return is_lapsed(self)

    def statuses_by_item(self) -> dict[int, str]:
        """Status per checklist item id, from the practice rows of this object (the
        published rows, or a revision's own when the pledge came from a revision)."""
        return {row.item_id: row.status for row in self.practices.all()}

    def practice_status(self, item) -> str:
        """The status of one practice (a checklist item or its id); no row: not planned."""
        item_id = getattr(item, "pk", item)
        return self.statuses_by_item().get(item_id, PracticeStatus.NOT_PLANNED)

    def count_in_place(self) -> int:
        return sum(
            1 for row in self.practices.all() if row.status == PracticeStatus.IN_PLACE
        )

    def region_name(self) -> str:
        return region_name(self.region)

    def country_name(self) -> str:
        return country_name(self.country)

    def language_name(self) -> str:
        """The pledge's language, named in the language of whoever reads it (a
        reviewer's admin); the default language when the pledge has none."""
        code = self.language or settings.LANGUAGE_CODE
        try:
            return get_language_info(code)["name_translated"]
        except KeyError:
            return code

    @classmethod
    def from_serializable_data(cls, data, check_fks=True, strict_fks=False):
        """A pledge from stored data (a revision): its practice rows are built by
        :meth:`PledgePractice.rows_from_serializable_data`, which reads their practices in
        one query instead of three queries a row."""
        if "practices" not in data:
            return super().from_serializable_data(data, check_fks, strict_fks)
        rest = {key: value for key, value in data.items() if key != "practices"}
        obj = super().from_serializable_data(rest, check_fks, strict_fks)
        if obj is not None:
            obj.practices = PledgePractice.rows_from_serializable_data(
                data["practices"], check_fks=check_fks
            )
        return obj

    def with_content_json(self, content):
        obj = super().with_content_json(content)
        for name in REVIEW_STATE_FIELDS:
            setattr(obj, name, getattr(self, name))
        return obj

    def publish(self, revision, *args, **kwargs):
        # Publishing is approving (pledge_forms.services.review): whatever path leads
        # here, an unconfirmed pledge never goes live, nor stays scheduled to.
        if not self.is_verified:
            revision.approved_go_live_at = None
            if revision.pk:
                revision.save(update_fields=["approved_go_live_at"])
            raise PublishPermissionError(
                _("An unconfirmed pledge cannot be published.")
            )
        return super().publish(revision, *args, **kwargs)

    def get_preview_template(self, request, mode_name):
        return "pledge_forms/pledge_preview.html"

    def get_admin_url(self) -> str:
        return reverse("wagtailsnippets_pledge_forms_pledge:edit", args=[self.pk])

"""The checklist: sections (focus areas) and items (practices) that agencies pledge to adopt.

The checklist belongs to the plugin: the pledge form asks about its items and the showcase
reports on them; a site's pages link to its sections.

The checklist is translatable (Wagtail's ``TranslatableMixin``): each language has its own copy
with the same ``translation_key``. Records stay language-neutral: pledges, forms, statistics and
exports always refer to the default language's items (``source_items``), and only the words a
page shows come from the active language's copy (``pledge_forms.translation``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable, TranslatableMixin
from wagtail.search import index

from pledge_forms.translatable import ShowsTranslation, synchronized


class Checklist(ShowsTranslation, TranslatableMixin, index.Indexed, ClusterableModel):
    """A named list of sections and practices that agencies pledge to adopt.

    Editors keep its wording current; codes stay stable so pledges, links and exports keep
    pointing at the same practice when a title changes.
    """

    name = models.CharField(_("name"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=100)
    intro = models.TextField(_("introduction"), blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("intro"),
        InlinePanel("sections", label=_("Sections (focus areas)"), min_num=1),
    ]

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]
    override_translatable_fields = synchronized("slug")

    def __str__(self):
        return self.name

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")
        constraints = [
            models.UniqueConstraint(
                fields=["slug", "locale"], name="pledge_forms_checklist_unique_slug"
            )
        ]


class ChecklistSection(ShowsTranslation, TranslatableMixin, Orderable):
    """A group of practices, e.g. a focus area such as "Use of Force"."""

    checklist = ParentalKey(
        Checklist, on_delete=models.CASCADE, related_name="sections"
    )
    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        help_text=_("Stable identifier, used in links such as /focus-areas/<slug>/."),
    )
    description = models.TextField(_("description"), blank=True)

    panels = [FieldPanel("title"), FieldPanel("slug"), FieldPanel("description")]
    override_translatable_fields = synchronized("slug")

    def __str__(self):
        return self.title

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [
            models.UniqueConstraint(
                fields=["checklist", "slug"], name="pledge_forms_section_unique_slug"
            )
        ]


class ChecklistItem(ShowsTranslation, TranslatableMixin, index.Indexed, models.Model):
    """One practice of the checklist, with a stable code (e.g. ``BF-1``) and a number."""

    section = models.ForeignKey(
        ChecklistSection, on_delete=models.PROTECT, related_name="items"
    )
    number = models.PositiveSmallIntegerField(
        _("number"), help_text=_("Position in the whole checklist, 1 to 25.")
    )
    code = models.CharField(
        _("code"),
        max_length=20,
        help_text=_(
            "Stable code such as BF-1. Pledges refer to practices by this code."
        ),
    )
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    illustrative = models.BooleanField(
        _("illustrative wording"),
        default=False,
        help_text=_(
            "Tick when the wording is our own example rather than the campaign's "
            "official text, so the site can say so."
        ),
    )

    panels = [
        FieldPanel("section"),
        FieldPanel("number"),
        FieldPanel("code"),
        FieldPanel("title"),
        FieldPanel("description"),
        FieldPanel("illustrative"),
    ]

    search_fields = [
        index.SearchField("title"),
        index.SearchField("description"),
        index.AutocompleteField("title"),
        index.FilterField("code"),
        index.FilterField("locale_id"),
    ]
    override_translatable_fields = synchronized("code", "number", "illustrative")

    class Meta(TranslatableMixin.Meta):
        ordering = ["number"]
        verbose_name = _("practice")
        verbose_name_plural = _("practices")
        constraints = [
            models.UniqueConstraint(
                fields=["section", "number"], name="pledge_forms_item_unique_number"
            ),
            models.UniqueConstraint(
                fields=["code", "locale"], name="pledge_forms_item_unique_code"
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

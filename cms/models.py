"""Site-wide settings that communications staff edit in Settings → Site settings, and the
site's own words in each language (Settings → Site text)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import TranslatableMixin

from cms import topics


@register_setting(icon="cog")
class SiteSettings(BaseSiteSetting):
    """Contact address, social links and logo shown on every public page, and the image
    shown when a page without one of its own is shared (docs/metadata.md). What is
    written in words, and so differs by language, is in ``SiteText``."""

    contact_email = models.EmailField(_("campaign contact e-mail"), blank=True)
    logo = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL,
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown in the page header; its alt text should name the campaign."),
    )
    social_image = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL,
        verbose_name=_("default social image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Shown when a page without an image of its own is shared on social media "
            "(1200 × 630 works best; PNG or JPEG, not SVG). Its alt text describes it."
        ),
    )
    x_url = models.URLField(_("X (Twitter) address"), blank=True)
    facebook_url = models.URLField(_("Facebook address"), blank=True)
    linkedin_url = models.URLField(_("LinkedIn address"), blank=True)
    instagram_url = models.URLField(_("Instagram address"), blank=True)
    youtube_url = models.URLField(_("YouTube address"), blank=True)
    # Linked from every page's footer and from the pledge form.
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("privacy notice"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "The page that says what the site collects, why, for how long and how to "
            "have it erased."
        ),
    )
    accessibility_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("accessibility statement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("contact_email"),
        FieldPanel("logo"),
        MultiFieldPanel(
            [
                FieldPanel("social_image"),
                FieldPanel("x_url"),
                FieldPanel("facebook_url"),
                FieldPanel("linkedin_url"),
                FieldPanel("instagram_url"),
                FieldPanel("youtube_url"),
            ],
            heading=_("Social media"),
        ),
        MultiFieldPanel(
            [FieldPanel("privacy_page"), FieldPanel("accessibility_page")],
            heading=_("Privacy and accessibility"),
        ),
    ]

    select_related = ["logo", "social_image", "privacy_page", "accessibility_page"]

    @property
    def social_links(self):
        links = [
            ("X", self.x_url),
            ("Facebook", self.facebook_url),
            ("LinkedIn", self.linkedin_url),
            ("Instagram", self.instagram_url),
            ("YouTube", self.youtube_url),
        ]
        return [(name, url) for name, url in links if url]

    @classmethod
    def for_request(cls, request):
        """The settings of the request's site, read once per process until an editor
        saves them (or anything else changes the ``site`` topic, cms/topics.py): with
        the pages they link (logo, policy pages) once those have been read."""
        from wagtail.models import Site

        site = Site.find_for_request(request)
        if site is None:
            return super().for_request(request)
        return topics.memo.get(
            request,
            ("site-settings", site.pk),
            (topics.SITE,),
            lambda: super(SiteSettings, cls).for_request(request),
        )

    @property
    def policy_pages(self):
        """The privacy notice and accessibility statement, when chosen and live."""
        pages = {"privacy": self.privacy_page, "accessibility": self.accessibility_page}
        return {kind: page for kind, page in pages.items() if page and page.live}

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")


class SiteText(TranslatableMixin, models.Model):
    """The site's own words in one language: the campaign's name (page titles, header,
    footer, e-mails, badges, certificates) and the footer's text.

    One per language, translated like any snippet (Snippets → Site text → Translate);
    a language without its own keeps the default language's (``cms.site_text``)."""

    site_name = models.CharField(
        _("site name"),
        max_length=120,
        help_text=_("The campaign's name in this language."),
    )
    footer_text = models.TextField(
        _("footer text"),
        blank=True,
        help_text=_("A sentence or two shown at the foot of every page."),
    )

    panels = [FieldPanel("site_name"), FieldPanel("footer_text")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("site text")
        verbose_name_plural = _("site text")
        constraints = [
            models.UniqueConstraint(
                fields=["locale"], name="cms_sitetext_one_per_language"
            )
        ]

    def __str__(self):
        return self.site_name

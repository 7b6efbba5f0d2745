"""The media library: the site's own Wagtail image and document models.

Set as WAGTAILIMAGES_IMAGE_MODEL / WAGTAILDOCS_DOCUMENT_MODEL from the first migration, so the
project never has to migrate away from Wagtail's defaults. Where files live (local disk or S3)
is a storage setting, not a model concern.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.documents.models import AbstractDocument, Document
from wagtail.images.models import AbstractImage, AbstractRendition, Image


class CampaignImage(AbstractImage):
    """An image in the library. Alt text is required so every use can be accessible."""

    description = models.CharField(
        _("alt text"),
        max_length=255,
        help_text=_(
            "Describe the image for people who cannot see it. "
            "Used as alt text wherever the image appears."
        ),
    )
    credit = models.CharField(
        _("credit"),
        max_length=255,
        blank=True,
        help_text=_(
            "Photographer or source, shown with the image where it has a caption."
        ),
    )

    admin_form_fields = (*Image.admin_form_fields, "credit")

    @property
    def default_alt_text(self):
        return self.description

    class Meta(AbstractImage.Meta):
        verbose_name = _("image")
        verbose_name_plural = _("images")


class CampaignRendition(AbstractRendition):
    image = models.ForeignKey(
        CampaignImage, on_delete=models.CASCADE, related_name="renditions"
    )

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)


class CampaignDocument(AbstractDocument):
    """A downloadable document (policy, toolkit, guide) in the library."""

    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_(
            "A sentence or two on what the document is, shown in document lists."
        ),
    )

    admin_form_fields = (*Document.admin_form_fields, "description")

    class Meta(AbstractDocument.Meta):
        verbose_name = _("document")
        verbose_name_plural = _("documents")

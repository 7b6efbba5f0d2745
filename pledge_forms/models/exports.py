"""Exports too large to write in the request: the task worker writes them to private
storage, and the user who asked downloads them from "My exports"."""

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils.translation import gettext_lazy as _

from pledge_forms import conf
from pledge_forms.choices import ExportStatus


def private_storage():
    """The storage export files go to (``PLEDGE_FORMS_EXPORT_STORAGE``), never public media."""
    return storages[conf.get("EXPORT_STORAGE")]


class ExportJob(models.Model):
    """One export of an admin listing, as it was asked for (listing, filters, format), and
    the file the task worker wrote for it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="pledge_export_jobs",
    )
    label = models.CharField(_("listing"), max_length=255)
    path = models.CharField(max_length=255, help_text=_("The listing's admin URL."))
    query = models.TextField(
        blank=True, help_text=_("The listing's filters, as a query string.")
    )
    export_format = models.CharField(_("format"), max_length=8)
    permission = models.CharField(
        max_length=255, help_text=_("Needed to download the file.")
    )
    status = models.CharField(
        max_length=16, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    rows = models.PositiveIntegerField(default=0)
    file = models.FileField(
        storage=private_storage, upload_to="pledge_forms/exports/", blank=True
    )
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self):
        return (
            f"{self.label} ({self.export_format.upper()}, {self.created_at:%Y-%m-%d})"
        )

    @property
    def filename(self) -> str:
        return f"export-{self.pk}-{self.created_at:%Y%m%d-%H%M}.{self.export_format}"

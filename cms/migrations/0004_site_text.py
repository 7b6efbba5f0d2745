"""The site's words move to a translatable snippet, one per language: the footer text from
the site settings and the site's name from the Wagtail site, in the default language."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from wagtail.coreutils import get_supported_content_language_variant


def forwards(apps, schema_editor):
    SiteSettings = apps.get_model("cms", "SiteSettings")
    SiteText = apps.get_model("cms", "SiteText")
    Site = apps.get_model("wagtailcore", "Site")
    Locale = apps.get_model("wagtailcore", "Locale")
    old = SiteSettings.objects.order_by("pk").first()
    site = Site.objects.filter(is_default_site=True).first()
    name = (site.site_name if site else "") or settings.WAGTAIL_SITE_NAME
    if old is None and not (site and site.site_name):
        return  # a new site: its first site text is made by an editor or the demo
    locale, _ = Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    SiteText.objects.get_or_create(
        locale=locale,
        defaults={"site_name": name, "footer_text": old.footer_text if old else ""},
    )


def backwards(apps, schema_editor):
    SiteSettings = apps.get_model("cms", "SiteSettings")
    SiteText = apps.get_model("cms", "SiteText")
    words = SiteText.objects.filter(
        locale__language_code=get_supported_content_language_variant(
            settings.LANGUAGE_CODE
        )
    ).first()
    if words is not None:
        SiteSettings.objects.update(footer_text=words.footer_text)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0003_social_image"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.CreateModel(
            name="SiteText",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("translation_key", models.UUIDField(default=uuid.uuid4, editable=False)),
                (
                    "site_name",
                    models.CharField(
                        help_text="The campaign's name in this language.",
                        max_length=120,
                        verbose_name="site name",
                    ),
                ),
                (
                    "footer_text",
                    models.TextField(
                        blank=True,
                        help_text="A sentence or two shown at the foot of every page.",
                        verbose_name="footer text",
                    ),
                ),
                (
                    "locale",
                    models.ForeignKey(
                        editable=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="wagtailcore.locale",
                        verbose_name="locale",
                    ),
                ),
            ],
            options={
                "verbose_name": "site text",
                "verbose_name_plural": "site text",
                "abstract": False,
                "constraints": [
                    models.UniqueConstraint(
                        fields=("locale",), name="cms_sitetext_one_per_language"
                    )
                ],
                "unique_together": {("translation_key", "locale")},
            },
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="sitesettings", name="footer_text"),
    ]

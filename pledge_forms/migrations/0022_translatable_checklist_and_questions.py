"""The checklist (checklists, sections, practices) and the pledge form's questions become
translatable: each row gets a locale (the default language's) and a translation key, codes
and slugs become unique per language."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import BootstrapLocaleField, BootstrapTranslationKeyField

MODELS = ("checklist", "checklistsection", "checklistitem", "pledgeformfield")


def bootstrap(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    locale, _ = Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    for name in MODELS:
        model = apps.get_model("pledge_forms", name)
        for pk in model.objects.filter(translation_key__isnull=True).values_list(
            "pk", flat=True
        ):
            model.objects.filter(pk=pk).update(
                translation_key=uuid.uuid4(), locale=locale
            )


def locale_field():
    return models.ForeignKey(
        editable=False,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="wagtailcore.locale",
        verbose_name="locale",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("pledge_forms", "0021_draft_saved_email"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="checklistitem", name="pledge_forms_item_unique_code"
        ),
        migrations.AlterField(
            model_name="checklist",
            name="slug",
            field=models.SlugField(max_length=100, verbose_name="slug"),
        ),
        *(BootstrapLocaleField(f"pledge_forms.{name}") for name in MODELS),
        *(BootstrapTranslationKeyField(f"pledge_forms.{name}") for name in MODELS),
        migrations.RunPython(bootstrap, migrations.RunPython.noop),
        *(
            migrations.AlterField(model_name=name, name="locale", field=locale_field())
            for name in MODELS
        ),
        *(
            migrations.AlterField(
                model_name=name,
                name="translation_key",
                field=models.UUIDField(default=uuid.uuid4, editable=False),
            )
            for name in MODELS
        ),
        *(
            migrations.AlterUniqueTogether(
                name=name, unique_together={("translation_key", "locale")}
            )
            for name in MODELS
        ),
        migrations.AddConstraint(
            model_name="checklist",
            constraint=models.UniqueConstraint(
                fields=("slug", "locale"), name="pledge_forms_checklist_unique_slug"
            ),
        ),
        migrations.AddConstraint(
            model_name="checklistitem",
            constraint=models.UniqueConstraint(
                fields=("code", "locale"), name="pledge_forms_item_unique_code"
            ),
        ),
    ]

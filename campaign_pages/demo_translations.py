"""Spanish and French translations of the demo content, written for this project.

The words are in ``demo_locale/<language>.po`` (source text → translation, the format
wagtail-localize exports and imports). They go in through wagtail-localize like any
translation an editor makes: each page and the checklist get a translation record, the
strings are imported from the catalogue, and the translation is published. Editors then see
them in the translation editor, marked as made by DEMO_TOOL, and every translated page's
history says it is a demo translation.

Loading is idempotent: an object already translated into a language is left as it is, so an
editor's work is never overwritten.
"""

from __future__ import annotations

from pathlib import Path

import polib
from django.conf import settings
from django.db import transaction
from wagtail.log_actions import log
from wagtail.models import Locale, Page
from wagtail_localize.models import Translation
from wagtail_localize.operations import TranslationCreator

from cms.models import SiteText
from pledge_forms.localization import default_language
from pledge_forms.models import Checklist, ChecklistItem

CATALOGUES = Path(__file__).resolve().parent / "demo_locale"
DEMO_TOOL = "Demo translation"
LOG_ACTION = "campaign_pages.demo_translation"


def catalogue(language: str) -> dict[str, str]:
    """The demo catalogue of ``language``: source text → translation (empty if none)."""
    path = CATALOGUES / f"{language}.po"
    if not path.exists():
        return {}
    return {
        entry.msgid: entry.msgstr for entry in polib.pofile(str(path)) if entry.msgstr
    }


def demo_objects(home) -> list:
    """What the demo translates, parents before children: the site text, the checklist,
    its practices, then every page of the site from the home page down."""
    words = SiteText.objects.filter(locale__language_code=default_language())
    checklist = Checklist.objects.filter(locale__language_code=default_language())
    items = ChecklistItem.objects.filter(section__checklist__in=checklist).order_by(
        "number"
    )
    pages = [page.specific for page in Page.objects.descendant_of(home, inclusive=True)]
    return [*words, *checklist, *items, *pages]


def _fill(translation: Translation, words: dict[str, str]) -> int:
    """Import the catalogue's words into ``translation``; how many strings had none."""
    po = translation.export_po()
    missing = 0
    for entry in po:
        entry.msgstr = words.get(entry.msgid, "")
        # Slugs stay the source's: a page has the same address in every language,
        # after the language's prefix.
        missing += not entry.msgstr and entry.msgctxt != "slug"
    translation.import_po(po, tool_name=DEMO_TOOL)
    translation.save_target(publish=True)
    return missing


def translate(objects, locale: Locale, words: dict[str, str]) -> tuple[int, int]:
    """Translate each of ``objects`` (parents before children) not yet in ``locale`` with
    ``words`` (source text → translation), as the translation editor would, and publish
    it; a string without words stays the source's. Answers how many translations were
    made and how many strings stayed in the source language."""
    creator = TranslationCreator(user=None, target_locales=[locale])
    for obj in objects:
        if not obj.has_translation(locale):
            # Related objects (a practice's section) come with the checklist.
            creator.create_translations(obj, include_related_objects=False)
    made, missing = 0, 0
    for translations in creator.mappings.values():
        for translation in translations:
            missing += _fill(translation, words)
            made += 1
            target = translation.get_target_instance()
            if isinstance(target, Page):
                log(target, LOG_ACTION, data={"language": locale.language_code})
    return made, missing


@transaction.atomic
def load(home, stdout=None) -> str:
    """Translate the demo content into every content language that has a catalogue."""
    made, missing = 0, 0
    objects = demo_objects(home)
    for language, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
        words = catalogue(language)
        locale = Locale.objects.filter(language_code=language).first()
        if words and locale is not None and language != default_language():
            counts = translate(objects, locale, words)
            made, missing = made + counts[0], missing + counts[1]
    if stdout is not None and made:
        stdout.write(
            f"{made} demo translations made ({missing} strings left in the source "
            "language)."
        )
    return f"{made} demo translations"

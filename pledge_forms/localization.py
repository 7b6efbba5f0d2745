"""The checklist and the pledge form in the active language.

One rule for everything the plugin translates: the structure is the default language's, the
words are the active language's. Which practices and questions there are, their codes,
numbers, form keys, choices' stored values and the form's rules come from the default
language's checklist and form page, so a pledge is the same record in every language. Titles,
descriptions, labels, help texts and the choices' labels come from the translation in the
active language where there is one, else from the source.

Translations are kept by Wagtail's localisation (each has the source's ``translation_key``)
and edited with a translation editor (``pledge_forms.translatable``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from typing import TypeVar

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale

T = TypeVar("T")

CHECKLIST_VERSION_KEY = "pledge_forms:checklist-version"
logger = logging.getLogger(__name__)

# The words a translation gives each checklist model (by model name); everything else is
# the source's.
WORDS = {
    "checklist": ("name", "intro"),
    "checklistsection": ("title", "description"),
    "checklistitem": ("title", "description"),
}
CHOICE_TYPES = ("checkboxes", "dropdown", "multiselect", "radio")

# Per process: the language of each locale, and each checklist model's words per language
# and checklist version (read once, until an editor changes the checklist).
_locale_languages: dict[int, str] = {}
_words: dict[tuple, dict] = {}


def default_language() -> str:
    return get_supported_content_language_variant(settings.LANGUAGE_CODE)


def content_language(language: str | None = None) -> str:
    """``language`` (the active one by default) as a content language; the default
    language when the site has no content in it."""
    try:
        return get_supported_content_language_variant(
            language or get_language() or settings.LANGUAGE_CODE
        )
    except LookupError:
        return default_language()


def locale_language(locale_id: int) -> str:
    """The language code of a locale (no query once the process has seen the locales)."""
    if locale_id not in _locale_languages:
        _locale_languages.clear()
        _locale_languages.update(Locale.objects.values_list("pk", "language_code"))
    return _locale_languages.get(locale_id, default_language())


def forget_locales(**kwargs) -> None:
    _locale_languages.clear()


# --- The checklist's words ---------------------------------------------------------------


def checklist_version() -> str | None:
    """Changes whenever a checklist, section or practice is saved or deleted (any
    language): the key of everything kept that shows the checklist. None while the cache
    is out of reach (nothing is kept then)."""
    try:
        version = cache.get(CHECKLIST_VERSION_KEY)
        if version is None:
            cache.add(CHECKLIST_VERSION_KEY, time.time_ns(), None)
            version = cache.get(CHECKLIST_VERSION_KEY)
    except Exception:  # a cache outage is never an error page
        return None
    return None if version is None else str(version)


def bump_checklist_version(sender=None, **kwargs) -> None:
    try:
        cache.incr(CHECKLIST_VERSION_KEY)
    except ValueError:
        cache.set(CHECKLIST_VERSION_KEY, time.time_ns(), None)
    except Exception:  # a cache outage: what it kept goes with it
        logger.warning("cache unreachable: checklist version not raised", exc_info=True)


def _words_of(model, language: str, version: str | None) -> dict:
    key = (model, language, version)
    words = _words.get(key) if version is not None else None
    if words is None:
        fields = WORDS[model._meta.model_name]
        rows = model._default_manager.filter(
            locale__language_code=language
        ).values_list("translation_key", *fields)
        words = {row[0]: dict(zip(fields, row[1:], strict=True)) for row in rows}
        if len(_words) > 32:
            _words.clear()
        if version is not None:
            _words[key] = words
    return words


def _translate(obj, language: str, version: str | None) -> None:
    if getattr(obj, "display_language", None) == language:
        return
    if locale_language(obj.locale_id) != language:
        words = _words_of(type(obj), language, version).get(obj.translation_key)
        if words:
            obj.__dict__.update(words)
            # The instance now shows another language's words: it must not be saved.
            obj.display_language = language


def localized(objects: Iterable[T], language: str | None = None) -> list[T]:
    """``objects`` (checklists, sections or practices, with the sections and checklists
    loaded with them) showing the words of ``language`` (the active one by default).

    Nothing to do in the default language; otherwise one query per model and language,
    once per process until the checklist changes. The objects stay the default language's
    records (their keys are the ones pledges refer to) and refuse to be saved.
    """
    objects = list(objects)
    language = content_language(language)
    if not objects or language == default_language():
        return objects
    version = checklist_version()  # one look at the cache for all of them
    for obj in objects:
        _translate(obj, language, version)
        section = obj._state.fields_cache.get("section")
        if section is not None:
            _translate(section, language, version)
            checklist = section._state.fields_cache.get("checklist")
            if checklist is not None:
                _translate(checklist, language, version)
    return objects


def connect() -> None:
    for name in WORDS:
        model = apps.get_model("pledge_forms", name)
        for signal in (post_save, post_delete):
            signal.connect(
                bump_checklist_version,
                sender=model,
                dispatch_uid=f"pledge_forms_checklist_{model.__name__}_{id(signal)}",
            )
    for signal in (post_save, post_delete):
        signal.connect(
            forget_locales, sender=Locale, dispatch_uid=f"pf_locale_{id(signal)}"
        )


# --- The form page in a language ---------------------------------------------------------


def _in_language(page, language: str, *, live: bool):
    """``page`` in ``language`` (its translation, live ones only with ``live``), else
    ``page`` itself; no query when it is in that language already."""
    if locale_language(page.locale_id) == language:
        return page
    pages = type(page).objects.live() if live else type(page).objects.all()
    found = pages.filter(
        translation_key=page.translation_key, locale__language_code=language
    ).first()
    return found or page


def source_page(page):
    """The default language's version of ``page`` (a form page): the page pledges, drafts
    and submissions are recorded under. ``page`` itself in the default language (no query),
    or when it has no source."""
    return _in_language(page, default_language(), live=False)


def page_in(page, language: str | None):
    """The live translation of ``page`` in ``language`` (the active one by default);
    ``page`` itself when it is already in that language or has none."""
    return _in_language(page, content_language(language), live=True)


def record_language(record) -> str:
    """The language a pledge or draft was made in; the default language for one made
    before the site had languages (or in one it no longer has)."""
    return content_language(record.language or default_language())


def form_page_for(record):
    """The form page of ``record`` (a pledge or a draft, kept by the default language's
    page) in the language the agency used: its links and e-mails use it."""
    page = record.form_page
    return page_in(page, record_language(record)) if page is not None else None


def form_questions(page) -> list:
    """The editor-built questions the form at ``page`` asks: the source page's questions
    (their keys, types, steps, stored choice values), with the words of ``page``'s own
    translation of each. Two queries on a translated page, one on the source."""
    source = page.source_page  # kept on the page: its views need it too
    questions = list(source.form_fields.all())
    if source.pk == page.pk:
        return questions
    translated = {field.translation_key: field for field in page.form_fields.all()}
    for question in questions:
        words = translated.get(question.translation_key)
        if words is None:
            continue
        question.label = words.label
        question.help_text = words.help_text
        if question.field_type in CHOICE_TYPES:
            # Stored answers keep the source's values; only what is shown changes.
            question.choice_labels = words.choices
        else:
            question.default_value = words.default_value
        question.display_language = locale_language(page.locale_id)
    return questions

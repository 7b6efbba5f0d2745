"""The site's languages (docs/i18n.md).

English, the default, is served at unprefixed URLs; every other language of
``settings.LANGUAGES`` under ``/<code>/`` (Django's ``i18n_patterns`` with
``prefix_default_language=False``). Wagtail keeps one page tree per language (a ``Locale``
per code, made here after every migration); a page's translations share its
``translation_key``.

Adding a language is an entry in ``LANGUAGES`` plus its translations: message catalogues
(``<app>/locale/<code>/``) and the pages translated in the admin.

This module answers, for one request, where the page is in each language: the language
switcher and the ``hreflang`` alternates in the page's head show the same links. A
language the page has no translation in links to that language's home page; a language
with no home page yet is not offered. An address in a language its page is not in is
sent to the page in its own language (``page_in_its_language``, ``untranslated_page``).
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.urls import reverse, translate_url
from django.utils import translation
from wagtail.models import Locale, Page, Site

from cms import topics
from cms.models import SiteSettings
from cms.public_address import absolute
from pledge_forms.page_privacy import public_q

REQUEST_MEMO = "_language_links"
POLICY_MEMO = "_localized_policy_pages"


@dataclass(frozen=True)
class LanguageLink:
    code: str
    #: The language's name in that language ("Español"): how its readers look for it.
    name: str
    #: The address of the page (or of its language's home page) in that language.
    url: str
    current: bool
    #: False when the page has no translation in that language (``url`` is its home).
    translated: bool


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def language_of_path(path: str) -> str:
    """The language a URL is in: its prefix, else the default language."""
    return translation.get_language_from_path(path) or settings.LANGUAGE_CODE


def ensure_locales(**kwargs) -> None:
    """A Wagtail ``Locale`` for every content language (connected to ``post_migrate``)."""
    known = set(Locale.objects.values_list("language_code", flat=True))
    for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
        if code not in known:
            Locale.objects.create(language_code=code)


def language_links(request, page=None) -> list[LanguageLink]:
    """Where ``page`` (or, for a view that is not a page, the same view) is in each
    language with a home page, in the order of ``LANGUAGES``.

    A route of a page (a member of the showcase, a step of the pledge form) keeps its
    part of the address after the page's own. No query when the site has one language;
    else the live, public translations (one query), remembered on the request."""
    memo = getattr(request, REQUEST_MEMO, None)
    if memo is not None:
        return memo
    current = translation.get_language() or settings.LANGUAGE_CODE
    names = dict(settings.LANGUAGES)
    site = Site.find_for_request(request)
    homes = {root.language_code for root in _site_roots(site)}
    if len(homes) < 2 and current in homes:
        # One language only: nothing to switch to, no query.
        setattr(request, REQUEST_MEMO, [])
        return []
    links = []
    if page is not None and hasattr(page, "translation_key"):
        own = page.get_url(request) or ""
        suffix = (
            request.path[len(own) :] if own and request.path.startswith(own) else ""
        )
        translations = {}
        for found in _translations(request, page, current):
            if found.translation_key == page.translation_key:
                translations[found.locale.language_code] = found
        for code in language_codes():
            found = translations.get(code)
            if found is not None:
                url = (found.get_url(request) or "") + suffix
            elif code in homes:
                url = home_path(code)
            else:
                continue
            links.append(
                LanguageLink(code, names[code], url, code == current, found is not None)
            )
    else:
        for code in language_codes():
            if code in homes or code == current:
                url = translate_url(request.get_full_path(), code)
                links.append(
                    LanguageLink(code, names[code], url, code == current, True)
                )
    setattr(request, REQUEST_MEMO, links)
    return links


def _translations(request, page, current: str) -> list[Page]:
    """The live, public translations of ``page``, and in a language other than the
    default those of the pages every page links to (the footer's policy pages), in one
    query, remembered by the process until pages change (cms/topics.py); the latter are
    kept on the request for :func:`policy_pages`."""
    rows, chosen = topics.memo.get(
        request,
        ("translations", page.translation_key, current),
        (topics.SITE, topics.PAGES),
        lambda: _read_translations(request, page, current),
    )
    if chosen:
        setattr(request, POLICY_MEMO, chosen)
    return rows


def _read_translations(request, page, current: str) -> tuple[list[Page], dict]:
    chrome = {}
    if current != settings.LANGUAGE_CODE:
        chrome = SiteSettings.for_request(request).policy_pages
    wanted = Q(translation_key=page.translation_key)
    if chrome:
        wanted |= _in_current(chrome, current)
    rows = _live_public(wanted)
    return rows, (_chosen(chrome, rows, current) if chrome else {})


def policy_pages(request) -> dict:
    """The site's privacy notice and accessibility statement in the request's language
    (their translation when live, else the source): no query in the default language,
    none either when :func:`language_links` has run (it reads them with the page's
    translations), else one."""
    chrome = SiteSettings.for_request(request).policy_pages
    current = translation.get_language() or settings.LANGUAGE_CODE
    if current == settings.LANGUAGE_CODE or not chrome:
        return chrome
    memo = getattr(request, POLICY_MEMO, None)
    if memo is None:
        memo = _chosen(chrome, _live_public(_in_current(chrome, current)), current)
        setattr(request, POLICY_MEMO, memo)
    return memo


def _in_current(pages: dict, current: str) -> Q:
    keys = [page.translation_key for page in pages.values()]
    return Q(translation_key__in=keys, locale__language_code=current)


def _chosen(pages: dict, rows: list[Page], current: str) -> dict:
    """Each of ``pages`` as its translation in ``current`` among ``rows``, else itself."""
    found = {
        row.translation_key: row for row in rows if row.locale.language_code == current
    }
    return {kind: found.get(page.translation_key, page) for kind, page in pages.items()}


def _live_public(condition: Q) -> list[Page]:
    return list(
        Page.objects.live()
        .filter(condition)
        .filter(public_q())
        .select_related("locale")
        .only(
            "id",
            "title",
            "path",
            "url_path",
            "translation_key",
            "locale__language_code",
        )
    )


def home_path(code: str) -> str:
    """The path of the home page in the language ``code`` (``/`` or ``/es/``), whatever
    the active language (``translate_url`` only translates addresses of the active one)."""
    with translation.override(code):
        return reverse("wagtail_serve", args=[""])


def _site_roots(site):
    """The site's home page in each language (Wagtail's cached site root paths)."""
    if site is None:
        return []
    return [root for root in Site.get_site_root_paths() if root.site_id == site.pk]


def is_site_home(page, site) -> bool:
    """Whether ``page`` is the site's home page, in any language (no query)."""
    return any(root.root_path == page.url_path for root in _site_roots(site))


def home_url_path(site, language: str | None = None) -> str | None:
    """The ``url_path`` of the site's home page in ``language`` (the active one by
    default), else in the default language: no query (Wagtail's cached root paths)."""
    found = {root.language_code: root.root_path for root in _site_roots(site)}
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    return found.get(language) or found.get(settings.LANGUAGE_CODE)


def alternates(request, page=None) -> list[tuple[str, str]]:
    """``(hreflang, absolute URL)`` for every language the page is translated into, and
    ``x-default`` (the default language's), for ``<link rel="alternate">``."""
    links = [link for link in language_links(request, page) if link.translated]
    if len(links) < 2:
        return []
    found = [(link.code, absolute(link.url)) for link in links]
    default = dict(found).get(settings.LANGUAGE_CODE)
    if default:
        found.append(("x-default", default))
    return found


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's, with the language taken from the URL alone.

    With ``prefix_default_language=False`` an unprefixed URL is always in the default
    language, whatever the browser asks for: Django still adds ``Vary: Accept-Language``
    to it, which would keep every English page out of shared caches (the page cache, a
    CDN) for no reason. The ``Content-Language`` header stays."""

    def process_response(self, request, response):
        if response.status_code == 404:
            found = untranslated_page(request)
            if found is not None:
                return found
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


def untranslated_page(request):
    """A redirect to the default language's page for an address under another language's
    prefix that has no page (``/es/news/a-post/`` when the post is not translated), else
    None: a link shared from one language's site never ends at "not found"."""
    language = translation.get_language_from_path(request.path_info)
    if not language or language == settings.LANGUAGE_CODE:
        return None
    target = translate_url(request.path, settings.LANGUAGE_CODE)
    site = Site.find_for_request(request)
    home = home_url_path(site, settings.LANGUAGE_CODE) if site else None
    if target == request.path or not home:
        return None
    parts = [part for part in target.strip("/").split("/") if part]
    candidates = [
        home + "".join(f"{part}/" for part in parts[:n]) for n in range(len(parts) + 1)
    ]
    deepest = (
        Page.objects.live()
        .filter(public_q(), url_path__in=candidates)
        .order_by("-depth")
        .first()
    )
    if deepest is None:
        return None
    # The page itself, or a route of a page that has routes (a member of the showcase).
    if deepest.url_path != candidates[-1] and not hasattr(
        deepest.specific_class, "resolve_subpage"
    ):
        return None
    return _redirect_keeping_query(request, target)


def page_in_its_language(page, request):
    """A redirect to ``page`` in the language it is written in when it is asked for
    under another language's prefix, else None. Wagtail serves the default language's
    page when a translation is missing: ``/es/about/`` would show English text as if it
    were Spanish. No query: a page's language is its URL's (Wagtail's cached roots)."""
    if request.method not in ("GET", "HEAD"):
        return None
    active = translation.get_language() or settings.LANGUAGE_CODE
    if active == settings.LANGUAGE_CODE:
        # Wagtail finds default-language addresses in the default language's tree only.
        return None
    url = page.get_url(request)
    if not url:
        return None
    language = language_of_path(url)
    if language == active:
        return None
    target = translate_url(request.path, language)
    if target == request.path:
        return None
    return _redirect_keeping_query(request, target)


def _redirect_keeping_query(request, target: str) -> HttpResponseRedirect:
    query = request.META.get("QUERY_STRING", "")
    return HttpResponseRedirect(target + (f"?{query}" if query else ""))

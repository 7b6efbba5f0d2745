"""Page cache: whole responses of public pages for anonymous visitors, in Django's cache.

Shared by every app server when the cache is Redis (``REDIS_URL``). Invalidation is a *generation*
counter kept in the same cache: every stored page records the generation it was stored under and
is served only while that is still the current one; any change that can alter a public page (a
page or snippet published, unpublished, moved or deleted, site settings, the checklist, an image
or document saved) increments it, so every server misses at once. The generation and the page are
read in one round trip (``get_many``).

What is never cached (the request is passed through untouched):
- anything but GET/HEAD, and URLs under ``PAGE_CACHE_EXCLUDED_PATHS`` (admin, previews, health
  check, documents, static and media files, the benchmark view);
- requests carrying a session or messages cookie (a logged-in editor, a visitor with a flash
  message or an unlocked password-protected page), or a query string longer than
  ``PAGE_CACHE_MAX_QUERY_LENGTH`` (the full URL, query string included, is hashed into the key);
- responses that are not a plain 200, that stream, set a cookie, used the CSRF token (pages with a
  form) or a Content-Security-Policy nonce (both are per visitor), say
  ``Cache-Control: private/no-cache/no-store``, vary on anything but ``Cookie``, or are larger
  than ``PAGE_CACHE_MAX_BYTES``;
- pages with a view restriction (private, password, groups) on themselves or an ancestor;
- URLs with a query parameter the page does not know. A page lists the parameters it reads in
  ``page_cache_query_parameters`` (the showcase: its filters and ``page``; most pages: none), a
  Django view with :func:`accept_query_parameters`. ``?utm_source=x`` or junk is served
  uncached rather than normalised away: the middleware looks a page up before it knows which
  page it is, and a normalised key would hand the page rendered for one URL to another. Known
  parameters with any values make at most ``PAGE_CACHE_MAX_VARIANTS`` entries per path and
  generation, so no run of query strings can fill the cache.

Changing a page's privacy (a ``PageViewRestriction`` saved, given other groups or deleted) is a
change like a publish: it invalidates at once.

The middleware sits before the session middleware, so a hit costs one cache round trip and nothing else.
Responses of eligible requests carry ``X-Page-Cache: hit`` or ``miss``. A cache outage never
becomes an error page: every cache call is guarded and the page is served uncached.
"""

import functools
import hashlib
import logging
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import cc_delim_re

from cms.languages import language_of_path

logger = logging.getLogger(__name__)

GENERATION_KEY = "page-cache:generation"
HEADER = "X-Page-Cache"
DEFAULT_EXCLUDED_PATHS = (
    "/admin/",
    "/django-admin/",
    "/healthz/",
    "/documents/",
    "/static/",
    "/media/",
    "/bench/",
)
DEFAULT_BYPASS_COOKIES = ("messages",)
UNCACHEABLE_CACHE_CONTROL = {"private", "no-cache", "no-store"}
DROPPED_HEADERS = {"set-cookie", "date", HEADER.lower()}


def _setting(name, default):
    return getattr(settings, name, default)


def cache_seconds() -> int:
    return int(_setting("PAGE_CACHE_SECONDS", 0) or 0)


def get_cache():
    alias = _setting("PAGE_CACHE_ALIAS", "page_cache")
    if alias not in settings.CACHES:
        alias = "default"
    return caches[alias]


def current_generation(cache, generation=None) -> str:
    """The generation in the shared cache; a fresh one when it was never set or was evicted."""
    if generation is None:
        generation = cache.get(GENERATION_KEY)
    if generation is None:
        # Nanoseconds rather than 1: an evicted counter must never restart at an old value.
        cache.add(GENERATION_KEY, time.time_ns(), None)
        generation = cache.get(GENERATION_KEY)
        if generation is None:
            raise RuntimeError("the page cache does not keep what is written to it")
    return str(generation)


def _bump() -> None:
    try:
        cache = get_cache()
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # not set yet, or evicted
            cache.set(GENERATION_KEY, time.time_ns(), None)
    except Exception:  # a cache outage must not break publishing
        logger.warning("could not invalidate the page cache", exc_info=True)


def invalidate() -> None:
    """Make every app server miss: now, and again once the surrounding transaction commits.

    The second bump covers a request that reads the old data and stores it in the cache between
    the first bump and the commit.
    """
    _bump()
    transaction.on_commit(_bump)


def _is_excluded(path: str) -> bool:
    prefixes = _setting("PAGE_CACHE_EXCLUDED_PATHS", DEFAULT_EXCLUDED_PATHS)
    return any(path.startswith(prefix) for prefix in prefixes)


def accept_query_parameters(request, names) -> None:
    """Let a view's responses be cached for query strings made only of these parameters."""
    request.page_cache_query_parameters = frozenset(names)


def note_page(request, page) -> None:
    """Called before Wagtail serves ``page`` (``cms/wagtail_hooks.py``): what it lets us cache."""
    if not getattr(request, "page_cache_eligible", False):
        return
    accept_query_parameters(request, getattr(page, "page_cache_query_parameters", ()))
    # Wagtail's own check lets a visitor through who unlocked the page (a session cookie,
    # never cached); this one keeps any response of a restricted page out of the cache.
    request.page_cache_restricted = bool(page.get_view_restrictions())


def query_is_known(request) -> bool:
    """Every parameter is one the page reads, and none is given twice."""
    if not request.META.get("QUERY_STRING"):
        return True
    known = getattr(request, "page_cache_query_parameters", frozenset())
    return all(
        name in known and len(values) == 1 for name, values in request.GET.lists()
    )


def request_is_eligible(request) -> bool:
    if request.method not in ("GET", "HEAD") or cache_seconds() <= 0:
        return False
    if _is_excluded(request.path_info):
        return False
    if len(request.META.get("QUERY_STRING", "")) > _setting(
        "PAGE_CACHE_MAX_QUERY_LENGTH", 512
    ):
        return False
    bypass = (settings.SESSION_COOKIE_NAME, *DEFAULT_BYPASS_COOKIES)
    bypass += tuple(_setting("PAGE_CACHE_BYPASS_COOKIES", ()))
    return not any(name in request.COOKIES for name in bypass)


def url_digest(request) -> str:
    """Scheme, host and full path, query string included, hashed to a bounded key.

    ``get_host()`` refuses a host not in ALLOWED_HOSTS: Django answers 400, not the cache.
    """
    scheme = "https" if request.is_secure() else "http"
    url = f"{scheme}://{request.get_host()}{request.get_full_path()}"
    return hashlib.sha256(url.encode("utf-8", "surrogateescape")).hexdigest()


# What a release of the site is made of: a page stored by one release is never served by
# the next (new templates, a new stylesheet with a new hashed name).
RELEASE_SOURCES = ("cms", "campaign_pages", "pledge_forms", "build/static")
RELEASE_SUFFIXES = {".py", ".html", ".txt", ".svg", ".css", ".js", ".json", ".po"}


@functools.cache
def release() -> str:
    """The release the pages are stored under: ``PAGE_CACHE_RELEASE`` (e.g. the deployed
    commit), else a digest of the site's code, templates and built static files, read once
    per process. Every server of one release computes the same digest."""
    configured = _setting("PAGE_CACHE_RELEASE", "")
    if configured:
        return str(configured)
    digest = hashlib.sha256()
    for source in RELEASE_SOURCES:
        root = Path(settings.BASE_DIR) / source
        for path in sorted(root.rglob("*")):
            if path.suffix in RELEASE_SUFFIXES and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def cache_key(digest: str, language: str = "") -> str:
    """A page's key: the release, the language it is in (its URL's prefix, see
    cms/languages.py) and its URL."""
    return f"page-cache:{release()}:{language}:{digest}"


def variants_key(request, generation: str) -> str:
    """Counts the query-string variants of one path stored under one generation."""
    path = f"{request.get_host()}{request.path}"
    digest = hashlib.sha256(path.encode("utf-8", "surrogateescape")).hexdigest()
    return f"page-cache:variants:{generation}:{digest}"


def may_store_variant(cache, request, generation: str) -> bool:
    """A path alone is always stored; with a query string, at most PAGE_CACHE_MAX_VARIANTS."""
    if not request.META.get("QUERY_STRING"):
        return True
    key = variants_key(request, generation)
    cache.add(key, 0, cache_seconds())
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr: count from one again
        cache.set(key, 1, cache_seconds())
        count = 1
    return count <= int(_setting("PAGE_CACHE_MAX_VARIANTS", 100))


def response_is_cacheable(request, response) -> bool:
    if response.status_code != 200 or response.streaming:
        return False
    if getattr(request, "page_cache_restricted", False) or not query_is_known(request):
        return False
    # django-csp sets _csp_nonce when a template used request.csp_nonce: that page's scripts
    # carry this visitor's nonce, and a copy would carry it for everyone.
    if isinstance(getattr(request, "_csp_nonce", None), str):
        return False
    # get_token() marks the request (Django 5: CSRF_COOKIE_NEEDS_UPDATE, earlier: _USED):
    # the page holds a token bound to this visitor's cookie and cannot be shared.
    if (
        response.cookies
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or request.META.get("CSRF_COOKIE_USED")
    ):
        return False
    if len(response.content) > _setting("PAGE_CACHE_MAX_BYTES", 2 * 1024 * 1024):
        return False
    if response.has_header("Cache-Control"):
        directives = {
            part.split("=", 1)[0].strip().lower()
            for part in cc_delim_re.split(response["Cache-Control"])
        }
        if directives & UNCACHEABLE_CACHE_CONTROL:
            return False
    if response.has_header("Vary"):
        varies = {v.strip().lower() for v in cc_delim_re.split(response["Vary"])}
        if varies - {"cookie", ""}:
            return False
    return True


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request_is_eligible(request):
            return self.get_response(request)

        request.page_cache_eligible = True
        key = cache_key(url_digest(request), language_of_path(request.path_info))
        generation = stored = None
        try:
            cache = get_cache()
            # One round trip: the generation and the page, which is valid only when it was
            # stored under the current generation.
            found = cache.get_many([GENERATION_KEY, key])
            generation = current_generation(cache, found.get(GENERATION_KEY))
            stored = found.get(key)
        except Exception:
            logger.warning("page cache unavailable, serving uncached", exc_info=True)
        if stored is not None and stored[0] == generation:
            _, content, headers = stored
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            response[HEADER] = "hit"
            return mark_shared(response)

        response = self.get_response(request)
        response[HEADER] = "miss"
        if (
            generation is not None
            and request.method == "GET"
            and response_is_cacheable(request, response)
        ):
            headers = [
                (name, value)
                for name, value in response.items()
                if name.lower() not in DROPPED_HEADERS
            ]
            try:
                if may_store_variant(cache, request, generation):
                    cache.set(
                        key, (generation, response.content, headers), cache_seconds()
                    )
            except Exception:
                logger.warning("could not store a page in the cache", exc_info=True)
            mark_shared(response)
        return response


def mark_shared(response):
    """With ``PAGE_CACHE_CDN_SECONDS``, let a CDN keep a page that is the same for everyone."""
    seconds = int(_setting("PAGE_CACHE_CDN_SECONDS", 0) or 0)
    if seconds > 0 and not response.has_header("Cache-Control"):
        response["Cache-Control"] = f"public, max-age=0, s-maxage={seconds}"
    return response


# --- Invalidation --------------------------------------------------------------------------

#: Models whose changes alter public pages although they are neither pages nor published
#: snippets. Connected by label if the app is installed; a missing model is skipped.
DEFAULT_INVALIDATING_MODELS = (
    # A page made private, public again, or given another password or other groups.
    "wagtailcore.PageViewRestriction",
    "pledge_forms.Checklist",
    "pledge_forms.ChecklistSection",
    "pledge_forms.ChecklistItem",
    "wagtailcore.Site",
    "wagtailredirects.Redirect",
    # The site's name and footer text, on every page.
    "cms.SiteText",
)


def _on_change(sender=None, **kwargs):
    invalidate()


def _on_any_save_or_delete(sender, instance=None, **kwargs):
    """Settings models, pages and snippets, whatever app defines them."""
    from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
    from wagtail.models import Page
    from wagtail.snippets.models import get_snippet_models

    # A settings row is created with its defaults by the first page that reads it (a GET):
    # pages do not change then, only when an editor saves it.
    is_setting = isinstance(
        instance, BaseSiteSetting | BaseGenericSetting
    ) and not kwargs.get("created")
    deleted_content = kwargs.get("signal_name") == "delete" and (
        isinstance(instance, Page) or sender in get_snippet_models()
    )
    if is_setting or deleted_content:
        invalidate()


def _on_groups_changed(sender, action=None, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        invalidate()


def _on_any_save(sender, instance=None, **kwargs):
    _on_any_save_or_delete(sender, instance, signal_name="save", **kwargs)


def _on_any_delete(sender, instance=None, **kwargs):
    _on_any_save_or_delete(sender, instance, signal_name="delete", **kwargs)


def connect_signals() -> None:
    """Called from the cms app's ``ready()``."""
    from django.apps import apps
    from django.db.models.signals import m2m_changed, post_delete, post_save
    from wagtail import signals as wagtail_signals
    from wagtail.models import PageViewRestriction

    for signal in (
        wagtail_signals.published,
        wagtail_signals.unpublished,
        wagtail_signals.page_published,
        wagtail_signals.page_unpublished,
        wagtail_signals.post_page_move,
    ):
        signal.connect(_on_change, dispatch_uid=f"page-cache-{id(signal)}")
    # The groups of a "private, for these groups" restriction are set after it is saved.
    m2m_changed.connect(
        _on_groups_changed,
        sender=PageViewRestriction.groups.through,
        dispatch_uid="page-cache-view-restriction-groups",
    )
    post_save.connect(_on_any_save, dispatch_uid="page-cache-any-save")
    post_delete.connect(_on_any_delete, dispatch_uid="page-cache-any-delete")

    labels = list(
        _setting("PAGE_CACHE_INVALIDATING_MODELS", DEFAULT_INVALIDATING_MODELS)
    )
    # A replaced image or document file changes the URLs that pages show.
    labels += [
        _setting("WAGTAILIMAGES_IMAGE_MODEL", "wagtailimages.Image"),
        _setting("WAGTAILDOCS_DOCUMENT_MODEL", "wagtaildocs.Document"),
    ]
    for label in labels:
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            logger.info("page cache: %s is not installed, not watched", label)
            continue
        for signal in (post_save, post_delete):
            signal.connect(
                _on_change,
                sender=model,
                dispatch_uid=f"page-cache-{label}-{id(signal)}",
            )

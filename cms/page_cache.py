"""Page cache: whole responses of public pages for anonymous visitors, in Django's cache.

Shared by every app server when the cache is Redis (``REDIS_URL``). Invalidation is by what a
page shows (cms/topics.py): every stored page records the generations of the topics it shows
(the site around it, editorial pages, members, practices, one member) and is served only while
they are all still the current ones; a change increments the generations of the topics it
alters (``changed`` and the handlers below), so every server misses at once on the pages
that show it and keeps the others. The global topics' generations and the page are read in
one round trip (``get_many``); a page that shows one member needs a second.

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

Changing a page's privacy (a ``PageViewRestriction`` saved, given other groups or deleted)
refreshes every page at once.

The middleware sits before the session middleware, so a hit costs one cache round trip and nothing else.
Responses of eligible requests carry ``X-Page-Cache: hit`` or ``miss``. A cache outage never
becomes an error page: every cache call is guarded and the page is served uncached.
"""

import functools
import hashlib
import logging
from pathlib import Path

from django.conf import settings
from django.db import models
from django.http import HttpResponse
from django.utils.cache import cc_delim_re

from cms import topics
from cms.languages import language_of_path

logger = logging.getLogger(__name__)

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
    return topics.cache()


def invalidate(*shown: str) -> None:
    """Refresh every page that shows these topics (every page when none is named)."""
    topics.invalidate(*shown)


def _is_excluded(path: str) -> bool:
    prefixes = _setting("PAGE_CACHE_EXCLUDED_PATHS", DEFAULT_EXCLUDED_PATHS)
    return any(path.startswith(prefix) for prefix in prefixes)


def accept_query_parameters(request, names) -> None:
    """Let a view's responses be cached for query strings made only of these parameters."""
    request.page_cache_query_parameters = frozenset(names)


def shows(request, *shown: str) -> None:
    """Say which topics (cms/topics.py) a response shows: it is refreshed when they change.

    The generation of a topic outside the global ones (one member) is read now, before the
    view reads what it shows: a change committed while the page renders then leaves a copy
    that is already out of date, never a stale copy under the new generation."""
    if not getattr(request, "page_cache_eligible", False):
        return
    request.page_cache_topics = topics.shown_by(shown)
    own = [topic for topic in request.page_cache_topics if topic not in topics.GLOBAL]
    try:
        request.page_cache_own_generations = (
            topics.read(get_cache(), own) if own else {}
        )
    except Exception:
        logger.warning("page cache unavailable, not storing", exc_info=True)
        request.page_cache_restricted = True


def note_page(request, page, args=(), kwargs=None) -> None:
    """Called before Wagtail serves ``page`` (``cms/wagtail_hooks.py``) with what its route
    found: what it lets us cache, and what it shows (``page_cache_shows``: topics, or a
    method of the request and the route's arguments returning them)."""
    if not getattr(request, "page_cache_eligible", False):
        return
    accept_query_parameters(request, getattr(page, "page_cache_query_parameters", ()))
    # Wagtail's own check lets a visitor through who unlocked the page (a session cookie,
    # never cached); this one keeps any response of a restricted page out of the cache.
    request.page_cache_restricted = bool(page.get_view_restrictions())
    shown = getattr(page, "page_cache_shows", ())
    if callable(shown):
        shown = shown(request, *args, **(kwargs or {}))
    shows(request, *shown)


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
        current = stored = None
        try:
            cache = get_cache()
            # One round trip: the global topics' generations and the page.
            found = cache.get_many([*map(topics.key, topics.GLOBAL), key])
            current = topics.read(cache, topics.GLOBAL, found)
            stored = found.get(key)
            if stored is not None and not is_current(cache, stored[0], current):
                stored = None
        except Exception:
            logger.warning("page cache unavailable, serving uncached", exc_info=True)
        if stored is not None:
            _, content, headers = stored
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            response[HEADER] = "hit"
            return mark_shared(response)

        # Fragments of the page (cms/templatetags/fragments.py) use the same generations.
        request.topic_generations = current
        response = self.get_response(request)
        response[HEADER] = "miss"
        if (
            current is not None
            and request.method == "GET"
            and response_is_cacheable(request, response)
        ):
            headers = [
                (name, value)
                for name, value in response.items()
                if name.lower() not in DROPPED_HEADERS
            ]
            shown = getattr(request, "page_cache_topics", topics.GLOBAL)
            generations = {
                topic: current[topic] for topic in shown if topic in current
            } | getattr(request, "page_cache_own_generations", {})
            try:
                if may_store_variant(cache, request, current[topics.SITE]):
                    cache.set(
                        key, (generations, response.content, headers), cache_seconds()
                    )
            except Exception:
                logger.warning("could not store a page in the cache", exc_info=True)
            mark_shared(response)
        return response


def is_current(cache, stored: dict, current: dict) -> bool:
    """Every topic a stored page shows is still at the generation it was stored under."""
    if not isinstance(stored, dict):  # stored by an earlier release of this module
        return False
    own = [topic for topic in stored if topic not in current]
    if own:  # a page of one member: a second round trip
        found = cache.get_many([topics.key(topic) for topic in own])
        current = current | {t: str(found.get(topics.key(t))) for t in own}
    return all(current[topic] == generation for topic, generation in stored.items())


def mark_shared(response):
    """With ``PAGE_CACHE_CDN_SECONDS``, let a CDN keep a page that is the same for everyone."""
    seconds = int(_setting("PAGE_CACHE_CDN_SECONDS", 0) or 0)
    if seconds > 0 and not response.has_header("Cache-Control"):
        # While it fetches a fresh copy, or while the site is down, the CDN may go on
        # serving the copy it has: a little longer, or for up to a day.
        revalidate = int(_setting("PAGE_CACHE_CDN_STALE_SECONDS", 60))
        if_error = int(_setting("PAGE_CACHE_CDN_STALE_IF_ERROR_SECONDS", 86400))
        response["Cache-Control"] = (
            f"public, max-age=0, s-maxage={seconds}, "
            f"stale-while-revalidate={revalidate}, stale-if-error={if_error}"
        )
    return response


# --- Invalidation: what each change refreshes ---------------------------------------------

#: Models whose changes alter public pages although they are neither pages nor published
#: snippets, and the topics they alter. Connected by label if the app is installed; a missing
#: model is skipped.
DEFAULT_INVALIDATING_MODELS = {
    # A page made private, public again, or given another password or other groups.
    "wagtailcore.PageViewRestriction": (topics.SITE,),
    "wagtailcore.Site": (topics.SITE,),
    "wagtailredirects.Redirect": (topics.SITE,),
    # The site's name and footer text, on every page.
    "cms.SiteText": (topics.SITE,),
    "pledge_forms.Checklist": (topics.PRACTICES,),
    "pledge_forms.ChecklistSection": (topics.PRACTICES,),
    "pledge_forms.ChecklistItem": (topics.PRACTICES,),
    # A replaced image or document file changes the URLs that pages show.
    "wagtailimages.Image": (topics.SITE,),
    "wagtaildocs.Document": (topics.SITE,),
}
#: The showcase's members: a change to one refreshes the lists and its own pages.
MEMBER_MODEL = "pledge_forms.Pledge"


@functools.cache
def _model_topics() -> dict[type, tuple[str, ...]]:
    from django.apps import apps

    configured = dict(
        _setting("PAGE_CACHE_INVALIDATING_MODELS", DEFAULT_INVALIDATING_MODELS)
    )
    for name, label in (
        ("WAGTAILIMAGES_IMAGE_MODEL", "wagtailimages.Image"),
        ("WAGTAILDOCS_DOCUMENT_MODEL", "wagtaildocs.Document"),
    ):
        configured.setdefault(_setting(name, label), (topics.SITE,))
    found = {}
    for label, shown in configured.items():
        try:
            found[apps.get_model(label)] = tuple(shown)
        except (LookupError, ValueError):
            logger.info("page cache: %s is not installed, not watched", label)
    return found


def _member_model():
    from django.apps import apps

    try:
        return apps.get_model(MEMBER_MODEL)
    except (LookupError, ValueError):
        return None


def members_changed(pledges) -> None:
    """Members approved, updated, withdrawn, lapsed, featured or erased: the pages that
    show members, and each one's own pages (under its address now, and the one it had
    before if a rename changed it)."""
    slugs = set()
    for pledge in pledges:
        slugs.update(
            slug
            for slug in (pledge.slug, getattr(pledge, "_page_cache_old_slug", None))
            if slug
        )
    invalidate(topics.MEMBERS, *(topics.member(slug) for slug in sorted(slugs)))


def page_topics(page) -> tuple[str, ...]:
    """What publishing, unpublishing or deleting ``page`` refreshes: the editorial pages,
    and everything when the page is part of what every page shows (a home page, a page of
    the menu or a policy page linked from the footer) or when the page itself shows no
    editorial pages (the showcase: its own text is in its pages)."""
    from cms.models import SiteSettings

    shown = getattr(page, "page_cache_shows", ())
    if callable(shown):
        shown = shown(None)
    around_every_page = (
        page.depth <= 3  # the tree's root, the home pages and the menu below them
        or topics.PAGES not in topics.shown_by(shown)
        or SiteSettings.objects.filter(
            models.Q(privacy_page=page.pk) | models.Q(accessibility_page=page.pk)
        ).exists()
    )
    return (topics.SITE,) if around_every_page else (topics.PAGES,)


def changed(instance) -> None:
    """Refresh what shows ``instance`` (a page, a member, a snippet) now that it changed."""
    from wagtail.models import Page

    if isinstance(instance, Page):
        invalidate(*page_topics(instance))
        return
    member_model = _member_model()
    if member_model is not None and isinstance(instance, member_model):
        members_changed([instance])
        return
    # Another snippet with draft state: it may be anywhere.
    invalidate(*_model_topics().get(type(instance), (topics.SITE,)))


def _on_publication(sender, instance=None, **kwargs):
    if instance is not None:
        changed(instance)


def _on_everything_changed(sender=None, **kwargs):
    invalidate(topics.SITE)


def _on_model_changed(sender, instance=None, **kwargs):
    invalidate(*_model_topics().get(sender, (topics.SITE,)))


def _on_any_save_or_delete(sender, instance=None, **kwargs):
    """Settings models, pages and snippets, whatever app defines them."""
    from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
    from wagtail.models import Page
    from wagtail.snippets.models import get_snippet_models

    # A settings row is created with its defaults by the first page that reads it (a GET):
    # pages do not change then, only when an editor saves it.
    if isinstance(instance, BaseSiteSetting | BaseGenericSetting):
        if not kwargs.get("created"):
            invalidate(topics.SITE)
    elif (
        isinstance(instance, Page)
        and instance.live
        and kwargs.get("signal_name") == "save"
        and kwargs.get("update_fields") is None
        and not kwargs.get("raw")
    ):
        # A live page saved whole: created or changed in code rather than published (an
        # import, the demo content). A draft saves only the fields it changes; a page
        # loaded from a backup is refreshed by the restore.
        changed(instance)
    elif kwargs.get("signal_name") == "delete" and (
        isinstance(instance, Page) or sender in get_snippet_models()
    ):
        changed(instance)


def _remember_slug(sender, instance=None, raw=False, **kwargs):
    """Before a live member is saved: the address it had, which a rename leaves behind."""
    if raw or instance is None or instance.pk is None or not instance.live:
        return
    instance._page_cache_old_slug = (
        sender.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
    )


def _on_groups_changed(sender, action=None, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        invalidate(topics.SITE)


def _on_any_save(sender, instance=None, **kwargs):
    _on_any_save_or_delete(sender, instance, signal_name="save", **kwargs)


def _on_any_delete(sender, instance=None, **kwargs):
    _on_any_save_or_delete(sender, instance, signal_name="delete", **kwargs)


def _on_members_changed(sender, pledges=(), **kwargs):
    members_changed(pledges)


def connect_signals() -> None:
    """Called from the cms app's ``ready()``."""
    from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
    from wagtail import signals as wagtail_signals
    from wagtail.models import PageViewRestriction

    # Sent for pages and for snippets with draft state (a pledge is published when approved).
    for signal in (wagtail_signals.published, wagtail_signals.unpublished):
        signal.connect(_on_publication, dispatch_uid=f"page-cache-{id(signal)}")
    # A moved page changes the addresses of its whole subtree, wherever they are linked.
    wagtail_signals.post_page_move.connect(
        _on_everything_changed, dispatch_uid="page-cache-page-move"
    )
    # The groups of a "private, for these groups" restriction are set after it is saved.
    m2m_changed.connect(
        _on_groups_changed,
        sender=PageViewRestriction.groups.through,
        dispatch_uid="page-cache-view-restriction-groups",
    )
    post_save.connect(_on_any_save, dispatch_uid="page-cache-any-save")
    post_delete.connect(_on_any_delete, dispatch_uid="page-cache-any-delete")
    member_model = _member_model()
    if member_model is not None:
        pre_save.connect(
            _remember_slug, sender=member_model, dispatch_uid="page-cache-member-slug"
        )
    for model in _model_topics():
        for signal in (post_save, post_delete):
            signal.connect(
                _on_model_changed,
                sender=model,
                dispatch_uid=f"page-cache-{model._meta.label}-{id(signal)}",
            )

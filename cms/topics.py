"""What a public page shows, as *topics*, each with a generation counter in the shared cache.

A change to the content increments the generations of the topics it alters (``invalidate``);
a page stored in the page cache (cms/page_cache.py), or a fragment stored by a template
(``{% cache %}`` with ``topic_generations``), is valid only while the generations it was stored
under are still the current ones. So approving a pledge refreshes the pages that show members
and leaves the news, the resources and the focus areas cached.

The topics:

- ``site``: what every page shows around its content: the site's name and settings, the menu
  (the home page and the pages below it), the footer and its policy links. Every page shows
  it, so incrementing it refreshes everything (a restored backup, a moved page).
- ``pages``: editorial pages and snippets, and the lists of them (news, resources, focus
  areas, search).
- ``members``: the showcase's lists and figures (the list, map, statistics, home page
  figures, open data, the members API).
- ``practices``: the checklist: its sections, practices and their wording.
- ``member:<slug>``: one member's own pages (its page, badge and certificate), named by the
  slug in their address.

A page says what it shows with ``page_cache_shows`` (cms/wagtail_hooks.py reads it before
the page is served); a page that says nothing shows every global topic.
"""

import logging
import threading
import time
import uuid
from collections import OrderedDict
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import caches
from django.db import transaction

logger = logging.getLogger(__name__)

SITE = "site"
PAGES = "pages"
MEMBERS = "members"
PRACTICES = "practices"
#: Read in the same round trip as a stored page (``generations``).
GLOBAL = (SITE, PAGES, MEMBERS, PRACTICES)
MEMBER_PREFIX = "member:"

CACHE_ALIAS = "page_cache"


def member(slug: str) -> str:
    return f"{MEMBER_PREFIX}{slug}"


def cache():
    from django.conf import settings

    alias = getattr(settings, "PAGE_CACHE_ALIAS", CACHE_ALIAS)
    return caches[alias if alias in settings.CACHES else "default"]


def key(topic: str) -> str:
    return f"page-cache:generation:{topic}"


def shown_by(declared) -> tuple[str, ...]:
    """The topics of a page that declares ``declared`` (or nothing: every global one); every
    page shows the site."""
    if not declared:
        return GLOBAL
    return (SITE, *(topic for topic in declared if topic != SITE))


def read(cache, topics, found=None) -> dict[str, str]:
    """The current generation of each topic; ``found``: what a ``get_many`` already read.

    A generation never set, or evicted, starts at the current time in nanoseconds: never an
    old value again, so no page stored under that old value comes back."""
    if found is None:
        found = cache.get_many([key(topic) for topic in topics])
    current = {}
    for topic in topics:
        value = found.get(key(topic))
        if value is None:
            cache.add(key(topic), time.time_ns(), None)
            value = cache.get(key(topic))
            if value is None:
                raise RuntimeError("the page cache does not keep what is written to it")
        current[topic] = str(value)
    return current


# The request being served (``serving``), for code that is given none (a hook of the plugin).
_request: ContextVar = ContextVar("cms_topics_request", default=None)


@contextmanager
def serving(request):
    """While ``request`` is served, ``for_request(None)`` is ``for_request(request)``."""
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


def for_request(request) -> dict[str, str]:
    """The global topics' generations, read once per request (the page cache's lookup, or
    the first fragment that needs them); without a request, those of the request being
    served, if any.

    While the cache is out, generations that no other request has: nothing remembered
    under them is used again, since nothing would say when it changed."""
    request = request if request is not None else _request.get()
    found = getattr(request, "topic_generations", None) if request else None
    if found is None:
        try:
            found = read(cache(), GLOBAL)
        except Exception:
            logger.warning("topic generations unavailable", exc_info=True)
            found = {topic: f"unknown-{uuid.uuid4().hex}" for topic in GLOBAL}
        if request is not None:
            request.topic_generations = found
    return found


class Memo:
    """What this process worked out from the database, kept while the topics it depends
    on keep their generations: the values are shared by the requests of one process
    (never changed by them) and need no round trip to a cache. ``None`` (nothing found)
    is not kept."""

    def __init__(self, size: int = 2000):
        self.size = size
        self._values: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, request, key, shows, compute):
        current = for_request(request)
        full_key = (key, *(current[topic] for topic in shows))
        with self._lock:
            if full_key in self._values:
                self._values.move_to_end(full_key)
                return self._values[full_key]
        value = compute()
        if value is None:
            return None
        with self._lock:
            self._values[full_key] = value
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


#: Shared by the site's lookups (cms/serve.py, settings, navigation, languages).
memo = Memo()


def _bump(topics) -> None:
    try:
        shared = cache()
        for topic in topics:
            try:
                shared.incr(key(topic))
            except ValueError:  # not set yet, or evicted
                shared.set(key(topic), time.time_ns(), None)
    except Exception:  # a cache outage must not break publishing
        logger.warning("could not invalidate %s", ", ".join(topics), exc_info=True)


def invalidate(*topics: str) -> None:
    """Refresh what shows these topics (``site`` when none is named: everything), now and
    again once the surrounding transaction commits.

    The second increment covers a request that reads the old data and stores it between the
    first increment and the commit."""
    topics = tuple(dict.fromkeys(topics or (SITE,)))
    _bump(topics)
    transaction.on_commit(lambda: _bump(topics))

"""Find the URL of each benchmark target on a running server, as a visitor would.

Every resolver returns ``(path, None)`` or ``(None, reason)`` when the page does not exist yet.
"""

import re
from urllib.parse import urlencode

from bench import targets
from bench.web import links, request, select_options

MEMBER_LINK = (
    r"^(?:https?://[^/]+)?" + re.escape(targets.SHOWCASE) + r"(?!data\.)[\w-]+/$"
)


def _get(base_url, path):
    answer = request(base_url, path)
    if answer.status != 200:
        return None, f"{path} answers {answer.status}"
    return answer.text, None


def _local(href: str) -> str:
    return re.sub(r"^https?://[^/]+", "", href)


def _first_child_link(base_url, index: str, what: str):
    html, reason = _get(base_url, index)
    if html is None:
        return None, reason
    # Not a route of the index itself (the news feed).
    pattern = r"^(?:https?://[^/]+)?" + re.escape(index) + r"(?!feed/)[\w-]+/$"
    found = links(html, pattern)
    if not found:
        return None, f"no {what} link on {index}"
    return _local(found[0]), None


def focus_area(base_url):
    return _first_child_link(base_url, targets.FOCUS_AREA_INDEX, "focus-area")


def resource(base_url):
    return _first_child_link(base_url, targets.RESOURCE_INDEX, "resource")


def news_post(base_url):
    return _first_child_link(base_url, targets.NEWS_INDEX, "news post")


def resource_filter(base_url):
    html, reason = _get(base_url, targets.RESOURCE_INDEX)
    if html is None:
        return None, reason
    for name in ("focus_area", "type"):
        options = select_options(html, name)
        if options:
            return f"{targets.RESOURCE_INDEX}?{name}={options[0]}", None
        found = links(html, rf"\?(?:.*&)?{name}=")
        if found:
            return _local(found[0]), None
    return None, f"no filter (focus_area/type) offered on {targets.RESOURCE_INDEX}"


def showcase_page2(base_url):
    html, reason = _get(base_url, targets.SHOWCASE)
    if html is None:
        return None, reason
    candidates = list(targets.SHOWCASE_FILTERS_FIRST)
    for name in targets.SHOWCASE_FILTERS:
        candidates += [
            urlencode({name: value}) for value in select_options(html, name)[:20]
        ]
    for query in candidates:
        path = f"{targets.SHOWCASE}?{query}&page=2"
        if request(base_url, path).status == 200:
            return path, None
    return None, f"no showcase filter with a page 2 ({len(candidates)} tried)"


def member(base_url):
    html, reason = _get(base_url, targets.SHOWCASE)
    if html is None:
        return None, reason
    found = [
        href
        for href in links(html, MEMBER_LINK)
        if href.rstrip("/").rsplit("/", 1)[-1] not in targets.SHOWCASE_SUBPAGES
    ]
    if not found:
        return None, f"no member link on {targets.SHOWCASE}"
    return _local(found[0]), None


def badge(base_url):
    path, reason = member(base_url)
    if path is None:
        return None, reason
    return path + "badge.svg", None


def resolve(base_url, page):
    """``(path, None)`` for a page of bench.targets.PAGES that answers 200, else ``(None, why)``."""
    if page.resolver:
        path, reason = globals()[page.resolver](base_url)
        if path is None:
            return None, reason
    else:
        path = page.path
    answer = request(base_url, path)
    if answer.status != 200:
        return None, f"{path} answers {answer.status}"
    return path, None

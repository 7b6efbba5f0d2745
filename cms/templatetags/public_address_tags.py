"""Absolute addresses in templates, always on the public origin (cms/public_address.py)."""

from django import template

from cms.public_address import absolute

register = template.Library()


@register.filter(name="absolute_url")
def absolute_url(url) -> str:
    """``url`` (a path such as an image rendition's) on the public origin."""
    return absolute(str(url) if url else "")


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    """The public address of what is shown: the page, or the page's route being shown
    (a showcase member, the news feed's page 2 is the index itself: queries are dropped).

    Built from the page's own path rather than the request's, so that a path Wagtail
    serves in several spellings has one canonical address; a routable page's sub-route
    keeps its own path, which starts with the page's."""
    page = context.get("page")
    request = context.get("request")
    if page is None or not hasattr(page, "get_url"):
        return ""
    path = page.get_url(request) or ""
    if request is not None and path.startswith("/") and request.path.startswith(path):
        path = request.path
    return absolute(path)

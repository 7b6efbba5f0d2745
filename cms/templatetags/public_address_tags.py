"""Absolute addresses in templates, always on the public origin (cms/public_address.py)."""

from django import template

from cms import metadata
from cms.public_address import absolute

register = template.Library()


@register.filter(name="absolute_url")
def absolute_url(url) -> str:
    """``url`` (a path such as an image rendition's) on the public origin."""
    return absolute(str(url) if url else "")


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    """The public address of what is shown (cms/metadata.py: the page, or the page's
    route being shown, without the query string but for a list's later pages)."""
    return metadata.canonical_url(context, context.get("page"), context.get("request"))

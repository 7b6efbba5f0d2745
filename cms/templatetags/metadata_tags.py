"""The page's metadata in templates (cms/metadata.py decides it, includes/meta.html shows
it) and JSON-LD rendered safely inside a ``<script>`` element."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import mark_safe

from cms import metadata

register = template.Library()

# What Django's json_script writes for these characters: inside <script>, "</script>" or
# "<!--" can never be spelt, and the JSON still parses to the same text.
SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def page_metadata(context) -> metadata.PageMetadata:
    """``{% page_metadata as page_meta %}``: what the page says about itself."""
    return metadata.page_metadata(context)


@register.filter(is_safe=True)
def json_ld(value) -> str:
    """``value`` as JSON for a ``<script type="application/ld+json">`` element.

    ``<``, ``>`` and ``&`` are written as ``\\u003C``, ``\\u003E`` and ``\\u0026``, as
    Django's ``json_script`` does, so no text in the data (a title holding
    ``</script>``) can end the element or open another; the JSON means the same."""
    text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    return mark_safe(text.translate(SCRIPT_ESCAPES))  # noqa: S308

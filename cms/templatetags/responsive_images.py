"""``{% responsive_image image "card" %}``: a Wagtail image as ``<picture>`` (cms/images.py).

Arguments after the preset: ``eager=True`` for an image above the fold (no lazy loading,
fetched first), ``alt="..."`` (default: the image's alt text; ``alt=""`` for a decorative
image) and any other attribute of the ``<img>`` (``class="..."``). Renders nothing for no
image.
"""

from django import template
from django.utils.safestring import mark_safe

from cms.images import PRESETS, render_picture

register = template.Library()


@register.simple_tag
def responsive_image(image, preset, eager=False, **attrs):
    if not image:
        return ""
    if preset not in PRESETS:
        raise template.TemplateSyntaxError(
            f"unknown image preset {preset!r}; one of {', '.join(PRESETS)}"
        )
    # Attributes are escaped by Wagtail (flatatt); the markup is Wagtail's.
    return mark_safe(render_picture(image, preset, eager=eager, **attrs))  # noqa: S308

"""Responsive images: how each place of the site shows a Wagtail image (docs/serving.md).

A *preset* names a place (the home page's hero, a news card, an image in a page's body, the
header logo): the sizes of renditions made for it, and the ``sizes`` attribute that tells
the browser how wide the image is drawn, so it downloads the smallest file that is sharp
enough. Each size is made twice, as WebP and in a format every browser reads (PNG for
PNG and GIF originals, which may be transparent; JPEG otherwise), and rendered by
Wagtail's own ``Picture`` as ``<picture>`` with a WebP ``<source>``. The ``<img>`` carries
``width`` and ``height`` (its box is known before the file arrives: no layout shift),
``decoding="async"``, and ``loading="lazy"`` unless the image is above the fold.

:func:`prefetch_renditions` loads the renditions of a list's images in one query, so a list
of images runs the same number of queries however long it is.
"""

from dataclasses import dataclass

from django.db.models import Prefetch
from wagtail.images import get_image_model
from wagtail.images.models import Filter, Picture
from wagtail.images.shortcuts import get_renditions_or_not_found

from cms import topics


@dataclass(frozen=True)
class Preset:
    #: Resize operations, the first being the one the fallback ``src`` uses.
    sizes_specs: tuple[str, ...]
    #: The ``sizes`` attribute: the width the layout draws the image at.
    sizes: str


# The layout (cms/assets/scss): pages are at most 75rem wide with 2rem of padding on each
# side; the home page's picture takes 2/5 of the first screen from desktop width (64em) and
# the whole width below it; cards sit in a grid of columns at least 16rem wide.
PRESETS = {
    "hero": Preset(
        ("fill-720x480-c100", "fill-480x320-c100", "fill-1080x720-c100"),
        "(min-width: 75rem) 28rem, (min-width: 64em) 37vw, calc(100vw - 4rem)",
    ),
    "card": Preset(
        ("fill-640x360", "fill-320x180", "fill-480x270", "fill-960x540"),
        "(min-width: 72rem) 16rem, (min-width: 36rem) 45vw, calc(100vw - 4rem)",
    ),
    "body": Preset(
        ("width-1000", "width-500", "width-750", "width-1500"),
        "(min-width: 66rem) 1000px, calc(100vw - 2rem)",
    ),
    # Drawn 32 px high on phones and 40 px from desktop width (the header's rules).
    "logo": Preset(("height-40", "height-80", "height-120"), ""),
}
WEBP = "webp"


def fallback_format(image) -> str:
    name = (getattr(image.file, "name", "") or "").lower()
    return "png" if name.endswith((".png", ".gif")) else "jpeg"


def filter_specs(preset: str, fmt: str) -> list[str]:
    return [f"{size}|format-{fmt}" for size in PRESETS[preset].sizes_specs]


def all_filter_specs(preset: str) -> list[str]:
    """Every rendition a preset may use, whatever the original's format."""
    specs = filter_specs(preset, WEBP) + filter_specs(preset, "png")
    return specs + filter_specs(preset, "jpeg") + list(PRESETS[preset].sizes_specs)


def prefetch_renditions(queryset, field: str, preset: str):
    """``queryset`` with the renditions of the image in ``field`` for ``preset``."""
    rendition_model = get_image_model().get_rendition_model()
    return queryset.prefetch_related(
        Prefetch(
            f"{field}__renditions",
            queryset=rendition_model.objects.filter(
                filter_spec__in=all_filter_specs(preset)
            ),
            to_attr="prefetched_renditions",
        )
    )


def _distinct_widths(renditions: dict) -> dict:
    """Drop a rendition as wide as an earlier one of its format (Wagtail does not enlarge:
    on a small original, several sizes give the same file)."""
    seen = set()
    kept = {}
    for spec, rendition in renditions.items():
        key = (spec.rsplit("format-", 1)[-1], rendition.width)
        if key not in seen:
            seen.add(key)
            kept[spec] = rendition
    return kept


def render_picture(image, preset: str, *, eager: bool = False, **attrs) -> str:
    """The HTML of ``image`` shown at the place ``preset`` names, made once per process
    for the same image, place and attributes until an image changes (the ``site``
    topic: cms/topics.py) when its renditions' addresses do not expire (signed ones do:
    they are made for each page)."""
    if not _addresses_last(image):
        return _picture(image, preset, eager=eager, **attrs)
    key = (
        "picture",
        image.pk,
        image.file.name,
        image.width,
        image.height,
        image.focal_point_x,
        image.focal_point_y,
        image.focal_point_width,
        image.focal_point_height,
        # Set by an image block for one place (Wagtail's ImageBlock): the alt text there.
        getattr(image, "contextual_alt_text", None),
        getattr(image, "decorative", False),
        preset,
        eager,
        tuple(sorted(attrs.items())),
    )
    return topics.memo.get(
        None,
        key,
        (topics.SITE,),
        lambda: _picture(image, preset, eager=eager, **attrs),
    )


def _addresses_last(image) -> bool:
    """Whether the addresses of the image's files stay valid (not signed for a while)."""
    storage = image.file.storage
    return not getattr(storage, "querystring_auth", False) or bool(
        getattr(storage, "custom_domain", None)
    )


def _picture(image, preset: str, *, eager: bool = False, **attrs) -> str:
    settings = PRESETS[preset]
    attrs = {key.replace("_", "-"): value for key, value in attrs.items()}
    attrs.setdefault("decoding", "async")
    if not eager:  # below the fold: fetched when the reader scrolls near it
        attrs.setdefault("loading", "lazy")
    if image.is_svg():
        # A vector image stays one file at any size; Wagtail keeps renditions of it SVG.
        rendition = image.get_rendition(Filter(settings.sizes_specs[0]))
        # Wagtail measures SVG renditions in fractions of a pixel; HTML wants integers.
        attrs.setdefault("width", round(rendition.width))
        attrs.setdefault("height", round(rendition.height))
        return rendition.img_tag(attrs)
    specs = filter_specs(preset, WEBP) + filter_specs(preset, fallback_format(image))
    renditions = _distinct_widths(get_renditions_or_not_found(image, specs))
    if preset == "logo":
        # Drawn at its first size: the others are for sharper screens.
        base = next(iter(renditions.values()))
        attrs.setdefault("sizes", f"{base.width}px")
    elif settings.sizes:
        attrs.setdefault("sizes", settings.sizes)
    return Picture(renditions, attrs).__html__()

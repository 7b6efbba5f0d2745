"""Query helpers that keep the number of SQL queries per page independent of the data."""

import re
import unicodedata

from django.db.models import Prefetch
from wagtail.images import get_image_model

CARD_RENDITION = "fill-640x360"


def card_images(field: str) -> Prefetch:
    """Prefetch ``field`` (an image FK) with the card rendition in two queries in all."""
    return Prefetch(
        field, queryset=get_image_model().objects.prefetch_renditions(CARD_RENDITION)
    )


def attach_images(pairs, *filters: str) -> None:
    """Load the images behind several ``(object, field name)`` pairs, with the renditions
    ``filters``, in two queries in all, and set them on the objects.
    """
    ids = {getattr(obj, f"{name}_id") for obj, name in pairs} - {None}
    if not ids:
        return
    images = get_image_model().objects.filter(pk__in=ids).prefetch_renditions(*filters)
    by_id = {image.pk: image for image in images}
    for obj, name in pairs:
        image_id = getattr(obj, f"{name}_id")
        if image_id in by_id:
            setattr(obj, name, by_id[image_id])


def clean_search_query(value: str, max_length: int = 200) -> str:
    """The words to search for: control characters (NUL included, which databases refuse)
    removed, whitespace collapsed, at most ``max_length`` characters."""
    printable = "".join(
        char if unicodedata.category(char)[0] != "C" else " " for char in value
    )
    return " ".join(printable.split())[:max_length]


WORD_RE = re.compile(r"\w+(?:[-'’]\w+)*")


def search_terms(query: str) -> str:
    """The words of ``query``, lower-cased and without punctuation, so no search backend
    (SQLite FTS5 included) reads them as operators or chokes on a stray quote."""
    return " ".join(WORD_RE.findall(query.lower()))

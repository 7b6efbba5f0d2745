"""Rendition images made once per test process.

A rendition's image is a function of the original's bytes, the filter (its spec, and the
focal point it varies with) and the ``WAGTAILIMAGES_*`` settings. The tests throw their
renditions away with their transaction (or their flush) and used to make the same ones again
and again: a quarter of the site's suite went to resizing and encoding images. Wagtail still
looks up, creates and stores every rendition as before; only ``Filter.run``, for a filter and
an original it has already seen in this process, writes the bytes it wrote then.
"""

import hashlib
import threading

from django.conf import settings
from wagtail.images.models import Filter
from willow.image import ImageFile

_MADE: dict[tuple, tuple[type, bytes, int]] = {}
_LOCK = threading.Lock()


def remember(monkeypatch) -> None:
    run = Filter.run

    def run_once(self, image, output, source=None):
        key = _key(self, image, source)
        made = _MADE.get(key) if key else None
        if made is not None:
            kind, data, position = made
            output.write(data)
            output.seek(position)
            return kind(output)
        result = run(self, image, output, source=source)
        if key and isinstance(result, ImageFile) and result.f is output:
            position = output.tell()
            output.seek(0)
            data = output.read()
            output.seek(position)
            with _LOCK:
                _MADE[key] = (type(result), data, position)
        return result

    monkeypatch.setattr(Filter, "run", run_once)


def _key(filter, image, source) -> tuple | None:
    if image.is_svg():
        return None
    options = repr(
        sorted(
            (name, getattr(settings, name))
            for name in dir(settings)
            if name.startswith("WAGTAILIMAGES_")
        )
    )
    if " at 0x" in options:
        return None
    try:
        original = _read(image, source)
    except Exception:  # noqa: BLE001 (the real run meets the same error, and reports it)
        return None
    return (
        hashlib.sha256(original).hexdigest(),
        filter.spec,
        filter.get_cache_key(image),
        options,
    )


def _read(image, source) -> bytes:
    if source is not None:
        position = source.tell()
        source.seek(0)
        try:
            return source.read()
        finally:
            source.seek(position)
    with image.open_file() as original:
        return original.read()

"""Static files as a production site serves them (docs/serving.md).

``collectstatic`` with the production settings writes every file twice more: under a name
carrying a hash of its content (``site.3f2a9c1b.css``) and, for text formats, precompressed
beside it (``.gz``, and ``.br`` with the Brotli package). ``{% static %}`` links the hashed
name; whitenoise serves it with the ``.br`` or ``.gz`` copy the browser accepts and lets
browsers keep it for a year without asking again (a changed file gets a new name). The
unhashed name keeps whitenoise's short default (60 seconds), for links from outside.

- :class:`StaticFilesStorage`: whitenoise's compressed manifest storage, except that a file
  missing from the manifest (a template naming a file that was not collected, or a server
  started before ``collectstatic``) is linked by its plain name and logged, never a 500 for
  the whole page. Django's strict mode raises ``ValueError`` there, at render time.
- :class:`StaticFilesMiddleware`: whitenoise's middleware with a one-year lifetime for
  hashed files (whitenoise's own is ten years; a year is the most HTTP caches are asked to
  honour, RFC 9111 §5.3).
"""

import logging

from whitenoise.middleware import WhiteNoiseMiddleware
from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)

YEAR = 365 * 24 * 3600


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False

    def stored_name(self, name):
        try:
            return super().stored_name(name)
        except ValueError:
            # Not in the manifest and not on disk under STATIC_ROOT either.
            logger.warning("static file %r was not collected; linked unhashed", name)
            return name


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    FOREVER = YEAR

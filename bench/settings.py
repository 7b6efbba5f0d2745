"""Production settings for the benchmark server, with one change: the pledge form's per-client
rate limit is lifted, because every benchmark request comes from the same address.

Everything else (middleware, cache, database, templates) is exactly cms.settings.production.
"""

from cms.settings.production import *  # noqa: F403

PLEDGE_FORMS_RATE_LIMIT = 1_000_000_000

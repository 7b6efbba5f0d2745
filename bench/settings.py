"""Production settings for the benchmark server, with one change: the pledge form's per-client
limits (pledges and drafts begun) and its minimum fill time are lifted, because every
benchmark request comes from the same address, at machine speed.

Everything else (middleware, cache, database, templates) is exactly cms.settings.production.
"""

from cms.settings.production import *  # noqa: F403

PLEDGE_FORMS_RATE_LIMIT = 1_000_000_000
PLEDGE_FORMS_DRAFT_RATE_LIMIT = 1_000_000_000
PLEDGE_FORMS_MIN_FILL_SECONDS = 0

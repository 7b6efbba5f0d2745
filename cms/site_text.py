"""The site's own words in the request's language (``cms.models.SiteText``).

Read on every page (header, footer, title) and in every e-mail, so kept in the cache per
language until an editor saves or deletes a site text, and on the request once read: no
query on a page once the words are known, one look at the cache per request. A language without its own site text has the default language's; a site with
none yet has its Wagtail site name (``WAGTAIL_SITE_NAME``) and no footer text.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from cms.models import SiteText
from pledge_forms.localization import content_language, default_language

CACHE_KEY = "cms:site-text:{language}"
REQUEST_MEMO = "_site_text"
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Words:
    site_name: str
    footer_text: str = ""


def for_request(request) -> Words:
    """:func:`site_text` in the request's language, read once per request."""
    language = content_language()
    memo = getattr(request, REQUEST_MEMO, None)
    if memo is None or memo[0] != language:
        memo = (language, site_text(language))
        if request is not None:
            setattr(request, REQUEST_MEMO, memo)
    return memo[1]


def site_text(language: str | None = None) -> Words:
    """The site's name and footer text in ``language`` (the active one by default)."""
    language = content_language(language)
    key = CACHE_KEY.format(language=language)
    try:
        words = cache.get(key)
    except Exception:  # a cache outage is never an error page: read the database
        words = None
    if words is None:
        default = default_language()
        rows = {
            row["locale__language_code"]: row
            for row in SiteText.objects.filter(
                locale__language_code__in={language, default}
            ).values("locale__language_code", "site_name", "footer_text")
        }
        row = rows.get(language) or rows.get(default)
        words = (
            Words(row["site_name"], row["footer_text"])
            if row
            else Words(settings.WAGTAIL_SITE_NAME)
        )
        try:
            cache.set(key, words, None)
        except Exception:
            logger.warning(
                "cache unreachable: the site text is not kept", exc_info=True
            )
    return words


def forget(**kwargs) -> None:
    keys = [CACHE_KEY.format(language=code) for code, _name in settings.LANGUAGES]
    try:
        cache.delete_many(keys)
    except Exception:
        logger.warning(
            "cache unreachable: the site text was not forgotten", exc_info=True
        )


def connect() -> None:
    for signal in (post_save, post_delete):
        signal.connect(
            forget, sender=SiteText, dispatch_uid=f"cms_site_text_{id(signal)}"
        )

"""The sitemap (``/sitemap.xml``): Wagtail's, with no ``lastmod`` in the future.

Wagtail gives each page's ``last_published_at``; the showcase adds its routes and members
(``MemberShowcasePage.get_sitemap_urls``). A date can still lie ahead of the clock that
renders the sitemap: content imported or moved with dates to come, a server whose clock is
ahead of the others'. Search engines distrust a sitemap whose dates are in the future, and
Django would send the latest as ``Last-Modified``: such a date is shown as now. Pages that
are not yet public (scheduled, private) are never listed: Wagtail lists live, public
pages only.
"""

from django.utils import timezone
from wagtail.contrib.sitemaps.sitemap_generator import Sitemap


def not_after_now(value):
    """``value``, or now when it lies in the future (a datetime or a date)."""
    if value is None or not hasattr(value, "year"):
        return value
    if hasattr(value, "hour"):
        return min(value, timezone.now())
    return min(value, timezone.localdate())


class CampaignSitemap(Sitemap):
    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        for url in urls:
            url["lastmod"] = not_after_now(url.get("lastmod"))
        latest = getattr(self, "latest_lastmod", None)
        if latest is not None:
            self.latest_lastmod = not_after_now(latest)
        return urls

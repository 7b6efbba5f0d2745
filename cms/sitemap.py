"""The sitemap (``/sitemap.xml``): Wagtail's, with no ``lastmod`` in the future.

Wagtail gives each page's ``last_published_at``; the showcase adds its routes and members
(``MemberShowcasePage.get_sitemap_urls``). A date can still lie ahead of the clock that
renders the sitemap: content imported or moved with dates to come, a server whose clock is
ahead of the others'. Search engines distrust a sitemap whose dates are in the future, and
Django would send the latest as ``Last-Modified``: such a date is shown as now. Pages that
are not yet public (scheduled, private) are never listed: Wagtail lists live, public
pages only.

Every language's page tree is listed (Wagtail's own lists the default language's), and
each page names its translations as ``hreflang`` alternates (cms/languages.py), found for
the whole sitemap page at once.
"""

from collections import defaultdict

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from wagtail.contrib.sitemaps.sitemap_generator import Sitemap
from wagtail.models import Page


def not_after_now(value):
    """``value``, or now when it lies in the future (a datetime or a date)."""
    if value is None or not hasattr(value, "year"):
        return value
    if hasattr(value, "hour"):
        return min(value, timezone.now())
    return min(value, timezone.localdate())


class CampaignSitemap(Sitemap):
    def items(self):
        root = self.get_wagtail_site().root_page
        in_every_language = Q()
        for home in Page.objects.filter(translation_key=root.translation_key).only(
            "path", "depth"
        ):
            in_every_language |= Q(path__startswith=home.path, depth__gte=home.depth)
        return (
            Page.objects.filter(in_every_language)
            .live()
            .public()
            .order_by("path")
            .defer_streamfields()
            .specific()
        )

    def _urls(self, page, protocol, domain):
        items = list(self.paginator.page(page).object_list)
        alternates = self._alternates(items)
        urls, last_mods = [], set()
        for item in items:
            found = alternates.get(item.translation_key, [])
            for url in item.get_sitemap_urls(self.request):
                url["lastmod"] = not_after_now(url.get("lastmod"))
                # A page's own address carries its translations; its routes (members) do not.
                if len(found) > 1 and url.get("location") in dict(found).values():
                    url["alternates"] = [
                        {"lang_code": code, "location": location}
                        for code, location in found
                    ]
                urls.append(url)
                last_mods.add(url.get("lastmod"))
        # Wagtail's rule: a Last-Modified header only when every URL has a date.
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return urls

    def _alternates(self, items) -> dict:
        """translation_key: [(hreflang, URL)] of the live, public translations of
        ``items``, x-default (the default language's) last."""
        keys = {
            item.translation_key for item in items if hasattr(item, "translation_key")
        }
        found = defaultdict(list)
        if not keys:
            return found
        for translation in (
            Page.objects.filter(translation_key__in=keys)
            .live()
            .public()
            .select_related("locale")
            .only("id", "path", "url_path", "translation_key", "locale__language_code")
            .order_by("locale__language_code")
        ):
            location = translation.get_full_url(self.request)
            if location:
                found[translation.translation_key].append(
                    (translation.locale.language_code, location)
                )
        for links in found.values():
            default = dict(links).get(settings.LANGUAGE_CODE)
            if default and len(links) > 1:
                links.append(("x-default", default))
        return found

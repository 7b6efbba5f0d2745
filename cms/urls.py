import re

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from campaign_pages.views import robots_txt, search
from cms.api import api_router
from cms.health import healthz
from cms.media_files import media, serves_local_media
from cms.sitemap import CampaignSitemap

urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v2/", api_router.urls),
]

if serves_local_media():
    # Uploads on local disk, in production too (cms/media_files.py); with S3 their URLs
    # point at the bucket and nothing is routed here.
    urlpatterns += [
        re_path(
            "^" + re.escape(settings.MEDIA_URL.lstrip("/")) + "(?P<path>.*[^/])$",
            media,
            name="media",
        )
    ]

if settings.BENCH_CEILING:
    from cms.ceiling import ceiling

    urlpatterns += [path("bench/ceiling/", ceiling, name="bench-ceiling")]

urlpatterns += [
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": {"wagtail": CampaignSitemap}},
        name="sitemap",
    ),
    path("robots.txt", robots_txt, name="robots_txt"),
]
# Pages and search in every language: English unprefixed, the others under /<code>/
# (cms/languages.py).
urlpatterns += i18n_patterns(
    path("search/", search, name="search"),
    path("", include("pledge_forms.showcase.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

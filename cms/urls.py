from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from campaign_pages.views import robots_txt, search
from cms.api import api_router
from cms.health import healthz

urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v2/", api_router.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

if settings.BENCH_CEILING:
    from cms.ceiling import ceiling

    urlpatterns += [path("bench/ceiling/", ceiling, name="bench-ceiling")]

urlpatterns += [
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("search/", search, name="search"),
    path("", include("pledge_forms.showcase.urls")),
    path("", include(wagtail_urls)),
]

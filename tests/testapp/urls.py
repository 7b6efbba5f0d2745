from django.apps import apps
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.contrib.sitemaps.views import sitemap

# What a site adds to use the plugin: with the showcase, the members API endpoint and the
# showcase's dotted URLs; then Wagtail's page serving (the form and the showcase are pages).
api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PagesAPIViewSet)
showcase_urls = []
if apps.is_installed("pledge_forms.showcase"):
    from pledge_forms.showcase.api import MembersAPIViewSet

    api_router.register_endpoint("members", MembersAPIViewSet)
    showcase_urls = [path("", include("pledge_forms.showcase.urls"))]

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("api/v2/", api_router.urls),
    path("sitemap.xml", sitemap, name="sitemap"),
    *showcase_urls,
    path("", include(wagtail_urls)),
]

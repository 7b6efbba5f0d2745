from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.contrib.sitemaps.views import sitemap

from pledge_forms.api import MembersAPIViewSet

# What a site adds to use the plugin: the members API endpoint, the showcase's dotted URLs,
# then Wagtail's page serving (the pledge form and the showcase are pages).
api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PagesAPIViewSet)
api_router.register_endpoint("members", MembersAPIViewSet)

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("api/v2/", api_router.urls),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("", include("pledge_forms.showcase_urls")),
    path("", include(wagtail_urls)),
]

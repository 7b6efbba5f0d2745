from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("sitemap.xml", sitemap, name="sitemap"),
    # What a site adds to use the plugin: the showcase's dotted URLs, then page serving.
    path("", include("pledge_forms.showcase_urls")),
    path("", include(wagtail_urls)),
]

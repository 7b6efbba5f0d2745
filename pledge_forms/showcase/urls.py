"""URLs of the showcase's files (``data.csv``, ``data.json``, ``<slug>/badge.svg``,
``<slug>/certificate.pdf``).

Wagtail's page URLs end with a slash and have no dot, so a site includes these patterns before
Wagtail's own: ``path("", include("pledge_forms.showcase.urls"))``. They hand the request to
Wagtail's page serving, so the showcase page routes it like any of its sub-pages.
"""

from django.urls import re_path
from wagtail import views as wagtail_views

FILE_PATTERN = r"^((?:[\w\-]+/)+(?:data\.csv|data\.json|[\w\-]+/badge\.svg|[\w\-]+/certificate\.pdf))$"

urlpatterns = [
    re_path(FILE_PATTERN, wagtail_views.serve, name="pledge_forms_showcase_file"),
]

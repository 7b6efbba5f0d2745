"""A tiny site for testing the pledge-form plugin on its own: the core app only, without
the showcase, campaign_pages, cms or media (Wagtail's own image and document models)."""

from pathlib import Path

from cms.settings.test import *  # noqa: F403

SITE_APPS = {"campaign_pages", "cms", "media", "pledge_forms.showcase"}
INSTALLED_APPS = [
    app
    for app in INSTALLED_APPS  # noqa: F405
    if app not in SITE_APPS
] + ["tests.testapp"]
MIDDLEWARE = [
    name
    for name in MIDDLEWARE  # noqa: F405
    if not name.startswith("cms.")
]
WAGTAILIMAGES_IMAGE_MODEL = "wagtailimages.Image"
WAGTAILDOCS_DOCUMENT_MODEL = "wagtaildocs.Document"
ROOT_URLCONF = "tests.testapp.urls"
# The site's public address (cms/public_address.py) is not the plugin's: on its own, its
# absolute links follow Wagtail's Site record; e-mails use WAGTAILADMIN_BASE_URL.
PUBLIC_URL = ""
WAGTAILAPI_BASE_URL = None
TEMPLATES = [
    {
        **TEMPLATES[0],  # noqa: F405
        "DIRS": [Path(__file__).resolve().parent / "templates"],
    }
]

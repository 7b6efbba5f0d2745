"""A tiny site for testing the pledge-form plugin on its own, without campaign_pages or cms."""

from pathlib import Path

from cms.settings.test import *  # noqa: F403

INSTALLED_APPS = [
    app
    for app in INSTALLED_APPS  # noqa: F405
    if app not in {"campaign_pages", "cms"}
] + ["tests.testapp"]
ROOT_URLCONF = "tests.testapp.urls"
TEMPLATES = [
    {
        **TEMPLATES[0],  # noqa: F405
        "DIRS": [Path(__file__).resolve().parent / "templates"],
    }
]

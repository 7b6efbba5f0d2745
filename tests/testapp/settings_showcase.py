"""The plugin's test site with its showcase app installed as well."""

from tests.testapp.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "pledge_forms.showcase"]  # noqa: F405

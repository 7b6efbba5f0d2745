"""Fast, isolated settings for the test suite."""

import os
import tempfile

from .base import *  # noqa: F403

SECRET_KEY = "test-secret-key-not-for-production-" + "x" * 32
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run at once, in the test's own process; the worker tests start real `db_worker`
# processes with the database backend (tests/pledge_forms/test_workers.py).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
if not os.environ.get("TEST_REDIS_CACHE"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "tbc-test",
        }
    }
# Wagtail's renditions in a cache of their own, emptied after each test (tests/conftest.py):
# image ids come again after a rolled-back test.
CACHES["renditions"] = {  # noqa: F405
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "tbc-test-renditions",
}
# Off in tests: data changed through the ORM between tests would meet pages cached before.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 0)  # noqa: F405
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="tbc-test-media-"))  # noqa: F405
STORAGES = {  # noqa: F405
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": tempfile.mkdtemp(prefix="tbc-test-private-")},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The public address (cms/public_address.py) is the test client's own host name.
PUBLIC_URL = WAGTAILADMIN_BASE_URL = WAGTAILAPI_BASE_URL = "http://testserver"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
LOGGING = {"version": 1, "disable_existing_loggers": False}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Staff accounts: tests that need the second factor turn it on themselves
# (tests/cms/test_staff_auth.py).
STAFF_2FA_REQUIRED = env_bool("STAFF_2FA_REQUIRED", False)  # noqa: F405

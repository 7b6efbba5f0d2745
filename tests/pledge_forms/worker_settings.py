"""Settings of the ``db_worker`` processes that ``test_workers.py`` starts.

The settings of the test run that starts them (``WORKER_BASE_SETTINGS``: the site's or the
plugin's test site), with the database task backend, SMTP to the test's sink on loopback and
short retry and lease times, so a test sees a whole retry or take-over in seconds.
"""

import importlib
import os

_base = importlib.import_module(os.environ["WORKER_BASE_SETTINGS"])
globals().update({name: value for name, value in vars(_base).items() if name.isupper()})

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ["WORKER_SMTP_PORT"])
EMAIL_USE_TLS = EMAIL_USE_SSL = False
EMAIL_HOST_USER = EMAIL_HOST_PASSWORD = ""
EMAIL_TIMEOUT = 5
PLEDGE_FORMS_MAIL_RETRY_SECONDS = float(os.environ.get("WORKER_RETRY_SECONDS", "1"))
PLEDGE_FORMS_MAIL_LEASE_SECONDS = float(os.environ.get("WORKER_LEASE_SECONDS", "300"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}

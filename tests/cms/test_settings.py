"""Everything a deployment changes is read from the environment.

Each test starts a fresh Python process with a chosen environment, so the settings modules
are imported exactly as a server would import them.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Reading a setting imports the settings module as a server's start does; the apps are
# not loaded (django.setup() takes two seconds a process), as no value depends on them.
READ_SETTINGS = """
import json, sys
from django.conf import settings
names = sys.argv[1:]
print(json.dumps({name: getattr(settings, name, None) for name in names}, default=str))
"""


def production_secret() -> str:
    return secrets.token_urlsafe(50)


def run_python(module: str, env: dict[str, str], *args: str, tmp_path: Path):
    """Run a command in a clean environment holding only ``env`` (plus PATH/HOME)."""
    clean = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "DJANGO_SETTINGS_MODULE": module,
        "VAR_DIR": str(tmp_path / "var"),
        **env,
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def read_settings(module, env, names, tmp_path):
    result = run_python(module, env, "-c", READ_SETTINGS, *names, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_database_url_selects_postgresql(tmp_path):
    values = read_settings(
        "cms.settings.production",
        {
            "SECRET_KEY": production_secret(),
            "DATABASE_URL": "postgres://campaign:pw@db.internal:5433/campaign",
            "DATABASE_CONN_MAX_AGE": "60",
        },
        ["DATABASES"],
        tmp_path,
    )
    database = values["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["HOST"] == "db.internal"
    assert database["PORT"] == 5433
    assert database["NAME"] == "campaign"
    assert database["CONN_MAX_AGE"] == 60


def test_without_database_url_the_database_is_sqlite_under_var(tmp_path):
    values = read_settings("cms.settings.dev", {}, ["DATABASES"], tmp_path)
    database = values["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(tmp_path / "var" / "db.sqlite3")


def test_redis_url_selects_the_redis_cache(tmp_path):
    values = read_settings(
        "cms.settings.production",
        {
            "SECRET_KEY": production_secret(),
            "REDIS_URL": "redis://cache.internal:6379/2",
        },
        ["CACHES"],
        tmp_path,
    )
    from django.core.cache.backends.redis import RedisCache
    from django.utils.module_loading import import_string

    for alias in ("default", "page_cache"):
        cache = values["CACHES"][alias]
        assert issubclass(import_string(cache["BACKEND"]), RedisCache)
        assert cache["LOCATION"] == "redis://cache.internal:6379/2"


def test_without_redis_url_the_cache_is_local_memory(tmp_path):
    values = read_settings("cms.settings.dev", {}, ["CACHES"], tmp_path)
    assert (
        values["CACHES"]["default"]["BACKEND"]
        == "django.core.cache.backends.locmem.LocMemCache"
    )


def test_a_bucket_moves_media_to_s3_without_overwriting_files(tmp_path):
    values = read_settings(
        "cms.settings.production",
        {
            "SECRET_KEY": production_secret(),
            "AWS_STORAGE_BUCKET_NAME": "campaign-media",
            "AWS_S3_ENDPOINT_URL": "https://s3.example.net",
            "AWS_S3_REGION_NAME": "eu-west-3",
            "AWS_S3_CUSTOM_DOMAIN": "media.example.org",
        },
        [
            "STORAGES",
            "AWS_STORAGE_BUCKET_NAME",
            "AWS_S3_ENDPOINT_URL",
            "AWS_S3_REGION_NAME",
            "AWS_S3_CUSTOM_DOMAIN",
            "AWS_S3_FILE_OVERWRITE",
        ],
        tmp_path,
    )
    assert values["STORAGES"]["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert values["AWS_STORAGE_BUCKET_NAME"] == "campaign-media"
    assert values["AWS_S3_ENDPOINT_URL"] == "https://s3.example.net"
    assert values["AWS_S3_REGION_NAME"] == "eu-west-3"
    assert values["AWS_S3_CUSTOM_DOMAIN"] == "media.example.org"
    assert values["AWS_S3_FILE_OVERWRITE"] is False


def test_without_a_bucket_media_stays_on_local_disk(tmp_path):
    values = read_settings("cms.settings.dev", {}, ["STORAGES", "MEDIA_ROOT"], tmp_path)
    assert (
        values["STORAGES"]["default"]["BACKEND"]
        == "django.core.files.storage.FileSystemStorage"
    )
    assert values["MEDIA_ROOT"] == str(tmp_path / "var" / "media")


def test_smtp_settings_come_from_the_environment(tmp_path):
    values = read_settings(
        "cms.settings.production",
        {
            "SECRET_KEY": production_secret(),
            "EMAIL_HOST": "smtp.example.org",
            "EMAIL_PORT": "587",
            "EMAIL_HOST_USER": "mailer",
            "EMAIL_HOST_PASSWORD": "mail-secret",
            "EMAIL_USE_TLS": "true",
            "DEFAULT_FROM_EMAIL": "campaign@example.org",
        },
        [
            "EMAIL_BACKEND",
            "EMAIL_HOST",
            "EMAIL_PORT",
            "EMAIL_HOST_USER",
            "EMAIL_HOST_PASSWORD",
            "EMAIL_USE_TLS",
            "DEFAULT_FROM_EMAIL",
        ],
        tmp_path,
    )
    assert values == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "mailer",
        "EMAIL_HOST_PASSWORD": "mail-secret",
        "EMAIL_USE_TLS": True,
        "DEFAULT_FROM_EMAIL": "campaign@example.org",
    }


def test_development_prints_mail_to_the_console(tmp_path):
    values = read_settings("cms.settings.dev", {}, ["EMAIL_BACKEND"], tmp_path)
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_hosts_and_trusted_origins_are_comma_separated_lists(tmp_path):
    values = read_settings(
        "cms.settings.production",
        {
            "SECRET_KEY": production_secret(),
            "ALLOWED_HOSTS": "campaign.example.org, www.campaign.example.org",
            "CSRF_TRUSTED_ORIGINS": "https://campaign.example.org,https://www.campaign.example.org",
            "WAGTAILADMIN_BASE_URL": "https://campaign.example.org",
        },
        ["ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "WAGTAILADMIN_BASE_URL"],
        tmp_path,
    )
    assert values["ALLOWED_HOSTS"] == [
        "campaign.example.org",
        "www.campaign.example.org",
    ]
    assert values["CSRF_TRUSTED_ORIGINS"] == [
        "https://campaign.example.org",
        "https://www.campaign.example.org",
    ]
    assert values["WAGTAILADMIN_BASE_URL"] == "https://campaign.example.org"


def test_production_is_safe_by_default(tmp_path):
    values = read_settings(
        "cms.settings.production",
        {"SECRET_KEY": production_secret()},
        [
            "DEBUG",
            "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE",
            "SECURE_HSTS_SECONDS",
            "SECURE_SSL_REDIRECT",
            "SECURE_REFERRER_POLICY",
        ],
        tmp_path,
    )
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_REFERRER_POLICY"] == "strict-origin-when-cross-origin"


def test_a_malformed_boolean_stops_start_up_with_a_clear_message(tmp_path):
    result = run_python(
        "cms.settings.dev",
        {"DEBUG": "maybe"},
        "-c",
        READ_SETTINGS,
        "DEBUG",
        tmp_path=tmp_path,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DEBUG must be a boolean" in result.stderr
    assert "'maybe'" in result.stderr


def test_a_malformed_number_stops_start_up_with_a_clear_message(tmp_path):
    result = run_python(
        "cms.settings.dev",
        {"EMAIL_PORT": "twenty-five"},
        "-c",
        READ_SETTINGS,
        "EMAIL_PORT",
        tmp_path=tmp_path,
    )
    assert result.returncode != 0
    assert "EMAIL_PORT must be an integer" in result.stderr


@pytest.mark.parametrize("secret", [None, "", "too-short"])
def test_production_refuses_to_start_without_a_secret_key(tmp_path, secret):
    env = {} if secret is None else {"SECRET_KEY": secret}
    result = run_python(
        "cms.settings.production", env, "-c", READ_SETTINGS, "DEBUG", tmp_path=tmp_path
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY must be set" in result.stderr


def test_development_makes_a_secret_key_once_and_keeps_it_under_var(tmp_path):
    first = read_settings("cms.settings.dev", {}, ["SECRET_KEY", "DEBUG"], tmp_path)
    key_file = tmp_path / "var" / "secret_key.txt"
    assert key_file.exists()
    assert key_file.stat().st_mode & 0o077 == 0, "the key file is readable by others"
    assert len(first["SECRET_KEY"]) >= 50
    assert first["DEBUG"] is True
    second = read_settings("cms.settings.dev", {}, ["SECRET_KEY"], tmp_path)
    assert second["SECRET_KEY"] == first["SECRET_KEY"]


def test_production_settings_pass_the_deployment_checks(tmp_path):
    result = run_python(
        "cms.settings.production",
        {
            "SECRET_KEY": production_secret(),
            "ALLOWED_HOSTS": "campaign.example.org",
            "CSRF_TRUSTED_ORIGINS": "https://campaign.example.org",
            "WAGTAILADMIN_BASE_URL": "https://campaign.example.org",
        },
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_badge_and_certificate_use_the_design_systems_typeface_once_built():
    from django.conf import settings

    from pledge_forms import conf

    built = settings.BASE_DIR / "build" / "fonts" / "PublicSans-Bold.ttf"
    if not built.is_file():
        pytest.skip("make assets has not run")
    assert conf.font_files() == {
        "regular": str(built.with_name("PublicSans-Regular.ttf")),
        "bold": str(built),
    }

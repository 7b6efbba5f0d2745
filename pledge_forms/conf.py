"""Settings of the pledge-form plugin, read lazily so tests and sites can override them.

E-mail is delivered by a django-tasks task (``pledge_forms.tasks``): the site configures
``TASKS`` (a worker-backed backend such as ``django_tasks_db.DatabaseBackend`` in production)
and runs workers; the ``MAIL_*`` settings below tune retries and the worker lease. Large
admin exports are written by the same workers (``EXPORT_*``), into the ``STORAGES`` alias
named by ``PLEDGE_FORMS_EXPORT_STORAGE``, which the site configures as private storage.

=========================================  ==========================================
setting                                    default
=========================================  ==========================================
PLEDGE_FORMS_PRACTICE_URL                  "/focus-areas/{section}/#practice-{number}"
PLEDGE_FORMS_VERIFY_MAX_AGE_DAYS           14 (confirmation links expire)
PLEDGE_FORMS_UPDATE_MAX_AGE_DAYS           365 (update links expire)
PLEDGE_FORMS_PURGE_UNVERIFIED_DAYS         30 (purge_unverified_pledges)
PLEDGE_FORMS_MIN_FILL_SECONDS              5 (faster submissions are refused)
PLEDGE_FORMS_RATE_LIMIT                    10 submissions per client …
PLEDGE_FORMS_RATE_WINDOW_SECONDS           … per 3600 seconds
PLEDGE_FORMS_RATE_CACHE                    None: counted in the database (one row per
                                           client and window, shared by every process);
                                           or the alias of a shared cache (Redis) to count
                                           in, never a per-process local-memory cache
PLEDGE_FORMS_PROXY_COUNT                   the site's PROXY_COUNT, else 0: how many trusted
                                           proxies append to X-Forwarded-For in front of
                                           the site (0: the header is never read)
PLEDGE_FORMS_CLIENT_HASH_SALT              derived from SECRET_KEY
PLEDGE_FORMS_LINK_MAILS_PER_DAY            3 (e-mails with a private link the public can
                                           cause per pledge in 24 hours; 0: no limit)
PLEDGE_FORMS_LOGO_MAX_BYTES                2 MB
PLEDGE_FORMS_LOGO_MAX_PIXELS               16 megapixels
PLEDGE_FORMS_LOGO_MAX_SIDE                 1200 (re-encoded logos are at most this wide/high)
PLEDGE_FORMS_LOGO_RETRY_SECONDS            60 (a logo that media storage could not take is
                                           tried again by a worker after this long, …
PLEDGE_FORMS_LOGO_RETRY_MAX_SECONDS        3600 … doubled per attempt up to this)
PLEDGE_FORMS_LOGO_MAX_ATTEMPTS             100 (then it waits for retry_pledge_logos)
PLEDGE_FORMS_LOGO_STORAGE_BACKOFF_SECONDS  30 (after media storage timed out or refused
                                           the connection, logos go straight to the
                                           database for this long, in that process)
PLEDGE_FORMS_MAIL_MAX_ATTEMPTS             5 (a message fails for good after this many)
PLEDGE_FORMS_MAIL_RETRY_SECONDS            60 (wait after the first temporary failure, …
PLEDGE_FORMS_MAIL_RETRY_MAX_SECONDS        3600 … doubled per attempt up to this)
PLEDGE_FORMS_MAIL_LEASE_SECONDS            300 (a delivery not finished by then is taken
                                           over by another worker; keep it well above
                                           EMAIL_TIMEOUT)
PLEDGE_FORMS_EXPORT_BACKGROUND_ROWS        5000 (an admin export of more rows is written by
                                           the task worker and downloaded from
                                           "My exports")
PLEDGE_FORMS_EXPORT_STORAGE                "private" (the ``STORAGES`` alias those files
                                           go to; never the public media storage)
PLEDGE_FORMS_EVIDENCE_MAX_BYTES            10 MB (an evidence file of a practice: PDF,
                                           DOCX, PNG, JPEG or WebP, checked by content)
PLEDGE_FORMS_EVIDENCE_STORAGE              "private" (the ``STORAGES`` alias evidence
                                           files go to; never the public media storage)
PLEDGE_FORMS_EVIDENCE_MAX_UNZIPPED_BYTES   50 MB (a DOCX whose parts would unpack to more
                                           is refused: a zip bomb)
PLEDGE_FORMS_SITE_NAME                     WAGTAIL_SITE_NAME
PLEDGE_FORMS_MAIL_POSTAL_ADDRESS           "" (the campaign's postal address, shown in the
                                           footer of every e-mail; lines kept)
PLEDGE_FORMS_RETENTION_DECLINED_DAYS       180 (personal data of a declined pledge is
                                           erased this long after the decline)
PLEDGE_FORMS_RETENTION_UNVERIFIED_DAYS     None: PURGE_UNVERIFIED_DAYS (… of a pledge never
                                           confirmed, counted from its creation)
PLEDGE_FORMS_RETENTION_LAPSED_DAYS         180 (… of a pledge still "pledged" when its
                                           deadline passed, counted from the deadline)
PLEDGE_FORMS_HOUSEKEEPING_INTERVAL_HOURS   24 (the housekeeping task runs this often)
PLEDGE_FORMS_PRIVACY_NOTICE_URL            "" (linked from the form when no site hook
                                           names a privacy notice)
PLEDGE_FORMS_ACCESSIBILITY_URL             "" (the same for the accessibility statement)
PLEDGE_FORMS_REVIEW_OVERDUE_DAYS           7 (the dashboard's review queue marks a pledge
                                           waiting longer than this as overdue)
PLEDGE_FORMS_REVIEW_QUEUE_ROWS             10 (pledges the dashboard's queue lists, oldest
                                           first; the rest are behind its link)
PLEDGE_FORMS_REMINDER_MONTHS               (12, 24, 33) (months after the pledge date at
                                           which a member not completed is reminded)
PLEDGE_FORMS_LAPSED_POLICY                 "listed" (a lapsed member stays listed as
                                           lapsed) or "hidden" (it leaves the showcase)
PLEDGE_FORMS_DRAFT_MAX_AGE_DAYS            30 (a resume link works this long after it
                                           was sent; a saved draft untouched this long
                                           is deleted)
PLEDGE_FORMS_DRAFT_UNSAVED_HOURS           48 (a draft never saved for later is deleted
                                           this long after its last change)
PLEDGE_FORMS_DRAFT_LINK_MAILS_PER_DAY      3 (resume links one draft may send a day)
PLEDGE_FORMS_DRAFT_STORAGE                 "private" (the ``STORAGES`` alias a draft's
                                           uploads wait in until it is sent)
PLEDGE_FORMS_DRAFT_RATE_LIMIT              50 (pledges one client may begin per rate
                                           window; 0: no limit)
PLEDGE_FORMS_FONT_FILES                    None: the Bitstream Vera fonts ReportLab ships
                                           (``reportlab/fonts/Vera.ttf``, ``VeraBd.ttf``);
                                           or ``{"regular": path, "bold": path}`` of
                                           TrueType files: the badge is measured and drawn
                                           with them, the certificate embeds them
PLEDGE_FORMS_OPEN_DATA_LICENSE             "" (address of the licence of the showcase's
                                           open data, e.g. a Creative Commons deed;
                                           named in its description for search engines)
=========================================  ==========================================
"""

import functools
import hashlib
from pathlib import Path
from typing import Any

import reportlab
from django.conf import settings
from wagtail import hooks

DEFAULTS: dict[str, Any] = {
    "PRACTICE_URL": "/focus-areas/{section}/#practice-{number}",
    "VERIFY_MAX_AGE_DAYS": 14,
    "UPDATE_MAX_AGE_DAYS": 365,
    "PURGE_UNVERIFIED_DAYS": 30,
    "MIN_FILL_SECONDS": 5,
    "RATE_LIMIT": 10,
    "RATE_WINDOW_SECONDS": 3600,
    "RATE_CACHE": None,
    "PROXY_COUNT": None,
    "CLIENT_HASH_SALT": None,
    "LINK_MAILS_PER_DAY": 3,
    "LOGO_MAX_BYTES": 2 * 1024 * 1024,
    "LOGO_MAX_PIXELS": 16_000_000,
    "LOGO_MAX_SIDE": 1200,
    "LOGO_RETRY_SECONDS": 60,
    "LOGO_RETRY_MAX_SECONDS": 3600,
    "LOGO_MAX_ATTEMPTS": 100,
    "LOGO_STORAGE_BACKOFF_SECONDS": 30,
    "MAIL_MAX_ATTEMPTS": 5,
    "MAIL_RETRY_SECONDS": 60,
    "MAIL_RETRY_MAX_SECONDS": 3600,
    "MAIL_LEASE_SECONDS": 300,
    "EXPORT_BACKGROUND_ROWS": 5000,
    "EXPORT_STORAGE": "private",
    "EVIDENCE_MAX_BYTES": 10 * 1024 * 1024,
    "EVIDENCE_STORAGE": "private",
    "EVIDENCE_MAX_UNZIPPED_BYTES": 50 * 1024 * 1024,
    "SITE_NAME": None,
    "MAIL_POSTAL_ADDRESS": "",
    "RETENTION_DECLINED_DAYS": 180,
    "RETENTION_UNVERIFIED_DAYS": None,
    "RETENTION_LAPSED_DAYS": 180,
    "HOUSEKEEPING_INTERVAL_HOURS": 24,
    "PRIVACY_NOTICE_URL": "",
    "ACCESSIBILITY_URL": "",
    "REVIEW_OVERDUE_DAYS": 7,
    "REVIEW_QUEUE_ROWS": 10,
    "REMINDER_MONTHS": (12, 24, 33),
    "LAPSED_POLICY": "listed",
    "DRAFT_MAX_AGE_DAYS": 30,
    "DRAFT_UNSAVED_HOURS": 48,
    "DRAFT_LINK_MAILS_PER_DAY": 3,
    "DRAFT_STORAGE": "private",
    "DRAFT_RATE_LIMIT": 50,
    "FONT_FILES": None,
    "OPEN_DATA_LICENSE": "",
}


def get(name: str) -> Any:
    """The value of ``PLEDGE_FORMS_<name>``, or its documented default."""
    return getattr(settings, f"PLEDGE_FORMS_{name}", DEFAULTS[name])


def client_hash_salt() -> str:
    salt = get("CLIENT_HASH_SALT")
    if salt:
        return str(salt)
    return hashlib.sha256(
        f"pledge-forms-client:{settings.SECRET_KEY}".encode()
    ).hexdigest()


def proxy_count() -> int:
    """Trusted proxies in front of the site: ``PLEDGE_FORMS_PROXY_COUNT``, else the site's
    ``PROXY_COUNT``, else 0. Anything that is not a whole number >= 0 counts as 0, so a
    mistake never makes the plugin trust a header the client wrote."""
    value = get("PROXY_COUNT")
    if value is None:
        value = getattr(settings, "PROXY_COUNT", 0)
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return 0


# A site that names itself differently in each language answers this hook: a function of
# no arguments returning the name in the active language ("" to pass).
SITE_NAME_HOOK = "pledge_forms_site_name"


def site_name() -> str:
    """The campaign's name in e-mails, badges and certificates: the site's answer for the
    active language, else PLEDGE_FORMS_SITE_NAME, else WAGTAIL_SITE_NAME."""
    for answer in hooks.get_hooks(SITE_NAME_HOOK):
        name = answer()
        if name:
            return name
    return get("SITE_NAME") or getattr(settings, "WAGTAIL_SITE_NAME", "") or ""


def public_url() -> str:
    """The site's public origin (its ``PUBLIC_URL`` setting), or "" when it has none."""
    return (getattr(settings, "PUBLIC_URL", "") or "").rstrip("/")


def base_url() -> str:
    """Origin of public links in e-mails: the site's ``PUBLIC_URL`` when it has one, else
    ``WAGTAILADMIN_BASE_URL``; never the Host header of a request."""
    return (
        public_url() or getattr(settings, "WAGTAILADMIN_BASE_URL", "") or ""
    ).rstrip("/")


def admin_base_url() -> str:
    """Origin of links into the admin, which may be served under another name."""
    return (getattr(settings, "WAGTAILADMIN_BASE_URL", "") or base_url()).rstrip("/")


def practice_url(section_slug: str, number: int) -> str:
    return get("PRACTICE_URL").format(section=section_slug, number=number)


@functools.cache
def _packaged_fonts() -> tuple[tuple[str, str], ...]:
    folder = Path(reportlab.__file__).resolve().parent / "fonts"
    return (("regular", str(folder / "Vera.ttf")), ("bold", str(folder / "VeraBd.ttf")))


def font_files() -> dict[str, str]:
    """Paths of the TrueType files for "regular" and "bold" text: the site's
    ``PLEDGE_FORMS_FONT_FILES`` (a weight it leaves out falls back to the default), else the
    Bitstream Vera files inside the ReportLab package, which the plugin depends on."""
    files = dict(_packaged_fonts())
    files.update({k: str(v) for k, v in (get("FONT_FILES") or {}).items() if v})
    return files

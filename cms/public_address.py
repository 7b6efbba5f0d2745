"""The site's public address: the one origin every absolute URL is built on.

Operators set ``PUBLIC_URL`` (e.g. ``https://campaign.example.org``). Absolute links in
pages, feeds, the sitemap, the APIs, e-mails, badges and certificates start with it, never
with the Host header of the request: a request to another name in ALLOWED_HOSTS must not
put that name into e-mails, canonical links or cached pages. Wagtail builds its own full
URLs from the default Site record, so that record follows the setting too: ``migrate``
(:func:`sync_default_site`, a post_migrate handler) and the demo command move it.

The value is checked where it is read, in the settings (``parse_origin`` in
cms/settings/base.py).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import connections
from wagtail.models import Site


def public_url() -> str:
    """The configured origin, e.g. ``https://campaign.example.org`` (no trailing slash)."""
    return settings.PUBLIC_URL


def absolute(url: str | None) -> str:
    """``url`` made absolute on the public origin; already absolute URLs (another site's
    page, a file in a bucket) are returned as they are, and an empty one stays empty."""
    if not url:
        return ""
    if url.startswith("//"):
        return urlsplit(public_url()).scheme + ":" + url
    if url.startswith("/"):
        return public_url() + url
    return url


def site_fields() -> dict:
    """The default Site's hostname and port for the configured origin."""
    parts = urlsplit(public_url())
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return {"hostname": parts.hostname, "port": port}


def sync_default_site(using: str = "default") -> str:
    """Point the default Site record at the public origin; returns what was done, for
    ``migrate``'s output ("" when the record already matched).

    Wagtail's ``root_url`` is ``http://host`` for port 80, ``https://host`` for 443 and
    ``http://host:port`` otherwise, so an https origin on another port cannot be expressed
    by the record; the project's own absolute URLs do not depend on it (:func:`absolute`)."""
    site = Site.objects.using(using).filter(is_default_site=True).first()
    if site is None:
        return ""
    wanted = site_fields()
    if all(getattr(site, key) == value for key, value in wanted.items()):
        return ""
    other = Site.objects.using(using).filter(**wanted).exclude(pk=site.pk).first()
    if other is not None:
        # Host and port are unique per Site; deleting the other record would delete its
        # settings too, so the operator decides.
        return (
            f"The default site was not moved to {public_url()}: the site "
            f"{other.site_name or other.pk!r} already uses {wanted['hostname']}:"
            f"{wanted['port']}. Delete or change that site in Settings → Sites."
        )
    old = site.root_url
    for key, value in wanted.items():
        setattr(site, key, value)
    site.save(using=using)
    return f"The default site moved from {old} to {site.root_url} (PUBLIC_URL)."


def on_post_migrate(sender, using="default", verbosity=1, **kwargs):
    """post_migrate: the default Site follows PUBLIC_URL after every ``migrate``."""
    if "wagtailcore_site" not in connections[using].introspection.table_names():
        return  # wagtailcore not migrated on this database (yet)
    message = sync_default_site(using)
    if message and verbosity >= 1:
        print("  " + message)

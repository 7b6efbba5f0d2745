"""The embeddable badge: an SVG that names the member and links back to its page, so anyone
who sees the badge can check it against the showcase."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext as _

from pledge_forms import conf
from pledge_forms.showcase.members import PublicMember

WIDTH = 260
HEIGHT = 64
MAX_NAME_CHARS = 34


def badge_text(member: PublicMember) -> str:
    """What the badge says, also its accessible name."""
    site = conf.site_name() or _("the campaign")
    if member.is_completed:
        return _("%(name)s has completed the %(site)s") % {
            "name": member.name,
            "site": site,
        }
    return _("%(name)s has pledged to the %(site)s") % {
        "name": member.name,
        "site": site,
    }


def _short(name: str) -> str:
    return name if len(name) <= MAX_NAME_CHARS else name[: MAX_NAME_CHARS - 1] + "…"


def badge_svg(member: PublicMember, member_url: str) -> str:
    """The SVG document (pledged or completed variant); text is escaped by the template."""
    return render_to_string(
        "pledge_forms/showcase/badge.svg",
        {
            "member": member,
            "member_url": member_url,
            "title": badge_text(member),
            "short_name": _short(member.name),
            "site_name": conf.site_name(),
            "width": WIDTH,
            "height": HEIGHT,
        },
    )


def embed_code(member: PublicMember, member_url: str, badge_url: str) -> str:
    """HTML an agency pastes into its website: the badge image inside a link to its page.

    Plain text (not marked safe), so a template shows the code instead of rendering it."""
    return "".join(
        format_html(
            '<a href="{}"><img src="{}" alt="{}" width="{}" height="{}"></a>',
            member_url,
            badge_url,
            badge_text(member),
            WIDTH,
            HEIGHT,
        )
    )

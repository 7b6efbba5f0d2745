"""What the showcase's views say about themselves, for the ``<head>`` a site renders.

The plugin knows no site: each view puts these keys into its template context, and the
site's base template turns them into tags (the campaign site: ``cms/metadata.py``):

- ``page_title``: the title of what is shown, without the site's name;
- ``meta_description``: one or two plain sentences;
- ``canonical_url``: its absolute, public address;
- ``og_image`` / ``og_image_alt``: the member's logo, when the agency shows one;
- ``structured_data``: JSON-LD dicts (schema.org), e.g. the open data as a Dataset.
"""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pledge_forms.choices import Stage
from pledge_forms.showcase import opendata
from pledge_forms.showcase.members import PublicMember


def index(page, request, *, page_number: int, filtered: bool) -> dict:
    """The member list: its canonical address keeps the page number of the unfiltered
    list (each later page is its own content); a filtered list's is the list itself. The
    open data is described on the list's first page."""
    canonical = page.absolute_url(request)
    if page_number > 1 and not filtered:
        canonical += f"?page={page_number}"
    context = {"canonical_url": canonical}
    if page_number == 1 and not filtered:
        context["structured_data"] = [opendata.dataset(page, request)]
    return context


def member_map(page, request) -> dict:
    return {
        "page_title": _("Map of members"),
        "meta_description": _(
            "Where the members of the campaign are: the US states shaded by their "
            "number of members, and the members of every country."
        ),
        "canonical_url": page.absolute_url(request, "map"),
    }


def statistics(page, request, stats) -> dict:
    return {
        "page_title": _("Campaign statistics"),
        "meta_description": ngettext(
            "%(members)s published member, %(completed)s of them completed: members by "
            "stage, adoption of the practices by focus area and over time.",
            "%(members)s published members, %(completed)s of them completed: members "
            "by stage, adoption of the practices by focus area and over time.",
            stats.members,
        )
        % {"members": stats.members, "completed": stats.completed},
        "canonical_url": page.absolute_url(request, "statistics"),
    }


def member_description(member: PublicMember) -> str:
    """One sentence on the member: who and where, its stage and dates, practices in
    place when the agency shows them."""
    who = member.name
    if member.location:
        who = _("%(name)s (%(type)s, %(location)s)") % {
            "name": member.name,
            "type": member.agency_type_label,
            "location": member.location,
        }
    dates = {
        "who": who,
        "pledged": date_format(member.pledged_on) if member.pledged_on else "",
        "completed": date_format(member.completed_on) if member.completed_on else "",
    }
    if member.stage == Stage.COMPLETED and member.completed_on:
        text = _(
            "%(who)s has put all the campaign's practices in place, completed on "
            "%(completed)s."
        )
    elif member.pledged_on and member.stage == Stage.PLEDGED:
        text = _("%(who)s pledged on %(pledged)s to adopt the campaign's practices.")
    elif member.pledged_on:
        text = _(
            "%(who)s pledged on %(pledged)s to adopt the campaign's practices; its "
            "deadline has passed."
        )
    else:
        text = _("%(who)s is a member of the campaign.")
    text %= dates
    if member.shows_practices and member.stage != Stage.COMPLETED:
        count = member.in_place_count
        text += " " + ngettext(
            "%(count)s practice in place.", "%(count)s practices in place.", count
        ) % {"count": count}
    return text


def member(page, request, profile: PublicMember, member_url: str) -> dict:
    context = {
        "page_title": profile.name,
        "meta_description": member_description(profile),
        "canonical_url": member_url,
    }
    if profile.logo_url:
        context["og_image"] = profile.logo_url
        context["og_image_alt"] = _("Logo of %(name)s") % {"name": profile.name}
    return context

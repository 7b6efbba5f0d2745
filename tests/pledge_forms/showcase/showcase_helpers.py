"""Helpers for the showcase tests: a showcase page and published members."""

from django.utils import timezone
from wagtail.models import Site

from pledge_forms.showcase.demo import ensure_showcase_page
from pledge_forms.testing.factories import PledgeFactory


def showcase_page():
    root = Site.objects.get(is_default_site=True).root_page
    return ensure_showcase_page(root)


def published_member(**fields):
    """A pledge published the way a reviewer publishes it (a revision made live).

    Only a confirmed pledge can be published, and publishing approves it."""
    fields.setdefault("review_status", "approved")
    fields.setdefault("verified_at", timezone.now())
    pledge = PledgeFactory(**fields)
    pledge.save_revision().publish()
    pledge.refresh_from_db()
    return pledge


def pagination(response) -> dict:
    """The member list's page links as a reader meets them, whichever markup renders them
    (the plugin's or a site's): ``links``, (anchor, its words as read aloud), and ``gaps``,
    the words of the items that are not links."""
    from bs4 import BeautifulSoup

    page = BeautifulSoup(response.content, "html.parser")
    nav = page.find("nav", attrs={"aria-label": "Pages of members"})
    links, gaps = [], []
    for item in nav.find_all("li"):
        anchor = item.find("a")
        if anchor is None:
            gaps.append(item.get_text(strip=True))
        else:
            text = anchor.get_text(" ", strip=True)
            links.append((anchor, text.removeprefix("Page ").strip()))
    return {"links": links, "gaps": gaps}

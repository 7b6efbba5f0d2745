"""Demo content of the showcase: the member showcase page at ``members`` under a parent."""

from wagtail.models import Page

from pledge_forms.models.checklists import Checklist
from pledge_forms.models.pledges import Pledge
from pledge_forms.showcase.management.commands.generate_members import generate_members
from pledge_forms.showcase.models import MemberShowcasePage


def ensure_showcase_page(parent_page: Page) -> MemberShowcasePage:
    """The showcase page under ``parent_page`` (slug ``members``), created and published once."""
    existing = MemberShowcasePage.objects.child_of(parent_page).filter(slug="members")
    page = existing.first()
    if page is not None:
        return page
    page = MemberShowcasePage(
        title="Members",
        slug="members",
        intro=(
            "<p>Agencies that have pledged to adopt the campaign's policies and practices, "
            "and those that have completed them. Filter the list, browse the map, or read "
            "the campaign statistics.</p>"
        ),
        checklist=Checklist.objects.order_by("pk").first(),
        show_in_menus=True,
    )
    parent_page.add_child(instance=page)
    page.save_revision().publish()
    return page


def ensure_members(total: int = 150, seed: int = 2022) -> int:
    """Fictional agencies (``generate_members``) until there are ``total`` pledges in all;
    returns how many were added, so running it twice adds nothing the second time."""

    missing = total - Pledge.objects.count()
    return generate_members(missing, seed=seed) if missing > 0 else 0

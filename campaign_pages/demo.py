"""Demo content for the campaign site, built with the factories the tests use.

Every step looks for what it would create first, so loading twice changes nothing.
"""

from wagtail.models import Page, Site

from campaign_pages.models import CampaignHomePage


def ensure_home() -> CampaignHomePage:
    home = CampaignHomePage.objects.first()
    if home:
        return home
    # Wagtail's first migration makes a placeholder "Welcome" page; the campaign home replaces it.
    Page.objects.filter(depth=2, content_type__model="page", slug="home").delete()
    root = Page.get_first_root_node()
    home = root.add_child(
        instance=CampaignHomePage(
            title="Trust Building Campaign",
            slug="home",
            intro=(
                "Police agencies commit to 25 policies and practices in six focus areas "
                "that build trust between officers and the communities they serve."
            ),
        )
    )
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={
            "hostname": "localhost",
            "port": 80,
            "root_page": home,
            "site_name": "Trust Building Campaign",
        },
    )
    return home


def load(stdout=None) -> str:
    home = ensure_home()
    return f"home page {home.url_path!r}"

"""Demo content for the campaign site, built with the factories the tests use.

Every step looks for what it would create first, so loading twice changes nothing.
Practices 14 to 25 of the demo checklist are illustrative wording (see ``demo_data``).
"""

import datetime

from django.utils import timezone
from wagtail.models import Page, Site

from campaign_pages import demo_data, demo_policies
from campaign_pages.models import (
    CampaignHomePage,
    FocusAreaIndexPage,
    FocusAreaPage,
    NewsIndexPage,
    NewsPage,
    ResourceIndexPage,
    ResourcePage,
    StandardPage,
)
from campaign_pages.permissions import ensure_communications_staff
from campaign_pages.testing.factories import (
    CampaignHomePageFactory,
    FocusAreaIndexPageFactory,
    FocusAreaPageFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
    ResourceIndexPageFactory,
    ResourcePageFactory,
    StandardPageFactory,
)
from campaign_pages.workflows import attach_news_workflow
from cms.models import SiteSettings
from cms.public_address import site_fields
from media.testing import DocumentFactory, ImageFactory
from pledge_forms.models import Checklist, ChecklistItem, ChecklistSection
from pledge_forms.showcase.demo import ensure_showcase_page
from pledge_forms.testing import demo as pledge_demo

SITE_NAME = "Trust Building Campaign"


def _child(parent, model, slug):
    return model.objects.child_of(parent).filter(slug=slug).first()


def _image(title: str, colour: int = 0):
    from wagtail.images import get_image_model

    existing = get_image_model().objects.filter(title=title).first()
    return existing or ImageFactory(title=title, colour=colour)


def _publish(page):
    """Save a revision and publish it, so the admin shows a proper history."""
    page.save_revision().publish()
    return page


def ensure_home() -> CampaignHomePage:
    home = CampaignHomePage.objects.first()
    if home is None:
        # Wagtail's first migration makes a placeholder "Welcome" page; the campaign home
        # replaces it.
        Page.objects.filter(depth=2, content_type__model="page", slug="home").delete()
        home = CampaignHomePageFactory(
            parent=Page.get_first_root_node(),
            intro=(
                "Police agencies commit to 25 policies and practices in six focus areas "
                "that build trust between officers and the communities they serve."
            ),
            cta_heading="Take the pledge",
            cta_text=(
                "Commit your agency to the 25 practices and join the agencies already "
                "working on them."
            ),
            cta_label="Pledge your agency",
            hero_image=_image("Officers and residents at a community meeting", 1),
            search_description=(
                "Police agencies pledge to adopt 25 trust-building practices in six "
                "focus areas."
            ),
        )
        _publish(home)
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={
            # The public address (PUBLIC_URL), as `migrate` sets it.
            **site_fields(),
            "root_page": home,
            "site_name": SITE_NAME,
        },
    )
    return home


def ensure_site_settings(site) -> SiteSettings:
    settings = SiteSettings.for_site(site)
    if not settings.footer_text:
        settings.footer_text = (
            "The Trust Building Campaign helps police agencies and communities build "
            "trust together."
        )
        settings.contact_email = "campaign@example.org"
        settings.x_url = "https://x.com/example"
        settings.linkedin_url = "https://www.linkedin.com/company/example"
        settings.logo = _image("Trust Building Campaign logo", 0)
        settings.save()
    return settings


def ensure_checklist() -> Checklist:
    checklist, _ = Checklist.objects.get_or_create(
        slug=demo_data.CHECKLIST["slug"],
        defaults={
            "name": demo_data.CHECKLIST["name"],
            "intro": demo_data.CHECKLIST["intro"],
        },
    )
    sections = {}
    for order, (slug, title, _prefix, summary) in enumerate(demo_data.FOCUS_AREAS):
        sections[slug], _ = ChecklistSection.objects.get_or_create(
            checklist=checklist,
            slug=slug,
            defaults={"title": title, "description": summary, "sort_order": order},
        )
    prefixes = {slug: prefix for slug, _t, prefix, _s in demo_data.FOCUS_AREAS}
    counters: dict[str, int] = {}
    for number, area, title, description, illustrative in demo_data.PRACTICES:
        counters[area] = counters.get(area, 0) + 1
        ChecklistItem.objects.get_or_create(
            code=f"{prefixes[area]}-{counters[area]}",
            defaults={
                "section": sections[area],
                "number": number,
                "title": title,
                "description": description,
                "illustrative": illustrative,
            },
        )
    return checklist


def ensure_focus_areas(home, checklist) -> dict[str, FocusAreaPage]:
    index = _child(home, FocusAreaIndexPage, "focus-areas") or _publish(
        FocusAreaIndexPageFactory(
            parent=home,
            intro=(
                "The 25 practices are grouped in six focus areas. Each area has its own "
                "page with the practices and the resources that help put them in place."
            ),
        )
    )
    pages = {}
    for slug, title, _prefix, summary in demo_data.FOCUS_AREAS:
        page = _child(index, FocusAreaPage, slug)
        if page is None:
            page = _publish(
                FocusAreaPageFactory(
                    parent=index,
                    title=title,
                    slug=slug,
                    summary=summary,
                    checklist_section=checklist.sections.get(slug=slug),
                    search_description=summary,
                )
            )
        pages[slug] = page
    return pages


def ensure_resources(home, focus_areas) -> int:
    index = _child(home, ResourceIndexPage, "resources") or _publish(
        ResourceIndexPageFactory(
            parent=home,
            intro=(
                "Model policies, toolkits, guides, training, data tools, videos and "
                "articles that help agencies put the practices in place."
            ),
        )
    )
    practices = {item.number: item for item in ChecklistItem.objects.all()}
    for position, row in enumerate(demo_data.RESOURCES):
        title, kind, publisher, areas, numbers, has_document, summary = row
        if ResourcePage.objects.child_of(index).filter(title=title).exists():
            continue
        document = (
            DocumentFactory(title=title, description=summary) if has_document else None
        )
        resource = ResourcePageFactory(
            parent=index,
            title=title,
            resource_type=kind,
            publisher=publisher,
            summary=summary,
            document=document,
            external_url="" if has_document else "https://example.org/resources/",
            featured=position % 6 == 0,
            focus_areas=[focus_areas[slug] for slug in areas],
            practices=[practices[n] for n in numbers if n in practices],
        )
        _publish(resource)
    return ResourcePage.objects.child_of(index).count()


def ensure_news(home) -> NewsIndexPage:
    index = _child(home, NewsIndexPage, "news") or _publish(
        NewsIndexPageFactory(
            parent=home, intro="News from the campaign and its member agencies."
        )
    )
    attach_news_workflow(index)
    today = timezone.localdate()
    for position, row in enumerate(demo_data.NEWS):
        title, days_ago, author, summary, tags, paragraph = row
        if NewsPage.objects.child_of(index).filter(title=title).exists():
            continue
        post = NewsPageFactory(
            parent=index,
            title=title,
            date=today - datetime.timedelta(days=days_ago),
            author=author,
            summary=summary,
            image=_image(title, position),
            body=[("rich_text", f"<p>{paragraph}</p>")],
        )
        post.tags.add(*tags)
        _publish(post)
    return index


def ensure_standard_pages(home) -> None:
    for slug, title, intro, paragraphs, in_menu in demo_data.STANDARD_PAGES:
        if _child(home, StandardPage, slug):
            continue
        body = [("rich_text", "".join(f"<p>{p}</p>" for p in paragraphs))]
        if slug == "faq":
            body.append(
                (
                    "accordion",
                    {
                        "heading": "Questions and answers",
                        "items": [
                            {"question": q, "answer": f"<p>{a}</p>"}
                            for q, a in demo_data.FAQ
                        ],
                    },
                )
            )
        if slug == "about":
            body.append(
                (
                    "key_figures",
                    {
                        "heading": "The campaign in figures",
                        "figures": [
                            {"figure": "25", "label": "practices"},
                            {"figure": "6", "label": "focus areas"},
                            {"figure": "36", "label": "months to complete"},
                        ],
                    },
                )
            )
            body.append(
                (
                    "video",
                    {
                        "title": "How the campaign works",
                        "url": "https://www.youtube.com/watch?v=example",
                        "transcript": "An introduction to the pledge and the practices.",
                    },
                )
            )
        _publish(
            StandardPageFactory(
                parent=home,
                title=title,
                slug=slug,
                intro=intro,
                body=body,
                show_in_menus=in_menu,
            )
        )


def ensure_policy_pages(home, settings: SiteSettings) -> None:
    """The privacy notice and accessibility statement, chosen in the site settings (so the
    footer and the pledge form link to them); an editor's own choice is kept."""
    contact = settings.contact_email or "the campaign"
    pages = {}
    for slug, text in (
        (demo_policies.PRIVACY_SLUG, demo_policies.privacy_notice(contact)),
        (
            demo_policies.ACCESSIBILITY_SLUG,
            demo_policies.accessibility_statement(contact),
        ),
    ):
        page = _child(home, StandardPage, slug)
        if page is None:
            title, intro, body = text
            page = _publish(
                StandardPageFactory(
                    parent=home,
                    title=title,
                    slug=slug,
                    intro=intro,
                    body=[("rich_text", body)],
                    show_in_menus=False,
                    search_description=intro,
                )
            )
        pages[slug] = page
    changed = []
    if settings.privacy_page_id is None:
        settings.privacy_page = pages[demo_policies.PRIVACY_SLUG]
        changed.append("privacy_page")
    if settings.accessibility_page_id is None:
        settings.accessibility_page = pages[demo_policies.ACCESSIBILITY_SLUG]
        changed.append("accessibility_page")
    if changed:
        settings.save(update_fields=changed)


def load_plugin_demo(home, stdout) -> str:
    """The pledge plugin's demo: the form at /pledge/, demo pledges, the showcase."""
    result = pledge_demo.load(home, stdout)
    ensure_showcase_page(home)
    pledge_page = Page.objects.child_of(home).filter(slug="pledge").first()
    if pledge_page and home.cta_page_id != pledge_page.pk:
        home.cta_page = pledge_page
        _publish(home)
    return str(result)


def load(stdout=None) -> str:
    ensure_communications_staff()
    home = ensure_home()
    site = Site.objects.get(is_default_site=True)
    site_settings = ensure_site_settings(site)
    checklist = ensure_checklist()
    focus_areas = ensure_focus_areas(home, checklist)
    resources = ensure_resources(home, focus_areas)
    ensure_news(home)
    ensure_standard_pages(home)
    ensure_policy_pages(home, site_settings)
    plugin = load_plugin_demo(home, stdout)
    return (
        f"home page {home.url_path!r}, {len(focus_areas)} focus areas, "
        f"{ChecklistItem.objects.count()} practices, {resources} resources, "
        f"{NewsPage.objects.count()} news posts; {plugin}"
    )

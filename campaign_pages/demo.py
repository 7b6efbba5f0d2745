"""Demo content for the campaign site, built with the factories the tests use.

Every step looks for what it would create first, so loading twice changes nothing.
Practices 14 to 25 of the demo checklist are illustrative wording (see ``demo_data``).
The logo, the share image and the press toolkit's downloads come from the brand artwork
in ``cms/static/img/brand/`` (see ``demo_toolkit``).
"""

import datetime

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Site

from campaign_pages import demo_data, demo_policies, demo_toolkit, demo_translations
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
from cms.models import SiteSettings, SiteText
from cms.public_address import site_fields
from media.testing import DocumentFactory, ImageFactory, root_collection
from pledge_forms.localization import default_language
from pledge_forms.models import Checklist, ChecklistItem, ChecklistSection
from pledge_forms.showcase.demo import ensure_showcase_page
from pledge_forms.testing import demo as pledge_demo

SITE_NAME = "Trust Building Campaign"
BRAND_CREDIT = "Trust Building Campaign"

# The logo an earlier demo load chose: a drawn 1200 x 675 picture with this title. A site
# still showing it gets the campaign logo on the next load; an editor's own logo is kept.
PLACEHOLDER_LOGO_TITLE = "Trust Building Campaign logo"
PLACEHOLDER_LOGO_SIZE = (1200, 675)
PLACEHOLDER_LOGO_CREDIT = "Campaign illustration"

# (title in the library, file of the brand artwork, alt text)
LOGO_IMAGE = (
    "Trust Building Campaign logo (mark)",
    "mark-512.png",
    "Trust Building Campaign logo",
)
LOCKUP_IMAGE = (
    "Trust Building Campaign logo with its name",
    "lockup-1024.png",
    "Trust Building Campaign logo: a white arch with a gold keystone on a navy tile, "
    "beside the words Trust Building Campaign",
)
SOCIAL_IMAGE = (
    "Social share image",
    "social-share.png",
    "Trust Building Campaign: police agencies and their communities, building trust "
    "together. 25 practices, 6 focus areas, 36 months.",
)
FOCUS_AREAS_IMAGE = (
    "Six focus areas (square post image)",
    "focus-areas-card.png",
    "The six focus areas of the Trust Building Campaign: bias-free policing; use of "
    "force; leadership and culture; recruitment, hiring and retention; victim "
    "services; community relations. 25 practices, 36 months.",
)
BADGE_IMAGE = (
    "Pledge badge artwork",
    "badge-pledged.png",
    "Badge: We took the pledge, Trust Building Campaign",
)
LOGO_PACK_TITLE = "Trust Building Campaign logo pack"
BADGE_DOCUMENTS = (
    ("Pledge badge artwork (SVG)", "badge-pledged.svg"),
    ("Pledge badge artwork (PNG)", "badge-pledged.png"),
)


def _child(parent, model, slug):
    return model.objects.child_of(parent).filter(slug=slug).first()


def _image(title: str, colour: int = 0):
    existing = get_image_model().objects.filter(title=title).first()
    return existing or ImageFactory(title=title, colour=colour)


def _brand_image(title: str, filename: str, alt_text: str):
    """An image of the brand artwork in the library, added once (found by its title)."""
    model = get_image_model()
    existing = model.objects.filter(title=title).first()
    if existing:
        return existing
    data = demo_toolkit.brand_file(filename).read_bytes()
    image = model(
        title=title,
        description=alt_text,
        credit=BRAND_CREDIT,
        collection=root_collection(),
        file=ImageFile(ContentFile(data), name=f"trust-building-campaign-{filename}"),
    )
    image._set_image_file_metadata()
    image.save()
    return image


def _document(title: str, filename: str, make_data, description: str):
    """A document in the library, added once (found by its title); ``make_data()``
    gives its bytes."""
    model = get_document_model()
    existing = model.objects.filter(title=title).first()
    if existing:
        return existing
    document = model(
        title=title,
        description=description,
        collection=root_collection(),
        file=ContentFile(make_data(), name=filename),
    )
    document._set_document_file_metadata()
    document.save()
    return document


def demo_logo():
    """The campaign's mark as a PNG in the image library: SiteSettings.logo.

    A PNG, not the SVG: the image library refuses SVG uploads (WAGTAILIMAGES_EXTENSIONS
    leaves it out, since an SVG served from the media folder could carry script). The
    SVG artwork is in the logo pack and under /static/img/brand/."""
    return _brand_image(*LOGO_IMAGE)


def demo_social_image():
    """The 1200 x 630 share image in the image library, titled "Social share image"."""
    return _brand_image(*SOCIAL_IMAGE)


def is_placeholder_logo(image) -> bool:
    return (
        image is not None
        and image.title == PLACEHOLDER_LOGO_TITLE
        and (image.width, image.height) == PLACEHOLDER_LOGO_SIZE
        and image.credit == PLACEHOLDER_LOGO_CREDIT
    )


def _publish(page):
    """Save a revision and publish it, so the admin shows a proper history."""
    page.save_revision().publish()
    return page


def ensure_home() -> CampaignHomePage:
    home = CampaignHomePage.objects.filter(
        locale__language_code=default_language()
    ).first()
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


def ensure_site_text() -> SiteText:
    """The site's name and footer text in the default language (an editor's are kept)."""
    words, _ = SiteText.objects.get_or_create(
        locale=Locale.get_default(),
        defaults={
            "site_name": SITE_NAME,
            "footer_text": (
                "The Trust Building Campaign helps police agencies and communities "
                "build trust together."
            ),
        },
    )
    return words


def ensure_site_settings(site) -> SiteSettings:
    settings = SiteSettings.for_site(site)
    changed = False
    if not settings.contact_email:
        settings.contact_email = "campaign@example.org"
        settings.x_url = "https://x.com/example"
        settings.linkedin_url = "https://www.linkedin.com/company/example"
        if settings.logo_id is None:
            settings.logo = demo_logo()
        changed = True
    if is_placeholder_logo(settings.logo):
        settings.logo = demo_logo()
        changed = True
    if settings.social_image_id is None:  # an editor's choice is kept
        settings.social_image = demo_social_image()
        changed = True
    if changed:
        settings.save()
    return settings


def ensure_checklist() -> Checklist:
    checklist, _ = Checklist.objects.get_or_create(
        slug=demo_data.CHECKLIST["slug"],
        locale=Locale.get_default(),
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
            locale=checklist.locale,
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
    practices = {
        item.number: item
        for item in ChecklistItem.objects.filter(
            locale__language_code=default_language()
        )
    }
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
        if slug == demo_data.PRESS_SLUG or _child(home, StandardPage, slug):
            continue  # the press page is the toolkit (ensure_press_toolkit)
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


def _has_previous_press_body(page) -> bool:
    """True while the press page is exactly as an earlier demo load published it."""
    blocks = [(block["type"], block["value"]) for block in page.body.raw_data]
    return (
        not page.has_unpublished_changes and blocks == demo_toolkit.PREVIOUS_PRESS_BODY
    )


def ensure_press_toolkit(home, settings: SiteSettings, focus_areas) -> StandardPage:
    """The press and social media toolkit page with its downloads and images.

    A press page that still has the body of an earlier demo load (one paragraph) gets the
    toolkit; one an editor has changed, or has a draft of, is left as it is."""
    pack = _document(
        LOGO_PACK_TITLE,
        demo_toolkit.PACK_FILENAME,
        demo_toolkit.logo_pack_zip,
        "The logo for light and dark backgrounds and the mark alone, as SVG and PNG "
        "(256, 512 and 1024 pixels), with a usage guide.",
    )
    badges = [
        _document(
            title,
            f"trust-building-campaign-{filename}",
            demo_toolkit.brand_file(filename).read_bytes,
            "The “We took the pledge” badge, for agencies that have pledged.",
        )
        for title, filename in BADGE_DOCUMENTS
    ]
    social_image = demo_social_image()
    page = _child(home, StandardPage, demo_data.PRESS_SLUG)
    if page is not None and not _has_previous_press_body(page):
        return page
    body = demo_toolkit.body(
        pack=pack,
        badge_svg=badges[0],
        badge_png=badges[1],
        lockup_image=_brand_image(*LOCKUP_IMAGE),
        badge_image=_brand_image(*BADGE_IMAGE),
        post_images={
            "share": social_image,
            "focus_areas": _brand_image(*FOCUS_AREAS_IMAGE),
        },
        focus_areas=list(focus_areas.values()),
        contact=settings.contact_email,
    )
    if page is None:
        _slug, title, intro, _paragraphs, in_menu = next(
            row for row in demo_data.STANDARD_PAGES if row[0] == demo_data.PRESS_SLUG
        )
        return _publish(
            StandardPageFactory(
                parent=home,
                title=title,
                slug=demo_data.PRESS_SLUG,
                intro=intro,
                body=body,
                show_in_menus=in_menu,
                social_image=social_image,
                search_description=intro,
            )
        )
    page.body = body
    if page.social_image_id is None:
        page.social_image = social_image
    return _publish(page)


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
    ensure_site_text()
    checklist = ensure_checklist()
    focus_areas = ensure_focus_areas(home, checklist)
    resources = ensure_resources(home, focus_areas)
    ensure_news(home)
    ensure_standard_pages(home)
    ensure_press_toolkit(home, site_settings, focus_areas)
    ensure_policy_pages(home, site_settings)
    plugin = load_plugin_demo(home, stdout)
    translated = demo_translations.load(home, stdout)
    return (
        f"home page {home.url_path!r}, {len(focus_areas)} focus areas, "
        f"{len(demo_data.PRACTICES)} practices, {resources} resources, "
        f"{len(demo_data.NEWS)} news posts; {plugin}; {translated}"
    )

"""Browser journeys in Chromium: a visitor finds a practice's resource, an editor's news
post goes live after another editor approves it, and every public page type passes axe."""

import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from campaign_pages.models import FocusAreaPage, NewsPage, ResourcePage
from campaign_pages.permissions import GROUP_NAME, ensure_communications_staff
from tests.campaign_pages.conftest import build_site, load_demo_content

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def base_tree(transactional_db):
    """What the migrations made and transactional tests empty when they end: the locale,
    the root page and collection, the Communications staff group and its workflow."""
    from django.conf import settings
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Collection, Locale, Page

    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root"))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    ensure_communications_staff()


def test_a_visitor_goes_from_home_to_a_practice_and_opens_its_resource_document(
    browser_page,
):
    site = build_site(resources=3, news=1)
    page = browser_page
    page.goto("/")
    page.get_by_role("link", name="Use of Force", exact=True).first.click()
    page.wait_for_url(re.compile(r"/focus-areas/use-of-force/$"))
    assert page.locator("h1").inner_text() == "Use of Force"

    page.get_by_role("link", name=re.compile(r"^5\. ")).click()
    page.wait_for_url(re.compile(r"#practice-5$"))
    practice = page.locator("#practice-5")
    assert practice.is_visible()

    resource = site.resources[0]
    practice.get_by_role("link", name=resource.title).click()
    page.wait_for_url(re.compile(re.escape(resource.url) + "$"))
    download = page.get_by_role("link", name=re.compile("Download the document"))
    href = download.get_attribute("href")
    assert href == site.document.url
    response = page.request.get(href)
    assert response.status == 200
    assert response.body().startswith(b"%PDF-")


def open_more_actions(page):
    """Open the drop-down of the page editor's save button (Publish, Submit, Approve…)."""
    page.locator("footer [data-w-dropdown-target='toggle']:visible").first.click()


def sign_in(page, username, password):
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/admin/$"))


def test_a_news_post_with_an_image_goes_live_after_another_editor_approves(
    browser_page, live_server
):
    site = build_site(resources=0, news=0)
    from campaign_pages.workflows import attach_news_workflow

    attach_news_workflow(site.news_index)
    group = Group.objects.get(name=GROUP_NAME)
    users = {}
    for name in ("writer", "approver"):
        users[name] = get_user_model().objects.create_user(
            username=name, email=f"{name}@example.org", password="a long passphrase"
        )
        users[name].groups.add(group)

    page = browser_page
    sign_in(page, "writer", "a long passphrase")
    page.goto(f"/admin/pages/add/campaign_pages/newspage/{site.news_index.pk}/")
    page.locator("#id_title").fill("Listening session in the capital")
    page.locator("#id_summary").fill("Residents and chiefs met to talk about trust.")
    page.get_by_role("button", name="Choose an image").click()
    page.locator(".modal").get_by_role(
        "link", name=re.compile("Listening session")
    ).first.click()
    page.locator(".modal").wait_for(state="hidden")
    open_more_actions(page)
    page.get_by_role("button", name=re.compile("Submit to News review")).click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/|/admin/pages/\d+/$"))

    post = NewsPage.objects.get(title="Listening session in the capital")
    assert not post.live
    assert post.image_id == site.image.pk
    assert post.current_workflow_state is not None

    page.context.clear_cookies()
    sign_in(page, "approver", "a long passphrase")
    page.goto(f"/admin/pages/{post.pk}/edit/")
    open_more_actions(page)
    page.get_by_role("button", name="Approve and Publish", exact=True).click()
    page.wait_for_load_state()
    for _ in range(50):  # the approval is a form post and a redirect: wait for it
        post.refresh_from_db()
        if post.live:
            break
        time.sleep(0.2)
    assert post.live
    public = page.request.get(live_server.url + post.url)
    assert public.status == 200
    assert "Listening session in the capital" in public.text()


def test_every_public_page_type_passes_the_accessibility_check(browser_page, axe):
    load_demo_content()
    urls = [
        "/",
        "/focus-areas/",
        FocusAreaPage.objects.live().first().url,
        "/resources/",
        "/resources/?focus_area=use-of-force&type=training",
        ResourcePage.objects.live().filter(document__isnull=False).first().url,
        ResourcePage.objects.live().filter(document__isnull=True).first().url,
        "/news/",
        NewsPage.objects.live().first().url,
        "/about/",
        "/faq/",
        "/press/",
        "/privacy/",
        "/accessibility/",
        "/pledge/",
        "/search/?q=training",
        "/search/?q=police",
        "/search/?q=nothingmatchesthis",
        "/search/",
        "/no-such-page/",
    ]
    for url in urls:
        browser_page.goto(url)
        axe(browser_page)
        if url == "/search/?q=police":
            # The member agencies group is on the page axe checked.
            assert browser_page.locator("#search-members").count() == 1
    # the same on a phone, where the menu folds and the side navigation moves below
    browser_page.set_viewport_size({"width": 375, "height": 812})
    for url in urls:
        browser_page.goto(url)
        axe(browser_page)
    # readable at 320 px: nothing wider than the screen
    browser_page.set_viewport_size({"width": 320, "height": 640})
    for url in [*urls[:4], "/press/"]:
        browser_page.goto(url)
        overflow = browser_page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (url, overflow)


def test_a_visitor_copies_a_ready_made_post_from_the_press_toolkit(browser_page, axe):
    from wagtail.models import Site

    from campaign_pages import demo, demo_toolkit
    from cms.models import SiteSettings

    site = build_site(resources=0, news=0)
    toolkit = demo.ensure_press_toolkit(
        site.home,
        SiteSettings.for_site(Site.objects.get(is_default_site=True)),
        {area.slug: area for area in site.areas},
    )
    page = browser_page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(toolkit.url)
    axe(page)
    buttons = page.get_by_role("button", name="Copy the text")
    assert buttons.count() == len(demo_toolkit.SOCIAL_POSTS)
    buttons.nth(1).click()
    page.get_by_text("The text is copied.").wait_for()
    text, hashtags, _image = demo_toolkit.SOCIAL_POSTS[1]
    assert page.evaluate("navigator.clipboard.readText()") == f"{text}\n\n{hashtags}"
    assert page.get_by_label("Post 2").input_value() == f"{text}\n\n{hashtags}"

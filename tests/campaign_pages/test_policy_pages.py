"""The privacy notice and accessibility statement: demo pages chosen in the site settings,
linked from the footer of every page and from the pledge form; what they say is true."""

import pytest
from django.test import Client
from wagtail.models import Page, Site

from campaign_pages import demo
from campaign_pages.models import StandardPage
from cms.models import SiteSettings
from pledge_forms.models import Pledge, PledgeFormPage
from pledge_forms.services import privacy
from tests.campaign_pages.conftest import load_demo_content
from tests.pledge_forms.steps_walk import step_url, walk

pytestmark = pytest.mark.django_db


def footer(body: str) -> str:
    return body.split('<footer class="usa-footer', 1)[1]


def one_url_per_page_type() -> dict[str, str]:
    urls = {}
    for page in Page.objects.live().filter(depth__gt=1).specific().order_by("path"):
        urls.setdefault(type(page).__name__, page.url)
    member = Pledge.objects.filter(live=True, consent_listed=True).first()
    urls["member"] = f"/members/{member.slug}/"
    urls["search"] = "/search/?q=trust"
    urls["not found"] = "/no-such-page/"
    return urls


def test_the_demo_notices_are_linked_from_every_page_and_from_the_form(client):
    load_demo_content()
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    notice = StandardPage.objects.get(locale__language_code="en", slug="privacy")
    statement = StandardPage.objects.get(
        locale__language_code="en", slug="accessibility"
    )
    assert site_settings.privacy_page_id == notice.pk and notice.live
    assert site_settings.accessibility_page_id == statement.pk and statement.live

    text = str(notice.body)
    for fact in (
        "The Trust Building Campaign runs this website",
        "campaign@example.org",
        "the chief executive&#x27;s name, title, e-mail address and phone number",
        "The campaign&#x27;s reviewers",
        "only if it ticks the box",
        "never confirmed: 30 days",
        "declined pledge: 180 days",
        "in place: 180 days after the deadline",
        "erases its personal data at once",
        "csrftoken",
    ):
        assert fact in text, fact
    for fact in (
        "WCAG) 2.2 at level AA",
        "axe",
        "Known limits",
        "campaign@example.org",
    ):
        assert fact in str(statement.body), fact

    types = one_url_per_page_type()
    assert {
        "CampaignHomePage",
        "FocusAreaIndexPage",
        "FocusAreaPage",
        "NewsIndexPage",
        "NewsPage",
        "ResourceIndexPage",
        "ResourcePage",
        "StandardPage",
        "PledgeFormPage",
        "MemberShowcasePage",
    } <= set(types)
    for name, url in types.items():
        response = client.get(url)
        assert response.status_code == (404 if name == "not found" else 200), url
        links = footer(response.content.decode())
        assert '<a href="/privacy/">Privacy notice</a>' in links, url
        assert '<a href="/accessibility/">Accessibility statement</a>' in links, url

    # The form's consent step links the notice beside the consent, and again with the
    # accessibility statement below its buttons.
    walk(
        client,
        PledgeFormPage.objects.live().get(locale__language_code="en"),
        until="commitment",
    )
    form = (
        client.get(
            step_url(
                PledgeFormPage.objects.live().get(locale__language_code="en"),
                "commitment",
            )
        )
        .content.decode()
        .split('<footer class="site-footer">')[0]
    )
    consent = form.index("What may the public see on your member page?")
    submit = form.index('<button type="submit" name="action" value="next"')
    first = form.index('href="/privacy/"', consent)
    assert first < form.index("Public statement (optional)")
    assert submit < form.index('href="/privacy/"', first + 1)
    assert submit < form.index('href="/accessibility/"')

    # Loading again adds nothing; an editor's own choice of notice is kept.
    pages = Page.objects.count()
    about = StandardPage.objects.get(locale__language_code="en", slug="about")
    site_settings.privacy_page = about
    site_settings.save()
    demo.load()
    assert Page.objects.count() == pages
    site_settings.refresh_from_db()
    assert site_settings.privacy_page_id == about.pk
    assert (
        StandardPage.objects.filter(locale__language_code="en", slug="privacy").count()
        == 1
    )


def test_a_new_version_of_the_notice_is_a_new_consent_version_and_visitors_get_no_cookie():
    load_demo_content()
    form_page = Page.objects.get(locale__language_code="en", slug="pledge").specific
    notice = StandardPage.objects.get(locale__language_code="en", slug="privacy")
    labels = {}
    first = privacy.consent_record(form_page, labels)
    assert (
        f"Privacy notice: Privacy notice </privacy/> (version {notice.live_revision_id})"
        in first.text
    )
    assert privacy.consent_record(form_page, labels) == first
    notice.intro = "Rewritten."
    notice.save_revision().publish()
    assert privacy.consent_record(form_page, labels) != first

    # Reading the site sets no cookie; the pledge form sets only the CSRF cookie (what
    # the privacy notice says).
    visitor = Client()
    for url in ("/", "/news/", "/members/", "/privacy/"):
        assert not visitor.get(url).cookies, url
    assert set(visitor.get("/pledge/").cookies) == {"csrftoken"}

"""The showcase's templates in parts a site can override, and what every site gets from
them whichever markup it chooses: tables a reader can scroll and name, the stylesheet in the
head of the page, cards and page links. Run on the campaign site and on the plugin's own
test site."""

import re

import pytest
from bs4 import BeautifulSoup
from django.template.loader import get_template

import pledge_forms.showcase
from pledge_forms.models import Pledge
from pledge_forms.showcase.management.commands.generate_members import generate_members
from pledge_forms.showcase.models import MemberShowcasePage
from tests.pledge_forms.showcase.showcase_helpers import pagination, showcase_page

pytestmark = pytest.mark.django_db

PLUGIN_TEMPLATES = f"{pledge_forms.showcase.__path__[0]}/templates/"


@pytest.fixture
def page(checklist):
    page = showcase_page()
    generate_members(30, seed=3)
    MemberShowcasePage.objects.filter(pk=page.pk).update(per_page=6)
    return page


def html(client, url) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def showcase_urls(page) -> list[str]:
    member = Pledge.objects.filter(
        live=True, consent_listed=True, consent_show_practices=True
    ).first()
    return [
        "/members/",
        "/members/?stage=nonsense",
        f"/members/{member.slug}/",
        "/members/map/",
        "/members/statistics/",
    ]


def test_every_table_scrolls_in_a_focusable_region_named_by_its_caption(client, page):
    for url in showcase_urls(page):
        tables = html(client, url).find("main").find_all("table")
        assert tables, url
        for table in tables:
            region = table.parent
            caption = table.caption.get_text(" ", strip=True)
            assert caption, url
            assert region["role"] == "group", (url, caption)
            assert region["aria-label"] == caption, url
            assert region["tabindex"] == "0", (url, caption)
            assert table.find("thead").find("th", scope="col"), (url, caption)


def test_the_showcase_stylesheet_is_linked_in_the_head_unless_the_site_styles_it(
    client, page
):
    template = get_template("pledge_forms/showcase/includes/stylesheet.html")
    own = template.origin.name.startswith(PLUGIN_TEMPLATES)
    for url in showcase_urls(page):
        document = html(client, url)
        head = [
            link["href"] for link in document.head.find_all("link", rel="stylesheet")
        ]
        body = [
            link["href"] for link in document.body.find_all("link", rel="stylesheet")
        ]
        showcase_css = [href for href in head if href.endswith("showcase.css")]
        assert len(showcase_css) == (1 if own else 0), (url, head)
        assert not [href for href in body if href.endswith("showcase.css")], url


def test_members_are_cards_with_their_stage_and_pages_are_links(client, page):
    response = client.get("/members/?page=2")
    document = BeautifulSoup(response.content, "html.parser")
    section = document.find("section", attrs={"aria-labelledby": "list-heading"})
    cards = [li for li in section.find_all("li") if li.find(re.compile("^h3$"))]
    assert len(cards) == 6
    for card, member in zip(cards, response.context["members"], strict=True):
        assert card.find("a")["href"] == f"/members/{member.slug}/"
        stage = card.find("span", class_=re.compile(r"stage--"))
        assert stage.get_text(strip=True) == member.stage_label
    nav = pagination(response)
    current = [text for anchor, text in nav["links"] if anchor.get("aria-current")]
    assert current == ["2"]
    assert [text for _anchor, text in nav["links"]][0] == "Previous"

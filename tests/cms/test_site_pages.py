"""Site-wide pages and assets: friendly errors, favicon, no outside assets."""

import re
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import path

from tests.campaign_pages.conftest import build_site

pytestmark = pytest.mark.django_db


def fail(request):
    raise RuntimeError("a deliberate failure")


# Used as ROOT_URLCONF by the 500 test.
urlpatterns = [path("fail/", fail)]


def test_an_unknown_address_gets_a_friendly_404_with_ways_on(client):
    build_site(resources=0, news=0)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "We could not find that page" in page
    assert 'href="/resources/"' in page
    assert 'role="search"' in page


def test_the_500_page_renders_without_a_database_or_context():
    page = render_to_string("500.html")
    assert "Something went wrong on our side" in page
    assert 'href="/"' in page


def test_a_server_error_shows_the_friendly_500_page(settings):
    settings.ROOT_URLCONF = "tests.cms.test_site_pages"
    response = Client(raise_request_exception=False).get("/fail/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_pages_load_no_asset_from_another_site(client):
    build_site(resources=1, news=1)
    for url in ["/", "/resources/", "/news/", "/search/?q=x", "/no-such-page/"]:
        page = client.get(url).content.decode()
        # The canonical link is no asset: it names the page's public address.
        assets = re.sub(
            r'<link rel="canonical" href="http://testserver/[^"]*">', "", page
        )
        for tag_url in re.findall(
            r'<(?:link|script|img)[^>]+(?:href|src)="([^"]+)"', assets
        ):
            assert tag_url.startswith("/"), (url, tag_url)


def test_the_favicon_is_served_from_the_site(client):
    build_site(resources=0, news=0)
    page = client.get("/").content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in page
    assert client.get("/static/favicon.svg").status_code == 200


def test_pages_are_responsive_and_printable():
    from django.contrib.staticfiles import finders

    css = Path(finders.find("css/site.css")).read_text()
    assert "@media print" in css
    assert "min(100%" in css  # grids collapse to one column on narrow screens

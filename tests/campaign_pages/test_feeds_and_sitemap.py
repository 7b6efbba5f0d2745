"""The RSS feed, the sitemap and robots.txt are valid and point at the live pages."""

import xml.etree.ElementTree as ET  # noqa: S405 - parsing our own responses

import pytest

pytestmark = pytest.mark.django_db


def test_news_feed_is_valid_rss_with_the_latest_posts(client, campaign_site):
    response = client.get("/news/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)  # noqa: S314
    assert root.tag == "rss" and root.get("version") == "2.0"
    items = root.findall("./channel/item")
    assert [item.findtext("title") for item in items] == [
        post.title for post in reversed(campaign_site.posts)
    ]
    first = items[0]
    assert first.findtext("link") == "http://testserver" + campaign_site.posts[-1].url
    assert first.findtext("description") == campaign_site.posts[-1].summary
    assert first.findtext("pubDate")


def test_news_feed_escapes_titles(client, campaign_site):
    post = campaign_site.posts[0]
    post.title = "Trust & <safety>"
    post.save_revision().publish()
    root = ET.fromstring(client.get("/news/feed/").content)  # noqa: S314
    assert "Trust & <safety>" in [i.findtext("title") for i in root.iter("item")]


def test_the_news_index_advertises_its_feed(client, campaign_site):
    page = client.get("/news/").content.decode()
    assert 'type="application/rss+xml"' in page
    assert 'href="/news/feed/"' in page


def test_sitemap_lists_live_pages_only(client, campaign_site):
    draft = campaign_site.resources[2]
    draft.unpublish()
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = {loc.text for loc in root.findall("./s:url/s:loc", ns)}
    assert "http://testserver/" in locations
    assert "http://testserver" + campaign_site.use_of_force.url in locations
    assert "http://testserver" + campaign_site.resources[0].url in locations
    assert "http://testserver" + draft.url_path.removeprefix("/home") not in locations


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_out_of_the_admin(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text
    # Search results are crawlable: they name /search/ as canonical (SEO audits).
    assert "/search/" not in text.replace("Sitemap:", "")

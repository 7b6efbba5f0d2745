"""The public address (PUBLIC_URL): the Site record follows it, every absolute URL uses it,
whatever Host header the request came with."""

import csv
import io
import json
import re
import xml.etree.ElementTree as ET  # noqa: S405 - parsing our own responses

import pypdf
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Site

from cms.public_address import absolute, sync_default_site
from cms.settings.base import parse_origin
from pledge_forms.choices import Stage
from tests.campaign_pages.conftest import build_site
from tests.cms.test_settings import read_settings, run_python
from tests.pledge_forms.showcase.showcase_helpers import published_member, showcase_page

PUBLIC = "https://campaign.example.org"
# Another name the server answers to (in ALLOWED_HOSTS), e.g. its own address.
OTHER_HOST = "10.0.0.7:8000"


# --- The setting -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "origin"),
    [
        ("https://campaign.example.org", "https://campaign.example.org"),
        ("https://campaign.example.org/", "https://campaign.example.org"),
        ("HTTPS://Campaign.Example.org", "https://campaign.example.org"),
        ("https://campaign.example.org:443", "https://campaign.example.org"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("http://[::1]:8000", "http://[::1]:8000"),
        ("  http://localhost  ", "http://localhost"),
    ],
)
def test_an_origin_is_normalised(value, origin):
    assert parse_origin(value) == origin


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("campaign.example.org", "must start with http:// or https://"),
        ("ftp://campaign.example.org", "must start with http:// or https://"),
        ("https://", "must name a host"),
        ("https://campaign.example.org/site", "without a path"),
        ("https://campaign.example.org/?a=1", "without a path, query or fragment"),
        ("https://campaign.example.org:99999", "is not a valid URL"),
        ("https://user:pw@campaign.example.org", "user name or password"),
        ("", "must start with http:// or https://"),
    ],
)
def test_a_bad_origin_is_refused_with_a_clear_message(value, message):
    with pytest.raises(ImproperlyConfigured, match="PUBLIC_URL") as caught:
        parse_origin(value)
    assert message in str(caught.value)


def test_public_url_sets_the_admin_base_url_and_the_api_base_url(tmp_path):
    values = read_settings(
        "cms.settings.dev",
        {"PUBLIC_URL": PUBLIC + "/"},
        ["PUBLIC_URL", "WAGTAILADMIN_BASE_URL", "WAGTAILAPI_BASE_URL"],
        tmp_path,
    )
    assert values == {
        "PUBLIC_URL": PUBLIC,
        "WAGTAILADMIN_BASE_URL": PUBLIC,
        "WAGTAILAPI_BASE_URL": PUBLIC,
    }


def test_wagtailadmin_base_url_alone_sets_the_public_url_and_stays_overridable(
    tmp_path,
):
    alone = read_settings(
        "cms.settings.dev",
        {"WAGTAILADMIN_BASE_URL": PUBLIC},
        ["PUBLIC_URL", "WAGTAILADMIN_BASE_URL"],
        tmp_path,
    )
    assert alone == {"PUBLIC_URL": PUBLIC, "WAGTAILADMIN_BASE_URL": PUBLIC}
    both = read_settings(
        "cms.settings.dev",
        {"PUBLIC_URL": PUBLIC, "WAGTAILADMIN_BASE_URL": "https://admin.example.org"},
        ["PUBLIC_URL", "WAGTAILADMIN_BASE_URL"],
        tmp_path,
    )
    assert both == {
        "PUBLIC_URL": PUBLIC,
        "WAGTAILADMIN_BASE_URL": "https://admin.example.org",
    }


def test_a_bad_public_url_stops_start_up_with_a_clear_message(tmp_path):
    result = run_python(
        "cms.settings.dev",
        {"PUBLIC_URL": "campaign.example.org/path"},
        "-c",
        "import django; django.setup()",
        tmp_path=tmp_path,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "PUBLIC_URL must start with http:// or https://" in result.stderr


# --- The Site record ---------------------------------------------------------------------


@pytest.fixture
def public(settings):
    """The site deployed at PUBLIC, its Site record moved there the way `migrate` does."""
    settings.PUBLIC_URL = settings.WAGTAILADMIN_BASE_URL = PUBLIC
    settings.WAGTAILAPI_BASE_URL = PUBLIC
    sync_default_site()
    return PUBLIC


@pytest.mark.django_db
def test_migrate_moves_the_default_site_to_the_public_url_and_again_when_it_changes(
    settings, capsys
):
    settings.PUBLIC_URL = PUBLIC
    call_command("migrate", verbosity=1, interactive=False)
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port, site.root_url) == (
        "campaign.example.org",
        443,
        PUBLIC,
    )
    assert f"to {PUBLIC} (PUBLIC_URL)" in capsys.readouterr().out

    settings.PUBLIC_URL = "http://campaign.example.net:8080"
    call_command("migrate", verbosity=0, interactive=False)
    site.refresh_from_db()
    assert site.root_url == "http://campaign.example.net:8080"
    assert Site.objects.count() == 1


@pytest.mark.django_db
def test_the_public_address_command_moves_the_site_and_says_where(settings):
    settings.PUBLIC_URL = "http://127.0.0.1:8000"
    out = io.StringIO()
    call_command("public_address", stdout=out)
    assert Site.objects.get(is_default_site=True).root_url == "http://127.0.0.1:8000"
    assert "Public address: http://127.0.0.1:8000" in out.getvalue()


@pytest.mark.django_db
def test_a_site_already_holding_the_address_is_not_deleted(settings):
    default = Site.objects.get(is_default_site=True)
    Site.objects.create(
        hostname="campaign.example.org", port=443, root_page=default.root_page
    )
    settings.PUBLIC_URL = PUBLIC
    message = sync_default_site()
    assert "was not moved" in message and "Settings → Sites" in message
    assert Site.objects.count() == 2


@pytest.mark.django_db
def test_the_demo_command_points_the_site_at_the_public_url(public):
    from campaign_pages import demo

    demo.ensure_home()
    assert Site.objects.get(is_default_site=True).root_url == PUBLIC


# --- Every absolute URL, requested under another host name -------------------------------


@pytest.fixture
def site(db, public):
    built = build_site(resources=1, news=2)
    built.showcase = showcase_page()
    built.member = published_member(
        display_name="Harbourview Police Department",
        slug="harbourview",
        stage=Stage.COMPLETED,
        completed_at=timezone.now(),
    )
    return built


@pytest.fixture
def other_host(client):
    client.defaults["HTTP_HOST"] = OTHER_HOST
    return client


def _links(html: str) -> dict[str, str]:
    found = {}
    for name, pattern in {
        "canonical": r'<link rel="canonical" href="([^"]+)"',
        "og:url": r'<meta property="og:url" content="([^"]+)"',
        "og:image": r'<meta property="og:image" content="([^"]+)"',
    }.items():
        match = re.search(pattern, html)
        found[name] = match.group(1) if match else None
    return found


def test_canonical_and_open_graph_links_use_the_public_url(other_host, site):
    post = site.posts[0]
    html = other_host.get(post.url).content.decode()
    assert _links(html) == {
        "canonical": PUBLIC + post.url,
        "og:url": PUBLIC + post.url,
        "og:image": _links(html)["og:image"],
    }
    assert _links(html)["og:image"].startswith(PUBLIC + "/media/images/")
    assert OTHER_HOST not in html
    # Within the page, links and images stay relative.
    assert re.search(r'<img [^>]*src="/media/images/', html)


def test_a_showcase_route_is_its_own_canonical_address(other_host, site):
    html = other_host.get("/members/statistics/").content.decode()
    assert _links(html)["canonical"] == PUBLIC + "/members/statistics/"
    member = other_host.get("/members/harbourview/").content.decode()
    assert _links(member)["canonical"] == PUBLIC + "/members/harbourview/"


def test_every_sitemap_location_uses_the_public_url(other_host, site):
    root = ET.fromstring(other_host.get("/sitemap.xml").content)  # noqa: S314
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [loc.text for loc in root.findall("./s:url/s:loc", ns)]
    assert PUBLIC + "/" in locations
    assert PUBLIC + "/members/harbourview/" in locations
    assert all(loc.startswith(PUBLIC + "/") for loc in locations), locations


def test_rss_links_and_robots_txt_use_the_public_url(other_host, site):
    feed = other_host.get("/news/feed/").content.decode()
    root = ET.fromstring(feed)  # noqa: S314
    links = [root.findtext("./channel/link")] + [
        item.findtext("link") for item in root.iter("item")
    ]
    assert links == [PUBLIC + site.news_index.url] + [
        PUBLIC + post.url for post in reversed(site.posts)
    ]
    assert f'href="{PUBLIC}/news/feed/"' in feed  # atom:link rel="self"
    assert OTHER_HOST not in feed
    robots = other_host.get("/robots.txt").content.decode()
    assert f"Sitemap: {PUBLIC}/sitemap.xml" in robots


def test_the_pages_and_members_apis_use_the_public_url(other_host, site):
    pages = other_host.get("/api/v2/pages/?limit=20").json()["items"]
    assert pages
    for item in pages:
        assert item["meta"]["html_url"].startswith(PUBLIC + "/"), item
        assert item["meta"]["detail_url"].startswith(PUBLIC + "/api/v2/pages/"), item
    members = other_host.get("/api/v2/members/").json()["items"]
    assert [m["url"] for m in members] == [PUBLIC + "/members/harbourview/"]
    assert members[0]["meta"]["html_url"] == PUBLIC + "/members/harbourview/"
    document = other_host.get("/api/v2/documents/").json()["items"][0]
    assert document["meta"]["download_url"].startswith(PUBLIC + "/documents/")


def test_open_data_uses_the_public_url(other_host, site):
    body = b"".join(other_host.get("/members/data.csv").streaming_content)
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert [row["url"] for row in rows] == [PUBLIC + "/members/harbourview/"]
    data = json.loads(b"".join(other_host.get("/members/data.json").streaming_content))
    assert [m["url"] for m in data["members"]] == [PUBLIC + "/members/harbourview/"]


def test_the_badge_embed_code_and_certificate_use_the_public_url(other_host, site):
    response = other_host.get("/members/harbourview/")
    code = response.context["badge_code"]
    assert f'href="{PUBLIC}/members/harbourview/"' in code
    assert f'src="{PUBLIC}/members/harbourview/badge.svg"' in code
    html = response.content.decode()
    # The badge on the page itself loads from the host the visitor used.
    assert re.search(r'<img [^>]*src="/members/harbourview/badge.svg"', html)

    badge = other_host.get("/members/harbourview/badge.svg").content.decode()
    assert f'href="{PUBLIC}/members/harbourview/"' in badge
    pdf = other_host.get("/members/harbourview/certificate.pdf").content
    text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert f"{PUBLIC}/members/harbourview/" in text
    assert OTHER_HOST not in text


def test_e_mail_links_use_the_public_url(site, settings):
    from pledge_forms.services import links

    settings.WAGTAILADMIN_BASE_URL = "https://admin.example.org"
    member = site.member
    assert links.verify_link(member).startswith(PUBLIC + "/")
    assert links.member_link(member) == PUBLIC + "/members/harbourview/"
    assert links.admin_link(member).startswith("https://admin.example.org/admin/")


def test_absolute_leaves_absolute_urls_alone(settings):
    settings.PUBLIC_URL = PUBLIC
    assert absolute("/x/") == PUBLIC + "/x/"
    assert absolute("https://bucket.example.net/a.png") == (
        "https://bucket.example.net/a.png"
    )
    assert absolute("//cdn.example.net/a.png") == "https://cdn.example.net/a.png"
    assert absolute("") == ""


@pytest.mark.django_db
def test_the_admin_password_reset_e_mail_ignores_the_host_header(
    other_host, public, django_user_model, mailoutbox
):
    django_user_model.objects.create_user("editor", "editor@example.org", "pw-12345")
    response = other_host.post(
        "/admin/password_reset/", {"email": "editor@example.org"}
    )
    assert response.status_code == 302
    (message,) = mailoutbox
    assert f"{PUBLIC}/admin/password_reset/confirm/" in message.body
    assert OTHER_HOST not in message.body

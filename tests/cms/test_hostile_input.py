"""No malformed request to a public URL is a server error.

Every public URL (every route in the URL resolver outside the admin, one live page of
every page type and every route of routable pages, the API endpoints) gets hostile values
in every parameter it reads, hostile path segments, POSTs, malformed bodies and junk
methods. Each answer must be below 500; a 400 must say why. HTML echoes of the values
must be escaped. Runs on SQLite and on PostgreSQL (``DATABASE_URL``), where a NUL in text
is an error of the database itself.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from django import forms
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from wagtail.contrib.redirects.models import Redirect
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, get_page_models

from campaign_pages.models.resources import ResourceFilterSet
from cms.api import api_router
from pledge_forms.models import PledgeDraft, PledgeFormPage
from pledge_forms.services.links import (
    make_resume_token,
    make_update_token,
    make_verify_token,
)
from pledge_forms.showcase.filters import ShowcaseFilterSet
from pledge_forms.showcase.members import listed_members
from pledge_forms.showcase.models import MemberShowcasePage
from tests.campaign_pages.conftest import load_demo_content

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'
# Values as they appear in a query string (already percent-encoded where needed).
HOSTILE_VALUES = {
    "nul": "%00",
    "nul-inside": "abc%00def",
    "long": "x" * 10_000,
    "huge-int": "9" * 30,
    "negative": "-1",
    "float": "1e309",
    "unicode": quote("\u202eevil\u200f 😀 e\u0301\u0338 \ufeff\u0600"),
    "invalid-utf8": "%ff%fe",
    "broken-escape": "%",
    "control": "%01%1b%7f",
    "sql": quote("1' OR '1'='1'; DROP TABLE wagtailcore_page; --"),
    "html": quote(SCRIPT + '"><img src=x onerror=alert(1)>'),
    "quotes": quote("\"'`\\"),
    "search-syntax": quote('"a AND (b OR NOT* c NEAR'),
    "empty": "",
}
# Shapes of a parameter other than ``name=value``.
HOSTILE_SHAPES = {
    "duplicated": lambda name: f"{name}=1&{name}=%22&{name}=",
    "array": lambda name: f"{quote(name)}%5B%5D=1&{name}[]=2&{name}[0]=3",
    "bare": lambda name: name,
}
JUNK_PARAMETER = "zz_unknown"


def query_for(name: str, value: str) -> str:
    if value in HOSTILE_SHAPES:
        return HOSTILE_SHAPES[value](name)
    return f"{quote(name)}={HOSTILE_VALUES[value]}"


def queries_for(target: str, value: str) -> list[str]:
    """The query strings to send: the API stops at the first bad parameter, so one
    parameter at a time; a page reads each on its own, so all of them at once."""
    names = [*TARGETS[target], JUNK_PARAMETER]
    if target.startswith("api-"):
        return [query_for(name, value) for name in names]
    return ["&".join(query_for(name, value) for name in names)]


# --- The public URLs and the parameters each reads ------------------------------------------

API_PAGE_PARAMETERS = [
    "fields",
    "type",
    "child_of",
    "ancestor_of",
    "descendant_of",
    "translation_of",
    "order",
    "search",
    "search_operator",
    "limit",
    "offset",
    "locale",
    "site",
    "slug",
    "title",
    "show_in_menus",
    "rich_text_format",
]
API_MEDIA_PARAMETERS = [
    "fields",
    "order",
    "search",
    "search_operator",
    "limit",
    "offset",
    "title",
    "tags",
    "collection",
    "id",
]
API_MEMBER_PARAMETERS = [
    "limit",
    "offset",
    *sorted(ShowcaseFilterSet.base_filters.keys() - {"q", "sort"}),
]
API_FIND_PARAMETERS = ["id", "html_path", "fields"]
SHOWCASE_PARAMETERS = [*ShowcaseFilterSet.base_filters, "page"]
RESOURCE_PARAMETERS = [*ResourceFilterSet.base_filters, "page"]
PAGE_TYPE_PARAMETERS = {
    "campaign_pages.resourceindexpage": RESOURCE_PARAMETERS,
    "campaign_pages.newsindexpage": ["page"],
    "pledge_forms_showcase.membershowcasepage": SHOWCASE_PARAMETERS,
}
PAGE_TYPES = sorted(
    model._meta.label_lower for model in get_page_models() if model is not Page
)

# name -> parameters; the URL itself is known once the demo site exists (``site_urls``).
TARGETS: dict[str, list[str]] = {
    **{
        f"page:{label}": PAGE_TYPE_PARAMETERS.get(label, ["page"])
        for label in PAGE_TYPES
    },
    "news-feed": ["page"],
    "showcase-map": [],
    "showcase-statistics": [],
    "showcase-data-csv": [],
    "showcase-data-json": [],
    "showcase-member": [],
    "showcase-badge": ["size", "style"],
    "showcase-certificate": [],
    "pledge-received": [],
    "pledge-verify": [],
    "pledge-update": [],
    "pledge-verify-pending": [],
    "pledge-update-pending": [],
    "search": ["q", "page"],
    "sitemap": ["p", "section"],
    "robots": [],
    "healthz": [],
    "document": [],
    "document-password": ["next"],
    "redirect": [],
    "static": [],
    "media": [],
    "admin-login": ["next"],
    "page-login": ["next"],
    "page-password": ["next", "return_url"],
    "admin-password-reset": [],
    "api-pages": API_PAGE_PARAMETERS,
    "api-pages-detail": ["fields", "rich_text_format"],
    "api-pages-find": [*API_FIND_PARAMETERS],
    "api-images": API_MEDIA_PARAMETERS,
    "api-images-detail": ["fields"],
    "api-images-find": API_FIND_PARAMETERS,
    "api-documents": API_MEDIA_PARAMETERS,
    "api-documents-detail": ["fields"],
    "api-documents-find": API_FIND_PARAMETERS,
    "api-members": API_MEMBER_PARAMETERS,
    "api-members-detail": [],
    "api-members-find": ["id"],
}


@pytest.fixture(scope="module")
def site_urls(django_db_setup, django_db_blocker):
    """The demo site (every page type, the pledge form, the showcase with members), once
    for the module, inside a transaction rolled back at the end; each test runs in a
    savepoint within it. Each page is shown once first: the renditions of its images are
    then the module's, not made again (most of a page's time) in every test's savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo_content()
        urls = demo_urls()
        visitor = Client()
        for name, url in urls.items():
            if name.startswith("page:"):
                visitor.get(url)
        yield urls
        transaction.set_rollback(True)


def demo_urls() -> dict[str, str]:
    pages = {}
    for label in PAGE_TYPES:
        page = (
            Page.objects.live()
            .public()
            .filter(content_type__app_label=label.split(".")[0])
            .type(get_model(label))
            .exact_type(get_model(label))
            .order_by("path")
            .first()
        )
        assert page is not None, f"the demo has no live page of type {label}"
        pages[f"page:{label}"] = page.url
    showcase = MemberShowcasePage.objects.live().get(locale__language_code="en")
    form_page = PledgeFormPage.objects.live().first()
    member = listed_members().order_by("pk").first()
    assert member is not None, "the demo has no listed member"
    document = get_document_model().objects.first()
    image = get_image_model().objects.first()
    Redirect.objects.create(old_path="/old-address", redirect_link="/news/")
    home = Page.objects.filter(depth=2).first()
    about = Page.objects.get(locale__language_code="en", slug="about")
    restriction = PageViewRestriction.objects.create(
        page=about, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    base = showcase.url
    return {
        **pages,
        "news-feed": pages["page:campaign_pages.newsindexpage"] + "feed/",
        "showcase-map": base + "map/",
        "showcase-statistics": base + "statistics/",
        "showcase-data-csv": base + "data.csv",
        "showcase-data-json": base + "data.json",
        "showcase-member": f"{base}{member.slug}/",
        "showcase-badge": f"{base}{member.slug}/badge.svg",
        "showcase-certificate": f"{base}{member.slug}/certificate.pdf",
        "pledge-received": form_page.url + "received/",
        "pledge-verify": f"{form_page.url}verify/{make_verify_token(member)}/",
        "pledge-update": f"{form_page.url}update/{make_update_token(member)}/",
        # The token-free addresses a link leads to once its token is in the session.
        "pledge-verify-pending": form_page.url + "verify/",
        "pledge-update-pending": form_page.url + "update/",
        # The form's steps, and its drafts.
        "pledge-step": form_page.url + "step/contacts/",
        "pledge-check": form_page.url + "check/",
        "pledge-save": form_page.url + "save/",
        "pledge-discard": form_page.url + "discard/",
        "pledge-resume": f"{form_page.url}resume/"
        f"{make_resume_token(PledgeDraft.objects.create(form_page=form_page))}/",
        "pledge-resume-pending": form_page.url + "resume/",
        "pledge-update-step": form_page.url + "update/step/commitment/",
        "pledge-update-check": form_page.url + "update/check/",
        "pledge-update-received": form_page.url + "update/received/",
        "search": "/search/",
        "sitemap": "/sitemap.xml",
        "robots": "/robots.txt",
        "healthz": "/healthz/",
        "document": document.url,
        "document-password": "/documents/authenticate_with_password/999999/",
        "redirect": "/old-address/",
        "static": "/static/favicon.svg",
        "media": image.get_rendition("fill-80x80").url,
        "admin-login": "/admin/login/",
        "page-login": "/_util/login/",
        "page-password": f"/_util/authenticate_with_password/{restriction.pk}/{home.pk}/",
        "admin-password-reset": "/admin/password_reset/",
        "api-pages": "/api/v2/pages/",
        "api-pages-detail": f"/api/v2/pages/{home.pk}/",
        "api-pages-find": "/api/v2/pages/find/",
        "api-images": "/api/v2/images/",
        "api-images-detail": f"/api/v2/images/{image.pk}/",
        "api-images-find": "/api/v2/images/find/",
        "api-documents": "/api/v2/documents/",
        "api-documents-detail": f"/api/v2/documents/{document.pk}/",
        "api-documents-find": "/api/v2/documents/find/",
        "api-members": "/api/v2/members/",
        "api-members-detail": f"/api/v2/members/{member.pk}/",
        "api-members-find": "/api/v2/members/find/",
        "_showcase": base,
        "_form": form_page.url,
        "_news": pages["page:campaign_pages.newsindexpage"],
    }


def get_model(label: str):
    from django.apps import apps

    return apps.get_model(label)


def assert_handled(response, what: str) -> None:
    """Below 500; a 400 says why; a script in the request is never echoed raw."""
    assert response.status_code < 500, f"{what}: {response.status_code}"
    body = b"".join(response) if response.streaming else response.content
    if response.status_code == 400:
        text = body.decode("utf-8", "replace")
        if response["Content-Type"].startswith("application/json"):
            text = json.loads(text)["message"]
        assert len(text.strip()) > 10, f"{what}: a 400 without a message"
        assert "Bad Request (400)" not in text, f"{what}: Django's bare 400"
    if response.get("Content-Type", "").startswith("text/html"):
        assert SCRIPT.encode() not in body, f"{what}: the script was echoed raw"


@pytest.fixture(scope="module")
def http():
    return Client(raise_request_exception=True)


# --- The list covers every public route ------------------------------------------------


def public_routes(resolver=None, prefix="") -> set[str]:
    """Every route of the URL resolver outside the admin, as ``ResolverMatch.route``
    spells it."""
    resolver = resolver or get_resolver()
    routes = set()
    for entry in resolver.url_patterns:
        # Joined as Django joins them for ``ResolverMatch.route``.
        pattern = str(entry.pattern)
        route = prefix + pattern.removeprefix("^") if prefix else pattern
        if route.startswith(("admin/", "^admin/")):
            continue
        if isinstance(entry, URLResolver):
            routes |= public_routes(entry, route)
        elif isinstance(entry, URLPattern):
            routes.add(route)
    return routes


def test_the_list_covers_every_public_route_and_every_page_route(site_urls):
    covered = {
        resolve(url).route
        for name, url in site_urls.items()
        if not name.startswith(("_", "static", "admin-"))
    }
    missing = public_routes() - covered
    assert not missing, f"public routes with no hostile test: {sorted(missing)}"
    assert {"api-" + name for name in api_router._endpoints} <= set(site_urls)
    # Every route of every routable page type is one of the URLs.
    urls = [url for name, url in site_urls.items() if not name.startswith("_")]
    for label in PAGE_TYPES:
        model = get_model(label)
        if not issubclass(model, RoutablePageMixin):
            continue
        page = model.objects.live().order_by("path").first()
        routes = {p.callback.__name__ for p in model.get_subpage_urls()}
        routes.discard("index_route")
        reached = set()
        for url in urls:
            if url.startswith(page.url):
                try:  # a child page's URL is no route of its parent
                    view = page.resolve_subpage("/" + url[len(page.url) :])[0]
                except Resolver404:
                    continue
                reached.add(view.__name__)
        assert routes <= reached, f"{label}: routes not tested {routes - reached}"


# --- Hostile values in every parameter ---------------------------------------------------


@pytest.mark.parametrize("value", [*HOSTILE_VALUES, *HOSTILE_SHAPES])
@pytest.mark.parametrize("target", list(TARGETS))
def test_a_hostile_value_in_any_parameter_is_never_a_server_error(
    site_urls, http, target, value
):
    url = site_urls[target]
    for query in queries_for(target, value):
        response = http.get(f"{url}?{query}")
        assert_handled(response, f"GET {url}?{query[:80]}")


@pytest.mark.parametrize("value", list(HOSTILE_VALUES))
def test_a_hostile_parameter_name_is_never_a_server_error(site_urls, http, value):
    for target in ("api-pages", "api-members", "page:campaign_pages.newsindexpage"):
        url = site_urls[target]
        response = http.get(f"{url}?{HOSTILE_VALUES[value]}=1")
        assert_handled(response, f"GET {url} with the name {value}")


PATH_SEGMENTS = {
    "nul": "%00",
    "long": "x" * 10_000,
    "huge-int": "9" * 30,
    "unicode": quote("\u202e😀e\u0301"),
    "invalid-utf8": "%ff%fe",
    "html": quote(SCRIPT),
    "sql": quote("' OR 1=1 --"),
    "dots": "..%2f..%2fetc%2fpasswd",
}


@pytest.mark.parametrize("segment", list(PATH_SEGMENTS))
def test_a_hostile_path_segment_is_never_a_server_error(site_urls, http, segment):
    s = PATH_SEGMENTS[segment]
    showcase, form, news = (
        site_urls["_showcase"],
        site_urls["_form"],
        site_urls["_news"],
    )
    document = site_urls["document"].rsplit("/", 2)[0]
    for url in [
        f"/{s}/",
        f"/{s}",
        f"{news}{s}/",
        f"{showcase}{s}/",
        f"{showcase}{s}/badge.svg",
        f"{showcase}{s}/certificate.pdf",
        f"{form}verify/{s}/",
        f"{form}update/{s}/",
        f"/documents/{s}/file.pdf",
        f"{document}/{s}",
        f"/api/v2/pages/{s}/",
        f"/api/v2/members/{s}/",
        f"/static/{s}",
    ]:
        assert_handled(http.get(url), f"GET {url[:120]}")


# --- Other methods and bodies --------------------------------------------------------------


@pytest.mark.parametrize("target", list(TARGETS))
def test_posts_and_junk_methods_to_any_url_are_never_server_errors(
    site_urls, http, target
):
    url = site_urls[target]
    assert_handled(http.post(url, {"q": SCRIPT, "x": "1"}), f"POST {url}")
    assert_handled(http.post(url, "x=%ff%00", content_type=FORM), f"POST {url}")
    for method in ("PUT", "DELETE", "PROPFIND", "FOO"):
        assert_handled(http.generic(method, url, "x=1"), f"{method} {url}")
    assert_handled(http.head(url), f"HEAD {url}")


FORM = "application/x-www-form-urlencoded"
BOUNDARY = "----hostile"
MALFORMED_BODIES = {
    "utf-16": (f"{FORM}; charset=utf-16", "legal_name=A".encode("utf-16")),
    "unknown-charset": (f"{FORM}; charset=no-such-charset", b"legal_name=A"),
    "utf-16-multipart": (
        f"multipart/form-data; boundary={BOUNDARY}; charset=utf-16",
        b"",
    ),
    "invalid-utf8": (FORM, b"legal_name=%ff%fe&city=\xff"),
    "nul": (FORM, b"legal_name=a%00b"),
    "multipart-no-boundary": ("multipart/form-data", b"--x\r\n\r\n"),
    "multipart-bad-boundary": ("multipart/form-data; boundary=", b"--\r\n"),
    "multipart-truncated": (
        f"multipart/form-data; boundary={BOUNDARY}",
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="legal_name"\r\n\r\nA'.encode(),
    ),
    "multipart-nul": (
        f"multipart/form-data; boundary={BOUNDARY}",
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="legal_name"\r\n\r\n'
            f"a\x00b\r\n--{BOUNDARY}--\r\n"
        ).encode(),
    ),
    "multipart-part-charset": (
        f"multipart/form-data; boundary={BOUNDARY}",
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="legal_name"\r\n'
            "Content-Type: text/plain; charset=no-such-charset\r\n\r\n"
            f"abc\r\n--{BOUNDARY}--\r\n"
        ).encode(),
    ),
    "multipart-file-no-name": (
        f"multipart/form-data; boundary={BOUNDARY}",
        (
            f"--{BOUNDARY}\r\nContent-Disposition: form-data; filename=x.png\r\n\r\n"
            f"abc\r\n--{BOUNDARY}--\r\n"
        ).encode(),
    ),
    "json": ("application/json", b'{"legal_name": '),
    "xml": ("text/xml", b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><x/>"),
    "no-type": ("", b"\x00\xff" * 100),
}


@pytest.mark.parametrize("body", list(MALFORMED_BODIES))
def test_a_malformed_body_is_never_a_server_error(site_urls, http, body):
    content_type, data = MALFORMED_BODIES[body]
    for url in [
        site_urls["_form"],
        site_urls["pledge-update"],
        site_urls["admin-login"],
        site_urls["search"],
        site_urls["api-pages"],
        site_urls["page:campaign_pages.newsindexpage"],
    ]:
        response = http.generic("POST", url, data, content_type=content_type)
        assert_handled(response, f"POST {body} to {url}")


# --- The cases of the issue, one by one ------------------------------------------------


def message_of(response) -> str:
    if response["Content-Type"].startswith("application/json"):
        return response.json()["message"]
    return response.content.decode()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/members/?q=%00", "query string contains a null character"),
        ("/members/?q=%ff%fe", "query string is not valid UTF-8"),
        ("/%00/", "address contains a null character"),
        ("/api/v2/pages/?search=%00", "query string contains a null character"),
        ("/api/v2/pages/?offset=" + "9" * 26, "offset cannot be higher than"),
        ("/api/v2/members/?offset=" + "9" * 26, "offset cannot be higher than"),
        ("/api/v2/images/?offset=" + "9" * 26, "offset cannot be higher than"),
        ("/api/v2/documents/?offset=" + "9" * 26, "offset cannot be higher than"),
        ("/api/v2/pages/find/?id=abc", "id must be a positive integer"),
        ("/api/v2/images/find/?id=", "id must be a positive integer"),
        ("/api/v2/pages/?search=x&search_operator=xor", "search_operator must be"),
    ],
)
def test_each_reported_request_is_a_400_that_says_why(site_urls, http, url, message):
    response = http.get(url)
    assert response.status_code == 400
    assert message in message_of(response)


def test_an_api_search_with_quotes_or_operators_searches_the_words(site_urls, http):
    response = http.get('/api/v2/pages/?search="News" (')
    assert response.status_code == 200
    titles = [item["title"] for item in response.json()["items"]]
    assert titles and all("news" in title.lower() for title in titles)
    assert http.get('/api/v2/pages/?search="').json()["items"] == []
    assert http.get("/api/v2/pages/?offset=1000000000").json()["items"] == []


def test_a_form_in_utf_16_or_an_unknown_charset_is_a_400_that_says_why(site_urls, http):
    for charset in ("utf-16", "no-such-charset"):
        response = http.generic(
            "POST",
            site_urls["_form"],
            "legal_name=A".encode("utf-16"),
            content_type=f"{FORM}; charset={charset}",
        )
        assert response.status_code == 400
        assert "Form data must be sent as UTF-8" in message_of(response)
    response = http.post(
        site_urls["_form"], b"legal_name=A", content_type=f"{FORM}; charset=UTF-8"
    )
    assert response.status_code == 200  # read, and the form shows what is missing


def long_address(length: int) -> str:
    domain = ".".join(["b" * 60] * 3) + ".example.org"
    return "a" * (length - len(domain) - 1) + "@" + domain


@pytest.mark.parametrize("field", ["chief_email", "contact_email"])
def test_an_e_mail_address_longer_than_the_database_stores_is_a_field_error(
    site_urls, http, field
):
    from pledge_forms.models import Pledge
    from tests.pledge_forms.test_public_form import form_post

    page = PledgeFormPage.objects.live().first()
    before = Pledge.objects.count()
    data = form_post(page, contact_name="Sam Example", legal_name="Long Mail PD")
    data[field] = long_address(255)
    response = http.post(site_urls["_form"], data)
    assert response.status_code == 200
    assert "An e-mail address can have at most 254 characters." in message_of(response)
    assert Pledge.objects.count() == before

    data[field] = long_address(254)
    response = http.post(site_urls["_form"], data)
    assert response.status_code == 302
    assert Pledge.objects.filter(**{field: long_address(254)}).exists()


def test_every_form_field_allows_exactly_what_its_model_field_stores(site_urls):
    from pledge_forms.forms import PledgeForm
    from pledge_forms.models import Pledge, PledgePractice

    model_fields = {field.name: field for field in Pledge._meta.get_fields()}
    checked = 0
    for name, form_field in PledgeForm.base_fields.items():
        model_field = model_fields.get(name)
        if not isinstance(form_field, forms.CharField) or model_field is None:
            continue
        if model_field.max_length is None:  # a TextField: the form sets the limit
            assert form_field.max_length, name
            continue
        assert form_field.max_length == model_field.max_length, name
        checked += 1
    assert checked >= 12
    note = PledgePractice._meta.get_field("note").max_length
    page = PledgeFormPage.objects.live().first()
    form = PledgeForm(page=page, items=page.checklist_items()[:1])
    notes = [f for n, f in form.fields.items() if n.startswith("note_")]
    assert notes and all(f.max_length == note for f in notes)


# --- Echoes are escaped ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "parameter"),
    [
        ("search", "q"),
        ("page:campaign_pages.resourceindexpage", "q"),
        ("page:pledge_forms_showcase.membershowcasepage", "q"),
    ],
)
def test_a_script_in_a_search_box_or_filter_comes_back_escaped(
    site_urls, http, target, parameter
):
    response = http.get(site_urls[target], {parameter: SCRIPT})
    html = response.content.decode()
    assert response.status_code == 200
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_a_400_page_escapes_what_it_shows(http):
    response = http.generic(
        "POST", "/search/", b"q=1", content_type=f"{FORM}; charset=a<i>b"
    )
    assert response.status_code == 400
    assert "a<i>b" not in message_of(response)
    assert "a&lt;i&gt;b" in message_of(response)

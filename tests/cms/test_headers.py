"""Every response carries the security headers, and no public page needs inline code.

The header tests run with the production module's own security settings, read from a fresh
process that imports ``cms.settings.production`` as a server would.
"""

import json
import re

import pytest
from bs4 import BeautifulSoup
from csp.constants import NONCE
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from wagtail.models import Page, Site, get_page_models

from cms import page_cache
from cms.headers import ContentSecurityPolicyMiddleware, PermissionsPolicyMiddleware
from tests.campaign_pages.conftest import load_demo_content
from tests.cms.test_settings import production_secret, read_settings

pytestmark = pytest.mark.django_db

HEADER_SETTINGS = [
    "CONTENT_SECURITY_POLICY",
    "CONTENT_SECURITY_POLICY_ADMIN",
    "PERMISSIONS_POLICY",
    "X_FRAME_OPTIONS",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT",
]
DENIED_FEATURES = ["camera", "microphone", "geolocation", "payment", "usb"]
DENIED_FEATURES += ["interest-cohort", "browsing-topics"]


@pytest.fixture(scope="module")
def production_values(tmp_path_factory):
    return read_settings(
        "cms.settings.production",
        {"SECRET_KEY": production_secret(), "ALLOWED_HOSTS": "testserver"},
        HEADER_SETTINGS,
        tmp_path_factory.mktemp("production"),
    )


def _nonce_sentinel(value):
    """JSON turned django-csp's NONCE marker into its repr: turn it back."""
    if isinstance(value, dict):
        return {key: _nonce_sentinel(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_nonce_sentinel(item) for item in value]
    return NONCE if value == repr(NONCE) else value


@pytest.fixture
def production(settings, production_values):
    for name, value in production_values.items():
        setattr(settings, name, _nonce_sentinel(value))
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    return settings


def policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [values]}."""
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_security_headers(response, *, admin=False):
    csp = policy(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert "upgrade-insecure-requests" in csp
    for directive in ("script-src", "style-src"):
        assert csp[directive][0] == "'self'"
        assert ("'unsafe-inline'" in csp[directive]) is admin, directive
    assert "'unsafe-eval'" not in csp["script-src"]
    assert not any(value.startswith("'nonce-") for value in csp["script-src"])
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    permissions = response["Permissions-Policy"]
    for feature in DENIED_FEATURES:
        assert f"{feature}=()" in permissions, feature


def test_every_security_header_on_a_public_page(client, production):
    response = client.get("/", secure=True)
    assert response.status_code == 200
    assert_security_headers(response)
    csp = policy(response)
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert "https://www.youtube.com" in csp["frame-src"]


def test_every_security_header_on_the_admin_login(client, production):
    response = client.get("/admin/login/", secure=True)
    assert response.status_code == 200
    assert_security_headers(response, admin=True)
    assert "blob:" in policy(response)["img-src"]


def test_every_security_header_on_an_api_response(client, production):
    response = client.get("/api/v2/pages/", secure=True)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert_security_headers(response)


def test_every_security_header_on_a_not_found_page(client, production):
    response = client.get("/no-such-page/", secure=True)
    assert response.status_code == 404
    assert_security_headers(response)


def test_every_security_header_on_a_static_file(client, production):
    response = client.get("/static/css/site.css", secure=True)
    assert response.status_code == 200
    assert "Content-Security-Policy" in response
    assert "camera=()" in response["Permissions-Policy"]


def test_a_page_served_from_the_page_cache_keeps_every_header(
    client, production, settings
):
    settings.PAGE_CACHE_SECONDS = 60
    settings.CACHES = {
        **settings.CACHES,
        "page_cache": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "headers-page-cache",
        },
    }
    page_cache.get_cache().clear()
    assert client.get("/", secure=True)["X-Page-Cache"] == "miss"
    hit = client.get("/", secure=True)
    assert hit["X-Page-Cache"] == "hit"
    assert_security_headers(hit)


def test_embedded_players_are_a_setting(client, production):
    production.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {
            **production.CONTENT_SECURITY_POLICY["DIRECTIVES"],
            "frame-src": ["'self'", "https://player.example.net"],
        }
    }
    assert policy(client.get("/", secure=True))["frame-src"] == [
        "'self'",
        "https://player.example.net",
    ]


def test_frame_src_is_read_from_the_environment(tmp_path):
    values = read_settings(
        "cms.settings.production",
        {"SECRET_KEY": production_secret(), "CSP_FRAME_SRC": "https://video.example"},
        ["CONTENT_SECURITY_POLICY", "PERMISSIONS_POLICY"],
        tmp_path,
    )
    frame_src = values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["frame-src"]
    assert frame_src == ["'self'", "https://video.example"]
    assert values["PERMISSIONS_POLICY"]["fullscreen"] == [
        "self",
        "https://video.example",
    ]


def test_media_on_a_bucket_domain_is_allowed_as_images(tmp_path):
    values = read_settings(
        "cms.settings.production",
        {
            "SECRET_KEY": production_secret(),
            "AWS_STORAGE_BUCKET_NAME": "campaign-media",
            "AWS_S3_CUSTOM_DOMAIN": "media.example.org",
        },
        ["CONTENT_SECURITY_POLICY"],
        tmp_path,
    )
    img_src = values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"]
    assert "https://media.example.org" in img_src


# --- Framing: denied, except Wagtail's preview ----------------------------------------------


def test_wagtail_preview_may_be_framed_by_the_admin_only(client, production):
    editor = get_user_model().objects.create_superuser("ed", "ed@example.org", "pw")
    client.force_login(editor)
    from campaign_pages.blocks import BodyBlock

    block_id = BodyBlock().child_blocks["quote"].definition_prefix
    response = client.get(
        reverse("wagtailadmin_block_preview"), {"id": block_id}, secure=True
    )
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert policy(response)["frame-ancestors"] == ["'self'"]


def test_a_page_preview_rendered_inside_the_admin_gets_the_admin_headers(production):
    """Wagtail runs the middleware again on a made-up request for the page's own URL: that
    inner pass must not stamp the public ``frame-ancestors 'none'`` on the preview."""
    inner = RequestFactory().get("/")
    inner.is_dummy = True
    view = ContentSecurityPolicyMiddleware(
        PermissionsPolicyMiddleware(lambda request: HttpResponse("preview"))
    )
    response = view(inner)
    assert "Content-Security-Policy" not in response
    assert "Permissions-Policy" not in response


# --- No inline code on public pages ---------------------------------------------------------

EXECUTABLE_TYPES = {"", "text/javascript", "application/javascript", "module"}


def inline_code(html: str) -> list[str]:
    """Inline scripts, event-handler attributes, javascript: links and style attributes."""
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for script in soup.find_all("script"):
        kind = (script.get("type") or "").strip().lower()
        if not script.get("src") and kind in EXECUTABLE_TYPES:
            found.append(f"inline <script>: {script.get_text()[:80]!r}")
    for element in soup.find_all(True):
        for name, value in element.attrs.items():
            if name.lower().startswith("on"):
                found.append(f"<{element.name} {name}=...>")
            if name.lower() == "style":
                found.append(f"<{element.name} style={value!r}>")
        href = element.get("href")
        if isinstance(href, str) and href.strip().lower().startswith("javascript:"):
            found.append(f"<{element.name} href={href!r}>")
    found += [f"<style>: {s.get_text()[:80]!r}" for s in soup.find_all("style")]
    return found


def test_inline_code_is_found_by_the_checker():
    """The checker below cannot pass by seeing nothing."""
    html = (
        '<script>alert(1)</script><script type="application/json">{}</script>'
        '<script src="/x.js"></script><a href="#" onclick="x()">a</a>'
        '<span style="color:red"></span><a href="javascript:void(0)">b</a>'
    )
    assert len(inline_code(html)) == 4


def test_no_public_page_needs_inline_script_or_style(client):
    load_demo_content()
    from pledge_forms.showcase.members import listed_members

    urls = {}
    root = Site.objects.get(is_default_site=True).root_page
    for model in get_page_models():
        if model is Page:
            continue
        page = model.objects.live().public().descendant_of(root, inclusive=True).first()
        assert page is not None, f"no live {model._meta.label} to check"
        urls[model._meta.label] = page.url
    showcase = urls["pledge_forms_showcase.MemberShowcasePage"]
    member = listed_members().order_by("slug").first()
    urls.update(
        {
            "showcase member": f"{showcase}{member.slug}/",
            "showcase map": f"{showcase}map/",
            "showcase statistics": f"{showcase}statistics/",
            "showcase filtered": f"{showcase}?stage=pledged&sort=newest",
            "search": "/search/?q=policing",
            "not found": "/no-such-page/",
        }
    )
    problems = {}
    for label, url in urls.items():
        response = client.get(url)
        assert response.status_code in (200, 404), (label, url, response.status_code)
        assert response["Content-Type"].startswith("text/html"), (label, url)
        found = inline_code(response.content.decode())
        if found:
            problems[f"{label} {url}"] = found
    assert not problems, json.dumps(problems, indent=2)


def test_rich_text_embeds_carry_no_inline_style(rf):
    from django.template.loader import render_to_string

    class Embed:
        is_responsive = True
        ratio_css = "56.25%"
        html = '<iframe src="https://www.youtube.com/embed/x"></iframe>'

    html = render_to_string("wagtailembeds/embed_frontend.html", {"embed": Embed()})
    assert 'class="responsive-object"' in html
    assert not re.search(r"\sstyle=", html)


# --- In the browser -------------------------------------------------------------------------

REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
    console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`
                  + ` in ${event.documentURI} (${event.sourceFile}:${event.lineNumber})`);
});
"""
TINY_PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00"
    b"\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe"
    b"\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82"
)


def csp_messages(messages) -> list[str]:
    return [
        text
        for text in messages
        if "Content Security Policy" in text or "CSP violation" in text
    ]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_csp_violation_on_the_site_or_in_the_admin(browser_page, live_server):
    """The home page, the pledge form, the showcase and the admin's editors (StreamField, rich text, the
    preview panel, image upload, a pledge snippet) run under the policy without one report."""
    from wagtail.admin.models import EditingSession

    from pledge_forms.models import Pledge

    load_demo_content()
    page = browser_page
    messages = []
    page.context.add_init_script(REPORT_VIOLATIONS)
    page.on("console", lambda message: messages.append(message.text))
    page.on("pageerror", lambda error: messages.append(f"page error: {error}"))

    for url in ("/members/", "/members/statistics/", "/", "/pledge/"):
        assert page.goto(url).status == 200
        page.wait_for_load_state("networkidle")
    assert page.locator("form#pledge-form").count() == 1
    assert not csp_messages(messages), csp_messages(messages)

    editor = get_user_model().objects.create_superuser("ed", "ed@example.org", "pw")
    django_client = Client()
    django_client.force_login(editor)
    page.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": django_client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )
    from campaign_pages.models import StandardPage

    about = StandardPage.objects.live().order_by("path").first()
    page.goto(f"/admin/pages/{about.pk}/edit/")
    page.wait_for_load_state("networkidle")
    assert page.locator(".Draftail-Editor").count() >= 1  # rich text in the body
    page.locator(".DraftEditor-root").first.click()
    page.keyboard.type(" More.")
    # The preview panel frames the page from the admin's own origin.
    page.locator("[data-side-panel-toggle='preview']").first.click()
    preview = page.frame_locator("iframe.w-preview__iframe").last
    preview.locator("main h1").first.wait_for(state="attached")
    assert preview.locator("h1").first.inner_text() == about.title

    page.goto("/admin/images/multiple/add/")
    page.locator("input[type=file]").first.set_input_files(
        {"name": "dot.png", "mimeType": "image/png", "buffer": TINY_PNG}
    )
    page.locator(
        ".upload-list li.upload-success, .upload-list li.upload-failure"
    ).first.wait_for()

    pledge = Pledge.objects.order_by("pk").first()
    page.goto(f"/admin/snippets/pledge_forms/pledge/edit/{pledge.pk}/")
    page.wait_for_load_state("networkidle")
    assert page.locator("form").count() >= 1
    # Leave the editor before the test ends: its editing session is released on the way out,
    # and that request must not meet the database being emptied.
    page.goto("/admin/")
    page.wait_for_load_state("networkidle")
    for _ in range(50):
        if not EditingSession.objects.exists():
            break
        page.wait_for_timeout(100)
    assert not csp_messages(messages), csp_messages(messages)

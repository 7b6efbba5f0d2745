"""One URL of every public page type, found in the database (the demo content), and the
steps of the pledge form, found by walking through them as a visitor.

Imported once Django is set up (the audit does so with the production settings; the test
``tests/cms/test_audit_pages.py`` with the test settings).
"""

import re
from collections.abc import Callable
from html import unescape
from urllib.parse import urljoin, urlsplit

from wagtail.models import Site

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
from pledge_forms.models import PledgeFormPage
from pledge_forms.showcase.members import listed_members
from pledge_forms.showcase.models import MemberShowcasePage

SEARCH = "/search/?q=policing"


def _first(model):
    root = Site.objects.get(is_default_site=True).root_page
    page = (
        model.objects.live()
        .public()
        .descendant_of(root, inclusive=True)
        .order_by("path")
    ).first()
    if page is None:
        raise LookupError(f"no live {model._meta.verbose_name} to audit")
    return page


def public_pages() -> list[tuple[str, str]]:
    """(page type, path) of one page of each public type, the pledge form's first step
    included; its later steps come from :func:`pledge_steps`."""
    showcase = _first(MemberShowcasePage).url
    member = listed_members().order_by("slug").first()
    if member is None:
        raise LookupError("no member in the showcase to audit")
    return [
        ("home", _first(CampaignHomePage).url),
        ("focus areas", _first(FocusAreaIndexPage).url),
        ("focus area", _first(FocusAreaPage).url),
        ("resources", _first(ResourceIndexPage).url),
        ("resource", _first(ResourcePage).url),
        ("news", _first(NewsIndexPage).url),
        ("news post", _first(NewsPage).url),
        ("standard page", _first(StandardPage).url),
        ("search", SEARCH),
        ("showcase", showcase),
        ("member page", f"{showcase}{member.slug}/"),
        ("map", f"{showcase}map/"),
        ("statistics", f"{showcase}statistics/"),
        ("pledge form", _first(PledgeFormPage).url),
    ]


# A whole pledge, by step; practices steps answer "in place" for every practice.
ANSWERS = {
    "agency": {
        "legal_name": "Audit Falls Police Department",
        "agency_type": "municipal",
        "country": "US",
        "size_band": "51-100",
        "fax_number": "",
    },
    "location": {"region": "US-OR", "city": "Audit Falls", "website": ""},
    "contacts": {
        "chief_name": "Dana Example",
        "chief_title": "Chief of Police",
        "chief_email": "chief@audit-falls.example",
        "chief_phone": "+1 555 0100",
    },
    "commitment": {
        "committed_all_areas": "on",
        "signatory_name": "Dana Example",
        "signatory_title": "Chief of Police",
        "consent_listed": "on",
    },
}
IN_PLACE = "in_place"

#: ``get(path) -> (status, html)``
Get = Callable[[str], tuple[int, str]]
#: ``post(path, data) -> (status, location)``
Post = Callable[[str, dict], tuple[int, str]]


def _form(html: str, path: str) -> tuple[str, dict]:
    """Where the step's form posts to, and its CSRF token."""
    match = re.search(
        r'<form\b[^>]*\bid="pledge-form"[^>]*>(?:(?!</form>).)*?'
        r'name="csrfmiddlewaretoken" value="([^"]+)"',
        html,
        re.S,
    )
    if not match:
        raise LookupError(f"no pledge form with a CSRF token on {path}")
    action = re.search(r'\baction="([^"]*)"', match.group(0).split(">", 1)[0])
    target = urljoin(path, unescape(action.group(1))) if action else path
    return urlsplit(target).path, {"csrfmiddlewaretoken": match.group(1)}


def _answers(slug: str, html: str, today: str) -> dict:
    if slug.startswith("practices-"):
        names = dict.fromkeys(re.findall(r'name="(practice_\d+)"', html))
        return dict.fromkeys(names, IN_PLACE)
    answers = dict(ANSWERS.get(slug, {}))
    if slug == "commitment":
        answers["signed_on"] = today
    return answers


def pledge_steps(
    get: Get, post: Post, form_path: str, today: str
) -> list[tuple[str, str]]:
    """(page type, path) of every step after the first and of "check your answers",
    reached by posting a valid answer to each step in the visitor's session behind
    ``get`` and ``post``. Nothing is sent: the pledge stays a draft of that session."""
    status, html = get(form_path)
    if status != 200:
        raise LookupError(f"the pledge form {form_path} answered {status}")
    steps = []
    path, slug = form_path, "agency"
    for _ in range(20):  # more steps than any pledge form has
        action, token = _form(html, path)
        answers = {**token, "action": "next", **_answers(slug, html, today)}
        status, location = post(action, answers)
        if status not in (302, 303) or not location:
            raise LookupError(
                f"step {slug} ({action}) answered {status}, not a redirect"
            )
        path = urlsplit(urljoin(action, location)).path
        status, html = get(path)
        if status != 200:
            raise LookupError(f"pledge step {path} answered {status}")
        if path.rstrip("/").endswith("/check"):
            steps.append(("pledge: check answers", path))
            return steps
        match = re.search(r"/step/([\w-]+)/$", path)
        if not match:
            raise LookupError(f"unexpected pledge step address {path}")
        slug = match.group(1)
        steps.append((f"pledge: {slug}", path))
    raise LookupError("the pledge form never reached its check page")

"""Walking through the pledge form's steps in a test, as a browser would."""

import re

from pledge_forms.choices import PracticeStatus

# A whole pledge, by step (practices are added per checklist item).
ANSWERS = {
    "agency": {
        "legal_name": "Riverside Falls Police Department",
        "agency_type": "municipal",
        "country": "US",
        "size_band": "51-100",
        "fax_number": "",
    },
    "location": {
        "region": "US-OR",
        "city": "Riverside Falls",
        "website": "https://police.riverside-falls.example",
    },
    "contacts": {
        "chief_name": "Dana Example",
        "chief_title": "Chief of Police",
        "chief_email": "chief@riverside-falls.example",
        "chief_phone": "+1 555 0100",
    },
    "commitment": {
        "committed_all_areas": "on",
        "signatory_name": "Dana Example",
        "signatory_title": "Chief of Police",
        "signed_on": "2026-11-02",
        "consent_listed": "on",
        "consent_show_city": "on",
        "public_statement": "Proud to join.",
    },
}


def step_url(page, slug: str, prefix: str = "") -> str:
    return f"{page.url}{prefix}step/{slug}/"


def practice_answers(items, status=PracticeStatus.IN_PLACE) -> dict:
    return {f"practice_{item.pk}": status for item in items}


def step_answers(page, slug: str, **overrides) -> dict:
    """The answers of step ``slug`` (``practices-<section>`` steps: every practice in
    place), with ``overrides``; a value of None leaves a field out."""
    if slug.startswith("practices-"):
        section = slug.removeprefix("practices-")
        items = [i for i in page.checklist_items() if i.section.slug == section]
        data = practice_answers(items)
    else:
        data = dict(ANSWERS[slug])
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def step_slugs(client, page) -> list[str]:
    """The steps the first page's indicator names, as slugs of their routes."""
    slugs = ["agency", "location", "contacts"]
    slugs += [f"practices-{item.section.slug}" for item in page.checklist_items()]
    slugs = list(dict.fromkeys(slugs))
    return [*slugs, "commitment"]


def walk(
    client,
    page,
    overrides: dict | None = None,
    *,
    until: str | None = None,
    only: tuple = (),
    prefix: str = "",
):
    """Post every step in order (or those in ``only``; each with ``overrides[slug]``),
    stopping before ``until``; answers the last response. ``prefix="update/"`` walks
    the steps of an update."""
    overrides = overrides or {}
    response = None
    for slug in step_slugs(client, page):
        if slug == until:
            break
        if only and slug not in only:
            continue
        response = client.post(
            step_url(page, slug, prefix),
            step_answers(page, slug, **overrides.get(slug, {})),
        )
        assert response.status_code == 303, (slug, response.content[:2000])
    return response


def send(client, page):
    return client.post(f"{page.url}check/", {"action": "send"})


def element_count(html: str) -> int:
    return len(re.findall(r"<[a-zA-Z][^>]*>", html))


def visible_text(html: str) -> str:
    """The text of a page's markup, tags dropped and white space collapsed."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())

"""The pledge form in the site's design system: the site's overrides of the plugin's
includes (cms/templates/pledge_forms/) draw every step with USWDS components, from the
site's one stylesheet."""

import datetime
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core import mail
from django.core.cache import cache
from django.utils import timezone
from wagtail.models import Site

from pledge_forms.testing.factories import PledgeFormPageFactory, make_checklist
from tests.pledge_forms.steps_walk import step_answers, step_slugs, step_url, walk

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
# The site's overrides of the pledge form's parts (the showcase's are in showcase/).
OVERRIDES = ROOT / "cms" / "templates" / "pledge_forms" / "includes"
USWDS_CSS = ROOT / "node_modules" / "@uswds" / "uswds" / "dist" / "css" / "uswds.css"


@pytest.fixture
def form_page(settings):
    settings.PLEDGE_FORMS_MIN_FILL_SECONDS = 0
    cache.clear()
    root = Site.objects.get(is_default_site=True).root_page
    return PledgeFormPageFactory(parent=root, checklist=make_checklist())


class Elements(HTMLParser):
    """Every element's tag and attributes, in order."""

    def __init__(self, html):
        super().__init__()
        self.elements = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def having(self, css_class):
        return [
            (tag, attrs)
            for tag, attrs in self.elements
            if css_class in (attrs.get("class") or "").split()
        ]

    def by_id(self, id_):
        (found,) = [attrs for _tag, attrs in self.elements if attrs.get("id") == id_]
        return found


def test_every_step_uses_the_design_system_and_only_the_sites_stylesheet(
    client, form_page
):
    slugs = step_slugs(client, form_page)
    walk(client, form_page)
    for slug in [*slugs, "check"]:
        html = client.get(step_url(form_page, slug)).content.decode()
        page = Elements(html)
        assert "pledge_form.css" not in html, slug
        assert 'href="/static/css/site.css"' in html, slug
        assert page.having("usa-step-indicator"), slug
        (current,) = page.having("usa-step-indicator__segment--current")
        assert current[1]["aria-current"] == "step", slug
        # Buttons in a button group, the step's own action first: Enter in a field
        # presses the first submit button.
        buttons = [
            attrs
            for tag, attrs in page.having("usa-button")
            if tag == "button" and attrs.get("name") == "action"
        ]
        assert buttons and page.having("usa-button-group"), slug
        assert buttons[0]["value"] == ("send" if slug == "check" else "next"), slug
        assert "usa-button--outline" not in buttons[0]["class"], slug
        assert not re.search(r"\bpf-(field|submit|secondary|steps)\b", html), slug
        for tag, attrs in page.elements:
            text = tag == "input" and attrs.get("type") in {
                "text",
                "email",
                "url",
                "tel",
            }
            if text and attrs["name"] != "fax_number":
                assert "usa-input" in attrs["class"].split(), (slug, attrs)
            if tag == "select":
                assert "usa-select" in attrs["class"].split(), (slug, attrs)
            if tag == "input" and attrs.get("type") == "radio":
                assert "usa-radio__input" in attrs["class"].split(), (slug, attrs)
            if tag == "input" and attrs.get("type") == "checkbox":
                assert attrs["class"] == "usa-checkbox__input", (slug, attrs)
        labels = {attrs["for"]: attrs for _t, attrs in page.having("usa-radio__label")}
        radios = [attrs for tag, attrs in page.having("usa-radio__input")]
        assert all(radio["id"] in labels for radio in radios), slug
        if slug.startswith("practices-"):
            assert all("usa-radio__input--tile" in r["class"] for r in radios), slug


def test_an_error_is_an_error_alert_linking_to_controls_that_name_their_message(
    client, form_page
):
    walk(client, form_page, until="contacts")
    answers = step_answers(form_page, "contacts", chief_email="not-an-email")
    response = client.post(
        step_url(form_page, "contacts"), {**answers, "action": "next"}
    )
    html = response.content.decode()
    page = Elements(html)
    summary = page.by_id("pf-error-summary")
    assert summary["class"].split()[:2] == ["usa-alert", "usa-alert--error"]
    assert summary["tabindex"] == "-1" and summary["role"] == "alert"
    assert 'href="#id_chief_email"' in html
    control = page.by_id("id_chief_email")
    assert control["class"] == "usa-input usa-input--error"
    assert control["aria-invalid"] == "true"
    assert control["aria-describedby"].split() == [
        "id_chief_email_helptext",
        "id_chief_email_error",
    ]
    assert page.by_id("id_chief_email_helptext")["class"] == "usa-hint"
    assert page.by_id("id_chief_email_error")["class"] == "usa-error-message"
    assert 'value="not-an-email"' in html
    groups = page.having("usa-form-group--error")
    assert len(groups) == 1


def test_a_list_left_unchosen_is_marked_like_a_field(client, form_page):
    html = client.post(step_url(form_page, "agency"), {"action": "next"})
    page = Elements(html.content.decode())
    assert page.by_id("id_agency_type")["class"] == "usa-select usa-input--error"
    assert page.by_id("id_legal_name")["class"] == "usa-input usa-input--error"


def test_an_unanswered_practice_marks_its_tiles_and_names_the_error(client, form_page):
    walk(client, form_page, until="contacts")
    client.post(
        step_url(form_page, "contacts"),
        {**step_answers(form_page, "contacts"), "action": "next"},
    )
    slug = next(s for s in step_slugs(client, form_page) if s.startswith("practices-"))
    item = next(
        item
        for item in form_page.checklist_items()
        if slug == f"practices-{item.section.slug}"
    )
    answers = step_answers(form_page, slug, **{f"practice_{item.pk}": None})
    html = client.post(step_url(form_page, slug), {**answers, "action": "next"})
    page = Elements(html.content.decode())
    assert f'href="#id_practice_{item.pk}_0"' in html.content.decode()
    fieldsets = [
        attrs
        for tag, attrs in page.elements
        if tag == "fieldset" and attrs.get("aria-describedby")
    ]
    assert [f["aria-describedby"] for f in fieldsets] == [
        f"id_practice_{item.pk}_error"
    ]
    assert page.by_id(f"id_practice_{item.pk}_error")["class"] == "usa-error-message"
    tiles = [
        attrs
        for _t, attrs in page.having("usa-radio__input--tile")
        if attrs["name"] == f"practice_{item.pk}"
    ]
    assert len(tiles) == 4 and all(t["aria-invalid"] == "true" for t in tiles)


def test_check_your_answers_is_a_table_of_answers_with_their_change_links(
    client, form_page
):
    walk(client, form_page)
    html = client.get(step_url(form_page, "check")).content.decode()
    page = Elements(html)
    tables = page.having("usa-table")
    assert len(tables) == len(step_slugs(client, form_page))
    assert all("usa-table--stacked-header" in t[1]["class"] for t in tables)
    assert re.search(
        r'<th scope="row">Legal name of the agency</th>\s*'
        r"<td>Riverside Falls Police Department</td>\s*"
        r'<td class="pf-answers__change"><a class="usa-link" '
        r'href="/pledge/\?change=1#id_legal_name">Change'
        r'<span class="usa-sr-only"> Legal name of the agency</span></a></td>',
        html,
    )


def test_saving_for_later_confirms_in_a_success_alert(
    client, form_page, django_capture_on_commit_callbacks
):
    walk(client, form_page, until="contacts")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{form_page.url}save/", {"action": "send", "email": "chief@example.org"}
        )
    assert len(mail.outbox) == 1
    page = Elements(response.content.decode())
    (alert,) = page.having("usa-alert")
    assert alert[1]["class"] == "usa-alert usa-alert--success"
    assert alert[1]["role"] == "status"
    # Stopping the links and deleting the draft: one button group, two buttons.
    assert len(page.having("usa-button-group")) == 1
    labels = re.findall(
        r'<button type="submit"[^>]*class="usa-button usa-button--outline">([^<]+)',
        response.content.decode(),
    )
    assert labels == ["Stop the links sent so far", "Delete this draft"]


def test_every_design_system_class_the_overrides_use_is_in_the_stylesheet():
    """A component whose package the stylesheet does not forward would show unstyled:
    every class of the design system's own stylesheet the overrides use is in the site's."""
    css = Path(finders.find("css/site.css")).read_text()
    design_system = USWDS_CSS.read_text()
    used = set()
    for template in OVERRIDES.glob("*.html"):
        source = re.sub(
            r"{% comment %}.*?{% endcomment %}", "", template.read_text(), flags=re.S
        )
        # Class attributes, the classes given to widgets, the names a class is built
        # from ("usa-alert--{{ kind }}" leaves "usa-alert--": a prefix, not a class).
        used.update(
            name
            for name in re.findall(r"\busa-[a-z0-9_-]+", source)
            if not name.endswith("-")
        )
    assert {
        "usa-radio__input--tile",
        "usa-step-indicator",
        "usa-alert--error",
        "usa-input--error",
    } <= used

    def defined(name, stylesheet):
        return re.search(rf"\.{name}(?![a-z0-9_-])", stylesheet) is not None

    # The design system's markup names a few parts it gives no style of their own.
    unstyled = {"usa-summary-box__body", "usa-step-indicator__heading-counter"}
    unknown = sorted(n for n in used - unstyled if not defined(n, design_system))
    assert not unknown, unknown  # misspelt, or a class the design system lacks
    missing = sorted(n for n in used - unstyled if not defined(n, css))
    assert not missing, missing


def test_the_pages_around_the_form_say_their_message_in_an_alert(client, form_page):
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory
    from django.utils import timezone

    from pledge_forms.testing.factories import submitted_pledge

    pages = {
        "received": ("/pledge/received/", "usa-alert usa-alert--success"),
        "link invalid": ("/pledge/verify/garbage/", "usa-alert usa-alert--warning"),
    }
    for name, (url, alert) in pages.items():
        html = client.get(url).content.decode()
        assert f'class="{alert}"' in html, name
        assert "pledge_form.css" not in html, name
    walk(client, form_page, until="contacts")
    deleted = client.post(f"{form_page.url}discard/").content.decode()
    assert 'class="usa-alert usa-alert--info" role="status"' in deleted
    assert re.search(
        r'<a class="usa-button" href="/pledge/">Start a new pledge', deleted
    )

    pledge = submitted_pledge(form_page, "verified", city="<b>Town</b>")
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    preview = pledge.serve_preview(request, "").render().content.decode()
    assert 'class="usa-summary-box"' in preview and "&lt;b&gt;Town" in preview

    form_page.closes_at = timezone.now()
    form_page.save_revision().publish()
    closed = client.get("/pledge/").content.decode()
    assert 'class="usa-alert usa-alert--info"' in closed and "not open" in closed


def test_an_update_begins_with_every_step_the_pledge_answers_marked_completed(
    client, form_page
):
    from pledge_forms import services
    from pledge_forms.models import ChecklistItem
    from pledge_forms.testing.factories import submitted_pledge

    # Every practice in progress with its month, as the public form requires.
    months = {
        f"target_{pk}": (timezone.localdate() + datetime.timedelta(days=62)).replace(
            day=1
        )
        for pk in ChecklistItem.objects.values_list("pk", flat=True)
    }
    pledge = submitted_pledge(form_page, "approved", **months)
    token = services.make_update_token(pledge)
    check = client.get(f"/pledge/update/{token}/", follow=True)
    assert check.status_code == 200
    page = Elements(check.content.decode())
    (current,) = page.having("usa-step-indicator__segment--current")
    complete = page.having("usa-step-indicator__segment--complete")
    segments = page.having("usa-step-indicator__segment")
    # Every question step is done; "check your answers" is where the agency is.
    assert len(complete) == len(segments) - 1 > 1
    assert not page.having("usa-alert--error")

"""A practice is rendered once per process for the same answers (``{% practice %}``): each
visitor still sees their own answers and errors, and a practice reworded shows at once."""

import pytest
from django.test import Client

from pledge_forms.choices import PracticeStatus
from tests.pledge_forms.steps_walk import step_answers, step_slugs, step_url, walk

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quick(settings):
    settings.PLEDGE_FORMS_MIN_FILL_SECONDS = 0


def practices_step(client, page):
    return next(s for s in step_slugs(client, page) if s.startswith("practices-"))


def test_each_visitor_sees_their_own_answers_and_errors(form_page):
    alpha, beta, blank = Client(), Client(), Client()
    slug = practices_step(alpha, form_page)
    item = next(i for i in form_page.checklist_items() if slug.endswith(i.section.slug))
    for client, note in ((alpha, "Alpha's written policy"), (beta, "Beta's policy")):
        walk(client, form_page, until=slug)
        answers = step_answers(form_page, slug)
        answers[f"note_{item.pk}"] = note
        client.post(step_url(form_page, slug), answers)
    walk(blank, form_page, until=slug)

    alpha_page = alpha.get(step_url(form_page, slug)).content.decode()
    beta_page = beta.get(step_url(form_page, slug)).content.decode()
    blank_page = blank.get(step_url(form_page, slug)).content.decode()
    assert "Alpha&#x27;s written policy" in alpha_page
    assert "Beta" not in alpha_page
    assert "Beta&#x27;s policy" in beta_page and "Alpha" not in beta_page
    assert "Alpha" not in blank_page and "Beta" not in blank_page

    # An answer left out: the error is this visitor's, on this practice.
    answers = step_answers(form_page, slug)
    answers.pop(f"practice_{item.pk}")
    refused = blank.post(step_url(form_page, slug), answers).content.decode()
    assert f'id="id_practice_{item.pk}_error"' in refused
    assert f'id="id_practice_{item.pk}_error"' not in (
        alpha.get(step_url(form_page, slug)).content.decode()
    )


def test_a_reworded_practice_shows_at_once(form_page):
    client = Client()
    slug = practices_step(client, form_page)
    walk(client, form_page, until=slug)
    item = next(i for i in form_page.checklist_items() if slug.endswith(i.section.slug))
    client.get(step_url(form_page, slug))
    item.title = "Written de-escalation policy, reviewed yearly"
    item.save()
    page = client.get(step_url(form_page, slug)).content.decode()
    assert "Written de-escalation policy, reviewed yearly" in page
    assert PracticeStatus.IN_PLACE in page


def test_a_select_is_rendered_for_its_own_value_and_errors():
    from django import forms

    from pledge_forms.templatetags.pledge_parts import with_class

    class Filters(forms.Form):
        country = forms.ChoiceField(
            choices=[("", "Any"), ("US", "United States"), ("CA", "Canada")],
            required=False,
        )

    def rendered(data):
        form = Filters(data)
        form.is_valid()
        return with_class(form["country"], "usa-select")

    assert rendered({"country": "US"}) == rendered({"country": "US"})
    assert '<option value="US" selected>' in rendered({"country": "US"})
    assert '<option value="CA" selected>' in rendered({"country": "CA"})
    refused = rendered({"country": "XX"})
    assert 'aria-invalid="true"' in refused
    assert "aria-invalid" not in rendered({"country": ""})

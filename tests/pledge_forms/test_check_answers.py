""" "Check your answers" lists a draft whose every step has passed without checking the
whole pledge again (``pledge_forms.checked``): it shows what checking it would show, and
anything that changed since a step passed (the checklist, an editor's question, the
country, the month) is checked, and caught, as before."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from pledge_forms import checked
from pledge_forms.choices import PracticeStatus
from pledge_forms.models import ChecklistItem, PledgeDraft, PledgeFormField
from pledge_forms.testing.factories import submitted_pledge
from tests.pledge_forms.steps_walk import step_answers, step_url, walk
from tests.pledge_forms.test_steps import open_update

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quick(settings):
    cache.clear()
    settings.PLEDGE_FORMS_MIN_FILL_SECONDS = 0


def check_page(client, page) -> str:
    response = client.get(f"{page.url}check/")
    assert response.status_code == 200
    return re.sub(
        r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode()
    )


def checked_in_full(client, page) -> str:
    """The page as checking the whole pledge again shows it (the steps' notes gone)."""
    cache.clear()
    return check_page(client, page)


def every_step_noted(page, for_update=False) -> bool:
    steps = checked.kept_form(page, for_update=for_update).steps
    draft = PledgeDraft.objects.get()
    return checked.all_checked(page, draft, steps, for_update=for_update)


def problems(html: str) -> list[str]:
    return re.findall(r'<li><a href="[^"]*\?change=1#([^"]+)">', html)


def first_practice(page):
    return page.checklist_items().first()


def test_every_step_passed_is_listed_as_checking_it_again_would(client, form_page):
    item = first_practice(form_page)
    target = timezone.localdate().replace(day=1) + timedelta(days=40)
    walk(
        client,
        form_page,
        {
            f"practices-{item.section.slug}": {
                f"practice_{item.pk}": PracticeStatus.IN_PROGRESS,
                f"target_{item.pk}": target.strftime("%Y-%m"),
                f"note_{item.pk}": "Written <draft> policy",
            },
            "contacts": {"contact_name": "Sam Second", "contact_email": "s@x.example"},
        },
    )
    assert every_step_noted(form_page)
    html = check_page(client, form_page)
    assert "Written &lt;draft&gt; policy" in html
    assert "Riverside Falls Police Department" in html
    assert html == checked_in_full(client, form_page)


def test_a_reworded_practice_and_question_show_on_the_check_step_at_once(
    client, form_page
):
    PledgeFormField.objects.create(
        page=form_page,
        label="How did you hear of us?",
        field_type="dropdown",
        choices="A colleague\nThe news",
        required=False,
        step="commitment",
    )
    walk(
        client, form_page, {"commitment": {"extra_how_did_you_hear_of_us": "The news"}}
    )
    check_page(client, form_page)
    item = first_practice(form_page)
    item.title = "Written de-escalation policy, reviewed yearly"
    item.save()
    question = PledgeFormField.objects.get(page=form_page)
    question.label = "Where did you hear of the campaign?"
    question.choices = "A colleague\nThe news\nA conference"
    question.save()

    html = check_page(client, form_page)
    assert f"{item.number}. Written de-escalation policy, reviewed yearly" in html
    assert "Where did you hear of the campaign?" in html
    assert "How did you hear of us?" not in html
    assert html == checked_in_full(client, form_page)


def test_a_practice_added_after_its_step_passed_is_asked_for(client, form_page):
    walk(client, form_page)
    assert problems(check_page(client, form_page)) == []
    assert every_step_noted(form_page)
    item = first_practice(form_page)
    added = ChecklistItem.objects.create(
        section=item.section,
        number=26,
        code="ZZ-26",
        title="A new practice",
        description="",
    )
    html = check_page(client, form_page)
    assert problems(html) == [f"id_practice_{added.pk}_0"]
    assert "Choose a status for this practice." in html


def test_a_question_made_required_after_its_step_passed_is_asked_for(client, form_page):
    walk(client, form_page)
    PledgeFormField.objects.create(
        page=form_page,
        label="Number of civilian staff",
        field_type="number",
        required=True,
        step="agency",
    )
    assert problems(check_page(client, form_page)) == [
        "id_extra_number_of_civilian_staff"
    ]


def test_a_target_month_gone_by_since_its_step_passed_is_caught(
    client, form_page, monkeypatch
):
    item = first_practice(form_page)
    this_month = timezone.localdate().replace(day=1)
    walk(
        client,
        form_page,
        {
            f"practices-{item.section.slug}": {
                f"practice_{item.pk}": PracticeStatus.IN_PROGRESS,
                f"target_{item.pk}": this_month.strftime("%Y-%m"),
            }
        },
    )
    assert problems(check_page(client, form_page)) == []
    assert every_step_noted(form_page)
    next_month = this_month + timedelta(days=32)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: next_month)
    html = check_page(client, form_page)
    assert problems(html) == [f"id_target_{item.pk}"]
    assert "Choose this month or a later one." in html


def test_another_country_chosen_after_the_state_is_caught(client, form_page):
    walk(client, form_page)
    client.post(
        step_url(form_page, "agency"), step_answers(form_page, "agency", country="CA")
    )
    html = check_page(client, form_page)
    assert set(problems(html)) == {"id_region"}
    assert html == checked_in_full(client, form_page)


def test_a_state_posted_for_a_country_without_any_is_still_caught(client, form_page):
    walk(client, form_page, {"agency": {"country": "VA"}, "location": {"region": None}})
    client.post(
        step_url(form_page, "location"),
        step_answers(form_page, "location", region="US-OR"),
    )
    assert PledgeDraft.objects.get().answers["region"] == ["US-OR"]
    assert set(problems(check_page(client, form_page))) == {"id_region"}


def test_an_update_whose_steps_passed_is_listed_as_checking_it_again_would(
    client, form_page
):
    pledge = submitted_pledge(form_page, "approved")
    open_update(client, pledge)
    item = first_practice(form_page)
    walk(
        client,
        form_page,
        {
            f"practices-{item.section.slug}": {
                f"practice_{item.pk}": PracticeStatus.PLANNED,
                f"target_{item.pk}": (
                    timezone.localdate().replace(day=1) + timedelta(days=40)
                ).strftime("%Y-%m"),
            }
        },
        prefix="update/",
    )
    assert every_step_noted(form_page, for_update=True)
    response = client.get(f"{form_page.url}update/check/")
    assert response.status_code == 200
    html = re.sub(
        r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode()
    )
    assert pledge.legal_name in html
    cache.clear()
    again = client.get(f"{form_page.url}update/check/").content.decode()
    assert html == re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", again)


def test_each_agency_sees_its_own_answers_listed(form_page):
    alpha, beta = Client(), Client()
    walk(alpha, form_page, {"agency": {"legal_name": "Alpha Police"}})
    walk(beta, form_page, {"agency": {"legal_name": "Beta Sheriff"}})
    for client, mine, theirs in (
        (alpha, "Alpha Police", "Beta Sheriff"),
        (beta, "Beta Sheriff", "Alpha Police"),
    ):
        html = client.get(f"{form_page.url}check/").content.decode()
        assert mine in html
        assert theirs not in html

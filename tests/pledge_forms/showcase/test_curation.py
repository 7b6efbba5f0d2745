"""Editors curate the showcase: featured members, their order, the certificate link."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from pledge_forms.choices import Stage
from pledge_forms.models import Pledge
from pledge_forms.testing.factories import PledgeFactory
from tests.pledge_forms.showcase.showcase_helpers import published_member, showcase_page

pytestmark = pytest.mark.django_db
URL = "/admin/pledge-forms/showcase/"


@pytest.fixture
def editor(client):
    user = get_user_model().objects.create_superuser("editor", "e@example.org", "pw")
    client.force_login(user)
    return user


def featured_names(client):
    return [m.name for m in client.get("/members/").context["featured"]]


def test_an_editor_features_members_orders_and_removes_them(client, editor, checklist):
    showcase_page()
    first = published_member(display_name="Alpha PD")
    second = published_member(display_name="Beta PD")

    client.post(URL, {"add": "1", "pledge": first.pk})
    client.post(URL, {"add": "1", "pledge": second.pk})
    assert featured_names(client) == ["Alpha PD", "Beta PD"]

    # Without JavaScript: the Down and Up buttons.
    client.post(URL, {"move": f"{first.pk}:down"})
    assert featured_names(client) == ["Beta PD", "Alpha PD"]
    client.post(URL, {"move": f"{first.pk}:up"})
    assert featured_names(client) == ["Alpha PD", "Beta PD"]

    client.post(URL, {"remove": str(second.pk)})
    assert featured_names(client) == ["Alpha PD"]
    assert not Pledge.objects.get(pk=second.pk).featured


def test_members_are_ordered_by_drag_and_drop(client, editor, checklist):
    """Wagtail's ordering controller (drag and drop, or arrows and Enter on the handle)
    posts the new position (from 0) to the reorder address."""
    showcase_page()
    names = ["Alpha PD", "Beta PD", "Gamma PD"]
    members = [published_member(display_name=name) for name in names]
    for member in members:
        client.post(URL, {"add": "1", "pledge": member.pk})
    page = client.get(URL).content.decode()
    assert 'data-controller="w-orderable"' in page
    assert 'data-w-orderable-target="handle"' in page
    assert "keydown.up->w-orderable#up" in page  # keyboard moves
    reorder = reverse("pledge_forms_showcase_reorder", args=[members[2].pk])
    assert reverse("pledge_forms_showcase_reorder", args=[999999]) in page

    response = client.post(f"{reorder}?position=0")

    assert response.status_code == 200
    assert featured_names(client) == ["Gamma PD", "Alpha PD", "Beta PD"]
    assert client.post(f"{reorder}?position=last").status_code == 400
    assert client.get(f"{reorder}?position=1").status_code == 405
    other = published_member(display_name="Not featured")
    not_featured = reverse("pledge_forms_showcase_reorder", args=[other.pk])
    assert client.post(f"{not_featured}?position=0").status_code == 404
    assert featured_names(client) == ["Gamma PD", "Alpha PD", "Beta PD"]


def test_the_chooser_offers_listed_members_not_featured_yet(client, editor, checklist):
    showcase_page()
    listed = published_member(display_name="Listed PD")
    featured = published_member(display_name="Featured PD", featured=True)
    unlisted = published_member(display_name="Unlisted PD", consent_listed=False)
    PledgeFactory(display_name="Draft PD", live=False)
    page = client.get(URL).content.decode()
    assert "Choose a member" in page

    response = client.get(reverse("pledge_forms_featured_member_chooser:choose"))
    html = response.json()["html"]
    assert "Listed PD" in html
    assert "Featured PD" not in html and "Unlisted PD" not in html
    assert "Draft PD" not in html
    results = client.get(
        reverse("pledge_forms_featured_member_chooser:choose_results"), {"q": "list"}
    ).content.decode()
    assert "Listed PD" in results and "Unlisted PD" not in results
    chosen = client.get(
        reverse("pledge_forms_featured_member_chooser:chosen", args=[listed.pk])
    )
    assert chosen.json()["result"]["title"] == "Listed PD"
    for pk in (featured.pk, unlisted.pk):
        url = reverse("pledge_forms_featured_member_chooser:chosen", args=[pk])
        assert client.get(url).status_code == 404


def test_only_published_listed_members_can_be_featured(client, editor, checklist):
    draft = PledgeFactory(live=False)

    response = client.post(URL, {"add": "1", "pledge": draft.pk})

    assert response.status_code == 200
    assert b"No published, listed member is this one" in response.content
    assert not Pledge.objects.get(pk=draft.pk).featured
    response = client.post(URL, {"add": "1", "pledge": "not a number"})
    assert response.status_code == 200
    assert b"No published, listed member is this one" in response.content
    response = client.post(URL, {"add": "1"})
    assert b"Choose the member to feature." in response.content


def test_a_bad_move_is_explained_and_nothing_changes(client, editor, checklist):
    pledge = published_member(featured=True, featured_order=3)

    response = client.post(URL, {"move": "first"})

    assert response.status_code == 200
    assert b"not featured" in response.content
    assert Pledge.objects.get(pk=pledge.pk).featured_order == 3


def test_curation_and_its_chooser_need_the_permission_to_change_pledges(
    client, checklist
):
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user("viewer", "v@example.org", "pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert client.get(URL).status_code in (302, 403)
    chooser = reverse("pledge_forms_featured_member_chooser:choose")
    assert client.get(chooser).status_code in (302, 403)
    member = published_member()
    reorder = reverse("pledge_forms_showcase_reorder", args=[member.pk])
    assert client.post(f"{reorder}?position=0").status_code in (302, 403)


def test_completed_members_have_a_certificate_link_in_the_admin_listing(
    client, editor, checklist
):
    showcase_page()
    done = published_member(stage=Stage.COMPLETED)
    published_member(stage=Stage.PLEDGED)

    response = client.get(reverse("wagtailsnippets_pledge_forms_pledge:list"))

    html = response.content.decode()
    link = reverse("pledge_forms_showcase_certificate", args=[done.pk])
    assert html.count("Certificate (PDF)") == 1
    assert link in html
    followed = client.get(link)
    assert followed.status_code == 302
    assert followed["Location"].endswith(f"/members/{done.slug}/certificate.pdf")


def test_every_curation_change_tells_the_site_the_showcase_changed(
    client, editor, checklist
):
    from pledge_forms.showcase.signals import showcase_changed

    showcase_page()
    first = published_member(display_name="Alpha PD")
    second = published_member(display_name="Beta PD")
    sent = []

    def receiver(sender, pledges, **kwargs):
        sent.append(sorted(p.display_name for p in pledges))

    showcase_changed.connect(receiver)
    try:
        client.post(URL, {"add": "1", "pledge": first.pk})
        client.post(URL, {"add": "1", "pledge": second.pk})
        # A move to where it is already changes nothing.
        reorder = reverse("pledge_forms_showcase_reorder", args=[first.pk])
        client.post(f"{reorder}?position=0")
        client.post(URL, {"move": f"{first.pk}:down"})
        client.post(URL, {"remove": str(second.pk)})
    finally:
        showcase_changed.disconnect(receiver)
    assert sent == [["Alpha PD"], ["Beta PD"], ["Alpha PD", "Beta PD"], ["Beta PD"]]

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

    client.post(URL, {"add": "1", "slug": first.slug})
    client.post(URL, {"add": "1", "slug": second.slug})
    assert featured_names(client) == ["Alpha PD", "Beta PD"]

    client.post(URL, {"save": "1", f"order-{first.pk}": "5", f"order-{second.pk}": "1"})
    assert featured_names(client) == ["Beta PD", "Alpha PD"]

    client.post(
        URL,
        {
            "save": "1",
            f"order-{first.pk}": "5",
            f"order-{second.pk}": "1",
            f"remove-{second.pk}": "on",
        },
    )
    assert featured_names(client) == ["Alpha PD"]
    assert not Pledge.objects.get(pk=second.pk).featured


def test_only_published_listed_members_can_be_featured(client, editor, checklist):
    draft = PledgeFactory(live=False)

    response = client.post(URL, {"add": "1", "slug": draft.slug})

    assert response.status_code == 200
    assert b"No published, listed member has this address." in response.content
    assert not Pledge.objects.get(pk=draft.pk).featured


def test_a_bad_order_is_explained_and_nothing_changes(client, editor, checklist):
    pledge = published_member(featured=True, featured_order=3)

    response = client.post(URL, {"save": "1", f"order-{pledge.pk}": "first"})

    assert response.status_code == 200
    assert b"whole number" in response.content
    assert Pledge.objects.get(pk=pledge.pk).featured_order == 3


def test_curation_needs_the_permission_to_change_pledges(client, checklist):
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user("viewer", "v@example.org", "pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert client.get(URL).status_code in (302, 403)


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
        client.post(URL, {"add": "1", "slug": first.slug})
        client.post(URL, {"add": "1", "slug": second.slug})
        # Saving without a change changes nothing.
        client.post(
            URL, {"save": "1", f"order-{first.pk}": "1", f"order-{second.pk}": "2"}
        )
        client.post(
            URL, {"save": "1", f"order-{first.pk}": "5", f"order-{second.pk}": "2"}
        )
        client.post(
            URL,
            {
                "save": "1",
                f"order-{first.pk}": "5",
                f"order-{second.pk}": "2",
                f"remove-{second.pk}": "on",
            },
        )
    finally:
        showcase_changed.disconnect(receiver)
    assert sent == [["Alpha PD"], ["Beta PD"], ["Alpha PD"], ["Beta PD"]]

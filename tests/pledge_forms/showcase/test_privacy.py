"""Nothing private about a member ever reaches a public page, file, API answer or search."""

import pytest
from django.apps import apps

from pledge_forms import services
from pledge_forms.choices import PracticeStatus
from pledge_forms.models import ChecklistItem, Pledge, PledgeSubmission
from pledge_forms.testing.factories import pledge_data
from tests.pledge_forms.showcase.showcase_helpers import showcase_page

SITE_SEARCH = apps.is_installed("campaign_pages")

pytestmark = pytest.mark.django_db

CLIENT_ADDRESS = "203.0.113.77"


def _markers_data(page, prefix: str, **overrides):
    data = pledge_data(
        page.checklist,
        status=PracticeStatus.IN_PLACE,
        legal_name=f"Zephyrwold {prefix} Police Department",
        chief_name=f"{prefix}CHIEFNAME",
        chief_title=f"{prefix}CHIEFTITLE",
        chief_email=f"{prefix.lower()}chief@private-mail.example",
        chief_phone="+1 555 909 1234",
        contact_name=f"{prefix}CONTACTNAME",
        contact_email=f"{prefix.lower()}contact@private-mail.example",
        contact_phone="+1 555 808 4321",
        signatory_name=f"{prefix}SIGNATORY",
        signatory_title=f"{prefix}SIGNTITLE",
        consent_show_chief=False,
    )
    data.update(overrides)
    for item in ChecklistItem.objects.filter(section__checklist=page.checklist):
        data[f"note_{item.pk}"] = f"{prefix}PRACTICENOTE"
    return data


def _public_bodies(client, pledge, queries):
    urls = [
        "/members/",
        "/members/?q=Zephyrwold",
        f"/members/{pledge.slug}/",
        f"/members/{pledge.slug}/badge.svg",
        f"/members/{pledge.slug}/certificate.pdf",
        "/members/map/",
        "/members/statistics/",
        "/members/data.csv",
        "/members/data.json",
        "/api/v2/members/",
        f"/api/v2/members/{pledge.pk}/",
        "/sitemap.xml",
        # The site's search (the plugin's own test site has none).
        *(f"/search/?q={query}" for query in queries if SITE_SEARCH),
    ]
    bodies = {}
    for url in urls:
        response = client.get(url)
        body = (
            b"".join(response.streaming_content)
            if response.streaming
            else response.content
        )
        bodies[url] = (response.status_code, body)
    return bodies


def test_no_private_marker_of_a_published_member_appears_anywhere_public(
    client, form_page, run_on_commit
):
    showcase = showcase_page()
    pledge = services.submit(
        form_page, _markers_data(form_page, "PRIV"), client_address=CLIENT_ADDRESS
    ).pledge
    pledge = services.verify(services.make_verify_token(pledge))
    pledge = services.approve(pledge)
    pledge = services.mark_completed(pledge)
    # A reason left from an earlier decline, and a draft update with unapproved changes.
    Pledge.objects.filter(pk=pledge.pk).update(decline_reason="PRIVDECLINEREASON")
    update = _markers_data(
        form_page,
        "PRIV",
        public_statement="PRIVDRAFTSTATEMENT",
        city="PRIVDRAFTCITY",
        consent_show_chief=True,
    )
    services.submit_update(
        services.make_update_token(pledge), update, client_address=CLIENT_ADDRESS
    )
    pledge.refresh_from_db()
    assert pledge.live and pledge.has_unpublished_changes
    client_hash = PledgeSubmission.objects.filter(pledge=pledge).first().client_hash
    assert client_hash

    markers = [
        "PRIVCHIEFNAME",
        "PRIVCHIEFTITLE",
        "privchief@private-mail.example",
        "privcontact@private-mail.example",
        "private-mail",
        "909 1234",
        "808 4321",
        "PRIVCONTACTNAME",
        "PRIVSIGNATORY",
        "PRIVSIGNTITLE",
        "PRIVPRACTICENOTE",
        "PRIVDECLINEREASON",
        "PRIVDRAFTSTATEMENT",
        "PRIVDRAFTCITY",
        client_hash,
        CLIENT_ADDRESS,
    ]
    bodies = _public_bodies(client, pledge, ["Zephyrwold"])
    if SITE_SEARCH:
        # The site search lists the member by its public name, and by nothing private.
        found = bodies["/search/?q=Zephyrwold"][1]
        assert b"Zephyrwold PRIV Police Department" in found
        for marker in markers:
            page = client.get("/search/", {"q": marker}).content.decode()
            assert "Zephyrwold" not in page, f"searching {marker} found the member"
            assert f"Nothing matches “{marker}”." in page, marker

    assert bodies[f"/members/{pledge.slug}/"][0] == 200
    assert bodies[f"/members/{pledge.slug}/certificate.pdf"][0] == 200
    assert b"Zephyrwold PRIV Police Department" in bodies["/members/data.csv"][1]
    assert showcase.full_url.encode() in bodies["/sitemap.xml"][1]
    for url, (_status, body) in bodies.items():
        for marker in markers:
            assert marker.encode() not in body, f"{marker} leaked in {url}"


@pytest.mark.parametrize("state", ["unverified", "verified", "declined", "unpublished"])
def test_a_pledge_that_is_not_published_appears_nowhere(
    client, form_page, run_on_commit, state
):
    showcase_page()
    pledge = services.submit(
        form_page,
        _markers_data(form_page, "HIDE"),
        client_address=CLIENT_ADDRESS,
    ).pledge
    if state != "unverified":
        pledge = services.verify(services.make_verify_token(pledge))
    if state == "declined":
        pledge = services.approve(pledge)
        pledge = services.decline(pledge, "HIDEDECLINE")
    if state == "unpublished":
        pledge = services.approve(pledge)
        pledge.unpublish()
    pledge.refresh_from_db()
    assert not pledge.live

    bodies = _public_bodies(
        client, pledge, ["Zephyrwold", "hide police", "Example Town", "Oregon"]
    )

    for suffix in ("", "badge.svg", "certificate.pdf"):
        assert bodies[f"/members/{pledge.slug}/{suffix}"][0] == 404
    assert bodies[f"/api/v2/members/{pledge.pk}/"][0] == 404
    for url, (_status, body) in bodies.items():
        assert b"Zephyrwold HIDE" not in body, f"the pledge appears in {url}"
        assert pledge.slug.encode() not in body or url.startswith(
            f"/members/{pledge.slug}"
        ), url

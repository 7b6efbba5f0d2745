"""A member's evidence links and files, and its target months, never reach a public page,
file or API answer: evidence is for reviewers; target months are not published (the
consent wording agencies agreed to does not name them, docs/evidence.md)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pledge_forms import evidence, services
from pledge_forms.choices import PracticeStatus
from pledge_forms.models import Pledge
from tests.pledge_forms.showcase.showcase_helpers import showcase_page
from tests.pledge_forms.showcase.test_privacy import _markers_data, _public_bodies

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% PRIVFILECONTENT\n%%EOF\n"


def test_evidence_and_target_months_of_a_member_appear_nowhere_public(
    client, form_page, run_on_commit
):
    showcase_page()
    items = list(form_page.checklist_items())
    name = evidence.store_evidence(
        evidence.check_evidence(SimpleUploadedFile("PRIVFILENAME.pdf", PDF))
    )
    data = _markers_data(form_page, "PRIV")
    data[f"evidence_url_{items[0].pk}"] = "https://privevidence.example/PRIVLINK"
    data[f"evidence_file_{items[0].pk}"] = name
    data[f"practice_{items[1].pk}"] = PracticeStatus.IN_PROGRESS
    data[f"target_{items[1].pk}"] = datetime.date(2031, 7, 1)
    pledge = services.submit(form_page, data).pledge
    pledge = services.verify(services.make_verify_token(pledge))
    pledge = services.approve(pledge)
    row = Pledge.objects.get(pk=pledge.pk).practices.get(item=items[0])
    assert row.evidence_file.name == name  # published with the member
    assert pledge.live and pledge.consent_show_practices

    markers = [
        "privevidence.example",
        "PRIVLINK",
        "PRIVFILENAME",
        "PRIVFILECONTENT",
        name,
        name.split("/")[1],  # the random part of the name
        "pledge-evidence",
        "2031-07",
        "July 2031",
    ]
    bodies = _public_bodies(client, pledge, [])
    assert bodies[f"/members/{pledge.slug}/"][0] == 200
    assert bodies["/members/data.json"][0] == 200
    assert bodies["/api/v2/members/"][0] == 200
    for url, (_status, body) in bodies.items():
        for marker in markers:
            assert marker.encode() not in body, f"{marker} leaked in {url}"

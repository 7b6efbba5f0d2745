"""Details per practice: a target month for practices in progress or planned, and for a
practice in place an evidence link and a private file that only reviewers can download."""

import datetime
import io
import urllib.error
import urllib.request
import zipfile

import boto3
import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from wagtail.models import Revision

from pledge_forms import evidence, services
from pledge_forms.choices import PracticeStatus
from pledge_forms.models import Pledge, PledgePractice, PledgeSubmission
from pledge_forms.services import privacy
from pledge_forms.testing.factories import pledge_data, submitted_pledge
from tests.pledge_forms.test_admin import curators_group

pytestmark = pytest.mark.django_db

NS = "wagtailsnippets_pledge_forms_pledge"

# --- Files --------------------------------------------------------------------------------

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
CONTENT_TYPES_XML = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Override PartName="/word/document.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)


def zip_bytes(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_bytes(**extra: bytes) -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": CONTENT_TYPES_XML,
            "word/document.xml": b"<w:document>Use of force policy</w:document>",
            **extra,
        }
    )


def image_bytes(fmt="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (10, 120, 200)).save(buffer, fmt)
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type="application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored(name="policy.pdf", data=PDF) -> str:
    return evidence.store_evidence(evidence.check_evidence(upload(name, data)))


# --- Content checks ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,data,kind",
    [
        ("policy.pdf", PDF, "pdf"),
        ("policy.docx", docx_bytes(), "docx"),
        ("scan.png", image_bytes("PNG"), "png"),
        ("photo.jpg", image_bytes("JPEG"), "jpeg"),
        ("photo.webp", image_bytes("WEBP"), "webp"),
    ],
)
def test_pdf_docx_and_images_are_accepted_by_their_content(name, data, kind):
    checked = evidence.check_evidence(upload(name, data))
    assert checked.kind == kind
    assert checked.data == data


def test_the_type_comes_from_the_content_not_the_name():
    """A PNG called .pdf is stored as the PNG it is, with the extension of its content."""
    checked = evidence.check_evidence(upload("policy.pdf", image_bytes()))
    assert checked.kind == "png"
    name = evidence.store_evidence(checked)
    assert name.endswith("/policy.png")
    assert evidence.content_type(name) == "image/png"


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
HTML = (
    b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
)
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(1)</script></svg>"
)


@pytest.mark.parametrize(
    "name,data",
    [
        ("policy.pdf", EXE),  # a renamed program
        ("policy.pdf", HTML),
        ("policy.png", SVG),
        ("policy.svg", SVG),
        ("policy.docx", zip_bytes({"hello.txt": b"not a document"})),
        ("policy.docx", zip_bytes({"word/document.xml": b"<w:document/>"})),
        ("policy.docx", EXE + docx_bytes()),  # a self-extracting archive
        ("policy.pdf", b"   %PDF-1.7 not at the start"),
        ("policy.docx", b"PK\x03\x04 broken zip"),
    ],
)
def test_content_that_is_not_an_allowed_type_is_refused(name, data):
    with pytest.raises(ValidationError) as error:
        evidence.check_evidence(upload(name, data))
    assert "must be a PDF, a Word document (DOCX) or a PNG, JPEG or WebP" in str(
        error.value
    )


def test_a_word_document_with_macros_is_refused():
    macro_types = CONTENT_TYPES_XML.replace(
        b"wordprocessingml.document.main+xml",
        b"ms-word.document.macroEnabled.main+xml",
    )
    with pytest.raises(ValidationError):
        evidence.check_evidence(
            upload(
                "policy.docx",
                zip_bytes(
                    {
                        "[Content_Types].xml": macro_types,
                        "word/document.xml": b"<w:document/>",
                    }
                ),
            )
        )
    with pytest.raises(ValidationError, match="macros"):
        evidence.check_evidence(
            upload("policy.docx", docx_bytes(**{"word/vbaProject.bin": b"\x00" * 10}))
        )


def test_a_zip_bomb_posing_as_a_word_document_is_refused_before_unpacking(settings):
    bomb = docx_bytes(**{"word/media/filler.bin": b"\x00" * 3_000_000})
    assert len(bomb) < 50_000
    with pytest.raises(ValidationError, match="could not be read"):
        evidence.check_evidence(upload("policy.docx", bomb))
    settings.PLEDGE_FORMS_EVIDENCE_MAX_UNZIPPED_BYTES = 100
    with pytest.raises(ValidationError, match="could not be read"):
        evidence.check_evidence(upload("policy.docx", docx_bytes()))


def test_a_file_over_the_size_limit_is_refused(settings):
    with pytest.raises(ValidationError, match="at most 10 MB"):
        evidence.check_evidence(upload("big.pdf", PDF + b"0" * (10 * 1024 * 1024)))
    settings.PLEDGE_FORMS_EVIDENCE_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="too large"):
        evidence.check_evidence(upload("small.pdf", PDF + b" " * 100))


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError, match="empty"):
        evidence.check_evidence(upload("empty.pdf", b""))


def test_the_form_field_cleans_to_a_checked_file_or_none():
    field = evidence.create_evidence_field()
    assert field.required is False
    assert field.widget.attrs["accept"] == evidence.ACCEPT
    assert field.clean(None) is None
    checked = field.clean(upload("policy.pdf", PDF))
    assert isinstance(checked, evidence.CheckedEvidence) and checked.kind == "pdf"
    with pytest.raises(ValidationError):
        field.clean(upload("policy.pdf", HTML, "application/pdf"))


def test_stored_files_get_an_unguessable_name_in_private_storage(settings):
    first, second = stored("Our policy (final).pdf"), stored("Our policy (final).pdf")
    assert first != second
    assert evidence.is_evidence_name(first)
    assert first.startswith("evidence/") and first.endswith("/Our-policy-final.pdf")
    storage = evidence.evidence_storage()
    assert storage.exists(first)
    # Outside public media: the private storage is its own directory.
    assert not str(storage.path(first)).startswith(str(settings.MEDIA_ROOT))
    evidence.delete_evidence(first)
    assert not storage.exists(first)
    evidence.delete_evidence("../pledge-logos/someone-else.png")  # ignored


# --- Rows ---------------------------------------------------------------------------------


@pytest.fixture
def items(form_page):
    return list(form_page.checklist_items()[:4])


def answers(form_page, items, **overrides):
    data = pledge_data(form_page.checklist, status=PracticeStatus.NOT_PLANNED)
    data.update(overrides)
    return data


def test_practice_rows_keep_the_details_that_fit_each_status(form_page, items):
    in_progress, planned, in_place, not_planned = items
    name = stored()
    month = datetime.date(2027, 3, 1)
    data = answers(
        form_page,
        items,
        **{
            f"practice_{in_progress.pk}": PracticeStatus.IN_PROGRESS,
            f"target_{in_progress.pk}": datetime.date(2027, 3, 17),
            f"evidence_url_{in_progress.pk}": "https://agency.example/draft",
            f"practice_{planned.pk}": PracticeStatus.PLANNED,
            f"target_{planned.pk}": "2027-09",
            f"practice_{in_place.pk}": PracticeStatus.IN_PLACE,
            f"target_{in_place.pk}": month,
            f"evidence_url_{in_place.pk}": "https://agency.example/policy",
            f"evidence_file_{in_place.pk}": name,
            f"practice_{not_planned.pk}": PracticeStatus.NOT_PLANNED,
            f"target_{not_planned.pk}": month,
            f"evidence_file_{not_planned.pk}": stored(),
        },
    )
    pledge = services.submit(form_page, data).pledge
    rows = {row.item_id: row for row in PledgePractice.objects.filter(pledge=pledge)}

    assert rows[in_progress.pk].target_month == month
    assert rows[in_progress.pk].evidence_url == ""
    assert rows[planned.pk].target_month == datetime.date(2027, 9, 1)
    assert rows[in_place.pk].target_month is None
    assert rows[in_place.pk].evidence_url == "https://agency.example/policy"
    assert rows[in_place.pk].evidence_file.name == name
    assert rows[not_planned.pk].target_month is None
    assert rows[not_planned.pk].evidence_file.name == ""


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "data:text/html,<script>1</script>", "ftp://x.example/a"],
)
def test_an_evidence_link_that_is_not_a_web_address_is_dropped(form_page, items, url):
    item = items[0]
    data = answers(
        form_page,
        items,
        **{
            f"practice_{item.pk}": PracticeStatus.IN_PLACE,
            f"evidence_url_{item.pk}": url,
            f"evidence_file_{item.pk}": "pledge-logos/another-agency.png",
        },
    )
    pledge = services.submit(form_page, data).pledge
    row = pledge.practices.get(item=item)
    assert (row.evidence_url, row.evidence_file.name) == ("", "")


@pytest.fixture
def approved(form_page, run_on_commit):
    return submitted_pledge(form_page, "approved")


def send_update(pledge, item, status, **details):
    data = pledge_data(pledge.form_page.checklist, status=PracticeStatus.IN_PROGRESS)
    data[f"practice_{item.pk}"] = status
    for key, value in details.items():
        data[f"{key}_{item.pk}"] = value
    return services.submit_update(services.make_update_token(pledge), data)


def test_details_wait_in_the_draft_revision_and_go_live_when_published(approved):
    item = approved.form_page.checklist_items().first()
    name = stored()
    send_update(
        approved,
        item,
        PracticeStatus.IN_PLACE,
        evidence_url="https://agency.example/policy",
        evidence_file=name,
    )

    live = Pledge.objects.get(pk=approved.pk)
    assert live.practices.get(item=item).evidence_file.name == ""
    draft = live.get_latest_revision_as_object()
    [row] = [row for row in draft.practices.all() if row.item_id == item.pk]
    assert row.evidence_file.name == name
    assert row.evidence_url == "https://agency.example/policy"

    services.approve(live)
    row = Pledge.objects.get(pk=approved.pk).practices.get(item=item)
    assert row.evidence_file.name == name
    assert row.evidence_url == "https://agency.example/policy"

    # A later update that does not send the file again keeps it.
    send_update(approved, item, PracticeStatus.IN_PLACE)
    draft = Pledge.objects.get(pk=approved.pk).get_latest_revision_as_object()
    [row] = [row for row in draft.practices.all() if row.item_id == item.pk]
    assert row.evidence_file.name == name
    # Moving the practice back to "in progress" drops the evidence and takes a target.
    send_update(
        approved, item, PracticeStatus.IN_PROGRESS, target=datetime.date(2028, 1, 1)
    )
    draft = Pledge.objects.get(pk=approved.pk).get_latest_revision_as_object()
    [row] = [row for row in draft.practices.all() if row.item_id == item.pk]
    assert (row.evidence_file.name, row.target_month) == ("", datetime.date(2028, 1, 1))
    # The file stays while an earlier revision names it (a reviewer may revert to it).
    assert evidence.evidence_storage().exists(name)


def test_a_repeat_pledge_does_not_keep_the_files_it_sent(
    form_page, approved, django_capture_on_commit_callbacks
):
    item = form_page.checklist_items().first()
    name = stored()
    data = pledge_data(
        form_page.checklist,
        **{f"practice_{item.pk}": "in_place", f"evidence_file_{item.pk}": name},
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = services.submit(form_page, data)
    assert result.duplicate
    assert not evidence.evidence_storage().exists(name)


# --- Reviewers only -----------------------------------------------------------------------


@pytest.fixture
def users(django_user_model):
    def make(name, group=None, superuser=False):
        user = django_user_model.objects.create_user(
            username=name, password="pw", is_superuser=superuser
        )
        if group:
            user.groups.add(Group.objects.get(name=group))
        return user

    curators_group()
    return {
        "editor": make("editor", "Showcase curators"),
        "reviewer": make("reviewer", "Campaign reviewers"),
    }


@pytest.fixture
def with_evidence(approved):
    """An approved pledge with a live file, and an update waiting with another."""
    first, second = list(approved.form_page.checklist_items()[:2])
    live_file = stored("Live policy.pdf")
    send_update(
        approved,
        first,
        PracticeStatus.IN_PLACE,
        evidence_url="https://agency.example/policy?a=1&b=<2>",
        evidence_file=live_file,
    )
    services.approve(Pledge.objects.get(pk=approved.pk))
    pending_file = stored("Pending scan.png", image_bytes())
    data = pledge_data(approved.form_page.checklist, status=PracticeStatus.IN_PROGRESS)
    data[f"practice_{first.pk}"] = PracticeStatus.IN_PLACE
    data[f"practice_{second.pk}"] = PracticeStatus.IN_PLACE
    data[f"evidence_file_{second.pk}"] = pending_file
    services.submit_update(services.make_update_token(approved), data)
    return Pledge.objects.get(pk=approved.pk), live_file, pending_file


def file_url(pledge, name):
    return reverse("pledge_forms_evidence:file", args=[pledge.pk, name])


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_reviewer_downloads_live_and_pending_files_as_attachments(
    client, users, with_evidence
):
    pledge, live_file, pending_file = with_evidence
    client.force_login(users["reviewer"])

    response = client.get(file_url(pledge, live_file))
    assert response.status_code == 200
    assert body(response) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Live-policy.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]

    # The update waiting for review: its file is in the latest revision only.
    response = client.get(file_url(pledge, pending_file))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert body(response) == image_bytes()


def test_evidence_is_never_reachable_without_a_reviewer_login(
    client, users, with_evidence
):
    pledge, live_file, _pending = with_evidence
    url = file_url(pledge, live_file)

    response = client.get(url)
    assert response.status_code == 302
    assert reverse("wagtailadmin_login") in response["Location"]

    # Communications staff may curate pledges, but evidence is for reviewers.
    # (Wagtail answers a refused admin view with a redirect to the dashboard.)
    client.force_login(users["editor"])
    response = client.get(url)
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("wagtailadmin_home"),
    )
    assert b"%PDF" not in response.content

    # Not on any public address either: the media server refuses it, under any folder.
    client.logout()
    for path in (f"/media/{live_file}", f"/media/private/{live_file}"):
        assert client.get(path).status_code == 404


def test_a_file_is_served_only_under_the_pledge_that_names_it(
    client, users, with_evidence, form_page
):
    pledge, live_file, _pending = with_evidence
    other = submitted_pledge(form_page, "verified", legal_name="Other Town PD")
    client.force_login(users["reviewer"])

    assert client.get(file_url(other, live_file)).status_code == 404
    assert client.get(file_url(pledge, stored())).status_code == 404
    assert client.get(file_url(pledge, "evidence/../../settings.py")).status_code == 404
    missing = live_file.rsplit("/", 1)[0] + "/gone.pdf"
    assert client.get(file_url(pledge, missing)).status_code == 404


def test_reviewers_see_target_months_and_evidence_in_the_pledge_and_submission(
    client, users, with_evidence
):
    pledge, live_file, pending_file = with_evidence
    item = pledge.form_page.checklist_items()[2]
    PledgePractice.objects.filter(pledge=pledge, item=item).update(
        target_month=datetime.date(2027, 5, 1)
    )
    client.force_login(users["reviewer"])

    html = client.get(reverse(f"{NS}:inspect", args=[pledge.pk])).content.decode()
    assert "May 2027" in html
    assert (
        '<a href="https://agency.example/policy?a=1&amp;b=&lt;2&gt;" '
        'rel="noopener noreferrer nofollow"'
    ) in html
    assert f'href="{file_url(pledge, live_file)}"' in html

    submission = PledgeSubmission.objects.filter(pledge=pledge).order_by("pk").last()
    url = reverse(
        "pledge_forms_pledgesubmission_modeladmin_inspect", args=[submission.pk]
    )
    html = client.get(url).content.decode()
    assert f'href="{file_url(pledge, pending_file)}"' in html
    assert pending_file not in html.replace(file_url(pledge, pending_file), "")

    client.force_login(users["editor"])
    html = client.get(reverse(f"{NS}:inspect", args=[pledge.pk])).content.decode()
    assert "May 2027" in html
    assert "agency.example/policy" not in html
    assert live_file not in html


def test_exported_answers_name_the_file_never_its_content(with_evidence):
    pledge, _live, pending_file = with_evidence
    submission = PledgeSubmission.objects.filter(pledge=pledge).order_by("pk").last()
    text = submission.answers_text()
    assert "Pending-scan.png" in text
    assert pending_file not in text


# --- Erasure ------------------------------------------------------------------------------


def test_erasure_deletes_every_evidence_file_and_link(
    with_evidence, django_capture_on_commit_callbacks
):
    pledge, live_file, pending_file = with_evidence
    storage = evidence.evidence_storage()
    assert privacy.erasure_plan(pledge).evidence == sorted([live_file, pending_file])

    with django_capture_on_commit_callbacks(execute=True):
        privacy.erase(pledge, "request")

    assert not storage.exists(live_file)
    assert not storage.exists(pending_file)
    assert not PledgePractice.objects.filter(pledge=pledge).exclude(
        evidence_file="", evidence_url=""
    )
    for revision in Revision.objects.for_instance(pledge):
        for row in revision.content["practices"]:
            assert (row["evidence_file"], row["evidence_url"]) == ("", "")
    for submission in PledgeSubmission.objects.filter(pledge=pledge):
        assert not any(
            value
            for key, value in submission.form_data.items()
            if key.startswith("evidence_")
        )


# --- S3 (moto's standalone server over real HTTP) -------------------------------------------


@pytest.fixture
def private_s3(s3_storage, settings):
    """Private storage as production configures it: the media bucket's private prefix."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "location": "private",
                "querystring_auth": True,
                "custom_domain": None,
                "default_acl": "private",
            },
        },
    }
    storages._storages.pop("private", None)
    yield storages["private"]
    storages._storages.pop("private", None)


def test_on_s3_evidence_is_stored_under_the_private_prefix_and_not_public(
    private_s3, s3_storage, client, users, with_evidence
):
    pledge, _live, _pending = with_evidence
    item = pledge.form_page.checklist_items()[3]
    name = stored("On S3.pdf")
    assert evidence.evidence_storage() is private_s3
    send_update(pledge, item, PracticeStatus.IN_PLACE, evidence_file=name)

    bucket = s3_storage.bucket_name
    s3 = boto3.client(
        "s3", endpoint_url=s3_storage.endpoint_url, region_name="us-east-1"
    )
    keys = [
        entry["Key"]
        for entry in s3.list_objects_v2(Bucket=bucket, Prefix="private/")["Contents"]
    ]
    assert f"private/{name}" in keys
    # Nothing of it outside the private prefix (public media lives there).
    assert not s3_storage.exists(name)

    # An unsigned request for the object, as anyone on the internet could make: refused.
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(  # noqa: S310 (loopback)
            f"{s3_storage.endpoint_url}/{bucket}/private/{name}", timeout=10
        )
    assert refused.value.code == 403

    # The reviewer gets it through the admin, streamed with the admin's headers.
    client.force_login(users["reviewer"])
    response = client.get(file_url(pledge, name))
    assert response.status_code == 200
    assert body(response) == PDF
    assert response["Content-Disposition"] == 'attachment; filename="On-S3.pdf"'

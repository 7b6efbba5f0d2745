"""Logo uploads: formats, limits, re-encoding, storage (local and S3)."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from pledge_forms import services
from pledge_forms.logos import process_logo
from pledge_forms.models import Pledge
from pledge_forms.testing.factories import pledge_data
from tests.pledge_forms.test_public_form import form_post

pytestmark = pytest.mark.django_db


def image_bytes(fmt="PNG", size=(64, 32), **save):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, fmt, **save)
    return buffer.getvalue()


def png_claiming(width, height):
    """A tiny PNG whose header claims ``width`` × ``height`` pixels."""
    data = bytearray(image_bytes(size=(1, 1)))
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr) & 0xFFFFFFFF)
    return bytes(data)


@pytest.mark.parametrize("fmt,ext", [("PNG", "png"), ("JPEG", "jpg"), ("WEBP", "webp")])
def test_png_jpeg_and_webp_logos_are_accepted_and_re_encoded(fmt, ext):
    original = (
        image_bytes(fmt, exif=Image.Exif()) if fmt == "JPEG" else image_bytes(fmt)
    )
    result = process_logo(SimpleUploadedFile(f"Our Logo!.{ext}", original))
    assert result.name.endswith(f".{ext}") and result.name.startswith("Our-Logo-")
    with Image.open(io.BytesIO(result.read())) as image:
        assert image.format == fmt and image.size == (64, 32)


def test_other_files_are_refused_with_a_clear_message():
    gif = image_bytes("GIF")
    with pytest.raises(ValidationError, match="PNG, JPEG or WebP"):
        process_logo(SimpleUploadedFile("logo.gif", gif))
    with pytest.raises(ValidationError, match="PNG, JPEG or WebP"):
        process_logo(SimpleUploadedFile("logo.png", b"<svg></svg>"))


def test_logos_over_two_megabytes_are_refused(settings):
    big = SimpleUploadedFile("logo.png", b"\x89PNG" + b"0" * (2 * 1024 * 1024))
    with pytest.raises(ValidationError, match="too large"):
        process_logo(big)


def test_a_small_file_claiming_a_huge_image_is_refused():
    bomb = png_claiming(10_000, 10_000)
    assert len(bomb) < 1000
    with pytest.raises(ValidationError, match="too many pixels"):
        process_logo(SimpleUploadedFile("logo.png", bomb))


def test_a_large_logo_is_scaled_down(settings):
    settings.PLEDGE_FORMS_LOGO_MAX_SIDE = 100
    result = process_logo(SimpleUploadedFile("logo.png", image_bytes(size=(400, 200))))
    with Image.open(io.BytesIO(result.read())) as image:
        assert image.size == (100, 50)


def test_a_logo_sent_with_the_form_is_stored_with_the_pledge(client, form_page):
    upload = SimpleUploadedFile("logo.png", image_bytes(), content_type="image/png")
    response = client.post("/pledge/", {**form_post(form_page), "logo": upload})
    assert response.status_code == 302
    pledge = Pledge.objects.get()
    assert pledge.logo.name.startswith("pledge-logos/")
    assert pledge.logo.storage.exists(pledge.logo.name)


def test_a_refused_logo_keeps_the_other_answers(client, form_page):
    upload = SimpleUploadedFile(
        "logo.gif", image_bytes("GIF"), content_type="image/gif"
    )
    response = client.post("/pledge/", {**form_post(form_page), "logo": upload})
    html = response.content.decode()
    assert 'href="#id_logo"' in html
    assert 'value="Riverside Falls Police Department"' in html
    assert Pledge.objects.count() == 0


def test_a_storage_failure_stores_the_pledge_and_keeps_the_logo_for_later(
    client, form_page, monkeypatch
):
    from django.core.files.storage import FileSystemStorage

    from pledge_forms import tasks
    from pledge_forms.models import PendingLogo, PledgeSubmission

    def broken_save(self, name, content, max_length=None):
        raise OSError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr(FileSystemStorage, "save", broken_save)
        upload = SimpleUploadedFile("logo.png", image_bytes(), content_type="image/png")
        response = client.post("/pledge/", {**form_post(form_page), "logo": upload})
    assert response.status_code == 302
    pledge = Pledge.objects.get()
    assert not pledge.logo
    assert PledgeSubmission.objects.get().pledge == pledge
    pending = PendingLogo.objects.get()
    assert pending.pledge == pledge and not pending.for_update

    # Storage works again: the worker's retry puts the logo on the pledge.
    PendingLogo.objects.update(next_attempt_at=None)
    assert tasks.store_logo(pending.pk) == tasks.Outcome.DONE
    pledge.refresh_from_db()
    assert pledge.logo.name.startswith("pledge-logos/")
    assert pledge.logo.storage.exists(pledge.logo.name)
    assert pledge.get_latest_revision_as_object().logo.name == pledge.logo.name
    assert not PendingLogo.objects.exists()


def test_logos_go_to_the_s3_bucket_in_production(form_page, s3_storage):
    logo = process_logo(SimpleUploadedFile("logo.webp", image_bytes("WEBP")))
    pledge = services.submit(
        form_page, pledge_data(form_page.checklist), logo=logo
    ).pledge
    assert s3_storage.exists(pledge.logo.name)
    assert pledge.logo.url.startswith(s3_storage.endpoint_url or "http")
    with s3_storage.open(pledge.logo.name) as stored, Image.open(stored) as image:
        assert image.format == "WEBP"


def test_an_update_link_replaces_the_logo_once_a_reviewer_publishes_it(
    client, form_page
):
    from pledge_forms.testing.factories import submitted_pledge

    pledge = submitted_pledge(form_page, "approved")
    token = services.make_update_token(pledge)
    client.get(f"/pledge/update/{token}/", follow=True)
    html = client.get("/pledge/update/step/location/").content.decode()
    assert 'enctype="multipart/form-data"' in html and 'name="logo"' in html
    upload = SimpleUploadedFile("new.png", image_bytes(), content_type="image/png")
    response = client.post(
        f"/pledge/update/{token}/", {**form_post(form_page), "logo": upload}
    )
    assert response.status_code == 200
    live = Pledge.objects.get()
    assert not live.logo  # the member page keeps what was approved
    draft = live.get_latest_revision_as_object()
    assert draft.logo.name.startswith("pledge-logos/") and "/new-" in draft.logo.name
    assert draft.logo.storage.exists(draft.logo.name)
    services.approve(live)
    assert Pledge.objects.get().logo.name == draft.logo.name

    # The same rules as the first upload; nothing is stored for a refused file.
    revisions = live.revisions.count()
    gif = SimpleUploadedFile("logo.gif", image_bytes("GIF"), content_type="image/gif")
    response = client.post(
        f"/pledge/update/{token}/", {**form_post(form_page), "logo": gif}
    )
    assert 'href="#id_logo"' in response.content.decode()
    assert live.revisions.count() == revisions


def test_an_update_whose_logo_cannot_be_stored_keeps_it_for_the_draft(
    client, form_page, monkeypatch
):
    from django.core.files.storage import FileSystemStorage

    from pledge_forms import tasks
    from pledge_forms.models import PendingLogo
    from pledge_forms.testing.factories import submitted_pledge

    pledge = submitted_pledge(form_page, "approved")
    revisions = pledge.revisions.count()
    token = services.make_update_token(pledge)

    def broken_save(self, name, content, max_length=None):
        raise OSError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr(FileSystemStorage, "save", broken_save)
        upload = SimpleUploadedFile("new.png", image_bytes(), content_type="image/png")
        response = client.post(
            f"/pledge/update/{token}/", {**form_post(form_page), "logo": upload}
        )
    assert response.status_code == 200
    assert Pledge.objects.get().revisions.count() == revisions + 1
    pending = PendingLogo.objects.get()
    assert pending.for_update

    PendingLogo.objects.update(next_attempt_at=None)
    assert tasks.store_logo(pending.pk) == tasks.Outcome.DONE
    live = Pledge.objects.get()
    assert not live.logo  # the member page keeps what was approved
    draft = live.get_latest_revision_as_object()
    assert "/new-" in draft.logo.name and draft.logo.storage.exists(draft.logo.name)


# --- Metadata: nothing but the pixels is stored ---

XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">XMP-SECRET</x:xmpmeta>'
SECRETS = (b"EXIF-SECRET", b"COMMENT-SECRET", b"XMP-SECRET", b"TEXT-SECRET")


def logo_with_metadata(fmt):
    """A logo carrying EXIF, an ICC profile and XMP, plus a JPEG comment or PNG texts."""
    from PIL import ImageCms, PngImagePlugin

    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    exif = Image.Exif()
    exif[0x010E] = "EXIF-SECRET"  # ImageDescription
    save = {"exif": exif, "icc_profile": icc}
    if fmt == "JPEG":
        save.update(comment=b"COMMENT-SECRET", xmp=XMP)
    elif fmt == "WEBP":
        save.update(xmp=XMP)
    else:
        texts = PngImagePlugin.PngInfo()
        texts.add_text("Author", "TEXT-SECRET")
        texts.add_text("Comment", "COMMENT-SECRET", zip=True)
        texts.add_itxt("XML:com.adobe.xmp", XMP.decode())
        save["pnginfo"] = texts
    return image_bytes(fmt, **save)


def jpeg_segments(data):
    """The markers of a JPEG's header segments (APPn, COM, …) up to the image data."""
    markers, position = [], 2
    while data[position] == 0xFF and data[position + 1] != 0xDA:
        marker = data[position + 1]
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        markers.append((marker, data[position + 4 : position + 4 + length - 2][:5]))
        position += 2 + length
    return markers


def png_chunks(data):
    chunks, position = [], 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        chunks.append(data[position + 4 : position + 8].decode())
        position += 12 + length
    return chunks


def webp_chunks(data):
    chunks, position = [], 12
    while position < len(data):
        chunks.append(data[position : position + 4].decode())
        (length,) = struct.unpack("<I", data[position + 4 : position + 8])
        position += 8 + length + (length & 1)
    return chunks


def metadata_in(fmt, data):
    """Every metadata container found in ``data`` (an empty list: pixels only)."""
    if fmt == "JPEG":
        found = [
            f"{marker:02X}:{head!r}"
            for marker, head in jpeg_segments(data)
            if marker == 0xFE or (0xE1 <= marker <= 0xEF)  # COM, APP1-APP15
        ]
    elif fmt == "PNG":
        found = [
            chunk
            for chunk in png_chunks(data)
            if chunk in {"tEXt", "zTXt", "iTXt", "iCCP", "eXIf", "sRGB", "tIME"}
        ]
    else:
        found = [c for c in webp_chunks(data) if c in {"EXIF", "ICCP", "XMP "}]
    return found + [secret.decode() for secret in SECRETS if secret in data]


@pytest.mark.parametrize("fmt,ext", [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")])
def test_a_stored_logo_keeps_no_metadata(client, form_page, fmt, ext):
    original = logo_with_metadata(fmt)
    assert len(metadata_in(fmt, original)) >= 3  # the upload does carry them
    upload = SimpleUploadedFile(f"logo.{ext}", original, content_type=f"image/{ext}")
    response = client.post("/pledge/", {**form_post(form_page), "logo": upload})
    assert response.status_code == 302
    with Pledge.objects.get().logo.open("rb") as stored:
        data = stored.read()
    assert metadata_in(fmt, data) == []
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == fmt and image.size == (64, 32)
        assert not {"exif", "icc_profile", "comment", "xmp"} & set(image.info)
        assert not image.getexif()

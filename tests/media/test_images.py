"""The image library: accessible by construction, guarded against hostile or huge uploads,
and served from S3 when a bucket is configured."""

import io
import random
import struct
import urllib.request
import zlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage

from media.models import CampaignDocument, CampaignImage

pytestmark = pytest.mark.django_db

SVG = (
    b'<?xml version="1.0"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<script>alert("x")</script><rect width="10" height="10"/></svg>'
)


def png_bytes(width=40, height=30, color=(200, 30, 60), noise=False) -> bytes:
    image = PILImage.new("RGB", (width, height), color)
    if noise:
        image = PILImage.frombytes(
            "RGB", (width, height), random.Random(width).randbytes(width * height * 3)
        )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def png_claiming_size(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` pixels (a decompression bomb)."""
    data = bytearray(png_bytes(1, 1))
    # The IHDR chunk follows the 8-byte signature: length(4) type(4) width(4) height(4) ...
    ihdr_start = 8 + 8
    data[ihdr_start : ihdr_start + 8] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[12 : ihdr_start + 13])) & 0xFFFFFFFF
    data[ihdr_start + 13 : ihdr_start + 17] = struct.pack(">I", crc)
    return bytes(data)


def upload_through_admin(client, filename, content, **fields):
    data = {
        "title": "Volunteers at the town hall",
        "description": "Six volunteers holding a banner outside the town hall",
        "file": SimpleUploadedFile(filename, content),
        **fields,
    }
    return client.post(reverse("wagtailimages:add"), data)


def form_errors(response) -> dict:
    assert response.status_code == 200, "the upload was accepted"
    return response.context["form"].errors


def test_an_image_with_alt_text_is_uploaded_with_its_credit(admin_client):
    response = upload_through_admin(
        admin_client, "volunteers.png", png_bytes(), credit="Photo: A. Martin"
    )
    assert response.status_code == 302
    image = CampaignImage.objects.get()
    assert image.description == "Six volunteers holding a banner outside the town hall"
    assert image.default_alt_text == image.description
    assert image.credit == "Photo: A. Martin"
    assert (image.width, image.height) == (40, 30)


def test_an_image_without_alt_text_is_refused_with_a_field_error(admin_client):
    response = upload_through_admin(
        admin_client, "volunteers.png", png_bytes(), description=""
    )
    assert "description" in form_errors(response)
    assert not CampaignImage.objects.exists()
    assert b"This field is required" in response.content


@pytest.mark.parametrize(
    "filename", ["logo.svg", "logo.png"], ids=["svg-file", "svg-renamed-png"]
)
def test_svg_images_are_refused(admin_client, filename):
    response = upload_through_admin(admin_client, filename, SVG)
    assert "file" in form_errors(response)
    assert not CampaignImage.objects.exists()


def test_an_image_claiming_too_many_pixels_is_refused(admin_client, settings):
    content = png_claiming_size(20_000, 20_000)
    assert len(content) < 1_000
    response = upload_through_admin(admin_client, "bomb.png", content)
    errors = form_errors(response)
    assert "too many pixels" in " ".join(errors["file"])
    assert not CampaignImage.objects.exists()


def test_too_large_an_image_file_is_refused(admin_client, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024
    content = png_bytes(200, 200, noise=True)
    assert len(content) > 10 * 1024
    response = upload_through_admin(admin_client, "big.png", content)
    assert "too big" in " ".join(form_errors(response)["file"])
    assert not CampaignImage.objects.exists()


def test_documents_use_the_campaign_document_model(admin_client):
    response = admin_client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Volunteer toolkit",
            "description": "What to bring to a stall",
            "file": SimpleUploadedFile("toolkit.txt", b"Bring leaflets."),
        },
    )
    assert response.status_code == 302
    document = CampaignDocument.objects.get()
    assert document.description == "What to bring to a stall"


# --- S3 (moto's standalone server over real HTTP) ------------------------------------------


def fetch(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback)
        return response.status, response.headers["Content-Type"], response.read()


def test_files_are_stored_and_read_back_on_s3_without_overwriting(s3_storage):
    first = s3_storage.save("notes/hello.txt", ContentFile(b"first"))
    second = s3_storage.save("notes/hello.txt", ContentFile(b"second"))
    assert first == "notes/hello.txt"
    assert second != first, "a second upload with the same name replaced the first"
    with s3_storage.open(first) as stored:
        assert stored.read() == b"first"
    with s3_storage.open(second) as stored:
        assert stored.read() == b"second"
    assert s3_storage.url(first).startswith(s3_storage.endpoint_url)


def test_an_image_rendition_is_rendered_and_served_from_s3(s3_storage):
    image = CampaignImage.objects.create(
        title="Banner",
        description="A red banner",
        file=ImageFile(io.BytesIO(png_bytes(400, 300)), name="banner.png"),
    )
    assert s3_storage.exists(image.file.name)

    rendition = image.get_rendition("fill-120x80")
    assert (rendition.width, rendition.height) == (120, 80)
    assert s3_storage.exists(rendition.file.name)

    status, content_type, body = fetch(rendition.url)
    assert status == 200
    assert content_type == "image/png"
    with PILImage.open(io.BytesIO(body)) as served:
        assert served.size == (120, 80)
    assert 'alt="A red banner"' in rendition.img_tag()

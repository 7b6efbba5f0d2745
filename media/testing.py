"""Image and document factories. Images are drawn with Pillow, documents are small PDFs made
with reportlab: nothing is downloaded, so tests and demo content work offline.
"""

import io
import textwrap

import factory
import wagtail_factories
from django.core.files.base import ContentFile
from django.utils.text import slugify
from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

PALETTE = ["#0b3d6b", "#1f6f78", "#b5500b", "#5b3a8c", "#2f6b2f", "#8c2f39"]


def draw_image(
    label: str, width: int = 1200, height: int = 675, colour_index: int = 0
) -> bytes:
    """A PNG with a coloured background and simple shapes: an illustration that any crop
    of a rendition keeps whole (``label``, its subject, is the image's title and alt text,
    never text in the picture that a crop would cut)."""
    colour = PALETTE[colour_index % len(PALETTE)]
    image = Image.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(image)
    for step in range(6):
        radius = (step + 1) * min(width, height) // 10
        draw.ellipse(
            [width - radius * 2, height - radius * 2, width + radius, height + radius],
            outline="#ffffff",
            width=4,
        )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def make_pdf(title: str, paragraphs: list[str] | None = None) -> bytes:
    """A one-page PDF with a title and some paragraphs."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(title)
    pdf.setFont("Helvetica-Bold", 18)
    y = A4[1] - 72
    pdf.drawString(72, y, title[:70])
    pdf.setFont("Helvetica", 11)
    y -= 36
    for paragraph in paragraphs or [f"{title}: a resource of the campaign."]:
        for line in textwrap.wrap(paragraph, 85):
            pdf.drawString(72, y, line)
            y -= 16
        y -= 10
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def root_collection():
    return Collection.get_first_root_node()


class ImageFactory(wagtail_factories.ImageFactory):
    class Meta:
        model = get_image_model()

    class Params:
        colour = 0

    collection = factory.LazyFunction(root_collection)
    title = factory.Sequence(lambda n: f"Campaign image {n}")
    description = factory.LazyAttribute(lambda o: f"Illustration: {o.title}")
    credit = "Campaign illustration"
    file = factory.LazyAttribute(
        lambda o: ContentFile(
            draw_image(o.title, colour_index=o.colour),
            name=f"{slugify(o.title) or 'image'}.png",
        )
    )


class DocumentFactory(wagtail_factories.DocumentFactory):
    class Meta:
        model = get_document_model()

    collection = factory.LazyFunction(root_collection)
    title = factory.Sequence(lambda n: f"Campaign document {n}")
    description = ""
    file = factory.LazyAttribute(
        lambda o: ContentFile(
            make_pdf(o.title, [o.description] if o.description else None),
            name=f"{slugify(o.title) or 'document'}.pdf",
        )
    )

"""The certificate of completion: a one-page PDF (ReportLab) with the agency's name, the
completion date and the address where anyone can verify it.

The text is set in the configured TrueType fonts (``PLEDGE_FORMS_FONT_FILES``), which the
PDF embeds (as subsets), so it prints and reads the same everywhere; the standard PDF fonts
would not be embedded. The document names its title, author, subject and language, and
asks viewers to show the title. A long name wraps at word boundaries and is set smaller
only when it must, measured with the same font's metrics; it is never cut.

Tagging (a structure tree for screen readers) is not done: the open-source ReportLab
5.1 writes no structure tree and no marked content, and its page object cannot carry the
``/StructParents`` entry a tagged page needs; only the catalog's ``StructTreeRoot`` and
``MarkInfo`` keys are reserved.
"""

from __future__ import annotations

import hashlib
import io

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from pledge_forms import conf
from pledge_forms.showcase import fonts
from pledge_forms.showcase.members import PublicMember

INK = HexColor("#163f66")
GREEN = HexColor("#1a6b37")
MARGIN = 80  # text stays this far from the page's edges (inside the inner frame)


def font_name(weight: str) -> str:
    """The ReportLab name of the configured font of ``weight``, registered once per file."""
    path = conf.font_files()[weight]
    name = "PledgeForms-" + hashlib.sha256(path.encode()).hexdigest()[:12]
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, path))
    return name


def measure(weight: str):
    """Width of a text at a size in the configured font, as the PDF will set it."""
    name = font_name(weight)
    return lambda text, size: pdfmetrics.stringWidth(text, name, size)


def fit(
    text: str,
    weight: str,
    size: float,
    width: float,
    *,
    min_size: float | None = None,
    floor: float = 6,
    lines: int = 1,
) -> fonts.Fitted:
    """``text`` in at most ``lines`` lines of ``width`` points: see ``fonts.fit_lines``.
    Characters the font lacks are set as their base letters."""
    text = fonts.font(weight).drawable(text)
    return fonts.fit_lines(
        text,
        measure(weight),
        width,
        size=size,
        min_size=size if min_size is None else min_size,
        floor=floor,
        lines=lines,
    )


def language() -> str:
    """The document's language: the request's (BCP 47, e.g. "en", "es", "fr-CA")."""
    language, _dash, region = (translation.get_language() or "en").partition("-")
    return f"{language}-{region.upper()}" if region else language


class _Writer:
    """Centred lines from the top of the page down."""

    def __init__(self, pdf: canvas.Canvas, width: float, top: float):
        self.pdf, self.width, self.y = pdf, width, top
        self.text_width = width - 2 * MARGIN

    def lines(self, fitted: fonts.Fitted, weight: str, leading: float = 1.2) -> None:
        self.pdf.setFont(font_name(weight), fitted.size)
        for index, line in enumerate(fitted.lines):
            if index:
                self.y -= fitted.size * leading
            self.pdf.drawCentredString(self.width / 2, self.y, line)

    def text(self, text: str, weight: str, size: float, **options) -> None:
        self.lines(fit(text, weight, size, self.text_width, **options), weight)

    def down(self, points: float) -> None:
        self.y -= points


def certificate_pdf(member: PublicMember, verify_url: str) -> bytes:
    """The PDF bytes of a completed member's certificate."""
    buffer = io.BytesIO()
    width, height = landscape(A4)
    site = conf.site_name() or _("Trust Building Campaign")
    pdf = canvas.Canvas(
        buffer,
        pagesize=(width, height),
        pageCompression=1,
        lang=language(),
        # Else the page starts in Helvetica, a standard font the PDF would not embed.
        initialFontName=font_name("regular"),
    )
    pdf.setTitle(_("Certificate of completion: %(name)s") % {"name": member.name})
    pdf.setAuthor(site)
    pdf.setSubject(
        _("%(name)s has completed the %(site)s. Verify at %(url)s")
        % {"name": member.name, "site": site, "url": verify_url}
    )
    pdf.setCreator(site)
    pdf.setViewerPreference("DisplayDocTitle", "true")

    pdf.setStrokeColor(INK)
    pdf.setLineWidth(6)
    pdf.rect(28, 28, width - 56, height - 56)
    pdf.setLineWidth(1.5)
    pdf.rect(40, 40, width - 80, height - 80)

    write = _Writer(pdf, width, height - 110)
    pdf.setFillColor(INK)
    write.text(site, "regular", 16, lines=2)
    write.down(50)
    write.text(_("Certificate of completion"), "bold", 34, min_size=20, lines=2)
    write.down(45)
    write.text(_("This certifies that"), "regular", 15, lines=2)
    write.down(45)
    pdf.setFillColor(GREEN)
    write.text(member.name, "bold", 30, min_size=22, floor=10, lines=2)
    pdf.setFillColor(INK)
    if member.location:
        write.down(25)
        write.text(member.location, "regular", 13, lines=2)
    write.down(40)
    write.text(
        _("has put in place all the policies and practices of the campaign"),
        "regular",
        15,
        lines=2,
    )
    if member.completed_on:
        write.down(25)
        write.text(
            _("Completed on %(date)s")
            % {"date": date_format(member.completed_on, "DATE_FORMAT")},
            "regular",
            15,
        )

    side = 90
    left, right = 70, width - 70 - side - 20
    pdf.setFont(font_name("regular"), 10)
    pdf.drawString(left, 85, _("Verify this certificate at:"))
    url = fit(verify_url, "bold", 10, right - left, floor=4)
    pdf.setFont(font_name("bold"), url.size)
    pdf.drawString(left, 70, url.lines[0])
    url_width = measure("bold")(url.lines[0], url.size)
    pdf.linkURL(verify_url, (left, 65, left + url_width, 80))

    qr = QrCodeWidget(verify_url)
    x0, y0, x1, y1 = qr.getBounds()
    drawing = Drawing(
        side, side, transform=[side / (x1 - x0), 0, 0, side / (y1 - y0), 0, 0]
    )
    drawing.initialFontName = font_name("regular")  # no Helvetica, even unused
    drawing.add(qr)
    renderPDF.draw(drawing, pdf, width - 70 - side, 58)

    pdf.showPage()
    pdf.save()
    return buffer.getvalue()

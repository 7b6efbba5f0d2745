"""The certificate of completion: a one-page PDF (ReportLab) with the agency's name, the
completion date and the address where anyone can verify it."""

from __future__ import annotations

import io

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from pledge_forms import conf
from pledge_forms.showcase.members import PublicMember

INK = HexColor("#163f66")
GREEN = HexColor("#1a6b37")


def _fit(text: str, font: str, size: float, width: float) -> float:
    """The largest font size up to ``size`` at which ``text`` fits in ``width``."""
    while size > 10 and stringWidth(text, font, size) > width:
        size -= 1
    return size


def certificate_pdf(member: PublicMember, verify_url: str) -> bytes:
    """The PDF bytes of a completed member's certificate."""
    buffer = io.BytesIO()
    width, height = landscape(A4)
    site = conf.site_name() or _("Trust Building Campaign")
    pdf = canvas.Canvas(buffer, pagesize=(width, height), pageCompression=1)
    pdf.setTitle(_("Certificate of completion: %(name)s") % {"name": member.name})
    pdf.setAuthor(site)
    pdf.setSubject(verify_url)

    pdf.setStrokeColor(INK)
    pdf.setLineWidth(6)
    pdf.rect(28, 28, width - 56, height - 56)
    pdf.setLineWidth(1.5)
    pdf.rect(40, 40, width - 80, height - 80)

    pdf.setFillColor(INK)
    pdf.setFont("Helvetica", 16)
    pdf.drawCentredString(width / 2, height - 110, site)
    pdf.setFont("Helvetica-Bold", 34)
    pdf.drawCentredString(width / 2, height - 160, _("Certificate of completion"))
    pdf.setFont("Helvetica", 15)
    pdf.drawCentredString(width / 2, height - 205, _("This certifies that"))

    size = _fit(member.name, "Helvetica-Bold", 30, width - 160)
    pdf.setFillColor(GREEN)
    pdf.setFont("Helvetica-Bold", size)
    pdf.drawCentredString(width / 2, height - 250, member.name)

    pdf.setFillColor(INK)
    if member.location:
        pdf.setFont("Helvetica", 13)
        pdf.drawCentredString(width / 2, height - 275, member.location)
    pdf.setFont("Helvetica", 15)
    pdf.drawCentredString(
        width / 2,
        height - 315,
        _("has put in place all the policies and practices of the campaign"),
    )
    if member.completed_on:
        pdf.drawCentredString(
            width / 2,
            height - 340,
            _("Completed on %(date)s")
            % {"date": date_format(member.completed_on, "DATE_FORMAT")},
        )

    pdf.setFont("Helvetica", 10)
    pdf.drawString(70, 85, _("Verify this certificate at:"))
    pdf.setFont("Helvetica-Bold", 10)
    pdf.drawString(70, 70, verify_url)
    pdf.linkURL(verify_url, (70, 65, 70 + stringWidth(verify_url, "Helvetica", 10), 80))

    qr = QrCodeWidget(verify_url)
    x0, y0, x1, y1 = qr.getBounds()
    side = 90
    drawing = Drawing(
        side, side, transform=[side / (x1 - x0), 0, 0, side / (y1 - y0), 0, 0]
    )
    drawing.add(qr)
    renderPDF.draw(drawing, pdf, width - 70 - side, 58)

    pdf.showPage()
    pdf.save()
    return buffer.getvalue()

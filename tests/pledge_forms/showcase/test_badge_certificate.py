"""The badge and the certificate never cut a name: measured with the metrics of a real
font file, drawn with that font, long names wrap; the certificate embeds its fonts and
names its title and language."""

import io
import re
from xml.etree import ElementTree

import pypdf
import pytest
from django.utils import timezone
from fontTools.ttLib import TTFont
from reportlab.pdfbase.pdfmetrics import stringWidth

from pledge_forms import conf
from pledge_forms.choices import Stage
from pledge_forms.showcase import badges, certificates, fonts
from pledge_forms.showcase.members import public_member
from tests.pledge_forms.showcase.showcase_helpers import published_member, showcase_page

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
LONG_NAMES = [
    "Redstone Valley Police Services Department of Public Safety",
    "Département de police de la Municipalité régionale de comté des Etchemins",
    "Cuerpo de Policía Municipal de San Cristóbal de La Laguna y Señoría",
    "Polizeipräsidium Südosthessen Überlandverkehr & Großstadtwache",
    'Badge & <Sons> "Quoted" Police Department of Truth and Reconciliation',
    "Supercalifragilisticexpialidociouspolicedepartmentofthecountyofsomewhere",
]


@pytest.fixture(autouse=True)
def packaged_fonts(settings):
    """The plugin's own default fonts, whatever the site running the tests chose."""
    settings.PLEDGE_FORMS_FONT_FILES = None


@pytest.fixture
def page(checklist):
    return showcase_page()


def member(name, **fields):
    return public_member(published_member(display_name=name, **fields))


def advance(font: TTFont, text: str, size: float) -> float:
    """Width of ``text`` from the font file itself: advance widths plus kerning."""
    cmap = font.getBestCmap()
    names = [cmap[ord(c)] for c in text]
    pairs = {}
    if "kern" in font:
        pairs = font["kern"].kernTables[0].kernTable
    units = sum(font["hmtx"][n][0] for n in names)
    units += sum(pairs.get(pair, 0) for pair in zip(names, names[1:], strict=False))
    return units * size / font["head"].unitsPerEm


def test_the_default_fonts_are_files_inside_an_installed_package():
    files = conf.font_files()
    assert files["regular"].endswith("reportlab/fonts/Vera.ttf")
    assert files["bold"].endswith("reportlab/fonts/VeraBd.ttf")


def test_measures_are_the_font_files_advances_with_kerning():
    bold = TTFont(conf.font_files()["bold"])
    measured = fonts.font("bold")
    for text in ("AVATAR Yonkers", "Redstone Valley", "Tôwn of Ñandú"):
        assert measured.width(text, 15) == pytest.approx(advance(bold, text, 15))
    # The kerning counts: "AV" is narrower than "A" and "V" apart.
    assert measured.width("AV", 100) < measured.width("A", 100) + measured.width(
        "V", 100
    )


@pytest.mark.parametrize("name", LONG_NAMES)
def test_a_long_name_wraps_to_two_lines_within_the_badge_and_is_never_cut(page, name):
    drawn = badges.layout(member(name))
    fitted = drawn["name"]

    assert 1 <= len(fitted.lines) <= 2
    assert "…" not in "".join(fitted.lines)
    # Every character of the name is on the badge, in order.
    assert "".join(fitted.lines).replace(" ", "") == name.replace(" ", "")
    bold = fonts.font("bold")
    for line in fitted.lines:
        assert bold.width(line, fitted.size) <= badges.TEXT_WIDTH
    for run in drawn["runs"]:
        assert run.x >= 0 and run.x + run.width <= badges.WIDTH - 4, run.text
        assert 0 < run.y < badges.HEIGHT
    if " " in name:
        assert not fitted.broken_word


def test_the_redstone_valley_name_keeps_a_readable_size_on_two_lines(page):
    fitted = badges.layout(member(LONG_NAMES[0]))["name"]
    assert fitted.lines == (
        "Redstone Valley Police Services",
        "Department of Public Safety",
    )
    assert fitted.size >= badges.NAME_MIN_SIZE


def test_a_short_name_stays_on_one_line_at_the_full_size(page):
    fitted = badges.layout(member("Yonkers PD"))["name"]
    assert fitted.lines == ("Yonkers PD",) and fitted.size == badges.NAME_SIZE


def test_only_a_word_too_long_for_two_lines_is_broken():
    bold = fonts.font("bold")
    fitted = fonts.fit_lines(
        "Supercalifragilisticexpialidociouspolicedepartmentofthecountyofsomewhere",
        bold.width,
        badges.TEXT_WIDTH,
        size=15,
        min_size=12,
        floor=8,
    )
    assert fitted.broken_word and len(fitted.lines) == 2 and fitted.size == 8
    words = fonts.fit_lines(
        "Two Words",
        bold.width,
        bold.width("Two", 15) + 1,
        size=15,
        min_size=12,
        floor=8,
    )
    assert words.lines == ("Two", "Words") and not words.broken_word


def test_the_badge_draws_the_measured_glyphs_and_escapes_the_name(client, page):
    name = 'Badge & <Sons> "Quoted" Police of Señor Müller'
    pledge = published_member(display_name=name)

    response = client.get(f"/members/{pledge.slug}/badge.svg")

    content = response.content.decode()
    root = ElementTree.fromstring(response.content)  # noqa: S314 (our own output)
    assert root.get("width") == str(badges.WIDTH)
    assert root.get("height") == str(badges.HEIGHT)
    assert root.find(f"{SVG}title").text.startswith(name + " has pledged")
    assert "<Sons>" not in content and "&lt;Sons&gt;" in content
    # No text for the viewer's fonts to draw: glyph outlines of the measured font.
    assert root.find(f".//{SVG}text") is None
    outlines = root.findall(f"{SVG}defs/{SVG}path")
    uses = root.findall(f".//{SVG}use")
    assert outlines and len(uses) >= len(name.replace(" ", ""))
    font = fonts.font("bold")
    drawn = {font.glyph_path(n) for n in font.glyph_names('ñü&<"')}
    assert drawn <= {path.get("d") for path in outlines}


def test_a_character_the_font_lacks_is_drawn_as_its_base_letter():
    font = fonts.font("bold")
    assert not font.has("ő")
    assert font.glyph_names("ő") == font.glyph_names("o")
    assert font.drawable("Győr") == "Gyor"


def test_a_site_font_setting_is_used_for_measures_and_the_pdf(settings, page):
    bold = conf.font_files()["bold"]
    settings.PLEDGE_FORMS_FONT_FILES = {"regular": bold}
    assert conf.font_files()["regular"] == bold
    assert fonts.font("regular").path == bold
    assert fonts.font("bold").path == bold


def test_the_embed_code_shows_the_public_address(client, page, settings):
    settings.PUBLIC_URL = "https://trust.example.org"
    pledge = published_member(display_name="Harbour & <Bay> PD")

    response = client.get(f"/members/{pledge.slug}/", HTTP_HOST="localhost")

    code = response.context["badge_code"]
    assert code.startswith(
        f'<a href="https://trust.example.org/members/{pledge.slug}/">'
    )
    assert f'src="https://trust.example.org/members/{pledge.slug}/badge.svg"' in code
    assert f'width="{badges.WIDTH}" height="{badges.HEIGHT}"' in code
    assert "Harbour &amp; &lt;Bay&gt; PD has pledged" in code
    html = response.content.decode()
    # Shown as code in the page (escaped once more), never as markup.
    assert "&lt;a href=&quot;https://trust.example.org/members/" in html
    assert "Harbour &amp;amp; &amp;lt;Bay&amp;gt; PD" in html


# --- Certificate ----------------------------------------------------------------------------


def certificate(client, name, **fields):
    pledge = published_member(
        display_name=name,
        stage=Stage.COMPLETED,
        completed_at=timezone.now(),
        **fields,
    )
    response = client.get(f"/members/{pledge.slug}/certificate.pdf")
    assert response.status_code == 200
    return pledge, response.content


def test_the_certificate_embeds_its_fonts_and_names_its_title_and_language(
    client, page
):
    pledge, content = certificate(client, "Wexleymoor Police Department")
    reader = pypdf.PdfReader(io.BytesIO(content))

    fonts_used = reader.pages[0]["/Resources"]["/Font"]
    assert fonts_used
    for ref in fonts_used.values():
        font = ref.get_object()
        if "/DescendantFonts" in font:
            font = font["/DescendantFonts"][0].get_object()
        assert "/FontFile2" in font["/FontDescriptor"], font["/BaseFont"]
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] in ("en", "en-US")
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"]
    assert reader.metadata.title == (
        "Certificate of completion: Wexleymoor Police Department"
    )
    assert reader.metadata.author
    assert "Wexleymoor Police Department" in reader.metadata.subject
    # None of the standard, never embedded, fonts.
    assert b"/Helvetica" not in content


def test_the_certificate_in_spanish_says_so(page):
    from django.utils import translation

    profile = member("Policía de Sevilla", stage=Stage.COMPLETED)
    with translation.override("es"):
        content = certificates.certificate_pdf(profile, "https://example.org/m/")
    catalog = pypdf.PdfReader(io.BytesIO(content)).trailer["/Root"]
    assert catalog["/Lang"] == "es"


@pytest.mark.parametrize("name", LONG_NAMES)
def test_a_long_name_on_the_certificate_wraps_within_the_margins(client, page, name):
    _pledge, content = certificate(client, name)
    page_pdf = pypdf.PdfReader(io.BytesIO(content)).pages[0]
    width = float(page_pdf.mediabox.width)
    runs = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
            runs.append((text.strip(), x, y, abs(tm[0] * font_size * cm[0])))

    page_pdf.extract_text(visitor_text=visit)
    text = "".join(run[0] for run in runs)
    assert re.sub(r"\s+", "", fonts.font("bold").drawable(name)) in re.sub(
        r"\s+", "", text
    )
    assert "…" not in text
    bold = certificates.font_name("bold")
    centred = [run for run in runs if run[2] > 100]  # above the verification lines
    name_lines = [run for run in centred if run[0] in name]
    assert 1 <= len(name_lines) <= 2
    assert all(run[3] >= 10 for run in name_lines)
    for line, x, _y, size in centred:
        assert x >= certificates.MARGIN - 0.5, (line, x)
        assert x + stringWidth(line, bold, size) <= width - certificates.MARGIN + 0.5


def test_gpos_kerning_of_a_design_system_font_is_applied():
    from pathlib import Path

    path = (
        Path(__file__).resolve().parents[3]
        / "node_modules/@uswds/uswds/dist/fonts/public-sans/PublicSans-Bold.ttf"
    )
    if not path.exists():
        pytest.skip("the design system's fonts are not installed (npm ci)")
    font = fonts.load(str(path))
    assert "kern" not in TTFont(str(path))  # its kerning is in GPOS only
    assert font.kerning("A", "V") < 0
    assert font.width("AV", 100) < font.width("A", 100) + font.width("V", 100)

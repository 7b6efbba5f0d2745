"""Build the campaign's brand artwork from its one drawn source, the mark.

``cms/static/img/brand/mark.svg`` (an arch on a navy tile) is drawn by hand. This script
derives everything else from it, so the whole set can be rebuilt after a change:

- the lockups, mark + "Trust Building Campaign", for light and for dark backgrounds, and
  the "We took the pledge" badge. Their words are set in Public Sans (SIL Open Font
  License 1.1, shipped in the design system's npm package) and converted to outlines with
  fontTools, so every copy looks the same on machines without the font;
- the social share image (1200 x 630) as SVG, in the same way;
- PNG renders of all of them, drawn by headless Chromium and optimised with Pillow;
- the favicons: ``favicon.svg`` is the mark, ``favicon.ico`` holds 16, 32 and 48 px renders.

Run from the project root::

    .venv/bin/python scripts/build_brand.py

It needs fontTools (requirements-dev.txt), Playwright and Debian's Chromium
(``CHROMIUM_PATH``, default /usr/bin/chromium). The site itself only reads the committed
files: nothing here runs at request time or when the demo content is loaded.
"""

from __future__ import annotations

import base64
import io
import os
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen
from fontTools.ttLib import TTFont
from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "cms" / "static"
BRAND = STATIC / "img" / "brand"
MARK = BRAND / "mark.svg"
FONTS = ROOT / "node_modules" / "@uswds" / "uswds" / "dist" / "fonts" / "public-sans"
SVG_NS = "http://www.w3.org/2000/svg"

# The design system's theme colours (USWDS 3.14 defaults); the usage guide lists them too.
NAVY = "#162e51"  # primary-darker (blue-warm-80v)
BLUE = "#005ea2"  # primary (blue-60v)
GOLD = "#ffbe2e"  # warning (gold-20v): the keystone
PALE = "#d9e8f6"  # primary-lighter (blue-10)
WHITE = "#ffffff"

NAME = "Trust Building Campaign"
PNG_SIZES = (256, 512, 1024)  # the long side of each render in the logo pack
FAVICON_SIZES = (16, 32, 48)
SHARE_SIZE = (1200, 630)
CARD_SIZE = (1080, 1080)  # a square post image, the size social networks show in full
FOCUS_AREAS = [
    "Bias-Free Policing",
    "Use of Force",
    "Leadership and Culture",
    "Recruitment, Hiring, and Retention",
    "Victim Services",
    "Community Relations",
]
BADGE_SIZE = (260, 64)  # the member badge's size, so both sit alike on a web page
BADGE_SCALE = 4


def _number(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in {"", "-0"} else text


class Face:
    """One Public Sans weight: glyph outlines, advances and pair kerning."""

    def __init__(self, weight: str):
        self.font = TTFont(FONTS / f"PublicSans-{weight}.ttf")
        self.glyphs = self.font.getGlyphSet()
        self.cmap = self.font.getBestCmap()
        self.units = self.font["head"].unitsPerEm
        self.cap_height = self.font["OS/2"].sCapHeight / self.units
        self._pairs = [
            subtable
            for lookup in self._kern_lookups()
            for subtable in self._unwrap(lookup.SubTable)
        ]

    def _kern_lookups(self):
        gpos = self.font["GPOS"].table
        indices = sorted(
            {
                index
                for record in gpos.FeatureList.FeatureRecord
                if record.FeatureTag == "kern"
                for index in record.Feature.LookupListIndex
            }
        )
        return [gpos.LookupList.Lookup[index] for index in indices]

    @staticmethod
    def _unwrap(subtables):
        for subtable in subtables:
            if subtable.LookupType == 9:  # extension lookups wrap the real subtable
                subtable = subtable.ExtSubTable
            if subtable.LookupType == 2:
                yield subtable

    def kerning(self, first: str, second: str) -> int:
        """The pair adjustment in font units, as a shaping engine would apply it."""
        for subtable in self._pairs:
            coverage = subtable.Coverage.glyphs
            if first not in coverage:
                continue
            if subtable.Format == 1:
                pair_set = subtable.PairSet[coverage.index(first)]
                for record in pair_set.PairValueRecord:
                    if record.SecondGlyph == second:
                        return getattr(record.Value1, "XAdvance", 0) or 0
            else:
                class1 = subtable.ClassDef1.classDefs.get(first, 0)
                class2 = subtable.ClassDef2.classDefs.get(second, 0)
                record = subtable.Class1Record[class1].Class2Record[class2]
                value = getattr(record.Value1, "XAdvance", 0) or 0
                if value:
                    return value
        return 0

    def width(self, text: str, size: float) -> float:
        return self.outline(text, size, 0, 0)[1]

    def outline(
        self, text: str, size: float, x: float, baseline: float
    ) -> tuple[str, float]:
        """Path data of ``text`` set at ``size`` from (x, baseline), and its width."""
        scale = size / self.units
        pen = SVGPathPen(self.glyphs, ntos=_number)
        cursor = 0.0
        previous = None
        for char in text:
            name = self.cmap[ord(char)]
            if previous is not None:
                cursor += self.kerning(previous, name)
            glyph = self.glyphs[name]
            transform = (scale, 0, 0, -scale, x + cursor * scale, baseline)
            glyph.draw(TransformPen(pen, transform))
            cursor += glyph.width
            previous = name
        return pen.getCommands(), cursor * scale


@dataclass
class Mark:
    """The drawn mark's parts, read from mark.svg: tile, white stones, gold keystone."""

    tile: dict
    stones: str
    keystone: str

    @classmethod
    def read(cls) -> Mark:
        root = ET.parse(MARK).getroot()  # noqa: S314 (our own file)
        tile = root.find(f"{{{SVG_NS}}}rect").attrib
        paths = {p.get("fill"): p.get("d") for p in root.iter(f"{{{SVG_NS}}}path")}
        return cls(dict(tile), paths[WHITE], paths[GOLD])

    def group(
        self, x: float, y: float, size: float, stones: str = WHITE, tile=True
    ) -> str:
        """The mark drawn ``size`` units high at (x, y); without its tile on dark ground."""
        parts = []
        if tile:
            attrs = " ".join(f'{k}="{v}"' for k, v in self.tile.items())
            parts.append(f"<rect {attrs}/>")
        parts.append(f'<path fill="{stones}" d="{self.stones}"/>')
        parts.append(f'<path fill="{GOLD}" d="{self.keystone}"/>')
        scale = _number(size / 64)
        return (
            f'<g transform="translate({_number(x)} {_number(y)}) scale({scale})">'
            + "".join(parts)
            + "</g>"
        )


def svg_document(name: str, width: float, height: float, title: str, body: str) -> str:
    """A standalone SVG file: viewBox, size, an accessible name, no script or link."""
    w, h = _number(width), _number(height)
    return (
        f'<svg xmlns="{SVG_NS}" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        f'role="img" aria-labelledby="{name}-title">\n'
        f'  <title id="{name}-title">{title}</title>\n  {body}\n</svg>\n'
    )


def lockup(mark: Mark, bold: Face, reversed_: bool = False) -> tuple[str, float]:
    """The mark with the wordmark on one line, 64 units high (a 32 px header halves it)."""
    size = 31
    gap = 14
    baseline = 32 + size * bold.cap_height / 2
    text, width = bold.outline(NAME, size, 64 + gap, baseline)
    colour = WHITE if reversed_ else NAVY
    body = mark.group(0, 0, 64) + f'\n  <path fill="{colour}" d="{text}"/>'
    total = 64 + gap + width
    return body, total


def badge(mark: Mark, bold: Face, regular: Face) -> str:
    """The campaign-level pledge badge: the same size and colours as a member's badge,
    without an agency name (a member's own badge, which links to its page, is on its
    member page)."""
    width, height = BADGE_SIZE
    x = 64
    line1, w1 = bold.outline("We took the pledge", 19, x, 31)
    line2, w2 = regular.outline(NAME, 12.5, x, 49)
    if max(w1, w2) > width - x - 10:
        raise ValueError("the badge text is too long for the badge")
    body = "\n  ".join(
        [
            f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" rx="6" '
            f'fill="{NAVY}" stroke="{WHITE}"/>',
            mark.group(8, 8, 48, tile=False),
            f'<path fill="{WHITE}" d="{line1}"/>',
            f'<path fill="{PALE}" d="{line2}"/>',
        ]
    )
    return svg_document("tbc-badge", width, height, f"We took the pledge: {NAME}", body)


def share_image(mark: Mark, bold: Face, regular: Face) -> str:
    """The card shown when a page of the site is shared: name, message, key figures."""
    width, height = SHARE_SIZE
    left = 80
    column = 660
    parts = [f'<rect width="{width}" height="{height}" fill="{NAVY}"/>']
    # The arch, large, on the right, standing on a blue band (the ground).
    ground = height - 56
    arch = 400  # the mark's size; its piers end at 54 of its 64 units
    parts.append(f'<rect y="{ground}" width="{width}" height="56" fill="{BLUE}"/>')
    parts.append(
        mark.group(
            width - 80 - arch * 56 / 64, ground - arch * 54 / 64, arch, tile=False
        )
    )
    lines = [
        (bold, "Trust Building", 80, 188, WHITE),
        (bold, "Campaign", 80, 280, WHITE),
        (regular, "Police agencies and their communities,", 34, 372, PALE),
        (regular, "building trust together.", 34, 418, PALE),
        (bold, "25 practices · 6 focus areas · 36 months", 30, 500, GOLD),
    ]
    for face, text, size, baseline, colour in lines:
        d, w = face.outline(text, size, left, baseline)
        if w > column:
            raise ValueError(f"{text!r} is {w:.0f} wide, more than {column}")
        parts.append(f'<path fill="{colour}" d="{d}"/>')
    return svg_document(
        "tbc-share",
        width,
        height,
        f"{NAME}: police agencies and their communities, building trust together. "
        "25 practices, 6 focus areas, 36 months.",
        "\n  ".join(parts),
    )


def focus_areas_card(mark: Mark, bold: Face, regular: Face) -> str:
    """A square post image naming the six focus areas."""
    width, height = CARD_SIZE
    left = 90
    parts = [
        f'<rect width="{width}" height="{height}" fill="{NAVY}"/>',
        f'<rect y="{height - 110}" width="{width}" height="110" fill="{BLUE}"/>',
        mark.group(left - 10, 70, 150, tile=False),
    ]
    lines = [
        (bold, "Six focus areas", 84, left, 330, WHITE),
        (regular, f"of the {NAME}", 42, left, 398, PALE),
    ]
    for number, area in enumerate(FOCUS_AREAS, start=1):
        baseline = 500 + (number - 1) * 76
        lines.append((bold, str(number), 44, left, baseline, GOLD))
        lines.append((regular, area, 44, left + 64, baseline, WHITE))
    lines.append(
        (bold, "25 practices · 36 months", 40, left, height - 40, WHITE),
    )
    for face, text, size, x, baseline, colour in lines:
        d, w = face.outline(text, size, x, baseline)
        if x + w > width - left:
            raise ValueError(f"{text!r} runs past the card's margin")
        parts.append(f'<path fill="{colour}" d="{d}"/>')
    areas = "; ".join(area.lower().replace(", and", " and") for area in FOCUS_AREAS)
    return svg_document(
        "tbc-focus-areas",
        width,
        height,
        f"The six focus areas of the {NAME}: {areas}. 25 practices, 36 months.",
        "\n  ".join(parts),
    )


class Renderer:
    """Headless Chromium drawing an SVG at an exact pixel size."""

    ARGS = [
        "--no-sandbox",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ]

    def __enter__(self):
        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            args=self.ARGS,
        )
        self._page = self._browser.new_page()
        return self

    def __exit__(self, *exc):
        self._browser.close()
        self._playwright.stop()

    def png(self, svg: str, width: int, height: int, opaque=False) -> Image.Image:
        source = base64.b64encode(svg.encode()).decode()
        self._page.set_viewport_size({"width": width, "height": height})
        self._page.set_content(
            "<style>html,body{margin:0;background:transparent}img{display:block}"
            f'</style><img src="data:image/svg+xml;base64,{source}" '
            f'width="{width}" height="{height}" alt="">'
        )
        self._page.wait_for_function("document.images[0].complete")
        shot = self._page.screenshot(omit_background=not opaque)
        image = Image.open(io.BytesIO(shot))
        image.load()
        return image.convert("RGB" if opaque else "RGBA")


def save_png(image: Image.Image, path: Path) -> None:
    image.save(path, format="PNG", optimize=True)
    print(
        f"{path.relative_to(ROOT)}  {image.width}x{image.height}  {path.stat().st_size:,} B"
    )


def save_text(text: str, path: Path) -> None:
    path.write_text(text, encoding="utf-8")
    print(f"{path.relative_to(ROOT)}  {path.stat().st_size:,} B")


def main() -> int:
    mark = Mark.read()
    bold, regular = Face("Bold"), Face("Regular")
    mark_svg = MARK.read_text(encoding="utf-8")

    lockups = {}
    for suffix, reversed_ in (("", False), ("-reversed", True)):
        body, width = lockup(mark, bold, reversed_)
        title = NAME if not reversed_ else f"{NAME} (for dark backgrounds)"
        lockups[f"lockup{suffix}"] = (
            svg_document(f"tbc-lockup{suffix}", width, 64, title, body),
            width,
        )
    badge_svg = badge(mark, bold, regular)
    share_svg = share_image(mark, bold, regular)
    card_svg = focus_areas_card(mark, bold, regular)

    for name, (svg, _width) in lockups.items():
        save_text(svg, BRAND / f"{name}.svg")
    save_text(badge_svg, BRAND / "badge-pledged.svg")
    save_text(share_svg, BRAND / "social-share.svg")
    save_text(card_svg, BRAND / "focus-areas-card.svg")
    save_text(mark_svg, STATIC / "favicon.svg")

    with Renderer() as renderer:
        for size in PNG_SIZES:
            save_png(renderer.png(mark_svg, size, size), BRAND / f"mark-{size}.png")
            for name, (svg, width) in lockups.items():
                height = round(size * 64 / width)
                save_png(renderer.png(svg, size, height), BRAND / f"{name}-{size}.png")
        width, height = BADGE_SIZE
        save_png(
            renderer.png(badge_svg, width * BADGE_SCALE, height * BADGE_SCALE),
            BRAND / "badge-pledged.png",
        )
        share = renderer.png(share_svg, *SHARE_SIZE, opaque=True)
        save_png(share, BRAND / "social-share.png")
        card = renderer.png(card_svg, *CARD_SIZE, opaque=True)
        save_png(card, BRAND / "focus-areas-card.png")
        icons = [renderer.png(mark_svg, s, s) for s in FAVICON_SIZES]
    icons[-1].save(
        STATIC / "favicon.ico",
        format="ICO",
        sizes=[(s, s) for s in FAVICON_SIZES],
        append_images=icons[:-1],
    )
    print(f"cms/static/favicon.ico  {(STATIC / 'favicon.ico').stat().st_size:,} B")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The embeddable badge: an SVG that names the member and links back to its page, so anyone
who sees the badge can check it against the showcase.

Its words are measured with the metrics of the configured font (:mod:`.fonts`) and drawn
as that font's glyph outlines, so the badge looks the same wherever it is shown, whatever
fonts the viewer has, and never cuts a name: a long name wraps to two lines at word
boundaries, and only when two lines cannot hold it is it set smaller. The text stays
available to assistive technology through the SVG's title.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext as _

from pledge_forms import conf
from pledge_forms.showcase import fonts
from pledge_forms.showcase.members import PublicMember

WIDTH = 320
HEIGHT = 88
TEXT_LEFT = 62
TEXT_RIGHT = WIDTH - 10
TEXT_WIDTH = TEXT_RIGHT - TEXT_LEFT
NAME_SIZE, NAME_MIN_SIZE, NAME_FLOOR = 15.0, 12.0, 8.0
SMALL_SIZE, SMALL_FLOOR = 11.0, 7.0
# The name's two lines sit between the caption and the verification line.
CAPTION_BASELINE, NAME_TOP, NAME_BOTTOM, FOOTER_BASELINE = 19, 26, 66, 80


def badge_text(member: PublicMember) -> str:
    """What the badge says, also its accessible name."""
    # "the %(site)s": with no site name, "the campaign".
    site = conf.site_name() or _("campaign")
    if member.is_completed:
        return _("%(name)s has completed the %(site)s") % {
            "name": member.name,
            "site": site,
        }
    return _("%(name)s has pledged to the %(site)s") % {
        "name": member.name,
        "site": site,
    }


def _number(value: float) -> str:
    """A coordinate as SVG writes it, whatever the language of the request."""
    return f"{value:.5f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class GlyphRun:
    """One line of text as glyphs: placed at (x, baseline), scaled from font units."""

    x: float
    y: float
    scale: float
    glyphs: tuple[tuple[str, str], ...]  # (glyph id in the defs, pen x in font units)
    width: float  # in badge pixels
    size: float
    text: str

    @property
    def transform(self) -> str:
        x, y, scale = _number(self.x), _number(self.y), _number(self.scale)
        return f"translate({x} {y}) scale({scale} -{scale})"


class _Glyphs:
    """The glyph outlines a badge uses, each defined once and reused."""

    def __init__(self):
        self.ids: dict[tuple[str, str], str] = {}
        self.paths: list[tuple[str, str]] = []

    def run(self, text: str, weight: str, size: float, x: float, y: float) -> GlyphRun:
        font = fonts.font(weight)
        placed, advance = font.layout(text)
        glyphs = []
        for name, pen_x in placed:
            key = (weight, name)
            if key not in self.ids:
                path = font.glyph_path(name)
                if not path:  # a space: nothing to draw
                    self.ids[key] = ""
                else:
                    self.ids[key] = f"g{len(self.paths)}"
                    self.paths.append((self.ids[key], path))
            if self.ids[key]:
                glyphs.append((self.ids[key], str(pen_x)))
        scale = size / font.units_per_em
        return GlyphRun(
            round(x, 2),
            round(y, 2),
            scale,
            tuple(glyphs),
            advance * scale,
            size,
            text,
        )


def _fit_small(text: str, weight: str = "regular") -> float:
    """The size at which a one-line text of the badge fits its width (never cut)."""
    return fonts.fit_lines(
        text,
        fonts.font(weight).width,
        TEXT_WIDTH,
        size=SMALL_SIZE,
        min_size=SMALL_SIZE,
        floor=SMALL_FLOOR,
        lines=1,
    )


def layout(member: PublicMember) -> dict:
    """Everything the badge draws: its lines of glyphs and the outlines they use."""
    glyphs = _Glyphs()
    stage = _("Completed") if member.is_completed else _("Pledged")
    site = conf.site_name()
    caption_text = f"{stage} · {site}" if site else stage
    runs = []

    caption = _fit_small(caption_text)
    runs += [
        glyphs.run(line, "regular", caption.size, TEXT_LEFT, CAPTION_BASELINE)
        for line in caption.lines[:1]
    ]
    bold = fonts.font("bold")
    name = fonts.fit_lines(
        member.name,
        bold.width,
        TEXT_WIDTH,
        size=NAME_SIZE,
        min_size=NAME_MIN_SIZE,
        floor=NAME_FLOOR,
        lines=2,
    )
    line_height = name.size * 1.2
    block = line_height * (len(name.lines) - 1) + name.size * bold.ascent
    top = NAME_TOP + (NAME_BOTTOM - NAME_TOP - block) / 2 + name.size * bold.ascent
    for index, line in enumerate(name.lines):
        runs.append(
            glyphs.run(line, "bold", name.size, TEXT_LEFT, top + index * line_height)
        )
    footer = _fit_small(_("Verify this badge on our member page"))
    runs += [
        glyphs.run(line, "regular", footer.size, TEXT_LEFT, FOOTER_BASELINE)
        for line in footer.lines[:1]
    ]
    return {"runs": runs, "paths": glyphs.paths, "name": name}


def badge_svg(member: PublicMember, member_url: str) -> str:
    """The SVG document (pledged or completed variant); text is escaped by the template."""
    drawn = layout(member)
    return render_to_string(
        "pledge_forms/showcase/badge.svg",
        {
            "member": member,
            "member_url": member_url,
            "title": badge_text(member),
            "runs": drawn["runs"],
            "paths": drawn["paths"],
            # The words drawn, in reading order (the outlines are hidden from
            # assistive technology; the title names the badge).
            "wording": " / ".join(run.text for run in drawn["runs"]),
            "width": WIDTH,
            "height": HEIGHT,
            "icon_offset": HEIGHT // 2 - 32,
        },
    )


def embed_code(member: PublicMember, member_url: str, badge_url: str) -> str:
    """HTML an agency pastes into its website: the badge image inside a link to its page.

    Plain text (not marked safe), so a template shows the code instead of rendering it."""
    return "".join(
        format_html(
            '<a href="{}"><img src="{}" alt="{}" width="{}" height="{}"></a>',
            member_url,
            badge_url,
            badge_text(member),
            WIDTH,
            HEIGHT,
        )
    )

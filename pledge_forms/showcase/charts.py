"""Charts drawn on the server: no script, no external chart service.

No label shrinks with the screen. Bar charts are HTML (labels at the page's text size,
wrapping at word boundaries; each bar an SVG rectangle sized in percent). Column charts
over time are SVGs without a viewBox: text in CSS pixels, columns at percentages of the
width, and the quarters named are thinned out by the chart's width (:func:`plan_ticks`,
container queries in the stylesheet), so labels never collide.

Each chart is decorative for assistive technology (``aria-hidden``); the templates put a data
table with the same figures beside it. The map is the exception: its areas are links (on a
screen too narrow for its labels the stylesheet leaves the map out, and its tables remain).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pledge_forms.showcase import fonts
from pledge_forms.showcase.history import ProgressPoint
from pledge_forms.showcase.statistics import Area, MapData, Period, Share

COLOURS = {
    "in_place": "#1a6b37",
    "in_progress": "#2f6ea8",
    "planned": "#b5bdc5",
    "members": "#2f6ea8",
    "completed": "#1a6b37",
}
TEXT = "#1a1a1a"

# Text in the column charts is set in CSS pixels (the SVGs have no viewBox, so nothing
# scales it); positions along the time axis are percentages of the chart's width.
FONT_SIZE = 12
# Widths (CSS px) of a chart from which more quarters are named; the stylesheet shows the
# labels of breakpoint k from the k-th width up (``.pf-tick--k``, container queries).
# The first is the narrowest chart planned for (a 320-pixel phone, zoomed in a little).
BREAKPOINTS = (200, 360, 480, 640, 800, 960, 1200)
LABEL_GAP = 8  # px between two labels
# Labels are measured with Bitstream Vera's metrics (the widest of the common sans-serif
# fonts: DejaVu Sans, its descendant, has the same widths), with a margin for others.
WIDTH_MARGIN = 1.1


def _concat(parts: Sequence[SafeString]) -> SafeString:
    """Join markup that is already safe (every piece was built with ``format_html``)."""
    return format_html_join("", "{}", ((part,) for part in parts))


def _percent(fraction: float) -> str:
    return f"{100 * fraction:.3f}".rstrip("0").rstrip(".") + "%"


def text_width(text, font_size: float) -> float:
    """Width a label takes at ``font_size`` CSS pixels, generously."""
    return _width(fonts.font("regular"), str(text), font_size)


@functools.lru_cache(maxsize=1024)
def _width(font: fonts.Font, text: str, font_size: float) -> float:
    return font.width(text, font_size) * WIDTH_MARGIN


# --- Horizontal bars, laid out in HTML ----------------------------------------------------
#
# The labels are HTML text at the page's own size: they wrap at word boundaries and never
# shrink with the screen; each bar is an SVG whose rectangle is a percentage of its width.


def _bar_svg(segments: SafeString, height: int, css_class: str) -> SafeString:
    return format_html(
        '<svg class="{}" width="100%" height="{}" focusable="false" '
        'aria-hidden="true">{}</svg>',
        css_class,
        height,
        segments,
    )


def bars(items: Sequence[tuple[str, int]], colour: str = COLOURS["members"]) -> str:
    """Horizontal bars for a few counts (e.g. members by stage): label, bar, number."""
    top = max((value for _label, value in items), default=0) or 1
    rows = [
        format_html(
            '<span class="pf-bars__label">{}</span>{}'
            '<span class="pf-bars__value">{}</span>',
            label,
            _bar_svg(
                format_html(
                    '<rect width="{}" height="22" fill="{}"></rect>',
                    _percent(value / top),
                    colour,
                ),
                22,
                "pf-bars__bar",
            ),
            value,
        )
        for label, value in items
    ]
    return format_html(
        '<div class="pf-chart pf-bars" aria-hidden="true">{}</div>', _concat(rows)
    )


def stacked_shares(shares: Sequence[Share]) -> str:
    """One bar per practice or focus area: % in place, in progress, planned, under its
    name; the share in place is written after the bar."""
    rows = []
    for share in shares:
        x = 0.0
        segments = []
        for key, percent in (
            ("in_place", share.in_place_percent),
            ("in_progress", share.in_progress_percent),
            ("planned", share.planned_percent),
        ):
            if percent > 0:
                segments.append(
                    format_html(
                        '<rect x="{}" width="{}" height="16" fill="{}"></rect>',
                        _percent(x / 100),
                        _percent(percent / 100),
                        COLOURS[key],
                    )
                )
            x += percent
        rows.append(
            format_html(
                '<span class="pf-bars__label">{}</span>{}'
                '<span class="pf-bars__value">{}</span>',
                share.label,
                _bar_svg(_concat(segments), 16, "pf-bars__bar pf-bars__track"),
                f"{share.in_place_percent:g}%",
            )
        )
    return format_html(
        '<div class="pf-chart pf-bars pf-bars--stacked" aria-hidden="true">{}</div>',
        _concat(rows),
    )


# --- Columns over time --------------------------------------------------------------------


@dataclass(frozen=True)
class Tick:
    """A label under column ``index``: its anchor and the first breakpoint showing it."""

    index: int
    anchor: str  # "start", "middle" or "end"
    breakpoint: int


COLUMN_LEFT, COLUMN_WIDTH = 0.15, 0.7  # of each column's slot


def _extent(index: int, count: int, width: float, anchor: str, chart: float):
    """(left, right) in px of a label of ``width`` under column ``index`` of ``count``,
    in a chart ``chart`` px wide."""
    slot = chart / count
    if anchor == "start":
        left = (index + COLUMN_LEFT) * slot
        return left, left + width
    if anchor == "end":
        right = (index + COLUMN_LEFT + COLUMN_WIDTH) * slot
        return right - width, right
    centre = (index + 0.5) * slot
    return centre - width / 2, centre + width / 2


def _anchor(index: int, count: int, width: float, chart: float) -> str:
    """Centred under its column unless that would cross an edge of the chart."""
    left, right = _extent(index, count, width, "middle", chart)
    if left < 0:
        return "start"
    if right > chart:
        return "end"
    return "middle"


def _fits(ticks: dict[int, str], widths: Sequence[float], chart: float) -> bool:
    count = len(widths)
    previous = None
    for index in sorted(ticks):
        left, right = _extent(index, count, widths[index], ticks[index], chart)
        if left < -0.01 or right > chart + 0.01:
            return False
        if previous is not None and left < previous + LABEL_GAP:
            return False
        previous = right
    return True


def plan_ticks(labels: Sequence[str], font_size: float = FONT_SIZE) -> list[Tick]:
    """Which quarters are named at which chart widths, so that labels never touch nor
    leave the chart at any width: at each breakpoint every ``step``-th quarter counting
    back from the last (which is always named), ``step`` a power of two, the smallest
    that fits at the breakpoint's width. A wider chart names a superset, and a label
    keeps the anchor it got at the narrowest width showing it (the gaps only grow
    with the width)."""
    count = len(labels)
    if not count:
        return []
    widths = [text_width(label, font_size) for label in labels]
    steps = [1]
    while steps[-1] < count:
        steps.append(steps[-1] * 2)
    assigned: dict[int, Tick] = {}
    largest = steps[-1]
    for number, chart in enumerate(BREAKPOINTS):
        for step in (s for s in steps if s <= largest):
            chosen = range(count - 1, -1, -step)
            ticks = {
                i: assigned[i].anchor
                if i in assigned
                else _anchor(i, count, widths[i], chart)
                for i in chosen
            }
            if _fits(ticks, widths, chart) or step == largest:
                break
        largest = step
        for index, anchor in ticks.items():
            if index not in assigned:
                assigned[index] = Tick(index, anchor, number)
        if step == 1:
            break
    return sorted(assigned.values(), key=lambda tick: tick.index)


def _columns(
    labels: Sequence[str],
    stacks: Sequence[Sequence[tuple[float, str]]],
    top: int,
    height: int,
) -> str:
    """Columns at percentages of the chart's width, each a stack of (value, colour) from
    the axis up, on a scale from 0 to ``top`` (written above the chart's top line); the
    quarters named by :func:`plan_ticks` under them.

    The markup is made of these values alone: each chart is drawn once per process (a
    member page draws one per focus area, several hundred elements in all)."""
    return _drawn_columns(
        tuple(str(label) for label in labels),
        tuple(tuple(stack) for stack in stacks),
        top,
        height,
    )


@functools.lru_cache(maxsize=1024)
def _drawn_columns(
    labels: tuple[str, ...],
    stacks: tuple[tuple[tuple[float, str], ...], ...],
    top: int,
    height: int,
) -> str:
    base = height - 24
    plot_top = 22
    scale = (base - plot_top) / (top or 1)
    count = len(labels)
    parts = [
        format_html(
            '<text x="0" y="14" fill="{}" font-size="{}">{}</text>'
            '<line x1="0" y1="{}" x2="100%" y2="{}" stroke="#b5bdc5" '
            'stroke-dasharray="4 3"></line>',
            TEXT,
            FONT_SIZE,
            top,
            plot_top,
            plot_top,
        )
    ]
    for index, stack in enumerate(stacks):
        x = _percent((index + COLUMN_LEFT) / count)
        width = _percent(COLUMN_WIDTH / count)
        y = float(base)
        for value, colour in stack:
            h = scale * value
            if h > 0:
                parts.append(
                    format_html(
                        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>',
                        x,
                        round(y - h, 1),
                        width,
                        round(h, 1),
                        colour,
                    )
                )
            y -= h
    parts.append(
        format_html(
            '<line x1="0" y1="{}" x2="100%" y2="{}" stroke="#6b7580"></line>',
            base,
            base,
        )
    )
    for tick in plan_ticks(labels):
        position = {
            "start": tick.index + COLUMN_LEFT,
            "middle": tick.index + 0.5,
            "end": tick.index + COLUMN_LEFT + COLUMN_WIDTH,
        }[tick.anchor]
        parts.append(
            format_html(
                '<text class="pf-tick{}" x="{}" y="{}" fill="{}" font-size="{}" '
                'text-anchor="{}">{}</text>',
                f" pf-tick--{tick.breakpoint}" if tick.breakpoint else "",
                _percent(position / count),
                height - 6,
                TEXT,
                FONT_SIZE,
                tick.anchor,
                labels[tick.index],
            )
        )
    return format_html(
        '<div class="pf-columns-box"><svg class="pf-chart pf-columns" width="100%" '
        'height="{}" aria-hidden="true" focusable="false" '
        'xmlns="http://www.w3.org/2000/svg">{}</svg></div>',
        height,
        _concat(parts),
    )


def timeline(periods: Sequence[Period]) -> str:
    """Columns: published members at the end of each quarter (completed ones darker)."""
    if not periods:
        return ""
    top = max(p.members for p in periods) or 1
    stacks = []
    completed = 0
    for period in periods:
        completed += period.completed
        done = min(completed, period.members)
        stacks.append(
            [(done, COLOURS["completed"]), (period.members - done, COLOURS["members"])]
        )
    return _columns([p.label for p in periods], stacks, top, 220)


def progress_columns(
    points: Sequence[ProgressPoint], top: int, height: int = 220
) -> str:
    """Columns: practices in place (darker) and, above them, in progress at the end of
    each quarter, on a scale from 0 to ``top`` (a focus area's practices, say), written
    at the top of the axis. Labelled as :func:`timeline`."""
    if not points:
        return ""
    top = max(top, max(p.in_place + p.in_progress for p in points), 1)
    stacks = [
        [(p.in_place, COLOURS["in_place"]), (p.in_progress, COLOURS["in_progress"])]
        for p in points
    ]
    return _columns([p.label for p in points], stacks, top, height)


# --- Tile-grid map of the US states -------------------------------------------------------

# (column, row) of each state in a 12×8 grid, roughly where it lies.
US_TILES: dict[str, tuple[int, int]] = {
    "AK": (0, 0), "ME": (11, 0),
    "VT": (10, 1), "NH": (11, 1),
    "WA": (1, 2), "ID": (2, 2), "MT": (3, 2), "ND": (4, 2), "MN": (5, 2), "IL": (6, 2),
    "WI": (7, 2), "MI": (8, 2), "NY": (9, 2), "RI": (10, 2), "MA": (11, 2),
    "OR": (1, 3), "NV": (2, 3), "WY": (3, 3), "SD": (4, 3), "IA": (5, 3), "IN": (6, 3),
    "OH": (7, 3), "PA": (8, 3), "NJ": (9, 3), "CT": (10, 3),
    "CA": (1, 4), "UT": (2, 4), "CO": (3, 4), "NE": (4, 4), "MO": (5, 4), "KY": (6, 4),
    "WV": (7, 4), "VA": (8, 4), "MD": (9, 4), "DE": (10, 4),
    "AZ": (2, 5), "NM": (3, 5), "KS": (4, 5), "AR": (5, 5), "TN": (6, 5), "NC": (7, 5),
    "SC": (8, 5), "DC": (9, 5),
    "OK": (4, 6), "LA": (5, 6), "MS": (6, 6), "AL": (7, 6), "GA": (8, 6),
    "HI": (0, 7), "TX": (4, 7), "FL": (9, 7),
}  # fmt: skip

# Fill and text colours per shade; text keeps at least 4.5:1 contrast on its fill.
SHADES = [
    ("#f1f3f5", "#1a1a1a"),
    ("#dbe9f6", "#1a1a1a"),
    ("#a9cbe8", "#1a1a1a"),
    ("#2f6ea8", "#ffffff"),
    ("#163f66", "#ffffff"),
]


def shade(members: int, top: int) -> int:
    """0 for no member, else 1-4 by share of the busiest area."""
    if members <= 0 or top <= 0:
        return 0
    return min(4, max(1, -(-4 * members // top)))


def member_count_label(members: int) -> str:
    return ngettext("%(n)s member", "%(n)s members", members) % {"n": members}


def tile_map(data: MapData, link_for: Callable[[str], str]) -> str:
    """The US states as a grid of squares, shaded by members; each state with members is a
    link to the showcase filtered by it."""
    size, gap = 50, 4
    top = max((area.members for area in data.regions.values()), default=0)
    parts = []
    for abbr, (col, row) in US_TILES.items():
        code = f"US-{abbr}"
        area = data.regions.get(code) or Area(code, "", 0, 0)
        level = shade(area.members, top)
        fill, ink = SHADES[level]
        x, y = col * (size + gap), row * (size + gap)
        tile = format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" rx="4" fill="{}" '
            'stroke="#6b7580"></rect>'
            '<text fill="{}" text-anchor="middle">'
            '<tspan x="{}" y="{}" font-size="15" font-weight="bold">{}</tspan> '
            '<tspan x="{}" y="{}" font-size="13">{}</tspan></text>',
            x,
            y,
            size,
            size,
            fill,
            ink,
            x + size / 2,
            y + 22,
            abbr,
            x + size / 2,
            y + 40,
            area.members,
        )
        if area.members:
            parts.append(
                format_html(
                    '<a href="{}" aria-label="{}" class="pf-tile">{}</a>',
                    link_for(code),
                    # Starts with the tile's visible text, as speech input expects.
                    f"{abbr} {area.members}: {area.name}, "
                    f"{member_count_label(area.members)}",
                    tile,
                )
            )
        else:
            parts.append(format_html('<g aria-hidden="true">{}</g>', tile))
    width = 12 * (size + gap)
    height = 8 * (size + gap)
    return format_html(
        '<svg class="pf-map" viewBox="0 0 {} {}" width="100%" role="group" '
        'aria-label="{}" xmlns="http://www.w3.org/2000/svg">{}</svg>',
        width,
        height,
        _("Members by US state"),
        _concat(parts),
    )


def legend(items: Sequence[tuple[str, str]]) -> str:
    """A colour key: (colour key or hex, label).

    Each swatch is a small SVG filled through its ``fill`` attribute, not a ``style``
    attribute: the site's Content-Security-Policy allows no inline style."""
    return format_html(
        '<ul class="pf-legend">{}</ul>',
        format_html_join(
            "",
            '<li><svg class="pf-swatch" viewBox="0 0 1 1" aria-hidden="true" '
            'focusable="false"><rect width="1" height="1" fill="{}"></rect></svg>'
            "{}</li>",
            ((COLOURS.get(key, key), label) for key, label in items),
        ),
    )

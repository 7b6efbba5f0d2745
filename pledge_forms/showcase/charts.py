"""Charts drawn on the server as inline SVG: no script, no external chart service.

Each chart is decorative for assistive technology (``aria-hidden``); the templates put a data
table with the same figures beside it. The map is the exception: its areas are links.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pledge_forms.showcase.history import ProgressPoint
from pledge_forms.showcase.statistics import Area, MapData, Period, Share

WIDTH = 640
COLOURS = {
    "in_place": "#1a6b37",
    "in_progress": "#2f6ea8",
    "planned": "#b5bdc5",
    "members": "#2f6ea8",
    "completed": "#1a6b37",
}
TEXT = "#1a1a1a"


def _concat(parts: Sequence[SafeString]) -> SafeString:
    """Join markup that is already safe (every piece was built with ``format_html``)."""
    return format_html_join("", "{}", ((part,) for part in parts))


def _svg(
    height: int, body: SafeString, css_class: str, width: int = WIDTH
) -> SafeString:
    return format_html(
        '<svg class="{}" viewBox="0 0 {} {}" width="100%" aria-hidden="true" '
        'focusable="false" xmlns="http://www.w3.org/2000/svg">{}</svg>',
        css_class,
        width,
        height,
        body,
    )


# Every label is placed inside the viewBox: its width is estimated generously from its length
# (0.62 em per character covers digits, "%" and most letters of the system sans-serif fonts),
# and the bars leave room for it.
EM_PER_CHAR = 0.62


def text_width(text: str, font_size: float) -> float:
    return len(str(text)) * font_size * EM_PER_CHAR


def fit_text(text: str, font_size: float, width: float) -> str:
    """``text``, cut with an ellipsis if it would be wider than ``width`` (the data table
    beside the chart has it in full)."""
    text = str(text)
    most = max(int(width / (font_size * EM_PER_CHAR)), 1)
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def bars(items: Sequence[tuple[str, int]], colour: str = COLOURS["members"]) -> str:
    """Horizontal bars for a few counts (e.g. members by stage); the longest bar still leaves
    room for its number."""
    top = max((value for _label, value in items), default=0) or 1
    row, font, gap = 36, 14, 8
    label_space = min(
        max((text_width(label, font) for label, _value in items), default=0) + gap,
        WIDTH // 3,
    )
    value_space = max((text_width(value, font) for _l, value in items), default=0) + gap
    scale = WIDTH - label_space - value_space
    parts = []
    for index, (label, value) in enumerate(items):
        y = index * row
        width = round(scale * value / top, 1)
        parts.append(
            format_html(
                '<text x="0" y="{}" fill="{}" font-size="{}">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="22" fill="{}"></rect>'
                '<text x="{}" y="{}" fill="{}" font-size="{}">{}</text>',
                y + 16,
                TEXT,
                font,
                fit_text(label, font, label_space - gap),
                round(label_space, 1),
                y + 2,
                width,
                colour,
                round(label_space + width + gap / 2, 1),
                y + 18,
                TEXT,
                font,
                value,
            )
        )
    return _svg(max(row * len(items), row), _concat(parts), "pf-chart")


def stacked_shares(shares: Sequence[Share]) -> str:
    """One bar per practice or focus area: % in place, in progress, planned; the share in
    place is written after the bar, in space kept for "100%"."""
    row, font, value_font, gap = 44, 14, 13, 6
    parts = []
    scale = WIDTH - text_width("100.0%", value_font) - gap
    for index, share in enumerate(shares):
        y = index * row
        x = 0.0
        segments = []
        for key, percent in (
            ("in_place", share.in_place_percent),
            ("in_progress", share.in_progress_percent),
            ("planned", share.planned_percent),
        ):
            width = scale * percent / 100
            if width > 0:
                segments.append(
                    format_html(
                        '<rect x="{}" y="{}" width="{}" height="16" fill="{}"></rect>',
                        round(x, 1),
                        y + 20,
                        round(width, 1),
                        COLOURS[key],
                    )
                )
            x += width
        parts.append(
            format_html(
                '<text x="0" y="{}" fill="{}" font-size="{}">{}</text>'
                '<rect x="0" y="{}" width="{}" height="16" fill="none" stroke="#6b7580">'
                "</rect>{}"
                '<text x="{}" y="{}" fill="{}" font-size="{}">{}</text>',
                y + 14,
                TEXT,
                font,
                fit_text(share.label, font, WIDTH),
                y + 20,
                round(scale, 1),
                _concat(segments),
                round(scale + gap, 1),
                y + 33,
                TEXT,
                value_font,
                f"{share.in_place_percent:g}%",
            )
        )
    return _svg(max(row * len(shares), row), _concat(parts), "pf-chart")


def timeline(periods: Sequence[Period]) -> str:
    """Columns: published members at the end of each quarter (completed ones darker). The
    axis keeps room on the left for the largest count; the first quarter's label starts at its
    column, the last one ends at its column, the others are centred."""
    if not periods:
        return ""
    height, font = 220, 12
    base = height - 24
    top = max(p.members for p in periods) or 1
    left = text_width(top, font) + 6
    step = (WIDTH - left) / len(periods)
    column = max(step * 0.7, 1)
    parts = [
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#6b7580"></line>',
            round(left, 1),
            base,
            WIDTH,
            base,
        )
    ]
    completed = 0
    labelled = _labelled(len(periods), step, text_width(periods[0].label, font))
    last_index = len(periods) - 1
    for index, period in enumerate(periods):
        completed += period.completed
        x = left + index * step
        h = (base - 20) * period.members / top
        hc = (base - 20) * min(completed, period.members) / top
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>',
                round(x, 1),
                round(base - h, 1),
                round(column, 1),
                round(h, 1),
                COLOURS["members"],
                round(x, 1),
                round(base - hc, 1),
                round(column, 1),
                round(hc, 1),
                COLOURS["completed"],
            )
        )
        if index in labelled:
            parts.append(
                _column_label(period.label, index, last_index, x, column, height, font)
            )
    parts.append(_axis_top(top, font))
    return _svg(height, _concat(parts), "pf-chart")


def _labelled(count: int, step: float, label_width: float) -> set[int]:
    """Which of ``count`` columns are named: about eight, evenly spread and never
    touching; the last is always named, and its neighbour gives way if they would
    touch."""
    every = max(1, count // 8, math.ceil((label_width + 8) / step))
    labelled = set(range(0, count, every))
    last_index = count - 1
    if last_index not in labelled:
        previous = max(labelled)
        if (last_index - previous) * step < label_width * 1.5 + 6:
            labelled.discard(previous)
        labelled.add(last_index)
    return labelled


def _column_label(
    label: str,
    index: int,
    last_index: int,
    x: float,
    column: float,
    height: int,
    font: int,
    width: int = WIDTH,
) -> SafeString:
    """The name under a column: the first starts at its column, the last ends at its
    column, the others are centred."""
    if index == last_index and index:
        anchor, label_x = "end", min(x + column, width)
    elif index == 0:
        anchor, label_x = "start", x
    else:
        anchor, label_x = "middle", x + column / 2
    return format_html(
        '<text x="{}" y="{}" fill="{}" font-size="{}" text-anchor="{}">{}</text>',
        round(label_x, 1),
        height - 6,
        TEXT,
        font,
        anchor,
        label,
    )


def _axis_top(top: int, font: int) -> SafeString:
    return format_html(
        '<text x="0" y="{}" fill="{}" font-size="{}">{}</text>',
        font + 8,
        TEXT,
        font,
        top,
    )


def progress_columns(
    points: Sequence[ProgressPoint],
    top: int,
    height: int = 220,
    width: int = WIDTH,
) -> str:
    """Columns: practices in place (darker) and, above them, in progress at the end of
    each quarter, on a scale from 0 to ``top`` (a focus area's practices, say), written
    at the top of the axis. Labelled as :func:`timeline`."""
    if not points:
        return ""
    font = 12
    base = height - 24
    top = max(top, max(p.in_place + p.in_progress for p in points), 1)
    left = text_width(top, font) + 6
    step = (width - left) / len(points)
    column = max(step * 0.7, 1)
    parts = [
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#6b7580"></line>',
            round(left, 1),
            base,
            width,
            base,
        )
    ]
    labelled = _labelled(len(points), step, text_width(points[0].label, font))
    last_index = len(points) - 1
    for index, point in enumerate(points):
        x = left + index * step
        place = (base - 20) * point.in_place / top
        progress = (base - 20) * point.in_progress / top
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>',
                round(x, 1),
                round(base - place, 1),
                round(column, 1),
                round(place, 1),
                COLOURS["in_place"],
                round(x, 1),
                round(base - place - progress, 1),
                round(column, 1),
                round(progress, 1),
                COLOURS["in_progress"],
            )
        )
        if index in labelled:
            parts.append(
                _column_label(
                    point.label, index, last_index, x, column, height, font, width
                )
            )
    parts.append(_axis_top(top, font))
    return _svg(height, _concat(parts), "pf-chart", width)


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
            '<tspan x="{}" y="{}" font-size="12">{}</tspan></text>',
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

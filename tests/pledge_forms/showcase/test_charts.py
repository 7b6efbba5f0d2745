"""The statistics charts keep every label whole, readable and apart: bar charts are HTML
whose labels wrap like text, column charts name as many quarters as fit their width."""

import re

import pytest

from pledge_forms.showcase import charts
from pledge_forms.showcase.history import ProgressPoint
from pledge_forms.showcase.statistics import Period, Share


def share(label, in_place, total=10, in_progress=0, planned=0):
    return Share(label, "", in_place, in_progress, planned, total)


def test_bar_labels_are_text_of_the_page_never_shortened_and_escaped():
    long = "A stage with a very long name indeed, longer than most & <b>bold</b>"
    html = charts.bars([(long, 3), ("Completed", 1)])
    assert html.startswith('<div class="pf-chart pf-bars" aria-hidden="true">')
    assert "A stage with a very long name indeed, longer than most &amp; &lt;b&gt;" in (
        html
    )
    assert "…" not in html and "<text" not in html
    # The longest bar is the whole track; the other in proportion; numbers beside.
    assert re.findall(r'<rect width="([\d.]+%)"', html) == ["100%", "33.333%"]
    assert '<span class="pf-bars__value">3</span>' in html


@pytest.mark.parametrize("top", [0, 5, 1_000_000])
def test_bars_of_any_size_stay_within_their_track(top):
    html = charts.bars([("Pledged", top), ("Completed", top // 2)])
    for width in re.findall(r'width="([\d.]+)%"', html):
        assert 0 <= float(width) <= 100


def test_share_bars_keep_long_titles_whole_and_their_percentage():
    title = "2. " + "A very long practice title " * 6
    html = charts.stacked_shares(
        [share("1. Short", 10), share(title, 1, 3, in_progress=1, planned=1)]
    )
    assert title.strip() in html and "…" not in html
    assert '<span class="pf-bars__value">100%</span>' in html
    segments = re.findall(r'<rect x="([\d.]+)%" width="([\d.]+)%"', html)
    ends = [float(x) + float(w) for x, w in segments]
    assert max(ends) <= 100.01


def quarters(count):
    return [f"{2020 + i // 4} Q{i % 4 + 1}" for i in range(count)]


def shown(ticks, width):
    """The ticks a chart ``width`` px wide shows (as the stylesheet's container
    queries do)."""
    return [
        tick for tick in ticks if charts.BREAKPOINTS[tick.breakpoint] <= max(width, 200)
    ]


@pytest.mark.parametrize("count", [1, 2, 5, 9, 18, 40, 80])
def test_quarter_labels_never_touch_nor_leave_the_chart_at_any_width(count):
    labels = quarters(count)
    ticks = charts.plan_ticks(labels)
    widths = [charts.text_width(label, charts.FONT_SIZE) for label in labels]
    previous_count = 0
    for width in range(200, 1441, 8):
        visible = shown(ticks, width)
        assert visible[-1].index == count - 1  # the latest quarter is always named
        assert len(visible) >= previous_count
        previous_count = len(visible)
        right_of_previous = None
        for tick in visible:
            left, right = charts._extent(
                tick.index, count, widths[tick.index], tick.anchor, width
            )
            assert left >= -0.01 and right <= width + 0.01, (width, tick)
            if right_of_previous is not None:
                assert left - right_of_previous >= charts.LABEL_GAP, (width, tick)
            right_of_previous = right


def test_a_wide_chart_names_more_quarters_than_a_narrow_one():
    ticks = charts.plan_ticks(quarters(18))
    assert len(shown(ticks, 1200)) > len(shown(ticks, 640)) > len(shown(ticks, 320))


def test_column_charts_set_their_text_in_pixels_that_do_not_scale():
    periods = [Period(label, 3, 1, 10_000 + i) for i, label in enumerate(quarters(9))]
    svg = charts.timeline(periods)
    assert "viewBox" not in svg and 'width="100%" height="220"' in svg
    assert set(re.findall(r'font-size="(\d+)"', svg)) == {"12"}
    assert ">10008<" in svg  # the top of the scale
    assert periods[-1].label in svg
    points = [ProgressPoint(label, 1, 1) for label in quarters(3)]
    assert charts.progress_columns(points, 4).count("<rect") == 6


def test_quarter_classes_match_the_stylesheet():
    from pathlib import Path

    import pledge_forms.showcase

    css = (
        Path(pledge_forms.showcase.__file__).parent / "static/pledge_forms/showcase.css"
    ).read_text()
    for number, width in enumerate(charts.BREAKPOINTS[1:], start=1):
        assert (
            f"@container (min-width: {width}px) {{ .pf-tick--{number} {{ display: inline; }} }}"
            in css
        )
        assert f".pf-tick--{number}" in css.split("@container")[0]

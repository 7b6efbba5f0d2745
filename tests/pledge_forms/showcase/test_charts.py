"""Every bar and every label of the statistics charts stays inside the drawing."""

import xml.etree.ElementTree as ET  # noqa: S405 - parsing our own charts

import pytest

from pledge_forms.showcase import charts
from pledge_forms.showcase.statistics import Period, Share

NS = "{http://www.w3.org/2000/svg}"


def extents(svg: str):
    """(left, right) of every rect and text, texts by their estimated width and anchor."""
    root = ET.fromstring(str(svg))  # noqa: S314
    width = float(root.get("viewBox").split()[2])
    found = []
    for rect in root.iter(f"{NS}rect"):
        x = float(rect.get("x"))
        found.append(("rect", x, x + float(rect.get("width"))))
    for text in root.iter(f"{NS}text"):
        x = float(text.get("x"))
        w = charts.text_width(text.text, float(text.get("font-size")))
        anchor = text.get("text-anchor", "start")
        left = {"start": x, "middle": x - w / 2, "end": x - w}[anchor]
        found.append((text.text, left, left + w))
    return width, found


def assert_inside(svg):
    width, found = extents(svg)
    for name, left, right in found:
        assert left >= 0 and right <= width, f"{name!r} spans {left:.1f}-{right:.1f}"


@pytest.mark.parametrize("top", [5, 1234, 1_000_000])
def test_the_number_after_the_longest_bar_is_not_cut_off(top):
    assert_inside(charts.bars([("Pledged", top), ("Completed", top // 2)]))


def test_long_bar_labels_are_shortened_to_their_column():
    svg = charts.bars([("A stage with a very long name indeed, longer than most", 3)])
    assert_inside(svg)
    assert "…" in svg


def share(label, in_place, total=10):
    return Share(label, "", in_place, 0, 0, total)


def test_a_full_share_bar_keeps_its_percentage_and_long_titles_are_shortened():
    svg = charts.stacked_shares(
        [share("1. Short", 10), share("2. " + "A very long practice title " * 6, 3, 3)]
    )
    assert_inside(svg)
    assert "100%" in svg


@pytest.mark.parametrize("quarters", [1, 2, 9, 18, 40])
def test_timeline_labels_and_axis_stay_inside(quarters):
    periods = [
        Period(f"{2024 + i // 4} Q{i % 4 + 1}", 3, 1, 10_000 + i)
        for i in range(quarters)
    ]
    svg = charts.timeline(periods)
    assert_inside(svg)
    assert periods[-1].label in svg

"""The SVG drawing helpers: well-formed, labelled (not colour-only), escaped, and showing the data given."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from pipeline import charts
from schemas.extraction import STAGES

NS = "{http://www.w3.org/2000/svg}"
EVIL = 'Tom & "Jerry" <script>alert(1)</script>'


def parse(svg: str) -> ET.Element:
    return ET.fromstring(charts.standalone(svg))


def texts(svg: str) -> list[str]:
    return [t.text or "" for t in parse(svg).iter(f"{NS}text")]


def test_forces_diagram_has_four_labelled_quadrants_with_counts_and_quotes() -> None:
    counts = {"push": 3, "pull": 1, "anxiety": 0, "habit": 2}
    quotes = {"push": [charts.QuadrantQuote("We kept missing deadlines and the client noticed first.", "#q-a-1")],
              "habit": [charts.QuadrantQuote(EVIL, "#q-a-2")]}
    svg = charts.forces_diagram(counts, quotes)
    words = texts(svg)
    for label in ("Push", "Pull", "Anxiety", "Habit", "SWITCH", "3 quotes", "1 quote", "0 quotes", "2 quotes"):
        assert label in words, label
    assert "No quotes for this force." in words  # anxiety has none
    assert any("kept missing deadlines" in w for w in words)
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    hrefs = [a.get("href") for a in parse(svg).iter(f"{NS}a")]
    assert hrefs == ["#q-a-1", "#q-a-2"]


def test_forces_diagram_arrows_point_toward_and_against_the_switch() -> None:
    svg = charts.forces_diagram(dict.fromkeys(("push", "pull", "anxiety", "habit"), 1), {})
    arrows = [p for p in parse(svg).iter(f"{NS}polygon") if p.get("stroke") and len(p.get("points").split()) == 5]
    polygons = {p.get("stroke"): p.get("points") for p in arrows}
    assert len(polygons) == 4

    def tip_x(force: str) -> tuple[float, float]:
        points = [tuple(map(float, pt.split(","))) for pt in polygons[charts.FORCE_STYLES[force].colour].split()]
        xs = [x for x, _ in points]
        mid_y = sum(y for _, y in points) / len(points)
        tip = next(x for x, y in points if abs(y - mid_y) < 1)  # the arrow's point sits at mid height
        return tip, sum(xs) / len(xs)

    for force in ("push", "pull"):
        tip, centre = tip_x(force)
        assert tip > centre, f"{force} should point right, toward the new way"
    for force in ("anxiety", "habit"):
        tip, centre = tip_x(force)
        assert tip < centre, f"{force} should point left, against the switch"


def test_journey_map_places_markers_in_stage_columns_and_links_them() -> None:
    markers = [charts.Marker("push", "first_thought", "fed up", "#q-x-1"), charts.Marker("pull", "deciding", EVIL, "#q-x-2", draft=True)]
    moments = [charts.Moment("event_1", "client rang", "#q-x-3")]
    svg = charts.journey_map(markers, moments, {"first_thought": (0, 3), "deciding": (8, 9)})
    root = parse(svg)
    assert [a.get("href") for a in root.iter(f"{NS}a")] == ["#q-x-1", "#q-x-2", "#q-x-3"]
    words = " ".join(texts(svg))
    for stage in STAGES:
        first_word = charts.STAGE_LABELS[stage].split()[0]
        assert first_word in words
    assert "turns 1–4" in words and "not explored" in words and "Struggling" in words
    assert "<script>" not in svg
    # the draft marker is hollow and dashed, so it reads as a draft without colour
    assert 'stroke-dasharray="3 2"' in svg
    # first_thought column is left of the deciding column
    xs = {a.get("href"): float(re.search(r'(?:cx|points)="([\d.]+)', ET.tostring(a, encoding="unicode")).group(1)) for a in root.iter(f"{NS}a")}
    assert xs["#q-x-1"] < xs["#q-x-3"] < xs["#q-x-2"]


def test_heatmap_shows_each_count_and_row_totals() -> None:
    counts = {("push", "first_thought"): 4, ("push", "event_1"): 1, ("anxiety", "deciding"): 2}
    svg = charts.forces_heatmap(counts, {("push", "first_thought"): 2})
    words = texts(svg)
    assert words.count("4") == 1 and "5" in words and words.count("2") >= 2
    assert "Push in First thought: 4 quotes from 2 interview(s)" in svg


def test_opportunity_bars_mark_the_threshold_and_escape_labels() -> None:
    svg = charts.opportunity_bars([charts.Bar("Minimize the time it takes to compile the report", 15.0, "(est.)"), charts.Bar(EVIL, 8.0)])
    words = texts(svg)
    assert "worth pursuing (≥ 10)" in words and "15.0 (est.)" in words and "8.0" in words
    assert "<script>" not in svg
    fills = [r.get("fill") for r in parse(svg).iter(f"{NS}rect")]
    assert fills == ["#2E5E9E", "#9AA5B1"]  # above vs below the threshold


def test_wrap_cuts_with_an_ellipsis() -> None:
    lines = charts.wrap("one two three four five six seven eight nine ten", 10, 2)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert charts.wrap("short", 10) == ["short"]

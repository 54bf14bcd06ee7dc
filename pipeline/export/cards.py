"""Printable job-story cards: one HTML file per paper size (A4 and US Letter), six cards a sheet,
dashed cut lines. Self-contained like the report: inline CSS, no scripts, no URLs."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..report.data import ReportData
from ..report.render import environment
from ..workspace import write_text_atomic

CARDS_PER_SHEET = 6


@dataclass(frozen=True)
class Paper:
    name: str
    css_size: str
    width_mm: float
    height_mm: float
    margin_mm: float = 10.0

    @property
    def card_w(self) -> float:
        return (self.width_mm - 2 * self.margin_mm) / 2

    @property
    def card_h(self) -> float:
        return (self.height_mm - 2 * self.margin_mm) / 3 - 0.5  # a hair short so rounding never spills a row


PAPERS = {"a4": Paper("A4", "A4", 210, 297), "letter": Paper("US Letter", "letter", 215.9, 279.4)}


def render_cards(data: ReportData, paper: Paper) -> str:
    stories = data.synthesis.job_stories if data.synthesis else []
    stories = sorted(stories, key=lambda s: -len(s.evidence.participants))
    sheets = [stories[i:i + CARDS_PER_SHEET] for i in range(0, len(stories), CARDS_PER_SHEET)]
    return environment().get_template("cards.html.j2").render(data=data, paper=paper, sheets=sheets, other=[p for p in PAPERS.values() if p != paper])


def write_cards(data: ReportData, out: Path) -> list[Path]:
    paths = []
    for key, paper in PAPERS.items():
        path = out / f"job-story-cards-{key}.html"
        write_text_atomic(path, render_cards(data, paper))
        paths.append(path)
    return paths

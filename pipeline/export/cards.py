"""Printable job-story cards: one HTML file per paper size (A4 and US Letter), six cards a sheet,
dashed cut lines. Self-contained like the report: inline CSS, no scripts, no URLs.

Text is fitted before it is laid out, so nothing runs over a cut line: the longer the story, the
smaller its type and the fewer (and shorter) the evidence quotes; a very long story is shortened
part by part with "…". The tiers were measured in Chromium on both papers (tests/test_cards_browser.py).
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

from schemas import JobStory
from schemas.vocabulary import clock, turn_ref

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


@dataclass(frozen=True)
class Tier:
    """How a story of up to `max_chars` characters is set: type size, quotes shown, quote length."""

    max_chars: int
    size: str  # CSS class of the story's type size
    quotes: int
    quote_chars: int


TIERS = (Tier(170, "s-large", 2, 75), Tier(250, "s-medium", 2, 60), Tier(330, "s-small", 1, 90))
MAX_STORY_CHARS = TIERS[-1].max_chars  # longer stories are shortened part by part to fit this


@dataclass(frozen=True)
class CardQuote:
    text: str
    where: str  # "interview, turn 16, 3:05"


@dataclass(frozen=True)
class Card:
    story: JobStory
    situation: str
    motivation: str
    outcome: str
    size: str
    quotes: list[CardQuote]
    more: int  # evidence quotes not shown on the card


def _shorten(text: str, width: int) -> str:
    return textwrap.shorten(" ".join(text.split()), max(width, 12), placeholder=" …")


def fit(story: JobStory) -> Card:
    parts = [story.situation, story.motivation, story.expected_outcome]
    length = len(story.text)
    if length > MAX_STORY_CHARS:  # shorten each part in proportion, keeping the "When / I want to / so I can" frame
        room = MAX_STORY_CHARS - (length - sum(len(p) for p in parts))
        parts = [_shorten(p, room * len(p) // sum(len(q) for q in parts)) for p in parts]
        length = MAX_STORY_CHARS
    tier = next(t for t in TIERS if length <= t.max_chars)
    refs = story.evidence.refs[:tier.quotes]
    quotes = [CardQuote(_shorten(r.quote, tier.quote_chars), ", ".join(p for p in (r.interview_id, turn_ref(r.turn), clock(r.start)) if p))
              for r in refs]
    return Card(story, *parts, tier.size, quotes, len(story.evidence.refs) - len(refs))


def render_cards(data: ReportData, paper: Paper) -> str:
    stories = data.synthesis.job_stories if data.synthesis else []
    cards = [fit(s) for s in sorted(stories, key=lambda s: -len(s.evidence.participants))]
    sheets = [cards[i:i + CARDS_PER_SHEET] for i in range(0, len(cards), CARDS_PER_SHEET)]
    return environment().get_template("cards.html.j2").render(data=data, paper=paper, sheets=sheets, other=[p for p in PAPERS.values() if p != paper])


def write_cards(data: ReportData, out: Path) -> list[Path]:
    paths = []
    for key, paper in PAPERS.items():
        path = out / f"job-story-cards-{key}.html"
        write_text_atomic(path, render_cards(data, paper))
        paths.append(path)
    return paths

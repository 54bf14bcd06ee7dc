"""Units the trained classifier labels: participant sentences, split into clauses where a
contrast joins two statements ("It saves time, but I never trust the numbers"), because the
codebook gives one force per statement and a fused sentence carries two.

Each unit keeps the interviewer question it answers, its place in the interview and the rules'
cue hits inside it, so the classifier reads who is asked what, not only the words.
"""
from __future__ import annotations

from dataclasses import dataclass

from schemas import Quote, Transcript

from ..grounding import quote_at
from .rules_elements import Sentence

MIN_UNIT_WORDS = 3
MIN_CLAUSE_WORDS = 4
_CONTRAST = {"but", "though", "although", "however", "whereas", "yet"}


@dataclass
class Unit:
    sentence: Sentence
    start: int  # token indexes in the sentence's doc
    end: int
    question: str  # the interviewer's last question before this turn ("" when none)
    position: float  # 0 at the interview's first turn, 1 at its last
    previous: str = ""  # the participant's unit before this one: what "it" and "that" point back to

    @property
    def span(self):
        return self.sentence.span.doc[self.start:self.end]  # type: ignore[attr-defined]

    @property
    def text(self) -> str:
        return self.span.text.strip()

    @property
    def quote(self) -> Quote:
        span = self.span
        text = span.text.rstrip(" ,;:-–—\n\t")
        return quote_at(self.sentence.turn, span.start_char, span.start_char + len(text))

    @property
    def hits(self):
        return [h for h in self.sentence.force_hits if self.start <= h[1] < self.end]


def _words(span) -> int:
    return sum(1 for t in span if not t.is_punct)


def split_points(sent) -> list[int]:
    """Token indexes where a contrast opens a new clause with enough words on both sides."""
    cuts = []
    last = sent.start
    for tok in sent:
        starts_clause = tok.lower_ in _CONTRAST and tok.i > sent.start and (tok.nbor(-1).is_punct or tok.lower_ != "yet")
        if tok.text == ";" or starts_clause:
            left, right = sent.doc[last:tok.i], sent.doc[tok.i + 1 if tok.text == ";" else tok.i:sent.end]
            if _words(left) >= MIN_CLAUSE_WORDS and _words(right) >= MIN_CLAUSE_WORDS:
                cuts.append(tok.i)
                last = tok.i
    return cuts


def build_units(transcript: Transcript, sentences: list[Sentence]) -> list[Unit]:
    questions = _questions(transcript)
    last_turn = max(len(transcript.turns) - 1, 1)
    units = []
    for s in sentences:
        span = s.span
        edges = [span.start, *split_points(span), span.end]  # type: ignore[attr-defined]
        for a, b in zip(edges, edges[1:]):
            if a < b and span.doc[a].text == ";":  # type: ignore[attr-defined]
                a += 1
            if _words(span.doc[a:b]) >= MIN_UNIT_WORDS:  # type: ignore[attr-defined]
                previous = units[-1].text if units else ""
                units.append(Unit(s, a, b, questions.get(s.turn.index, ""), s.turn.index / last_turn, previous))
    return units


def _questions(transcript: Transcript) -> dict[int, str]:
    """For every turn, the last question the interviewer asked before it."""
    out: dict[int, str] = {}
    current = ""
    for turn in transcript.turns:
        if turn.role == "interviewer" and turn.text.strip():
            asked = [p.strip() for p in turn.text.replace("?", "?\n").splitlines() if p.strip().endswith("?")]
            current = asked[-1] if asked else turn.text.strip()[-300:]
        out[turn.index] = current
    return out

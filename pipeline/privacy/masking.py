"""Text with placeholders in place of the real words, and the way back.

A masked turn keeps a map from its offsets to the original's, so a quote found in the masked
text (what the LLM saw) is put back on the real turn, with the real words and the word times.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from schemas import Quote, RedactedSpan, Redaction, Transcript, Turn

PLACEHOLDER = re.compile(r"\[[A-Z]+_\d+\]")


@dataclass(frozen=True)
class Piece:
    """A stretch of the masked text and where it came from; `span` is set for a placeholder."""

    masked: tuple[int, int]
    original: tuple[int, int]
    span: RedactedSpan | None


def mask(text: str, spans: list[RedactedSpan]) -> tuple[str, list[Piece]]:
    out: list[str] = []
    pieces: list[Piece] = []
    at = length = 0
    for span in sorted(spans, key=lambda s: s.start_char):
        if span.start_char < at:
            continue  # overlaps the one before: already covered
        for chunk, source in ((text[at:span.start_char], None), (span.placeholder, span)):
            if not chunk:
                continue
            original = (at, span.start_char) if source is None else (span.start_char, span.end_char)
            pieces.append(Piece((length, length + len(chunk)), original, source))
            out.append(chunk)
            length += len(chunk)
        at = span.end_char
    if at < len(text):
        pieces.append(Piece((length, length + len(text) - at), (at, len(text)), None))
        out.append(text[at:])
    return "".join(out), pieces


def to_original(pieces: list[Piece], start: int, end: int) -> tuple[int, int]:
    """Original offsets of a masked span; a span that cuts into a placeholder takes all its words."""
    return _edge(pieces, start, at_start=True), _edge(pieces, end, at_start=False)


def _edge(pieces: list[Piece], offset: int, at_start: bool) -> int:
    for piece in pieces:
        lo, hi = piece.masked
        inside = lo <= offset < hi if at_start else lo < offset <= hi
        if not inside:
            continue
        if piece.span is not None:
            return piece.original[0] if at_start else piece.original[1]
        return piece.original[0] + (offset - lo)
    if not pieces:
        return 0
    return pieces[0].original[0] if at_start and offset <= 0 else pieces[-1].original[1]


class MaskedTranscript:
    """The transcript as the LLM sees it: placeholders in the text and the speaker labels, no word list
    (the words are the real ones). Turn indexes and times are unchanged."""

    def __init__(self, transcript: Transcript, redaction: Redaction):
        self.original = transcript
        self.pieces: dict[int, list[Piece]] = {}
        turns = []
        for turn in transcript.turns:
            text, self.pieces[turn.index] = mask(turn.text, redaction.for_turn(turn.index))
            speaker, _ = mask(turn.speaker, redaction.for_turn(turn.index, "speaker"))
            turns.append(turn.model_copy(update={"text": text, "speaker": speaker, "words": []}))
        speakers = {t.speaker: t.role for t in turns}
        self.transcript = transcript.model_copy(update={"turns": turns, "speakers": speakers})
        self.real = redaction.placeholders()

    def quote_back(self, quote: Quote) -> Quote:
        """The original-transcript quote for a quote located in the masked transcript."""
        from ..grounding import quote_at

        turn: Turn = self.original.turns[quote.turn]
        start, end = to_original(self.pieces[quote.turn], quote.start_char, quote.end_char)
        return quote_at(turn, start, end)

    def unmask(self, text: str | None) -> str | None:
        """Placeholders in free text (an LLM's label, a rules cue) back to the real words."""
        if not text:
            return text
        return PLACEHOLDER.sub(lambda m: self.real.get(m.group(0), m.group(0)), text)


def mask_quote(quote_text: str, turn_text: str, start: int, spans: list[RedactedSpan]) -> str:
    """A quote of a turn with the turn's redactions in it; a redaction the quote only cuts into is
    masked whole, so half a name never shows."""
    end = start + len(quote_text)
    if turn_text[start:end] != quote_text:
        return mask_values(quote_text, spans)
    inside = [s for s in spans if s.start_char < end and start < s.end_char]
    if not inside:
        return quote_text
    start, end = min([start, *(s.start_char for s in inside)]), max([end, *(s.end_char for s in inside)])
    shifted = [s.model_copy(update={"start_char": s.start_char - start, "end_char": s.end_char - start}) for s in inside]
    return mask(turn_text[start:end], shifted)[0]


def mask_values(text: str, spans: list[RedactedSpan], generic: bool = False) -> str:
    """Free text with every redacted value in it replaced, longest first: for text that is not a
    span of one turn (a label, a note, a synthesis sentence). `generic` writes [PERSON], not [PERSON_1]."""
    if not text:
        return text
    values: dict[str, str] = {}
    for span in spans:
        label = span.placeholder if not generic else re.sub(r"_\d+\]$", "]", span.placeholder)
        values.setdefault(span.text, label)
    for value in sorted(values, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", lambda _m, v=values[value]: v, text)
    return text

"""Grounding: find a quote in the transcript, exactly or fuzzily, and return the real text span.

Used wherever a quote comes from somewhere other than the transcript itself: the LLM, gold
labels, a researcher's edit. A quote that cannot be found returns None: it has no evidence.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from rapidfuzz import fuzz

from schemas import Quote, Transcript, Turn

_TRANS = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-", "\u2026": "."})
_WORD = re.compile(r"\w")


def _normalise(text: str) -> tuple[str, list[int]]:
    """Lower-case, unify quotes and dashes, collapse whitespace; keep each char's original offset."""
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(unicodedata.normalize("NFC", text)):
        ch = ch.translate(_TRANS).lower()
        if ch.isspace():
            if not out or out[-1] == " ":
                continue
            ch = " "
        out.append(ch)
        index.append(i)
    return "".join(out), index


def _to_word_edges(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a fuzzy span to whole words and trim surrounding spaces."""
    while start > 0 and _WORD.match(text[start - 1]) and _WORD.match(text[start]):
        start -= 1
    while end < len(text) and end > 0 and _WORD.match(text[end - 1]) and _WORD.match(text[end]):
        end += 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def quote_at(turn: Turn, start_char: int, end_char: int) -> Quote:
    """A Quote for a span of a turn, with the best timestamp the transcript has."""
    start, end = turn.start, turn.end
    if turn.words and turn.text:
        # words carry times but no offsets: place the span by its word position
        n_before = len(turn.text[:start_char].split())
        n_span = max(1, len(turn.text[start_char:end_char].split()))
        if n_before < len(turn.words):
            start = turn.words[n_before].start
            end = turn.words[min(n_before + n_span, len(turn.words)) - 1].end
    return Quote(text=turn.text[start_char:end_char], turn=turn.index, start_char=start_char, end_char=end_char, start=start, end=end)


def _exact(turn: Turn, needle: str) -> Quote | None:
    hay, index = _normalise(turn.text)
    pos = hay.find(needle)
    if pos < 0 or not needle:
        return None
    return quote_at(turn, index[pos], index[pos + len(needle) - 1] + 1)


def _fuzzy(turn: Turn, needle: str, min_score: float) -> tuple[float, Quote] | None:
    hay, index = _normalise(turn.text)
    if not hay:
        return None
    found = fuzz.partial_ratio_alignment(needle, hay, score_cutoff=min_score)
    if found is None or found.dest_end <= found.dest_start:
        return None
    start, end = _to_word_edges(turn.text, index[found.dest_start], index[found.dest_end - 1] + 1)
    if end <= start:
        return None
    return found.score, quote_at(turn, start, end)


def find_exact(transcript: Transcript, text: str, roles: Iterable[str] = ("participant",)) -> list[Quote]:
    """Every place (turn and offset) where `text` occurs verbatim, normalised as `locate` does."""
    needle, _ = _normalise(text.strip().strip('"').strip())
    if len(needle) < 3:
        return []
    roles = set(roles)
    found = []
    for turn in transcript.turns:
        if turn.role not in roles:
            continue
        hay, index = _normalise(turn.text)
        pos = hay.find(needle)
        while pos >= 0:
            found.append(quote_at(turn, index[pos], index[pos + len(needle) - 1] + 1))
            pos = hay.find(needle, pos + 1)
    return found


def locate(
    transcript: Transcript,
    text: str,
    roles: Iterable[str] = ("participant",),
    turn_hint: int | None = None,
    min_score: float = 88.0,
) -> Quote | None:
    """Find `text` in the transcript's turns of the given roles: exact (normalised) first, then fuzzy.
    A turn_hint, when given, is tried first, so duplicates resolve to the cited turn."""
    needle, _ = _normalise(text.strip().strip('"').strip())
    if len(needle) < 3:
        return None
    roles = set(roles)
    turns = [t for t in transcript.turns if t.role in roles]
    if turn_hint is not None:
        turns.sort(key=lambda t: t.index != turn_hint)
    for turn in turns:
        quote = _exact(turn, needle)
        if quote:
            return quote
    best: tuple[float, Quote] | None = None
    for turn in turns:
        found = _fuzzy(turn, needle, min_score)
        if found and (best is None or found[0] > best[0]):
            best = found
    return best[1] if best else None


def overlap(a: Quote, b: Quote) -> float:
    """Share of the shorter span that the two quotes have in common (0 when in different turns)."""
    if a.turn != b.turn:
        return 0.0
    common = min(a.end_char, b.end_char) - max(a.start_char, b.start_char)
    shorter = min(a.end_char - a.start_char, b.end_char - b.start_char)
    return max(common, 0) / shorter if shorter > 0 else 0.0

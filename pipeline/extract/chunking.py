"""Split a long interview into overlapping runs of turns, and merge per-chunk items back.

Turns are never split: a quote must sit inside one turn. The overlap gives the model the
question that led to an answer at a chunk's start; items seen twice are merged by span.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from schemas import Item, Turn

from ..grounding import overlap

I = TypeVar("I", bound=Item)


def chunk_turns(turns: Sequence[Turn], max_turns: int, overlap_turns: int = 0, max_chars: int | None = None) -> list[list[Turn]]:
    """Consecutive runs of at most `max_turns` turns (and about `max_chars` characters), each
    starting `overlap_turns` before the previous one ended. Every turn lands in some chunk."""
    max_turns = max(1, max_turns)
    overlap_turns = max(0, min(overlap_turns, max_turns - 1))
    chunks: list[list[Turn]] = []
    start = 0
    while start < len(turns):
        end = _chunk_end(turns, start, max_turns, max_chars)
        chunks.append(list(turns[start:end]))
        if end >= len(turns):
            break
        start = max(end - overlap_turns, start + 1)
    return chunks


def _chunk_end(turns: Sequence[Turn], start: int, max_turns: int, max_chars: int | None) -> int:
    end = min(start + max_turns, len(turns))
    if max_chars is None:
        return end
    size = 0
    for i in range(start, end):
        size += len(turns[i].text)
        if size > max_chars and i > start:
            return i
    return end


def same_evidence(a: Item, b: Item) -> bool:
    """Two items are one finding when they are the same kind and their quotes overlap."""
    return getattr(a, "kind", None) == getattr(b, "kind", None) and overlap(a.quote, b.quote) > 0


def merge_items(items: Sequence[I]) -> list[I]:
    """Drop repeats (same kind, overlapping quote), keeping the first seen; ordered by position."""
    kept: list[I] = []
    for item in items:
        if not any(same_evidence(item, other) for other in kept):
            kept.append(item)
    return sorted(kept, key=lambda i: (i.quote.turn, i.quote.start_char))

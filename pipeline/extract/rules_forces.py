"""Sentence-level force classification: lexicon matches, minus negated cues, strongest type wins."""
from __future__ import annotations

from dataclasses import dataclass

from .rules_patterns import NEGATIONS, Entry

MIN_SCORE = 0.5
_CLAUSE_EDGES = {"ccomp", "advcl", "relcl", "acl", "conj", "parataxis"}
_HYPOTHETICAL_AUX = {"would", "might", "could", "'d"}
_SPLIT_WORDS = {"but", "though", "although", "yet", "whereas", ";"}
AFTER_BUYING = {"consuming", "satisfaction"}


@dataclass
class ForceHit:
    type: str
    score: float
    cue: str
    entry: Entry
    start: int = 0
    end: int = 0


def _governors(token):
    """The token and its heads up to the nearest verb or auxiliary of the same clause."""
    yield token
    while token.head.i != token.i and token.dep_ not in _CLAUSE_EDGES and token.pos_ not in ("VERB", "AUX"):
        token = token.head
        yield token


def is_negated(span) -> bool:
    """True when a negation governs the cue: 'I wasn't worried', 'no worries', 'never frustrated',
    'without any concern'. A negation inside the cue's own clause below it ('worried it wouldn't
    work') does not count."""
    for token in span:
        for gov in _governors(token):
            if gov.lower_ == "without" or (gov.i != token.i and gov.lower_ in NEGATIONS):
                return True
            if any(c.dep_ == "neg" or (c.dep_ == "det" and c.lower_ == "no") for c in gov.children if not span.start <= c.i < span.end):
                return True
    return False


def is_hypothetical(sent) -> bool:
    """A conditional about something that did not happen: 'it would be a pain if...'."""
    words = {t.lower_ for t in sent}
    return "if" in words and bool(words & _HYPOTHETICAL_AUX)


def _applies(entry: Entry, stage: str) -> bool:
    stages = entry.data.get("stages")
    return not stages or stage in stages


def _typed(entry: Entry, stage: str) -> str:
    """A cue's force type; 'retype' reads it differently in a stage ('I loved...' before looking is habit)."""
    return entry.data.get("retype", {}).get(stage, entry.group)


def score_types(sent, hits: list[tuple[Entry, int, int]], stage: str) -> dict[str, ForceHit]:
    """Best non-negated cue per force type. A second distinct cue of a type adds a little; a question
    or a hypothetical lowers push/habit/pull; after buying, praise and complaints are satisfaction
    signals, not pull or push (codebook), so they are lowered too."""
    doc = sent.doc
    best: dict[str, ForceHit] = {}
    seen: dict[str, set[str]] = {}
    for entry, start, end in sorted(hits, key=lambda h: -h[0].weight):
        span = doc[start:end]
        if not _applies(entry, stage) or (entry.negatable and is_negated(span)):
            continue
        kind = _typed(entry, stage)
        ids = seen.setdefault(kind, set())
        if kind not in best:
            best[kind] = ForceHit(kind, entry.weight, span.text, entry, start, end)
        elif entry.data.get("id") not in ids:
            best[kind].score = min(1.0, best[kind].score + 0.05)
        ids.add(entry.data.get("id"))
    damp = 0.8 if sent.text.rstrip().endswith("?") or is_hypothetical(sent) else 1.0
    for hit in best.values():
        if hit.type != "anxiety":
            hit.score *= damp
        if stage in AFTER_BUYING and hit.type in ("push", "pull"):
            hit.score *= 0.6
    return {k: h for k, h in best.items() if h.score >= MIN_SCORE}


def _boundary(sent, a: ForceHit, b: ForceHit) -> int | None:
    """A clause boundary ('but', 'though', ';') between two cues: the token index to split at."""
    lo, hi = sorted((a, b), key=lambda h: h.start)
    for tok in sent.doc[lo.end:hi.start]:
        if tok.lower_ in _SPLIT_WORDS:
            return tok.i
    return None


def classify(sent, hits: list[tuple[Entry, int, int]], stage: str = "") -> list[tuple[ForceHit, int, int]]:
    """One force per sentence, as (hit, first token, end token); two when two types are fused
    across a clause boundary, each quoting its own clause."""
    best = sorted(score_types(sent, hits, stage).values(), key=lambda h: -h.score)
    if not best:
        return []
    if len(best) > 1:
        cut = _boundary(sent, best[0], best[1])
        if cut is not None:
            first, second = sorted(best[:2], key=lambda h: h.start)
            return [(first, sent.start, cut), (second, cut + 1, sent.end)]
    return [(best[0], sent.start, sent.end)]

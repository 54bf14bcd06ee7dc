"""What the review pages show, built from the models: pure functions, so the templates stay dumb."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from schemas import FORCE_TYPES, STAGES, Extraction, Force, Item, RedactedSpan, Redaction, Review, Transcript
from schemas.vocabulary import KIND_LABELS, STAGE_LABELS, clock, item_label, stage_label, turn_number, turn_ref  # noqa: F401  (templates use them)

from .decisions import ReviewedExtraction, review_state, undecided

_WORD = re.compile(r"\w")


def snap_span(text: str, start: int, end: int) -> tuple[int, int]:
    """A browser selection widened to whole words and trimmed of spaces and stray punctuation."""
    start, end = max(0, start), min(len(text), end)
    while start > 0 and start < len(text) and _WORD.match(text[start - 1]) and _WORD.match(text[start]):
        start -= 1
    while 0 < end < len(text) and _WORD.match(text[end - 1]) and _WORD.match(text[end]):
        end += 1
    while start < end and (text[start].isspace() or text[start] in ",;:-"):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def item_json(item: Item, decided: bool) -> dict:
    return {
        "id": item.id, "kind": item.kind, "type": getattr(item, "type", None),  # type: ignore[attr-defined]
        "stage": item.stage, "verdict": item.verdict, "extractor": item.extractor,
        "confidence": item.confidence, "note": item.note or "", "cue": item.cue or "", "label": item_label(item),
        "quote": item.quote.model_dump(), "decided": decided,
        "turn_number": turn_number(item.quote.turn), "when": clock(item.quote.start),  # shown as-is: one format, made here
    }


@dataclass
class Segment:
    text: str
    ids: list[str] = field(default_factory=list)
    css: str = ""
    pii: RedactedSpan | None = None  # the redaction this piece is part of, if any
    pii_end: bool = False  # the redaction's last piece, where its placeholder is shown


def _css(item: Item) -> str:
    kind = f"t-{item.type}" if isinstance(item, Force) else "t-other"
    return f"hl {kind} v-{item.verdict}"


def segments(text: str, items: list[Item], redacted: list[RedactedSpan] = ()) -> list[Segment]:
    """Split a turn's text at every quote edge and redaction edge; each piece knows which items
    cover it and which redaction it belongs to. Forces come first so a piece's colour is its force's colour."""
    items = sorted(items, key=lambda i: (not isinstance(i, Force), i.verdict == "rejected", i.quote.start_char))
    cuts = [e for i in items for e in (i.quote.start_char, i.quote.end_char)] + [e for r in redacted for e in (r.start_char, r.end_char)]
    edges = sorted({0, len(text), *(e for e in cuts if 0 <= e <= len(text))})
    out: list[Segment] = []
    for a, b in zip(edges, edges[1:]):
        covering = [i for i in items if i.quote.start_char <= a and b <= i.quote.end_char]
        pii = next((r for r in redacted if r.start_char <= a and b <= r.end_char), None)
        out.append(Segment(text[a:b], [i.id for i in covering], _css(covering[0]) if covering else "", pii, pii is not None and b == pii.end_char))
    return out


@dataclass
class PersonalValue:
    """One placeholder on the review page's list: the real words it hides and where they came from."""

    placeholder: str
    entity: str
    texts: list[str]
    sources: list[str]
    mentions: int
    added: bool


def personal_values(redaction: Redaction) -> list[PersonalValue]:
    by_placeholder: dict[str, list[RedactedSpan]] = {}
    for span in redaction.spans:
        by_placeholder.setdefault(span.placeholder, []).append(span)
    return [PersonalValue(ph, spans[0].entity, list(dict.fromkeys(s.text for s in spans)),
                          list(dict.fromkeys(s.recognizer or s.source for s in spans)), len(spans),
                          all(s.source == "researcher" for s in spans))
            for ph, spans in by_placeholder.items()]


@dataclass
class LaneStage:
    stage: str
    label: str
    spans: list[str]
    forces: list[Force]


def lane(extraction: Extraction) -> list[LaneStage]:
    """Timeline stages in codebook order: those found (with their turn spans) or holding a force."""
    out = []
    for stage in (*STAGES, None):
        spans = [s for s in extraction.stages if s.stage == stage]
        forces = [f for f in extraction.forces if f.stage == stage]
        if not spans and not forces:
            continue
        texts = [_span_text(s.start_turn, s.end_turn, s.start) for s in spans]
        out.append(LaneStage(stage or "", stage_label(stage), texts, forces))
    return out


def _span_text(first: int, last: int, start: float | None) -> str:
    turns = turn_ref(first) if first == last else f"turns {turn_number(first)}–{turn_number(last)}"
    return f"{turns} · {clock(start)}" if start is not None else turns


def stage_starts(extraction: Extraction) -> dict[int, list[str]]:
    """Turn index -> the stages that begin there, for dividers in the transcript."""
    starts: dict[int, list[str]] = {}
    for span in sorted(extraction.stages, key=lambda s: (s.start_turn, STAGES.index(s.stage))):
        starts.setdefault(span.start_turn, []).append(span.stage)
    return starts


def force_counts(extraction: Extraction) -> dict[str, int]:
    """Forces per type, not counting the rejected ones."""
    return {t: sum(1 for f in extraction.forces if f.type == t and f.verdict != "rejected") for t in FORCE_TYPES}


def verdict_counts(extraction: Extraction) -> dict[str, int]:
    """Items of every kind per verdict: a review gets through all of them, not only the forces."""
    verdicts = [i.verdict for i in extraction.items()]
    return {v: verdicts.count(v) for v in ("pending", "accepted", "rejected")}


def undecided_text(counts: dict[str, int]) -> str:
    """'2 forces, 1 struggling moment' for what still waits for a verdict; '' when nothing does."""
    parts = [f"{n} {KIND_LABELS[k].lower()}{'' if n == 1 else 's'}" for k, n in counts.items() if n]
    return ", ".join(parts)


@dataclass
class Summary:
    id: str
    title: str
    kind: str
    state: str
    turns: int
    duration: str
    forces: dict[str, int]
    verdicts: dict[str, int]
    undecided: dict[str, int]
    orphans: int
    extracted: bool

    @property
    def undecided_text(self) -> str:
        return undecided_text(self.undecided)


def summary(transcript: Transcript, review: Review, reviewed: ReviewedExtraction, extracted: bool = True) -> Summary:
    interview = transcript.interview
    return Summary(
        id=interview.id, title=interview.title or interview.id, kind=interview.kind,
        state=review_state(review, reviewed.extraction), turns=len(transcript.turns),
        duration=clock(transcript.duration), forces=force_counts(reviewed.extraction),
        verdicts=verdict_counts(reviewed.extraction), undecided=undecided(reviewed.extraction),
        orphans=len(reviewed.orphans), extracted=extracted,
    )

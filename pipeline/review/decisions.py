"""Apply a researcher's review decisions to an extraction, re-matching them after re-runs.

Decisions are anchored to the quote they were made on. After a re-run the item may have a new
id (another span) or sit in another turn (a re-transcription shifted the turns), so a decision
is matched to: the item with the same id and text; else the item of the same kind whose quote
overlaps the anchor, found where the anchor's text now is. A decision that matches nothing is
an orphan: reported, never dropped. Pure functions, no I/O.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from schemas import Decision, Extraction, Force, Item, Quote, RedactionDecision, Review, Transcript, item_id
from schemas.review import ReviewState
from schemas.vocabulary import KIND_FIELDS

from ..grounding import locate, overlap, quote_at

MIN_OVERLAP = 0.5  # share of the shorter span two quotes must share to be "the same evidence"


@dataclass
class ReviewedExtraction:
    extraction: Extraction
    orphans: list[Decision] = field(default_factory=list)
    matches: dict[str, int] = field(default_factory=dict)  # item id in `extraction` -> index in review.decisions
    originals: dict[str, Quote] = field(default_factory=dict)  # item id -> the extractor's quote, before edits

    def item(self, id_: str) -> Item | None:
        return next((i for i in self.extraction.items() if i.id == id_), None)


def human_item_id(quote: Quote) -> str:
    """Ids of hand-added items never collide with extractor ids for the same span."""
    return "h" + item_id("force", quote)[:11]


def resolve_quote(quote: Quote, transcript: Transcript) -> Quote | None:
    """Where `quote`'s text is in this transcript: in place when unchanged, else found by text."""
    if 0 <= quote.turn < len(transcript.turns):
        turn = transcript.turns[quote.turn]
        if turn.text[quote.start_char:quote.end_char] == quote.text and quote.text:
            return quote_at(turn, quote.start_char, quote.end_char)
    return locate(transcript, quote.text, roles=("participant", "interviewer"), turn_hint=quote.turn)


def _same_id(decision: Decision, items: list[Item], claimed: set[str]) -> Item | None:
    return next((i for i in items if i.id == decision.item_id and i.id not in claimed and i.quote.text == decision.anchor.text), None)


def _best_overlap(anchor: Quote | None, items: list[Item], claimed: set[str]) -> Item | None:
    if anchor is None:
        return None
    scored = [(overlap(i.quote, anchor), i) for i in items if i.id not in claimed]
    scored = [(score, i) for score, i in scored if score >= MIN_OVERLAP]
    return max(scored, key=lambda pair: pair[0])[1] if scored else None


def _apply(item: Item, decision: Decision, transcript: Transcript) -> Item:
    update: dict = {"verdict": decision.verdict}
    if decision.stage is not None:
        update["stage"] = decision.stage
    if decision.note is not None:
        update["note"] = decision.note or None
    if decision.type is not None and isinstance(item, Force):
        update["type"] = decision.type
    if decision.quote is not None:
        edited = resolve_quote(decision.quote, transcript)
        if edited is not None:  # an edit whose text vanished keeps the extractor's span
            update["quote"] = edited
    return item.model_copy(update=update)


def _machine_only(item: Item) -> Item:
    """An extracted item carries no researcher's note: older extraction files put the extractor's
    cue in `note`, where the page showed it as the researcher's words. It moves to `cue`."""
    if item.note is None:
        return item
    return item.model_copy(update={"note": None, "cue": item.cue or item.note})


def _added_force(decision: Decision, transcript: Transcript) -> Force | None:
    quote = resolve_quote(decision.quote or decision.anchor, transcript)
    if quote is None or decision.type is None:
        return None
    return Force(
        id=decision.item_id, quote=quote, type=decision.type, stage=decision.stage, extractor="human",
        confidence=1.0, verdict=decision.verdict, note=decision.note or None,
    )


def apply_review(extraction: Extraction, review: Review, transcript: Transcript) -> ReviewedExtraction:
    """The extraction as the researcher sees it: decisions applied, hand-added forces included
    (extractor="human"), rejected items kept with verdict="rejected" for later stages to filter."""
    lists: dict[str, list[Item]] = {kind: [_machine_only(i) for i in getattr(extraction, name)] for kind, name in KIND_FIELDS.items()}
    claimed: set[str] = set()
    orphans: list[Decision] = []
    matches: dict[str, int] = {}
    originals: dict[str, Quote] = {}
    # decisions on extracted items first, so a hand-added force never takes an item another decision needs
    for index, decision in sorted(enumerate(review.decisions), key=lambda pair: pair[1].added):
        items = lists[decision.kind]
        if decision.added:
            added = _added_force(decision, transcript)
            if added is None:
                orphans.append(decision)
                continue
            # an undecided extractor force of the same type on the same span is the same evidence: the human one replaces it
            same_type = [i for i in items if getattr(i, "type", None) == added.type]
            twin = _best_overlap(added.quote, same_type, claimed)
            if twin is not None:
                items.remove(twin)
            items.append(added)
            claimed.add(added.id)
            matches[added.id], originals[added.id] = index, added.quote
            continue
        match = _same_id(decision, items, claimed) or _best_overlap(resolve_quote(decision.anchor, transcript), items, claimed)
        if match is None:
            orphans.append(decision)
            continue
        items[items.index(match)] = _apply(match, decision, transcript)
        claimed.add(match.id)
        matches[match.id], originals[match.id] = index, match.quote
    for items in lists.values():
        items.sort(key=lambda i: (i.quote.turn, i.quote.start_char))
    updated = extraction.model_copy(update={name: lists[kind] for kind, name in KIND_FIELDS.items()})
    return ReviewedExtraction(extraction=updated, orphans=orphans, matches=matches, originals=originals)


def review_state(review: Review, reviewed: Extraction | None = None) -> ReviewState:
    """reviewed: only when the researcher marked it so (never inferred from verdicts: deciding every
    force still leaves struggling moments and outcomes); in_review: some decision made; else new."""
    if review.state == "reviewed":
        return "reviewed"
    return "in_review" if review.decisions else "new"


def undecided(reviewed: Extraction) -> dict[str, int]:
    """Items of each kind still waiting for a verdict, in vocabulary order (zero counts included)."""
    return {kind: sum(1 for i in getattr(reviewed, name) if i.verdict == "pending") for kind, name in KIND_FIELDS.items()}


def decide(review: Review, reviewed: ReviewedExtraction, item: Item, changes: dict, now: str) -> Review:
    """Record `changes` (verdict/type/stage/quote/note) on `item`: update the decision that matched
    it, re-anchored to the item's current extractor quote, or add a new decision."""
    decisions = list(review.decisions)
    index = reviewed.matches.get(item.id)
    if index is None:
        base = Decision(item_id=item.id, kind=item.kind, anchor=item.quote)  # type: ignore[attr-defined]
        decisions.append(base.model_copy(update={**changes, "updated_at": now}))
    else:
        old = decisions[index]
        anchor = changes.get("quote", old.anchor) if old.added else reviewed.originals[item.id]
        decisions[index] = old.model_copy(update={**changes, "item_id": item.id, "anchor": anchor, "updated_at": now})
    state = review.state if review.state == "reviewed" else "in_review"
    return review.model_copy(update={"decisions": decisions, "state": state})


def add_force(review: Review, quote: Quote, changes: dict, now: str) -> tuple[Review, str]:
    """A force the researcher found themselves; accepted unless they say otherwise."""
    decision = Decision(item_id=human_item_id(quote), kind="force", anchor=quote, quote=quote, added=True, verdict="accepted")
    decision = decision.model_copy(update={**changes, "updated_at": now})
    kept = [d for d in review.decisions if d.item_id != decision.item_id]  # the same span added twice is one item
    state = review.state if review.state == "reviewed" else "in_review"
    return review.model_copy(update={"decisions": [*kept, decision], "state": state}), decision.item_id


def decide_redaction(review: Review, action: str, texts: list[str], entity: str, now: str) -> Review:
    """The researcher's word on some words of this interview: `add` redacts them wherever they occur,
    `remove` keeps them in the clear, `undo` forgets an earlier add or remove of them."""
    folded = {t.casefold() for t in texts}
    kept = [d for d in review.redactions if d.text.casefold() not in folded]
    if action != "undo":
        kept += [RedactionDecision(action=action, text=t, entity=entity, updated_at=now) for t in dict.fromkeys(texts)]  # type: ignore[arg-type]
    return review.model_copy(update={"redactions": kept})

"""The LLM's side of the edge: what goes to the endpoint is masked, what comes back is put back.

- Extraction: the LLM extractor runs on the masked transcript, so its prompt holds placeholders
  and every quote it returns is grounded (found, repaired or dropped) in the masked text; each
  grounded quote is then moved onto the real turn, with the real words and times. A repair can
  only ever produce masked words, so no real value enters a prompt through it.
- Synthesis writing: quotes and statements in the brief are masked per interview; the writer's
  evidence is put back from the unmasked synthesis.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from schemas import Extraction, Item, Redaction, Synthesis, Transcript, item_id
from schemas.vocabulary import KIND_FIELDS

from ..settings import Settings
from .masking import MaskedTranscript, mask_quote, mask_values
from .store import redaction_for, redacts_llm, stored

ITEM_LISTS = tuple(KIND_FIELDS.values())
FREE_TEXT = ("name", "description", "criterion", "metric", "object", "baseline", "cue", "note")


def guard_extraction(transcript: Transcript, settings: Settings, cache_dir: Path,
                     extract_llm: Callable[[Transcript], Extraction]) -> Extraction:
    """`extract_llm` on the masked transcript, its result on the real one."""
    if not redacts_llm(settings):
        return extract_llm(transcript)
    masked = MaskedTranscript(transcript, redaction_for(transcript, settings, cache_dir))
    return unmask_extraction(extract_llm(masked.transcript), masked)


def unmask_extraction(extraction: Extraction, masked: MaskedTranscript) -> Extraction:
    lists = {name: [_item_back(item, masked) for item in getattr(extraction, name)] for name in ITEM_LISTS}
    stages = [s.model_copy(update={"cue": masked.unmask(s.cue)}) for s in extraction.stages]
    return extraction.model_copy(update={**lists, "stages": stages})


def _item_back(item: Item, masked: MaskedTranscript) -> Item:
    quote = masked.quote_back(item.quote)
    # a field that repeats the quote (a description taken from it) gets the quote's own real words
    update = {name: quote.text if value == item.quote.text else masked.unmask(value)
              for name in FREE_TEXT if isinstance(value := getattr(item, name, None), str)}
    return item.model_copy(update={**update, "quote": quote, "id": item_id(item.kind, quote)})  # type: ignore[attr-defined]


# synthesis -------------------------------------------------------------------------------------
SKIP_KEYS = {"id", "interview_id", "item_id", "kind", "altitude", "writer", "direction", "participants", "source_clusters",
             "outcome_id", "method", "date", "interviews"}


def guard_synthesis(synthesis: Synthesis, settings: Settings, cache_dir: Path | None,
                    write: Callable[[Synthesis], Synthesis]) -> Synthesis:
    """`write` (the LLM writer) on a masked synthesis; the result keeps the real evidence."""
    if not redacts_llm(settings):
        return write(synthesis)
    redactions = {i: stored(cache_dir, i) for i in synthesis.interviews} if cache_dir else {}
    if redactions and all(redactions.values()):
        masked = mask_synthesis(synthesis, redactions)  # type: ignore[arg-type]
    else:  # outside a run (no stored redactions): find the personal data in the synthesis's own text
        masked = mask_by_detection(synthesis)
    return restore_evidence(synthesis, write(masked))


def mask_by_detection(synthesis: Synthesis) -> Synthesis:
    texts: list[str] = []

    def walk(node, key: str = "", replace=None):
        if isinstance(node, dict):
            return {k: (v if k in SKIP_KEYS else walk(v, k, replace)) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, key, replace) for v in node]
        if isinstance(node, str):
            if replace is None:
                texts.append(node)
                return node
            return replace.pop(0)
        return node

    data = synthesis.model_dump()
    walk(data)
    return Synthesis.model_validate(walk(data, replace=_detected_masks(texts)))


def mask_synthesis(synthesis: Synthesis, redactions: dict[str, Redaction], generic: bool = False) -> Synthesis:
    """Every quote masked with its own interview's placeholders; other text (labels, statements,
    stories) with all interviews' values as [PERSON]-style placeholders, since it speaks across them."""
    every = [s for r in redactions.values() for s in r.spans]

    def walk(node, key: str = ""):
        if isinstance(node, dict):
            if "interview_id" in node and isinstance(node.get("quote"), str):
                spans = redactions[node["interview_id"]].spans if node["interview_id"] in redactions else every
                node = {**node, "quote": mask_values(node["quote"], spans, generic)}
            return {k: (v if k in SKIP_KEYS else walk(v, k)) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, key) for v in node]
        return mask_values(node, every, generic=True) if isinstance(node, str) and key != "quote" else node

    return Synthesis.model_validate(walk(synthesis.model_dump()))


def restore_evidence(original: Synthesis, written: Synthesis) -> Synthesis:
    """The writer's stories, statements and objectives, with the original synthesis's clusters and
    outcomes and every evidence quote back to the real words."""
    quotes = {(r.interview_id, r.item_id): r.quote for c in original.clusters for r in [*c.members, *c.evidence.refs]}
    quotes |= {(r.interview_id, r.item_id): r.quote for o in original.outcomes for r in o.evidence.refs}

    def walk(node):
        if isinstance(node, dict):
            if "interview_id" in node and "item_id" in node:
                node = {**node, "quote": quotes.get((node["interview_id"], node["item_id"]), node.get("quote"))}
            return {k: walk(v) for k, v in node.items()}
        return [walk(v) for v in node] if isinstance(node, list) else node

    fields = ("job_stories", "job_statements", "objectives")
    restored = {name: walk([x.model_dump() for x in getattr(written, name)]) for name in fields}
    return Synthesis.model_validate({**original.model_dump(), **restored, "method": written.method})


def mask_quote_of(transcript: Transcript, redaction: Redaction, turn: int, start: int, text: str) -> str:
    if not 0 <= turn < len(transcript.turns):
        return mask_values(text, redaction.spans)
    return mask_quote(text, transcript.turns[turn].text, start, redaction.for_turn(turn))


def scrub_texts(texts: list[str], cache_dir: Path | None) -> list[str]:
    """Texts bound for the embedding endpoint, with every value any interview's redaction holds."""
    folder = Path(cache_dir) / "redaction" if cache_dir else None
    spans = []
    for path in sorted(folder.glob("*.json")) if folder and folder.is_dir() else []:
        redaction = stored(folder.parent, path.stem)
        spans += redaction.spans if redaction else []
    if not spans:  # no interview redactions to go by: find the personal data in the texts themselves
        return _detected_masks(texts)
    return [mask_values(t, spans, generic=True) for t in texts]


def _detected_masks(texts: list[str]) -> list[str]:
    from schemas import Interview, Turn

    from ..settings import RedactSettings
    from .detect import detect
    from .resolve import number

    turns = [Turn(index=i, speaker="Participant", role="participant", text=t) for i, t in enumerate(texts)]
    transcript = Transcript(interview=Interview(id="texts", source="", kind="transcript", sha256=""), turns=turns)
    masked = MaskedTranscript(transcript, Redaction(interview_id="texts", transcript_digest="", fingerprint="",
                                                    spans=number(detect(transcript, RedactSettings()))))
    return [re.sub(r"_\d+\]", "]", t.text) for t in masked.transcript.turns]

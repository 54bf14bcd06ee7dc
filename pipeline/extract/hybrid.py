"""Hybrid extraction: spaCy rules and the LLM run independently; their grounded items are merged
so that the hybrid is never much worse than the rules alone, whatever the model.

Design (measured on samples/ with `jtbd eval --extractor rules|llm|hybrid`; figures in the report):
- Rules items are always kept, with the rules' span and type. An item the LLM also found (same
  kind, overlapping quote) becomes extractor="hybrid" with raised confidence; when the types
  disagree the rules' type stays (unless prefer="llm") and the LLM's reading goes in the note.
- Items only the LLM found are added only when the LLM has earned trust on this interview:
  it confirmed (same span and type) at least TRUST_SHARE of the rules' forces, judged on at
  least TRUST_MIN_FORCES of them. A model that does not see what the precise rules see (a tiny
  local model mostly returns grounded-but-random sentences) adds nothing; a capable one adds
  the paraphrased forces the lexicons miss.
- Stages come from the rules (built from the interviewer's questions); the LLM's stage labels
  only fill items the rules left without a stage.
"""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from schemas import Extraction, Item, Transcript, item_id

from ..settings import Settings
from .chunking import same_evidence

KINDS = ("forces", "struggling_moments", "alternatives", "workarounds", "decision_criteria", "desired_outcomes")
AGREEMENT_BONUS = 0.2
TRUST_SHARE = 0.5
TRUST_MIN_FORCES = 2


def agree(rules_item: Item, llm_item: Item, prefer: Literal["rules", "llm"]) -> Item:
    """One item for a finding both extractors made."""
    base, other = (rules_item, llm_item) if prefer == "rules" else (llm_item, rules_item)
    update: dict = {
        "extractor": "hybrid",
        "quote": rules_item.quote,
        "id": item_id(rules_item.kind, rules_item.quote),  # type: ignore[attr-defined]
        "confidence": min(0.95, max(rules_item.confidence, llm_item.confidence) + AGREEMENT_BONUS),
        "stage": base.stage or other.stage,
        "dimension": base.dimension or other.dimension,
    }
    base_type, other_type = getattr(base, "type", None), getattr(other, "type", None)
    if base_type and other_type and base_type != other_type:
        update["cue"] = f"{other.extractor} read this as {other_type}"
        update["confidence"] = max(rules_item.confidence, llm_item.confidence)
    return base.model_copy(update=update)


def confirmed_share(rules: Extraction, llm: Extraction) -> float | None:
    """Share of the rules' forces the LLM found with the same type; None when too few to judge."""
    if len(rules.forces) < TRUST_MIN_FORCES:
        return None
    hits = sum(any(same_evidence(r, l) and r.type == l.type for l in llm.forces) for r in rules.forces)
    return hits / len(rules.forces)


def merge_kind(rules_items: list[Item], llm_items: list[Item], prefer: Literal["rules", "llm"], add_llm_only: bool) -> list[Item]:
    merged: list[Item] = []
    unmatched_llm = list(llm_items)
    for r in rules_items:
        match = next((l for l in unmatched_llm if same_evidence(r, l)), None)
        if match is None:
            merged.append(r)
            continue
        unmatched_llm.remove(match)
        merged.append(agree(r, match, prefer))
    if add_llm_only:
        merged += unmatched_llm
    return sorted(merged, key=lambda i: (i.quote.turn, i.quote.start_char))


def combine(rules: Extraction, llm: Extraction, prefer: Literal["rules", "llm"] = "rules", trust: bool | None = None) -> Extraction:
    """The hybrid Extraction from a rules one and an LLM one of the same transcript.
    `trust` forces whether LLM-only items are added; by default the LLM must earn it."""
    if trust is None:
        share = confirmed_share(rules, llm)
        trust = share is not None and share >= TRUST_SHARE
    fields = {kind: merge_kind(getattr(rules, kind), getattr(llm, kind), prefer, trust) for kind in KINDS}
    return rules.model_copy(update={
        "extractor": "hybrid",
        "stages": rules.stages or llm.stages,
        "llm": llm.llm,
        **fields,
    })


def extract_hybrid(transcript: Transcript, settings: Settings, cache_dir: Path | None = None) -> Extraction:
    from .llm import extract_llm
    from .rules import extract_rules

    return combine(extract_rules(transcript), extract_llm(transcript, settings, cache_dir))

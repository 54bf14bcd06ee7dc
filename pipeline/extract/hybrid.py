"""Hybrid extraction: spaCy rules and the LLM run independently; their grounded items are merged.

Design (see the report in benchmarks/llm_tokens.py's docstring for the measurements):
- Both extractors see the whole transcript. Rules are precise on the phrasings their lexicons
  know; the LLM finds paraphrased forces the lexicons miss. Neither is asked to vet the other,
  which keeps the LLM prompt independent of the rules version (one cached call per chunk).
- An item both found (same kind, overlapping quote) becomes one item, extractor="hybrid", with
  raised confidence, the rules' span (sentence-aligned) and, for a force whose types disagree,
  the type of the side named by `prefer` (default: rules, which measured better against the
  gold labels with a small model); the other side's type is kept in the note for the reviewer.
- Items only one side found are kept with that side's name and confidence; the reviewer sees
  which extractor proposed each one.
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
        update["note"] = f"{other.extractor} read this as {other_type}"
        update["confidence"] = max(rules_item.confidence, llm_item.confidence)
    return base.model_copy(update=update)


def merge_kind(rules_items: list[Item], llm_items: list[Item], prefer: Literal["rules", "llm"]) -> list[Item]:
    merged: list[Item] = []
    unmatched_llm = list(llm_items)
    for r in rules_items:
        match = next((l for l in unmatched_llm if same_evidence(r, l)), None)
        if match is None:
            merged.append(r)
            continue
        unmatched_llm.remove(match)
        merged.append(agree(r, match, prefer))
    merged += unmatched_llm
    return sorted(merged, key=lambda i: (i.quote.turn, i.quote.start_char))


def combine(rules: Extraction, llm: Extraction, prefer: Literal["rules", "llm"] = "rules") -> Extraction:
    """The hybrid Extraction from a rules one and an LLM one of the same transcript."""
    fields = {kind: merge_kind(getattr(rules, kind), getattr(llm, kind), prefer) for kind in KINDS}
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

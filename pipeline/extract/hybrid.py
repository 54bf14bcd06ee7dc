"""Hybrid extraction: the trained offline classifier and the LLM read the same interview; the LLM's
reading is used when it shows it is sane on this interview, the offline one otherwise.

A capable model must not be held back by a weaker offline extractor (which disagrees with it
often, and is wrong when it does), and a model that answers nonsense must not drag the result
below the offline one. So the LLM is judged on signs that do not need gold labels
(`judge`), measured on recorded capable and nonsense answers (benchmarks/llm_replay.py):
- grounding: a sane model's quotes are in the transcript (nonsense: 17-31% invented or the
  interviewer's words; capable: none);
- coherence: its force type agrees with its own reading of the way ("about": push and habit are
  about the old way, pull and anxiety the new); nonsense contradicts itself in a third or more;
- agreement beyond chance with the offline classifier where both found a force (capable
  0.41-0.60; nonsense 0-0.35 on the recorded set): a model told by the transcript to "label
  everything habit" fails this one.
Trusted: the LLM's forces (adding the offline forces it left out cost 0.08 macro F1 on the
recorded capable answers, even the confident ones), its other elements merged with the offline
ones, and disagreements on type noted in the item's cue for review. Not trusted: the
offline items, with the reason in Extraction.llm.set_aside (the run says so in one line).
"""
from __future__ import annotations

from dataclasses import dataclass

from schemas import Extraction, Force
from schemas.vocabulary import KIND_FIELDS

from .chunking import merge_items, same_evidence

KINDS = tuple(field for field in KIND_FIELDS.values() if field != "forces")  # the items merged from both readings
MAX_DROPPED = 0.1
MAX_INCOHERENT = 0.15
MIN_AGREEMENT = 0.38
MIN_PAIRS = 5  # fewer overlapping forces than this say nothing about agreement


@dataclass
class Verdict:
    trusted: bool
    dropped: float
    incoherent: float
    agreement: float | None
    reason: str = ""


def judge(offline: Extraction, llm: Extraction) -> Verdict:
    usage = llm.llm
    returned = (usage.dropped_quotes if usage else 0) + len(llm.items())
    dropped = (usage.dropped_quotes if usage else 0) / returned if returned else 0.0
    incoherent = sum(1 for f in llm.forces if f.cue and f.cue.startswith("typed ")) / len(llm.forces) if llm.forces else 0.0
    pairs = [(o, x) for o in offline.forces for x in llm.forces if same_evidence(o, x)]
    agreement = sum(o.type == x.type for o, x in pairs) / len(pairs) if len(pairs) >= MIN_PAIRS else None
    reasons = []
    if not llm.forces and offline.forces:
        reasons.append("the LLM found no force")
    if dropped > MAX_DROPPED:
        reasons.append(f"{dropped:.0%} of its quotes were not in the transcript")
    if incoherent > MAX_INCOHERENT:
        reasons.append(f"{incoherent:.0%} of its forces contradict its own reading of old vs new way")
    if agreement is not None and agreement < MIN_AGREEMENT:
        reasons.append(f"it agrees with the offline extractor on {agreement:.0%} of shared statements")
    return Verdict(not reasons, dropped, incoherent, agreement, "; ".join(reasons))


def _noted(llm_force: Force, offline: list[Force]) -> Force:
    other = next((o for o in offline if same_evidence(o, llm_force)), None)
    if other is None or other.type == llm_force.type:
        return llm_force.model_copy(update={"extractor": "hybrid"} if other is not None else {})
    return llm_force.model_copy(update={"cue": f"the offline extractor read this as {other.type}"})


def combine(offline: Extraction, llm: Extraction) -> Extraction:
    verdict = judge(offline, llm)
    usage = llm.llm.model_copy() if llm.llm else None
    if not verdict.trusted:
        if usage is not None:
            usage.set_aside = verdict.reason
        return offline.model_copy(update={"extractor": "hybrid", "llm": usage})
    forces = merge_items([_noted(f, offline.forces) for f in llm.forces])
    fields = {kind: merge_items([*getattr(llm, kind), *getattr(offline, kind)]) for kind in KINDS}
    return llm.model_copy(update={
        "extractor": "hybrid", "forces": forces, "story_kind": offline.story_kind,
        "stages": llm.stages or offline.stages, "llm": usage, **fields,
    })

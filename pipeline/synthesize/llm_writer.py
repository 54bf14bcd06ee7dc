"""Optional LLM wording of job stories, job statements and objectives.

The rules writer always runs first; the LLM only rewords. It sees cluster and outcome ids with
their quotes and must cite them; anything citing an id we did not give it is dropped, key results
are rebuilt from their parts and must pass lint_key_result, and a section the LLM fails keeps the
rules version. Any LLM failure leaves the rules synthesis untouched (noted in method["writer"]).
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from schemas import Evidence, JobStatement, JobStory, KeyResult, Objective, Synthesis
from schemas.synthesis import Altitude

from ..errors import JtbdError
from ..settings import Settings
from .collect import merge_evidence
from .language import drop_fillers, strip_products
from .outcome_text import verb_phrase_ok
from .okr import BASELINE_PLACEHOLDER, TARGET_PLACEHOLDER, default_date, lint_key_result

CLUSTERS_PER_KIND = 6
SYSTEM = """You are a Jobs-to-be-Done researcher. From clusters of interview evidence, write:
- job stories: "When [situation], I want to [motivation], so I can [expected outcome]" (situation from push or struggling-moment clusters, motivation from pull clusters, outcome from desired outcomes);
- job statements: verb + object + contextual clarifier, solution-agnostic (never name a product or brand);
- 1 to 3 customer-centric objectives, each with 2 to 5 key results "Increase/Reduce [metric] from [baseline] to [target]"; a baseline must be a number participants said, otherwise write "[baseline: measure]" and target "[target: set]". Never a task ("Launch", "Build", "Ship").
Altitude: aspirational (feelings, being seen), main, functional (concrete tasks).
Cite only the cluster ids and outcome ids you are given. Answer with JSON only."""


class LLMStory(BaseModel):
    situation: str
    motivation: str
    expected_outcome: str
    altitude: Altitude = "main"
    cluster_ids: list[str] = Field(default_factory=list)


class LLMStatement(BaseModel):
    verb: str
    object: str
    clarifier: str
    altitude: Altitude = "main"
    cluster_ids: list[str] = Field(default_factory=list)


class LLMKeyResult(BaseModel):
    direction: Literal["Increase", "Reduce"]
    metric: str
    baseline: str
    target: str
    outcome_id: str | None = None


class LLMObjective(BaseModel):
    text: str
    outcome_ids: list[str] = Field(default_factory=list)
    key_results: list[LLMKeyResult] = Field(default_factory=list)


class LLMWording(BaseModel):
    job_stories: list[LLMStory] = Field(default_factory=list)
    job_statements: list[LLMStatement] = Field(default_factory=list)
    objectives: list[LLMObjective] = Field(default_factory=list)


def brief(synthesis: Synthesis) -> str:
    """What the LLM sees: top clusters per kind and the outcomes, with ids, counts and quotes."""
    clusters = []
    for kind in dict.fromkeys(c.kind for c in synthesis.clusters):
        for c in [c for c in synthesis.clusters if c.kind == kind][:CLUSTERS_PER_KIND]:
            clusters.append({"id": c.id, "kind": kind, "participants": c.evidence.label, "quotes": [r.quote for r in c.members[:3]]})
    outcomes = [{"id": o.id, "statement": o.statement, "baseline": o.baseline, "opportunity": o.opportunity} for o in synthesis.outcomes[:10]]
    return json.dumps({"clusters": clusters, "outcomes": outcomes}, ensure_ascii=False, indent=1)


def rewrite_with_llm(synthesis: Synthesis, settings: Settings, cache_dir: Path | None, products: list[str] = ()) -> Synthesis:
    from ..llm import LLMCache, complete_structured

    messages = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": brief(synthesis)}]
    try:
        wording, _ = complete_structured(messages, LLMWording, settings, cache=LLMCache(cache_dir) if cache_dir else None,
                                         max_tokens=3000, purpose="synthesize")
    except JtbdError as exc:
        return synthesis.model_copy(update={"method": {**synthesis.method, "writer": f"rules (llm failed: {exc.reason[:120]})"}})
    return apply_wording(synthesis, wording, settings.key_result_date or default_date(), products)


def apply_wording(synthesis: Synthesis, wording: LLMWording, date: str, products: list[str] = ()) -> Synthesis:
    """Merge validated LLM wording into the synthesis. Dropped: items citing no id we gave, stories
    whose motivation is not a base-form verb phrase, key results that fail the lint. Product names
    are stripped (solution-agnostic) and fillers ('um') removed."""
    total = len(synthesis.interviews)
    sources: dict[str, Evidence] = {c.id: c.evidence for c in synthesis.clusters} | {o.id: o.evidence for o in synthesis.outcomes}
    tidy = lambda text: strip_products(drop_fillers(text), list(products))  # noqa: E731
    stories = [s for s in (_story(s, sources, total, tidy) for s in wording.job_stories[:5]) if s]
    statements = [s for s in (_statement(s, sources, total, tidy) for s in wording.job_statements[:6]) if s]
    objectives = [o for o in (_objective(o, sources, total, date, n) for n, o in enumerate(wording.objectives[:3], 1)) if o]
    used = bool(stories or statements or objectives)
    return synthesis.model_copy(update={
        "job_stories": stories or synthesis.job_stories,
        "job_statements": statements or synthesis.job_statements,
        "objectives": [o.model_copy(update={"id": f"objective-{i}"}) for i, o in enumerate(objectives, 1)] or synthesis.objectives,
        "method": {**synthesis.method, "writer": "llm" if used else "rules (llm answer unusable)"},
    })


def _known(ids: list[str], sources: dict[str, Evidence]) -> list[str]:
    return list(dict.fromkeys(i for i in ids if i in sources))


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().rstrip(".,")


def _story(raw: LLMStory, sources: dict[str, Evidence], total: int, tidy) -> JobStory | None:
    ids = _known(raw.cluster_ids, sources)
    parts = [tidy(_clean(raw.situation)), tidy(_clean(raw.motivation)), tidy(_clean(raw.expected_outcome))]
    if not ids or not all(parts):
        return None
    parts[0] = re.sub(r"^when\s+", "", parts[0], flags=re.I)
    parts[1] = re.sub(r"^I want to\s+", "", parts[1], flags=re.I)
    parts[2] = re.sub(r"^so (?:that )?I can\s+", "", parts[2], flags=re.I)
    if not verb_phrase_ok(parts[1]) or not verb_phrase_ok(parts[2]):  # "I want to [base verb]", "so I can [base verb]"
        return None
    evidence = merge_evidence([sources[i] for i in ids], total)
    return JobStory(id=f"story-llm-{'-'.join(i.split('-')[-1] for i in ids)[:40]}", situation=parts[0], motivation=parts[1],
                    expected_outcome=parts[2], altitude=raw.altitude, evidence=evidence, source_clusters=ids, writer="llm")


def _statement(raw: LLMStatement, sources: dict[str, Evidence], total: int, tidy) -> JobStatement | None:
    ids = _known(raw.cluster_ids, sources)
    verb, obj, clarifier = _clean(raw.verb), tidy(_clean(raw.object)), tidy(_clean(raw.clarifier))
    if not ids or not verb or not obj:
        return None
    text = f"{verb[:1].upper()}{verb[1:]} {obj} {clarifier}".strip() + "."
    return JobStatement(id=f"job-llm-{'-'.join(i.split('-')[-1] for i in ids)[:40]}", verb=verb, object=obj, clarifier=clarifier,
                        text=text, altitude=raw.altitude, evidence=merge_evidence([sources[i] for i in ids], total), writer="llm")


def _said(baseline: str, evidence: Evidence) -> bool:
    """A baseline counts only if its number appears in a quote the participants said."""
    numbers = re.findall(r"\d+|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|hundred)\b", baseline.lower())
    quotes = " ".join(r.quote.lower() for r in evidence.refs)
    return bool(numbers) and all(n in quotes for n in numbers)


def _objective(raw: LLMObjective, sources: dict[str, Evidence], total: int, date: str, n: int) -> Objective | None:
    krs: list[KeyResult] = []
    for k in raw.key_results[:5]:
        outcome_id = k.outcome_id if k.outcome_id in sources else None
        evidence = sources[outcome_id] if outcome_id else None
        if evidence is None:
            continue
        baseline, target = _clean(k.baseline), _clean(k.target)
        if not _said(baseline, evidence):
            baseline, target = BASELINE_PLACEHOLDER, TARGET_PLACEHOLDER
        text = f"{k.direction} {_clean(k.metric)} from {baseline} to {target} by {date}"
        if lint_key_result(text) is None:
            krs.append(KeyResult(text=text, direction=k.direction, metric=_clean(k.metric), baseline=baseline, target=target,
                                 date=date, outcome_id=outcome_id, evidence=evidence))
    if len(krs) < 2 or not _clean(raw.text):
        return None
    return Objective(id=f"objective-{n}", text=_clean(raw.text), key_results=krs, evidence=merge_evidence([k.evidence for k in krs], total))

"""Optional LLM wording of job stories, job statements and objectives, from the same grounded parts.

The rules writer always runs first. The LLM sees, per participant (a "voice"), that person's own
quotes with ids, plus themes and outcomes with ids (prompts/synthesize.system.*), and must cite
for every part of a story the quotes it wrote it from, all of one voice. What comes back is
checked like the offline writer's output: a part that is not a clean clause, or whose content
words are not mostly the cited quotes' words (GROUNDED_SHARE), or that cites another person,
becomes a scaffold with the cited quotes; a story without a grounded situation is dropped. Key
results are rebuilt from their parts and must pass lint_key_result. A section the LLM fails
keeps the rules version; any LLM failure leaves the rules synthesis untouched (method["writer"]).
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

import prompts
from schemas import Evidence, EvidenceRef, JobStatement, JobStory, KeyResult, Objective, StoryPart, Synthesis
from schemas.synthesis import Altitude

from ..errors import JtbdError
from ..settings import Settings
from .check import clean_part, grounded_share
from .collect import merge_evidence
from .language import drop_fillers, strip_products
from .stories import scaffold
from .okr import BASELINE_PLACEHOLDER, TARGET_PLACEHOLDER, default_date, lint_key_result

GROUNDED_SHARE = 0.5  # reworded for grammar: at least half its content words are the participant's
VOICES = 8
SITUATIONS_PER_VOICE = 4
WANTS_PER_VOICE = 6
THEMES_PER_KIND = 6
SITUATION_KINDS = ("push", "struggling_moment")
WANT_KINDS = ("pull", "desired_outcome")


class LLMStory(BaseModel):
    participant: str
    situation: str = ""
    situation_quotes: list[str] = Field(default_factory=list)
    motivation: str = ""
    motivation_quotes: list[str] = Field(default_factory=list)
    expected_outcome: str = ""
    outcome_quotes: list[str] = Field(default_factory=list)
    altitude: Altitude = "main"


class LLMStatement(BaseModel):
    verb: str
    object: str
    clarifier: str = ""
    quote_ids: list[str] = Field(default_factory=list)
    altitude: Altitude = "main"


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


class Brief:
    """The evidence as the LLM sees it, and the map from its quote ids back to the evidence."""

    def __init__(self, synthesis: Synthesis):
        self.refs: dict[str, EvidenceRef] = {}
        self.kind_of: dict[str, str] = {}
        self.theme_of: dict[tuple[str, str], Evidence] = {}
        self._ids: dict[tuple[str, str], str] = {}
        for cluster in synthesis.clusters:
            for ref in cluster.members:
                self.theme_of.setdefault((ref.interview_id, ref.item_id), cluster.evidence)
        self.voices = self._voices(synthesis)
        self.themes = [{"id": c.id, "kind": c.kind, "label": c.label, "participants": c.evidence.label,
                        "quotes": [{"id": self._id(r, c.kind), "participant": r.interview_id, "text": r.quote} for r in c.members[:4]]}
                       for kind in WANT_KINDS for c in [c for c in synthesis.clusters if c.kind == kind][:THEMES_PER_KIND]]
        self.outcomes = [{"id": o.id, "statement": o.statement, "baseline": o.baseline, "opportunity": o.opportunity}
                         for o in synthesis.outcomes[:10]]

    def _id(self, ref: EvidenceRef, kind: str) -> str:
        key = (ref.interview_id, ref.item_id)
        if key not in self._ids:
            qid = f"q{len(self._ids) + 1}"
            self._ids[key], self.refs[qid], self.kind_of[qid] = qid, ref, kind
        return self._ids[key]

    def _voices(self, synthesis: Synthesis) -> list[dict]:
        by_voice: dict[str, dict[str, list]] = {}
        order: list[str] = []
        for cluster in synthesis.clusters:  # clusters come ranked: patterns first
            for ref in cluster.members:
                slot = by_voice.setdefault(ref.interview_id, {"situations": [], "wants": []})
                if ref.interview_id not in order and cluster.kind in SITUATION_KINDS:
                    order.append(ref.interview_id)
                if cluster.kind in SITUATION_KINDS:
                    slot["situations"].append((ref, cluster))
                elif cluster.kind in WANT_KINDS:
                    slot["wants"].append((ref, cluster))
        voices = []
        for interview_id in order[:VOICES]:
            slot = by_voice[interview_id]
            quotes = [{"id": self._id(r, c.kind), "kind": c.kind, "text": r.quote, "shared_by": c.evidence.label}
                      for r, c in slot["situations"][:SITUATIONS_PER_VOICE]]
            quotes += [{"id": self._id(r, c.kind), "kind": c.kind, "text": r.quote} for r, c in slot["wants"][:WANTS_PER_VOICE]]
            voices.append({"participant": interview_id, "quotes": quotes})
        return voices

    def text(self) -> str:
        return json.dumps({"voices": self.voices, "themes": self.themes, "outcomes": self.outcomes}, ensure_ascii=False, indent=1)


def rewrite_with_llm(synthesis: Synthesis, settings: Settings, cache_dir: Path | None, products: list[str] = ()) -> Synthesis:
    from ..llm import LLMCache, complete_structured

    brief = Brief(synthesis)
    messages = [{"role": "system", "content": prompts.load("synthesize.system").render()}, {"role": "user", "content": brief.text()}]
    try:
        wording, _ = complete_structured(messages, LLMWording, settings, cache=LLMCache(cache_dir) if cache_dir else None,
                                         max_tokens=4000, purpose="synthesize")
    except JtbdError as exc:
        return synthesis.model_copy(update={"method": {**synthesis.method, "writer": f"rules (llm failed: {exc.reason[:120]})"}})
    return apply_wording(synthesis, wording, brief, settings.key_result_date or default_date(), products)


def apply_wording(synthesis: Synthesis, wording: LLMWording, brief: Brief, date: str, products: list[str] = ()) -> Synthesis:
    total = len(synthesis.counted) or len(synthesis.interviews)
    tidy = lambda text: strip_products(drop_fillers(_clean(text)), list(products))  # noqa: E731
    stories = [s for s in (_story(s, brief, tidy) for s in wording.job_stories[:VOICES]) if s]
    statements = [s for s in (_statement(s, brief, tidy) for s in wording.job_statements[:6]) if s]
    sources = {o.id: o.evidence for o in synthesis.outcomes}
    objectives = [o for o in (_objective(o, sources, total, date, n) for n, o in enumerate(wording.objectives[:3], 1)) if o]
    used = bool(stories or statements or objectives)
    return synthesis.model_copy(update={
        "job_stories": stories or synthesis.job_stories,
        "job_statements": statements or synthesis.job_statements,
        "objectives": [o.model_copy(update={"id": f"objective-{i}"}) for i, o in enumerate(objectives, 1)] or synthesis.objectives,
        "method": {**synthesis.method, "writer": "llm" if used else "rules (llm answer unusable)"},
    })


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip().rstrip(".,;")


def _cited(ids: list[str], brief: Brief, voice: str) -> list[EvidenceRef]:
    return [brief.refs[i] for i in dict.fromkeys(ids) if i in brief.refs and brief.refs[i].interview_id == voice]


def _part(role: str, text: str, refs: list[EvidenceRef]) -> StoryPart:
    if text and refs and clean_part(role, text) and grounded_share(text, [r.quote for r in refs]) >= GROUNDED_SHARE:
        return StoryPart(role=role, text=text, refs=refs)  # type: ignore[arg-type]
    return scaffold(role, refs)


def _story(raw: LLMStory, brief: Brief, tidy) -> JobStory | None:
    voice = raw.participant
    situation_text = re.sub(r"^when\s+", "", tidy(raw.situation), flags=re.I)
    motivation_text = re.sub(r"^I want to\s+", "", tidy(raw.motivation), flags=re.I)
    outcome_text = re.sub(r"^so (?:that )?I can\s+", "", tidy(raw.expected_outcome), flags=re.I)
    parts = [_part("situation", situation_text, _cited(raw.situation_quotes, brief, voice)),
             _part("motivation", motivation_text, _cited(raw.motivation_quotes, brief, voice)),
             _part("expected_outcome", outcome_text, _cited(raw.outcome_quotes, brief, voice))]
    if parts[0].scaffold:
        return None
    anchor = parts[0].refs[0]
    evidence = brief.theme_of.get((anchor.interview_id, anchor.item_id)) or Evidence(participants=[voice], refs=parts[0].refs)
    ids = [r.item_id for p in parts for r in p.refs]
    return JobStory(id=f"story-llm-{voice}-{'-'.join(ids)[:40]}", situation=parts[0].text, motivation=parts[1].text,
                    expected_outcome=parts[2].text, altitude=raw.altitude, evidence=evidence, parts=parts, voice=voice,
                    writer="llm")


def _statement(raw: LLMStatement, brief: Brief, tidy) -> JobStatement | None:
    refs = [brief.refs[i] for i in dict.fromkeys(raw.quote_ids) if i in brief.refs]
    verb, obj, clarifier = _clean(raw.verb), tidy(raw.object), tidy(raw.clarifier)
    text = f"{verb[:1].upper()}{verb[1:]} {obj} {clarifier}".strip()
    if not refs or not verb or not obj or grounded_share(text, [r.quote for r in refs]) < GROUNDED_SHARE:
        return None
    themes = [brief.theme_of[(r.interview_id, r.item_id)] for r in refs if (r.interview_id, r.item_id) in brief.theme_of]
    evidence = merge_evidence(themes, themes[0].total_participants) if themes else Evidence(participants=sorted({r.interview_id for r in refs}), refs=refs)
    return JobStatement(id=f"job-llm-{'-'.join(r.item_id for r in refs)[:40]}", verb=verb, object=obj, clarifier=clarifier,
                        text=f"{text}.", altitude=raw.altitude, evidence=evidence, written_from=refs, writer="llm")


def _said(baseline: str, evidence: Evidence) -> bool:
    """A baseline counts only if its number appears in a quote the participants said."""
    numbers = re.findall(r"\d+|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|hundred)\b", baseline.lower())
    quotes = " ".join(r.quote.lower() for r in evidence.refs)
    return (bool(numbers) and all(n in quotes for n in numbers)) or (len(baseline) > 3 and baseline.lower() in quotes)


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
        metric = _clean(k.metric)
        text = f"{k.direction} {metric} from {baseline} to {target} by {date}"
        if lint_key_result(text) is None and '"' not in metric:
            krs.append(KeyResult(text=text, direction=k.direction, metric=metric, baseline=baseline, target=target,
                                 date=date, outcome_id=outcome_id, evidence=evidence))
    if len(krs) < 2 or not _clean(raw.text):
        return None
    return Objective(id=f"objective-{n}", text=_clean(raw.text), key_results=krs, evidence=merge_evidence([k.evidence for k in krs], total))

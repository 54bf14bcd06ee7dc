"""Job stories and job statements from clusters, by rules and templates (the offline writer).

Story: situation from a push / struggling-moment cluster, motivation from the pull cluster that
shares the most participants with it, expected outcome from the outcome that does. Statement:
verb + object from an outcome's object of control, clarifier from its metric. Altitude:
aspirational when the evidence is emotional/social, functional for concrete tasks, main otherwise.
"""
from __future__ import annotations

import hashlib
import re

from schemas import Cluster, JobStatement, JobStory, OutcomeScore

from . import language
from .collect import ClusterInfo, merge_evidence

SITUATION_KINDS = ("push", "struggling_moment")
FALLBACK_MOTIVATION = "find a better way to deal with it"
FALLBACK_OUTCOME = "get on with the work that matters"


def _shared(a: Cluster | OutcomeScore, b: Cluster | OutcomeScore) -> int:
    return len(set(a.evidence.participants) & set(b.evidence.participants))


def _hash(*parts: str) -> str:
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:8]


def altitude(infos: list[ClusterInfo], *texts: str) -> str:
    members = [m for info in infos for m in info.members]
    dims = [m.item.dimension for m in members if m.item.dimension]
    if any(d in ("emotional", "social") for d in dims) or any(language.EMOTIONAL.search(t) for t in texts):
        return "aspirational"
    verbs = {w.lower() for t in texts for w in re.findall(r"[A-Za-z]+", t)[:6]}
    if dims and all(d == "functional" for d in dims) or verbs & language.TASK_VERBS:
        return "functional"
    return "main"


def job_stories(infos: list[ClusterInfo], outcomes: list[OutcomeScore], products: list[str], total: int, limit: int = 5) -> list[JobStory]:
    situations = [i for i in infos if i.cluster.kind in SITUATION_KINDS]
    patterns = [i for i in situations if not i.cluster.singleton] or situations
    pulls = [i for i in infos if i.cluster.kind == "pull"]
    stories: dict[str, JobStory] = {}
    for situation_info in patterns:
        if len(stories) >= limit:
            break
        story = _story(situation_info, pulls, outcomes, products, total)
        if story and story.text not in stories:
            stories[story.text] = story
    return list(stories.values())


def _story(situation_info: ClusterInfo, pulls: list[ClusterInfo], outcomes: list[OutcomeScore], products: list[str], total: int) -> JobStory | None:
    situation = situation_info.cluster
    phrase = language.situation_phrase(situation_info.medoid.item.quote.text, products)
    if len(phrase.split()) < 3:
        return None
    pull, motivation = _motivation(situation, pulls, products)
    outcome = min(outcomes, key=lambda o: (-_shared(o, situation), -o.opportunity, o.id)) if outcomes else None
    expected = language.outcome_phrase(outcome.direction, outcome.metric, outcome.object) if outcome else FALLBACK_OUTCOME
    sources = [situation] + ([pull.cluster] if pull else [])
    evidence = merge_evidence([c.evidence for c in sources] + ([outcome.evidence] if outcome else []), total)
    infos = [situation_info] + ([pull] if pull else [])
    ids = [c.id for c in sources] + ([outcome.id] if outcome else [])
    return JobStory(
        id=f"story-{_hash(*ids)}", situation=phrase, motivation=motivation, expected_outcome=expected,
        altitude=altitude(infos, phrase, motivation), evidence=evidence, source_clusters=ids,
    )


def _motivation(situation: Cluster, pulls: list[ClusterInfo], products: list[str]) -> tuple[ClusterInfo | None, str]:
    """The pull cluster most of the situation's participants share that yields a verb phrase."""
    for pull in sorted(pulls, key=lambda p: (-_shared(p.cluster, situation), -len(p.cluster.evidence.participants), p.cluster.id)):
        for member in pull.members[:5]:
            phrase = language.motivation_phrase(member.item.quote.text, products)
            if phrase and len(phrase.split()) >= 2:
                return pull, phrase
    return None, FALLBACK_MOTIVATION


# job statements ----------------------------------------------------------------------------
def _clarifier(outcome: OutcomeScore) -> str:
    metric = outcome.metric.lower()
    if outcome.direction == "minimize":
        if "time" in metric or "hours" in metric or "effort" in metric:
            return "in a fraction of the time"
        if any(w in metric for w in ("number", "likelihood", "chance", "risk", "frequency")):
            return "so nothing falls through the cracks"
        return "with less effort"
    return "reliably, every time"


def gerund(verb: str) -> str:
    if verb.endswith("ie"):
        return verb[:-2] + "ying"
    if verb.endswith("e") and not verb.endswith("ee") and len(verb) > 2:
        return verb[:-1] + "ing"
    return verb + "ing"


def job_statements(infos: list[ClusterInfo], outcomes: list[OutcomeScore], products: list[str], total: int, limit: int = 5) -> list[JobStatement]:
    statements: dict[str, JobStatement] = {}
    for outcome in outcomes[:limit]:
        verb, obj = language.split_verb(language.strip_products(outcome.object, products))
        if not obj:
            continue
        clarifier = _clarifier(outcome)
        text = f"{verb.capitalize()} {obj} {clarifier}."
        statements.setdefault(text, JobStatement(
            id=f"job-{_hash(outcome.id)}", verb=verb, object=obj, clarifier=clarifier, text=text,
            altitude="functional" if verb in language.TASK_VERBS else "main", evidence=outcome.evidence,
        ))
    aspirational = _aspirational(infos, outcomes, products, total)
    if aspirational and aspirational.text not in statements:
        statements[aspirational.text] = aspirational
    order = {"aspirational": 0, "main": 1, "functional": 2}
    return sorted(statements.values(), key=lambda s: (order[s.altitude], -len(s.evidence.participants), s.id))


def _aspirational(infos: list[ClusterInfo], outcomes: list[OutcomeScore], products: list[str], total: int) -> JobStatement | None:
    """'Feel in control of …' / 'Be seen as …' when participants talk about feelings or being seen."""
    feeling = [i for i in infos if i.cluster.kind in ("push", "pull", "habit") and altitude([i], i.medoid.item.quote.text) == "aspirational"]
    if not feeling or not outcomes:
        return None
    social = any(m.item.dimension == "social" or re.search(r"\b(seen|look|boss|team|reputation)\b", m.item.quote.text, re.I) for i in feeling for m in i.members)
    top = outcomes[0]
    verb, obj = language.split_verb(language.strip_products(top.object, products))
    what = f"{gerund(verb)} {obj}".strip()
    verb_text, obj_text, clarifier = ("be seen", "as someone who has it handled", f"when {what}") if social else ("feel", "in control", f"of {what}")
    evidence = merge_evidence([i.cluster.evidence for i in feeling[:3]] + [top.evidence], total)
    text = f"{verb_text.capitalize()} {obj_text} {clarifier}."
    return JobStatement(id=f"job-{_hash('aspirational', top.id)}", verb=verb_text, object=obj_text, clarifier=clarifier,
                        text=text, altitude="aspirational", evidence=evidence)

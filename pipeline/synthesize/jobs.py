"""Job stories and job statements from clusters, by rules and templates (the offline writer).

Story: "When [situation], I want to [motivation], so I can [expected outcome]".
- situation: of a push / struggling-moment pattern, the member that reads best after "When"
  (situation_score: the person as subject, 5-20 words), rephrased into the present;
- motivation: a base-form verb phrase from a pull cluster, the situation's speaker's first, then
  the pull sharing the most participants;
- expected outcome: wording.benefit of the outcome the speaker said, else the one sharing most.
Stories are ordered by altitude (aspirational > main > functional), then by pattern strength.
Statement: verb + object + clarifier from an outcome (wording.job_parts). Altitude: aspirational
when the evidence is emotional/social, functional for concrete tasks, main otherwise.
"""
from __future__ import annotations

import hashlib
import re

from schemas import Cluster, JobStatement, JobStory, OutcomeScore

from . import language
from .collect import ClusterInfo, Member, merge_evidence
from .outcome_text import verb_phrase_ok
from .wording import activity, benefit, job_parts

SITUATION_KINDS = ("push", "struggling_moment")
MOTIVATION_CANDIDATES = 40  # pull clusters tried per story (parsing every one is slow at scale)
GOOD_SITUATION = 2  # situation_score: the person as subject and a readable length
FALLBACK_MOTIVATION = "find a better way to deal with it"
FALLBACK_OUTCOME = "get on with the work that matters"  # no outcome shares evidence with the story


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
    used: set[str] = set()  # motivations and outcomes already told: the next story prefers others
    for min_score in (GOOD_SITUATION, float("-inf")):  # well-read situations first; any, if none reads well
        for situation_info in patterns:
            if len(stories) >= limit:
                break
            story = _story(situation_info, pulls, outcomes, products, total, min_score, used)
            if story and story.text not in stories and story.situation not in used:
                stories[story.text] = story
                used |= {story.situation, story.motivation, story.expected_outcome}
        if stories:
            break
    order = {"aspirational": 0, "main": 1, "functional": 2}
    ranked = sorted(enumerate(stories.values()), key=lambda p: (order[p[1].altitude], p[0]))
    return [story for _, story in ranked]


def situation_score(phrase: str) -> float:
    """How well a phrase reads after "When": the person as subject, a concrete verb, 5-20 words."""
    words = phrase.split()
    score = 0.0
    if words and words[0].lower() in ("i", "i'm", "i've", "we", "we're", "we've", "my", "our"):
        score += 3
    if words and words[0].lower() in ("it", "it's", "that", "this", "there", "he", "she", "they", "he's", "she's", "they're"):
        score -= 3
    if not 5 <= len(words) <= 20:
        score -= 2
    if '"' in phrase or "?" in phrase:
        score -= 2
    if re.match(r"^\S+ (?:\S+ )?\w+ (?:it|that|this)\b", phrase):  # "I open it ...": 'it' has no antecedent here
        score -= 2
    if re.search(r"\b(?:when|if|because|until)\s*$|\b(?:when|if) (?:using|doing|trying)\b|\bwithout \w+ing it\b", phrase):
        score -= 2  # a dangling subordinate clause: "frustrated when using without realizing it"
    if re.match(r"^(?:my|our) [\w ]{1,20} (?:is|are) ", phrase):  # "my day job is a teacher": a fact, not a scene
        score -= 3
    return score


def best_situation(members: list[Member], products: list[str], told: set[str] = frozenset(), candidates: int = 6) -> tuple[str, str]:
    """(interview id, phrase): the best-reading situation among the cluster's most central members;
    a participant in `told` (who also said an outcome) wins a tie, so the story can stay one voice;
    then the most central."""
    phrases = [(m.interview_id, language.situation_phrase(m.item.quote.text, products)) for m in members[:candidates]]
    return max(enumerate(phrases), key=lambda p: (situation_score(p[1][1]), p[1][0] in told, -p[0]))[1]


def _story(situation_info: ClusterInfo, pulls: list[ClusterInfo], outcomes: list[OutcomeScore], products: list[str], total: int,
           min_score: float = float("-inf"), used: set[str] = frozenset()) -> JobStory | None:
    situation = situation_info.cluster
    told = {p for o in outcomes for p in o.evidence.participants}
    speaker, phrase = best_situation(situation_info.members, products, told)
    if len(phrase.split()) < 3 or situation_score(phrase) < min_score:
        return None
    # motivation and outcome from the same person as the situation first, so the story hangs together
    pull, motivation = _motivation(situation, speaker, pulls, products, used)
    said = {o.id: language.strip_products(benefit(o), products) for o in outcomes}
    outcome = min(outcomes, key=lambda o: (speaker not in o.evidence.participants, said[o.id] in used, -_shared(o, situation),
                                           -o.opportunity, o.id)) if outcomes else None
    expected = said[outcome.id] if outcome else FALLBACK_OUTCOME
    sources = [situation] + ([pull.cluster] if pull else [])
    evidence = merge_evidence([c.evidence for c in sources] + ([outcome.evidence] if outcome else []), total)
    infos = [situation_info] + ([pull] if pull else [])
    ids = [c.id for c in sources] + ([outcome.id] if outcome else [])
    return JobStory(
        id=f"story-{_hash(*ids)}", situation=phrase, motivation=motivation, expected_outcome=expected,
        altitude=altitude(infos, phrase, motivation), evidence=evidence, source_clusters=ids,
    )


def _motivation(situation: Cluster, speaker: str, pulls: list[ClusterInfo], products: list[str],
                used: set[str] = frozenset()) -> tuple[ClusterInfo | None, str]:
    """A base-form verb phrase from a pull cluster: the situation's speaker's first, then the pull
    most of the situation's participants share; a phrase no earlier story used beats one it did."""
    def rank(p: ClusterInfo) -> tuple:
        return (speaker not in p.cluster.evidence.participants, -_shared(p.cluster, situation), -len(p.cluster.evidence.participants), p.cluster.id)

    found: list[tuple[tuple, ClusterInfo, str]] = []  # (speaker's own?, used?, order), pull, phrase
    for order, pull in enumerate(sorted(pulls, key=rank)[:MOTIVATION_CANDIDATES]):
        members = sorted(pull.members[:5], key=lambda m: m.interview_id != speaker)  # stable: centrality kept
        for member in members:
            phrase = language.motivation_phrase(member.item.quote.text, products)
            if phrase and verb_phrase_ok(phrase):  # "I want to [base-form verb] ..."
                found.append(((member.interview_id != speaker, phrase in used, order), pull, phrase))
                break
        if found and found[-1][0][:2] == (False, False):
            break  # the speaker's own, not told yet: nothing beats it
    if not found:
        return None, FALLBACK_MOTIVATION
    _, pull, phrase = min(found, key=lambda f: f[0])
    return pull, phrase


# job statements ----------------------------------------------------------------------------
def job_statements(infos: list[ClusterInfo], outcomes: list[OutcomeScore], products: list[str], total: int, limit: int = 5) -> list[JobStatement]:
    statements: dict[str, JobStatement] = {}
    for outcome in outcomes[:limit]:
        verb, obj, clarifier = (language.strip_products(part, products) for part in job_parts(outcome))
        if not obj:
            continue
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
    what = language.strip_products(activity(top), products)
    verb_text, obj_text, clarifier = ("be seen", "as someone who has it handled", f"when {what}") if social else ("feel", "in control", f"of {what}")
    evidence = merge_evidence([i.cluster.evidence for i in feeling[:3]] + [top.evidence], total)
    text = f"{verb_text.capitalize()} {obj_text} {clarifier}."
    return JobStatement(id=f"job-{_hash('aspirational', top.id)}", verb=verb_text, object=obj_text, clarifier=clarifier,
                        text=text, altitude="aspirational", evidence=evidence)

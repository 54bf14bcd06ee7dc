"""Job statements: verb + object + contextual clarifier, solution-agnostic, in participants' words.

A statement is read out of the members of a pull or desired-outcome theme: the verb phrase a
participant said after "to", "can", "helps me"… (parts.verb_phrases), with the means of the new
way taken out ("by using AI", "with ChatGPT": the job is what they get done, not the tool) and
possessives made general ("my lessons" -> "lessons"). The clarifier is the rest of what they
said (a when/for/without phrase, an adverb); when they said none, there is none: no stock
clarifier is added. Themes more participants share come first.
"""
from __future__ import annotations

import hashlib
import re

from schemas import JobStatement

from . import language
from .collect import ClusterInfo
from .parts import reads_alone, verb_phrases

STATEMENT_KINDS = ("pull", "desired_outcome")
STATEMENTS = 6
_MEANS = re.compile(r"\s*\b(?:by |through |with |via )?(?:using |the help of |help from )?(?:an? |the )?"
                    r"(?:ai|a\.i\.|chat ?gpt|gpt\S*|claude|copilot|gemini|llms?|the tool|tools?)\b(?: tools?)?", re.I)
_DANGLING_END = {"of", "to", "with", "for", "from", "by", "on", "in", "at", "about", "out", "up", "and", "or", "independent"}
_POSSESSIVE = re.compile(r"\b(?:my|our|your)\s+", re.I)


def _hash(*parts: str) -> str:
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:8]


def general(phrase: str, products: list[str]) -> str:
    """The job without the means and without whose it is: 'plan my lessons faster using AI' -> 'plan lessons faster'.
    '' when the means sits inside the phrase ('see AI maybe helping more'): taking it out breaks it."""
    said = language.strip_products(phrase, products)
    text = _MEANS.sub("", said).strip(" ,;")
    if text != said.strip(" ,;") and not said.lower().startswith(text.lower()):
        return ""
    text = _POSSESSIVE.sub("", text)
    return re.sub(r"\s+", " ", text).strip(" ,;")


def split_statement(phrase: str) -> tuple[str, str, str]:
    """(verb, object, clarifier) of a base-form verb phrase."""
    doc = language.parse(phrase)
    verb = doc[0]
    objects = [c for c in verb.children if c.dep_ in ("dobj", "attr", "oprd", "xcomp", "ccomp", "dative")]
    if not objects:
        return verb.text, doc[1:].text, ""
    end = max(t.i for o in objects for t in o.subtree)
    return verb.text, doc[1 : end + 1].text, doc[end + 1 :].text


def statement_from(info: ClusterInfo, products: list[str], total: int) -> JobStatement | None:
    for member in info.members[:8]:
        for phrase in verb_phrases(member.item.quote.text):
            text = general(phrase, products)
            if len(text.split()) < 2 or text.split()[-1].lower() in _DANGLING_END or not reads_alone(text):
                continue
            verb, obj, clarifier = split_statement(text)
            if not obj or language.parse(text)[-1].pos_ in ("ADJ", "DET", "ADP", "CCONJ"):
                continue  # "find a capable" once the product is taken out: nothing left to do
            sentence = f"{text[0].upper()}{text[1:]}."
            return JobStatement(
                id=f"job-{_hash(info.cluster.id, text)}", verb=verb, object=obj, clarifier=clarifier, text=sentence,
                altitude="functional" if verb.lower() in language.TASK_VERBS else "main", evidence=info.cluster.evidence,
                written_from=[member.ref()],
            )
    return None


def job_statements(infos: list[ClusterInfo], products: list[str], total: int, limit: int = STATEMENTS) -> list[JobStatement]:
    themes = [i for i in infos if i.cluster.kind in STATEMENT_KINDS]
    themes.sort(key=lambda i: (i.cluster.singleton, -len(i.cluster.evidence.participants), i.cluster.kind != "desired_outcome", i.cluster.id))
    statements: dict[str, JobStatement] = {}
    for info in themes:
        if len(statements) >= limit:
            break
        statement = statement_from(info, products, total)
        if statement and statement.text.lower() not in statements:
            statements[statement.text.lower()] = statement
    return list(statements.values())

"""Clauses built from one well-formed outcome (see outcome_text.py), one per place it is said:

- benefit  (after "so I can" / "Customers ..."): "spend less time chasing people"
- activity (after "in control of"):               "chasing people"
- job      (verb + object + clarifier):            ("Keep", "work moving", "without chasing people")

Every shape of outcome_text has its own template, so each reads as grammatical English.
"""
from __future__ import annotations

from schemas import OutcomeScore

from .language import gerund, gerund_phrase, parse, split_verb


def _clause_parts(obj: str) -> tuple[str, str, str]:
    """'a lead sits in the sheet' -> ('a lead', 'sit', 'in the sheet')."""
    doc = parse(obj)
    verb = next((t for t in doc if t.pos_ in ("VERB", "AUX")), None)
    if verb is None or verb.i == 0:
        return "", "", obj
    return doc[: verb.i].text, verb.lemma_.lower(), doc[verb.i + 1 :].text


def benefit(outcome: OutcomeScore, with_baseline: bool = True) -> str:
    metric, obj = outcome.metric, outcome.object
    base = outcome.baseline if with_baseline and outcome.baseline else None
    if outcome.direction == "maximize":
        return f"increase {metric} {obj}"
    if metric == "the time it takes to":
        return f"stop spending {base} {gerund_phrase(obj)}" if base else f"spend less time {gerund_phrase(obj)}"
    if metric == "the time spent":
        return f"spend less time {obj}"
    if metric == "the money spent on":
        return f"stop spending {base} on {obj}" if base else f"spend less on {obj}"
    if metric == "the number of":
        return f"have fewer {obj}"
    if metric == "the time":
        return f"cut the time {obj}"
    return f"reduce {metric} {obj}"


def activity(outcome: OutcomeScore) -> str:
    metric, obj = outcome.metric, outcome.object
    if metric == "the time it takes to":
        return gerund_phrase(obj)
    if metric == "the time spent":
        return obj
    if metric == "the money spent on":
        return f"spending on {obj}"
    if metric == "the number of":
        return f"avoiding {obj}"
    if metric == "the time":
        subject, verb, rest = _clause_parts(obj)
        return f"keeping {subject} from {gerund(verb)} {rest}".strip() if verb else obj
    verb, rest = split_verb(obj)
    return f"{gerund(verb)} {rest}".strip()


def job_parts(outcome: OutcomeScore) -> tuple[str, str, str]:
    """Verb, object and contextual clarifier of a job statement for this outcome."""
    metric, obj = outcome.metric, outcome.object
    if metric == "the time spent":
        return "keep", "work moving", f"without {obj}"
    if metric == "the money spent on":
        return "pay for", obj, "without overspending"
    if metric == "the number of":
        return "avoid", obj, "so nothing falls through the cracks"
    if metric == "the time":
        subject, verb, rest = _clause_parts(obj)
        if verb:
            return "keep", subject, f"from {gerund(verb)} {rest}".strip()
    verb, rest = split_verb(obj)
    if outcome.direction == "maximize":
        return verb, rest, "more often"
    if "time" in metric:
        return verb, rest, "in a fraction of the time"
    return verb, rest, "with less effort"

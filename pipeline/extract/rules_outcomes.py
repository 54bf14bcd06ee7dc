"""Desired outcomes as direction + metric + object, with the participant's number as baseline.

'I was spending five hours a week on invoices' -> minimize / the time it takes to / do invoices,
baseline 'five hours a week'. 'I just want to stop losing receipts' -> minimize / the number of /
lost receipts.
"""
from __future__ import annotations

from schemas import DesiredOutcome, item_id

from .rules_patterns import Entry

_NUMBER_ENTS = {"CARDINAL", "QUANTITY", "TIME", "MONEY", "DATE", "PERCENT"}
_TIME_UNITS = {"minute", "minutes", "hour", "hours", "day", "days", "week", "weeks", "weekend", "weekends", "month", "months"}
_NUMBER_WORDS = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                 "fifteen", "twenty", "thirty", "forty", "fifty", "hundred", "thousand", "half", "a", "an", "several", "few"}
_PER = {"a", "an", "per", "every", "each"}
_IRREGULAR = {"lose": "lost", "forget": "forgotten", "break": "broken", "miss": "missed", "get": "got",
              "write": "written", "send": "sent", "find": "found", "drop": "dropped", "run": "run", "do": "done"}


def past_participle(verb: str) -> str:
    verb = verb.lower()
    if verb in _IRREGULAR:
        return _IRREGULAR[verb]
    if verb.endswith("e"):
        return verb + "d"
    if verb.endswith("y") and len(verb) > 2 and verb[-2] not in "aeiou":
        return verb[:-1] + "ied"
    if len(verb) <= 4 and verb[-1] not in "aeiouwxy" and verb[-2] in "aeiou" and verb[-3] not in "aeiou":
        return verb + verb[-1] + "ed"
    return verb + "ed"


def baseline_of(sent) -> str | None:
    """The number phrase: a number entity (or number words before a time unit), plus 'a week'-style rate."""
    spans = [e for e in sent.ents if e.label_ in _NUMBER_ENTS and any(t.like_num or t.lower_ in _NUMBER_WORDS for t in e)]
    if not spans:
        units = [t for t in sent if t.lower_ in _TIME_UNITS and t.i > sent.start and sent.doc[t.i - 1].lower_ in _NUMBER_WORDS | {"few"}]
        if not units:
            return None
        start = units[0].i - 1
        while start > sent.start and sent.doc[start - 1].lower_ in _NUMBER_WORDS | {"about", "maybe", "around"}:
            start -= 1
        spans = [sent.doc[start:units[0].i + 1]]
    ent = spans[0]
    end = ent.end
    doc = sent.doc
    if end + 1 < sent.end and doc[end].lower_ in _PER and doc[end + 1].lower_ in _TIME_UNITS | {"friday", "monday", "quarter", "year", "month"}:
        end += 2
    return doc[ent.start:end].text


def _object_after(token) -> str | None:
    """'on invoices' -> 'do invoices'; 'chasing invoices' -> 'chase invoices'; 'to reconcile X' -> 'reconcile X'."""
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ in ("on", "with", "for"):
            objs = [g for g in child.children if g.dep_ in ("pobj", "pcomp")]
            if objs:
                obj = objs[0]
                if obj.pos_ == "VERB":
                    return _verb_phrase(obj)
                return "do " + obj.doc[obj.left_edge.i:obj.right_edge.i + 1].text
        if child.dep_ in ("xcomp", "advcl", "pcomp") and child.pos_ == "VERB":
            return _verb_phrase(child)
    return None


def _verb_phrase(verb) -> str:
    objs = [c for c in verb.children if c.dep_ in ("dobj", "prt", "prep")]
    tail = " ".join(verb.doc[c.left_edge.i:c.right_edge.i + 1].text for c in objs)
    return f"{verb.lemma_} {tail}".strip()


def _time_spent(sent) -> tuple[str, str] | None:
    for tok in sent:
        if tok.lemma_ in ("spend", "take", "waste", "lose") and tok.pos_ == "VERB":
            obj = _object_after(tok)
            if obj:
                return "the time it takes to", obj
    return None


def _stopped_doing(sent, hits) -> tuple[str, str] | None:
    if not any(e.group == "outcome_stop" for e, _, _ in hits):
        return None
    for tok in sent:
        if tok.lemma_ in ("stop", "have") and tok.pos_ in ("VERB", "AUX"):
            ger = [c for c in tok.children if c.dep_ in ("xcomp", "dobj", "pcomp") and c.tag_ == "VBG"]
            if ger:
                objs = [c for c in ger[0].children if c.dep_ == "dobj"]
                obj = objs[0].doc[objs[0].left_edge.i:objs[0].i + 1].text if objs else ""
                return "the number of", f"{past_participle(ger[0].lemma_)} {obj}".strip()
    return None


def _counted_to_zero(sent, hits) -> tuple[str, str] | None:
    """'We had six missed deadlines ... and I want that at zero'."""
    if not any(e.group == "outcome_want_zero" for e, _, _ in hits):
        return None
    for tok in sent:
        if tok.pos_ == "NOUN" and any(c.like_num or c.lower_ in _NUMBER_WORDS for c in tok.children if c.dep_ == "nummod"):
            mods = [c for c in tok.children if c.dep_ in ("amod", "compound")]
            start = min([m.i for m in mods] + [tok.i])
            return "the number of", sent.doc[start:tok.i + 1].text
    return None


def outcomes_in(sentence, hits: list[tuple[Entry, int, int]]) -> list[DesiredOutcome]:
    sent = sentence.span
    found = _time_spent(sent) if baseline_of(sent) else None
    found = found or _stopped_doing(sent, hits) or _counted_to_zero(sent, hits)
    if not found:
        return []
    metric, obj = found
    item = DesiredOutcome(quote=sentence.quote(), stage=sentence.stage, extractor="rules", confidence=0.55,
                          direction="minimize", metric=metric, object=obj, baseline=baseline_of(sent))
    item.id = item_id(item.kind, item.quote)
    return [item]

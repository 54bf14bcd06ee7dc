"""Desired-outcome wording a researcher can put on a wall: direction + metric + object, grammatical.

Extractors hand over (direction, metric, object, baseline) read off one sentence. Rules extraction
in particular gives shapes like "do parking and gas", "try", "got" or a baseline that sits inside
the object ("move six months of rows", baseline "six months"). `phrase_outcome` re-reads the
quote and returns a well-formed `OutcomePhrase`, or None when no well-formed outcome can be said
(the item still counts as evidence in its cluster; it just never becomes an outcome statement).

Shapes written (all solution-agnostic):
- time:   "Minimize the time it takes to move rows out of the sheet"   (baseline: a duration)
- wait:   "Minimize the time a lead sits in the sheet"                 (someone else's verb)
- money:  "Minimize the money spent on parking and gas"                (baseline: an amount)
- count:  "Minimize the number of missed deadlines"
- habit:  "Minimize the time spent chasing people"                     ("stop chasing people")
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .language import gerund, gerund_phrase, parse, present_third

DURATION = re.compile(r"\b(minutes?|hours?|days?|weeks?|weekends?|months?|years?|evenings?|mornings?|nights?|afternoons?|"
                      r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|shifts?)\b", re.I)
TRAILING_DURATION = re.compile(r"\s+(?:for|over|in)\s+(?:(?:a|an|the|about|around|over|almost|nearly|whole|full|straight|entire|few|couple|of|\w+teen|\d+|one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty)\s+)*"
                               + DURATION.pattern + r"\s*$", re.I)
MONEY = re.compile(r"(\$|£|€|\b(dollars?|pounds?|euros?|quid|bucks)\b)", re.I)
PERSON = {"i", "we", "me", "us", "you"}
PARTICLES = {"out", "up", "down", "off", "on", "in", "over", "through", "back", "around", "about"}
WAITING_VERBS = {"sit", "wait", "stay", "hang", "linger", "languish", "pile", "queue"}
NOT_A_BASELINE = re.compile(r"\b(ago|years|old|since|last|next)\b", re.I)  # when it happened, or how long they've worked
MAX_OBJECT_WORDS = 10  # longer objects are a whole story, not an object of control
LIGHT_VERBS = {"do", "get", "have", "be", "try", "go", "make"}


@dataclass(frozen=True)
class OutcomePhrase:
    direction: str  # "minimize" | "maximize"
    metric: str     # "the time it takes to", "the money spent on", "the number of", "the time spent", "the time"
    object: str
    baseline: str | None

    @property
    def statement(self) -> str:
        return f"{self.direction.capitalize()} {self.metric} {self.object}"


def phrase_outcome(direction: str, metric: str, obj: str, baseline: str | None, quote: str) -> OutcomePhrase | None:
    """A well-formed outcome for one extracted item, or None (see module doc)."""
    phrase = _phrase(direction, metric, obj, baseline, quote)
    if phrase is None or len(phrase.object.split()) > MAX_OBJECT_WORDS or re.search(r"[()]| ,", phrase.object):
        return None
    if re.search(r"\b(?:it|this|that|them|these|those|they)\b", phrase.object, re.I):
        return None  # "the time it takes to create it": the outcome cannot say what it is about
    return phrase


def _phrase(direction: str, metric: str, obj: str, baseline: str | None, quote: str) -> OutcomePhrase | None:
    metric, obj = _squash(metric), re.sub(r"[\s,;(]+(?:and|or|but|so|then)?\W*$", "", _squash(obj).rstrip("."))
    baseline = _squash(baseline) if baseline and not NOT_A_BASELINE.search(baseline) else None
    doc = parse(quote, entities=True)  # amounts and durations are entities
    money = _money(doc, direction)
    if money:
        return money
    if metric.startswith("the number of"):
        return _count(direction, metric, obj, baseline, doc)
    if metric.startswith("the time"):
        return _time(direction, obj, baseline, doc)
    if verb_phrase_ok(obj):  # an LLM's own metric ("the likelihood that", "the accuracy of")
        return OutcomePhrase(direction, metric, obj, baseline)
    return OutcomePhrase(direction, metric, obj, baseline) if len(obj.split()) >= 2 and metric else None


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


# money ------------------------------------------------------------------------------------------
def _money(doc, direction: str) -> OutcomePhrase | None:
    """'spending about four hundred dollars a month on parking and gas' -> money spent on parking and gas."""
    for tok in doc:
        if tok.lemma_.lower() not in ("spend", "pay", "waste") or tok.pos_ not in ("VERB", "AUX"):
            continue
        for prep in (c for c in tok.children if c.dep_ == "prep" and c.lower_ in ("on", "for")):
            objs = [g for g in prep.children if g.dep_ == "pobj" and g.pos_ in ("NOUN", "PROPN")]
            if not objs:
                continue
            what = doc[objs[0].left_edge.i : objs[0].right_edge.i + 1].text
            amount = _money_amount(doc, tok)
            if amount or any(MONEY.search(t.text) for t in doc):
                return OutcomePhrase("minimize" if direction == "minimize" else direction, "the money spent on", what, amount)
    return None


def _money_amount(doc, verb) -> str | None:
    ents = [e for e in doc.ents if e.label_ == "MONEY" or e.label_ == "QUANTITY" and MONEY.search(e.text)]
    if not ents:
        return None
    ent = ents[0]
    end = ent.end
    if end + 1 < len(doc) and doc[end].lower_ in ("a", "an", "per", "every", "each") and DURATION.fullmatch(doc[end + 1].lower_):
        end += 2
    return doc[ent.start : end].text


# time ---------------------------------------------------------------------------------------------
def _time(direction: str, obj: str, baseline: str | None, doc) -> OutcomePhrase | None:
    obj = _try_to(obj, doc)
    obj = re.sub(r"\b(and|or) (\w+)ing\b", lambda m: f"{m.group(1)} {_base_of(m.group(2) + 'ing', doc)}", obj)
    first = obj.split()[0].lower() if obj else ""
    if not first or first in ("have", "be") or first == "do" and not _activity(obj[3:], doc):
        return None
    verb_tok = next((t for t in doc if t.lemma_.lower() == first and t.pos_ in ("VERB", "AUX")), None)
    subject = _subject_phrase(verb_tok) if verb_tok is not None else None
    if subject == "":  # 'when they got on calls': not the participant's own task
        return None
    if subject and (verb_tok.lemma_.lower() not in WAITING_VERBS or len(subject.split()) > 3):
        return None  # only a thing left waiting reads well as "the time X sits/waits ..."
    if subject:  # someone else's verb: "a lead sat in the sheet for nine days"
        clause, duration = _clause_without_duration(verb_tok)
        if not clause:
            return None
        return OutcomePhrase(direction, "the time", f"{subject} {clause}", duration or _duration(baseline, clause))
    obj = TRAILING_DURATION.sub("", obj)  # "delegate that task for a straight week": the week is no part of the job
    if not verb_phrase_ok(obj):
        return None
    baseline = _duration(baseline, obj) or _other_duration(doc, obj)
    return OutcomePhrase(direction, "the time it takes to", obj, baseline)


def _try_to(obj: str, doc) -> str:
    """'try' (from 'trying to add things up') -> 'add things up'."""
    if obj.split()[:1] != ["try"]:
        return obj
    for tok in doc:
        if tok.lemma_ == "try":
            comp = [c for c in tok.children if c.dep_ == "xcomp" and c.pos_ == "VERB"]
            if comp:
                words = [t for t in comp[0].subtree if not (t.dep_ == "aux" and t.lower_ == "to")]
                return " ".join(t.text for t in words)
    return obj


def _base_of(word: str, doc) -> str:
    """'chasing' after 'and' in a verb phrase -> 'chase' (spaCy often tags such a gerund as a noun)."""
    tok = next((t for t in doc if t.lower_ == word.lower()), None)
    if tok is not None and tok.pos_ == "VERB":
        return tok.lemma_.lower()
    stem = word[:-3]
    for candidate in (stem + "e", stem, stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] else stem):
        if gerund(candidate) == word.lower():
            return candidate
    return word


def _activity(np: str, doc) -> bool:
    """'do invoices' is a job; 'do a bad day', 'do about three months', 'do takeaways' are not."""
    np = np.strip()
    if not np or DURATION.search(np) or MONEY.search(np):
        return False
    return any(t.pos_ == "NOUN" and t.lemma_.lower() in ("invoice", "book", "account", "payroll", "tax", "report", "paperwork",
                                                        "admin", "expense", "laundry", "shopping", "planning", "homework")
               for t in parse(np))


def _subject_phrase(verb) -> str | None:
    """The verb's subject when it is not the participant ('a lead'); None for the participant (or no
    subject); '' for another person's pronoun ('they'), whose task is not the participant's."""
    subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None or subj.lower_ in PERSON:
        return None
    if subj.pos_ == "PRON":
        return "" if subj.lower_ in ("they", "he", "she") else None
    return verb.doc[subj.left_edge.i : subj.right_edge.i + 1].text


def _clause_without_duration(verb) -> tuple[str, str | None]:
    """'sat in the sheet for nine days' -> ('sits in the sheet', 'nine days')."""
    doc, duration, keep = verb.doc, None, []
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass", "mark", "punct", "cc", "conj", "advcl"):
            continue
        span = doc[child.left_edge.i : child.right_edge.i + 1]
        if child.dep_ == "prep" and child.lower_ == "for" and DURATION.search(span.text):
            duration = span.text[4:]
            continue
        keep.append(span)
    tail = " ".join(s.text for s in sorted(keep, key=lambda s: s.start))
    return f"{present_third(verb)} {tail}".strip(), duration


def _duration(baseline: str | None, obj: str) -> str | None:
    """A baseline of a time metric must be a duration and not part of the object itself."""
    if not baseline or not DURATION.search(baseline) or baseline.lower() in obj.lower():
        return None
    return baseline


def _other_duration(doc, obj: str) -> str | None:
    for ent in doc.ents:
        if ent.label_ in ("DATE", "TIME") and ent.text.lower() not in obj.lower() and DURATION.search(ent.text) \
                and not NOT_A_BASELINE.search(ent.text):
            start = ent.start
            while start > 0 and doc[start - 1].lower_ in ("a", "whole", "an", "about", "entire", "full", "every"):
                start -= 1
            return doc[start : ent.end].text
    return None


def verb_phrase_ok(obj: str) -> bool:
    """A base-form verb with something after it: 'chase unpaid invoices', not 'got' or 'try'."""
    words = obj.split()
    if len(words) < 2 or len(words) == 2 and words[1].lower() in PARTICLES:  # "figure out" what?
        return False
    doc = parse("I " + obj)
    return doc[1].pos_ in ("VERB", "AUX") and doc[1].tag_ in ("VB", "VBP") and words[0].lower() not in ("be",)


# counts -------------------------------------------------------------------------------------------
def _count(direction: str, metric: str, obj: str, baseline: str | None, doc) -> OutcomePhrase | None:
    """'missed deadlines' stays a count; 'chased people' (from 'stop chasing people') becomes the
    time spent chasing people; a bare participle ('got') is no outcome."""
    words = obj.split()
    if len(words) < 2:
        return None
    metric = metric.strip()
    if metric != "the number of" and verb_phrase_ok(obj):  # "the number of days I" + "ride to work"
        return OutcomePhrase(direction, metric, obj, baseline)
    ing = next((t for t in doc if t.tag_ == "VBG" and t.lemma_.lower() not in LIGHT_VERBS
                   and t.head.lemma_.lower() in ("stop", "quit", "avoid")), None)
    if ing is not None:
        dobj = [c for c in ing.children if c.dep_ in ("dobj", "prt")]
        if not dobj or any(c.pos_ == "PRON" for c in dobj):  # "stop using it": using what?
            return None
        tail = " ".join(doc[c.left_edge.i : c.right_edge.i + 1].text for c in dobj)
        return OutcomePhrase(direction, "the time spent", gerund_phrase(f"{ing.lemma_} {tail}".strip()), None)
    if words[0].lower() in ("done", "got", "gotten", "had", "made", "been", "did"):
        return None
    tail = parse(obj)
    if not any(t.pos_ in ("NOUN", "PROPN") and t.tag_ in ("NNS", "NNPS") for t in tail):
        return None
    if baseline and baseline.lower() in ("a", "an", "one"):
        baseline = None
    return OutcomePhrase(direction, "the number of", obj, baseline)

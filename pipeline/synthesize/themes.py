"""Themes: what a cluster's members say, as a readable phrase made from their own words.

Clustering is on meaning, not on the words every member of a kind shares: before clustering,
the mean vector of the kind is taken out of each member's embedding (in an AI-adoption study
every anxiety mentions "AI"; what tells two anxieties apart is the rest), and the vectors are
normalised again.

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


def centred(vectors: np.ndarray) -> np.ndarray:
    """Rows minus their mean, normalised again: what each member says beyond what all of them say."""
    if len(vectors) < 3:
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


def theme_label(quotes: list[str], centre: np.ndarray, embed) -> str:
    """The candidate phrase nearest the centre; `embed(texts)` gives normalised rows."""
    counted: dict[str, int] = {}
    for quote in quotes[:12]:
        for c in candidates(quote):
            counted[c.lower()] = counted.get(c.lower(), 0) + 1
    originals: dict[str, str] = {}
    for quote in quotes[:12]:
        for c in candidates(quote):
            originals.setdefault(c.lower(), c)
    if not counted:
        return ""
    keys = sorted(counted)
    vectors = embed([originals[k] for k in keys])
    norm = float(np.linalg.norm(centre)) or 1.0
    scores = vectors @ (centre / norm) + 0.03 * np.log1p([counted[k] - 1 for k in keys])
    best = keys[int(np.argmax(scores))]
    label = originals[best]
    return label[0].upper() + label[1:]

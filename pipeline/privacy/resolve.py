"""From what the detector found to what is redacted: the allow-list and the researcher's removals
taken out, their additions put in, and one numbered placeholder per person or value.

Numbering follows the order of first mention, so the same transcript always gets the same
placeholders. A person is one placeholder however they are named: "Sarah Whitfield", "Sarah" and
"Whitfield" are all [PERSON_1] when one full name holds them all.
"""
from __future__ import annotations

import re

from schemas import RedactedSpan, RedactionDecision, Transcript

from .detect import TITLE_WORDS, non_overlapping, order
from .engine import PLACEHOLDER_LABELS

NUMBER_LIKE = {"PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "ACCOUNT_NUMBER", "UK_NHS", "US_SSN"}


# Names of software that interviews are about (AI assistants above all): products are the research,
# and the small spaCy model reads "Claude" or "Gemini" as a person.
PRODUCT_NAMES = ("Claude", "ChatGPT", "GPT", "Gemini", "Bard", "Copilot", "Perplexity", "Midjourney", "DALL-E", "Grok", "Llama",
                 "Mistral", "Cursor", "Notion", "Grammarly", "Jasper", "Canva", "Alexa", "Siri", "Cortana")


def resolve(transcript: Transcript, detected: list[RedactedSpan], decisions: list[RedactionDecision], allow: list[str]) -> list[RedactedSpan]:
    kept = {a.casefold() for a in (*PRODUCT_NAMES, *allow)} | {d.text.casefold() for d in decisions if d.action == "remove"}
    spans = [s for s in detected if not _allowed(s.text, kept)]
    for decision in decisions:
        if decision.action == "add":
            spans += occurrences(transcript, decision)
    return number(non_overlapping(spans))


def _allowed(text: str, kept: set[str]) -> bool:
    """A span is kept in the clear when it is an allowed word, or an allowed word plus a possessive."""
    folded = text.casefold()
    return folded in kept or folded.removesuffix("'s") in kept or folded.removesuffix("’s") in kept


def occurrences(transcript: Transcript, decision: RedactionDecision) -> list[RedactedSpan]:
    """Every whole-word place the researcher's words occur, in the text and in speaker labels."""
    words = decision.text.strip()
    if not words:
        return []
    pattern = re.compile(rf"(?<!\w){re.escape(words)}(?!\w)", re.IGNORECASE)
    out = []
    for turn in transcript.turns:
        for where, text in (("speaker", turn.speaker), ("text", turn.text)):
            for match in pattern.finditer(text):
                out.append(RedactedSpan(turn=turn.index, where=where, start_char=match.start(), end_char=match.end(),
                                        text=match.group(0), entity=decision.entity, placeholder="", source="researcher",
                                        recognizer="added on the review page"))
    return out


def number(spans: list[RedactedSpan]) -> list[RedactedSpan]:
    """Give each span its placeholder: one number per distinct value (per person), in order of first mention."""
    spans = sorted(spans, key=order)
    keys = person_keys([s for s in spans if s.entity == "PERSON"])
    numbers: dict[tuple[str, str], int] = {}
    counts: dict[str, int] = {}
    out = []
    for span in spans:
        label = PLACEHOLDER_LABELS.get(span.entity, span.entity)
        key = (label, keys.get(span.text) or value_key(span))
        if key not in numbers:
            counts[label] = counts.get(label, 0) + 1
            numbers[key] = counts[label]
        out.append(span.model_copy(update={"placeholder": f"[{label}_{numbers[key]}]"}))
    return out


def value_key(span: RedactedSpan) -> str:
    """Two spellings of one value share a key: '07700 900123' and '07700900123'."""
    if span.entity in NUMBER_LIKE:
        return re.sub(r"[^0-9A-Za-z]", "", span.text).upper()
    return " ".join(span.text.split()).casefold()


def name_words(text: str) -> frozenset[str]:
    words = (w.strip(".,").removesuffix("'s").removesuffix("’s") for w in text.split())
    return frozenset(w.casefold() for w in words if w and w.casefold() not in TITLE_WORDS)


def person_keys(spans: list[RedactedSpan]) -> dict[str, str]:
    """Name as written -> the fullest name it is part of. Fuller names claim first; a short name that
    fits two people ("Sam" with "Sam Kaplan" and "Sam Lee") goes to the fuller name seen first."""
    first_seen: dict[str, int] = {}
    for n, span in enumerate(spans):
        first_seen.setdefault(span.text, n)
    people: list[frozenset[str]] = []
    keys: dict[str, str] = {}
    for text in sorted(first_seen, key=lambda t: (-len(name_words(t)), first_seen[t])):
        words = name_words(text)
        if not words:
            continue
        owner = next((p for p in people if words <= p), None)
        if owner is None:
            people.append(words)
            owner = words
        keys[text] = " ".join(sorted(owner))
    return keys

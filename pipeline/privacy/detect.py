"""Find personal data in one transcript: Presidio's recognizers on every turn, the speakers'
names, and every repeat of a value found once (the small spaCy model sees "Sarah Whitfield" in
one sentence and misses the bare "Sarah" in the next; the repeat pass catches it).

Output: spans without placeholders, in turn order; `resolve` numbers them.
"""
from __future__ import annotations

import re
from functools import lru_cache

from schemas import RedactedSpan, Transcript

from ..settings import RedactSettings
from .engine import analyzer

MIN_SCORE = 0.4  # Presidio's phone recognizer scores a valid number 0.4 when no context word is near
GENERIC_SPEAKER = re.compile(
    r"^(?:interviewer|interviewee|participant|respondent|researcher|moderator|facilitator|host|guest|customer|user|"
    r"speaker|me|you|them|q|a|i|r|p|unknown|narrator|note|notes|ai|assistant|bot|chatbot|agent|system|claude|chatgpt|gpt|break|music|intro|outro|ad)(?:[ _-]*\d+)?$|^(?:speaker|spk|p|s)[ _-]*\d+$|^[A-Z]$",
    re.IGNORECASE)
TITLE_WORDS = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "frau", "herr", "mme", "mlle"}
NAME_PARTICLES = {"de", "van", "von", "der", "den", "da", "di", "du", "le", "la", "del", "della", "dos", "bin", "al", "el", "ten", "ter"}
NOT_A_NAME_POS = {"AUX", "VERB", "ADP", "PRON", "DET", "CCONJ", "SCONJ", "PART", "INTJ", "NUM"}
TRAILING = ".,;:!?)]}\"'’”"
LEADING = "([{\"'‘“"


def detect(transcript: Transcript, settings: RedactSettings) -> list[RedactedSpan]:
    engine = analyzer(tuple(settings.entities), tuple(settings.phone_regions))
    texts = [turn.text for turn in transcript.turns]
    docs = {}
    found: list[RedactedSpan] = []
    for turn, (_, artifacts) in zip(transcript.turns, engine.nlp_engine.process_batch(texts, "en", batch_size=64)):
        docs[turn.index] = artifacts.tokens
        results = engine.analyze(turn.text, language="en", entities=list(settings.entities), nlp_artifacts=artifacts,
                                 score_threshold=MIN_SCORE)
        for result in results:
            span = _span(turn.index, turn.text, result)
            if span and _plausible(span, artifacts.tokens):
                found.append(span)
    if "PERSON" in settings.entities:
        found = supported_names(found) + speaker_spans(transcript)
    found = non_overlapping(found)
    return non_overlapping(found + repeats(transcript, found, docs))


def _span(turn: int, text: str, result) -> RedactedSpan | None:
    start, end = result.start, result.end
    if result.entity_type == "URL":
        end = _token_end(text, end)  # Presidio's TLD list stops 'site.design' at 'site.desi'
    start, end = _trim(text, start, end)
    if end - start < 2:
        return None
    value = text[start:end]
    if result.entity_type == "URL" and _product_domain(value):
        return None
    if result.entity_type in ("PERSON", "EMPLOYER"):
        value, end = _strip_possessive(value, end)
    recognizer = (result.recognition_metadata or {}).get("recognizer_name", "")
    source = "context" if recognizer.endswith("InContextRecognizer") else "detector"
    return RedactedSpan(turn=turn, start_char=start, end_char=end, text=value, entity=result.entity_type, placeholder="",
                        source=source, score=round(float(result.score), 2), recognizer=recognizer)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Without surrounding spaces and punctuation; a bracket stays when its partner is inside: '(415) 555-0132'."""
    while end > start and (text[end - 1] in TRAILING or text[end - 1].isspace()):
        if text[end - 1] == ")" and "(" in text[start:end - 1]:
            break
        end -= 1
    while start < end and (text[start] in LEADING or text[start].isspace()):
        if text[start] == "(" and ")" in text[start + 1:end]:
            break
        start += 1
    return start, end


def _token_end(text: str, end: int) -> int:
    while end < len(text) and not text[end].isspace():
        end += 1
    return end


def _product_domain(value: str) -> bool:
    """'Monday.com', 'Booking.com': a product named by its domain, capitalised like a name, no path."""
    return value[:1].isupper() and "/" not in value and not value.lower().startswith("www.")


def _strip_possessive(value: str, end: int) -> tuple[str, int]:
    for suffix in ("'s", "’s"):
        if value.endswith(suffix):
            return value[: -len(suffix)], end - len(suffix)
    return value, end


def _plausible(span: RedactedSpan, doc) -> bool:
    """Drop the spaCy model's well-known misreadings: 'Will' the verb, a product in CamelCase, a lowercase word."""
    if span.entity != "PERSON":
        return True
    words = [w for w in span.text.split() if w.lower().strip(".") not in TITLE_WORDS and w not in NAME_PARTICLES]
    if not words or not all(w[:1].isupper() for w in words):
        return False
    if any(re.search(r"[a-z][A-Z]|\d|\.\w", w) for w in words):  # HelloFresh, QuickBooks, monday.com
        return False
    tokens = doc.char_span(span.start_char, span.end_char, alignment_mode="expand") if doc is not None else None
    return not (tokens is not None and len(tokens) == 1 and tokens[0].pos_ in NOT_A_NAME_POS)


def supported_names(found: list[RedactedSpan]) -> list[RedactedSpan]:
    """The small spaCy model calls most unknown capitalised words in an interview a PERSON: Strava,
    Monzo, Hiscox. A one-word name from it stays only when it is a known first name, or when the
    same word is part of a fuller name or a name in context found in this interview."""
    supported = {w for s in found if s.entity == "PERSON" and (len(s.text.split()) > 1 or s.source == "context")
                 for w in s.text.split()}
    return [s for s in found if not (s.entity == "PERSON" and s.source == "detector" and len(s.text.split()) == 1
                                     and s.text not in supported and not is_first_name(s.text))]


NOT_FIRST_NAMES = {"ai", "ya", "ok", "it", "app", "ux", "ui", "hr", "pr", "ceo", "cto", "llm"}


def is_first_name(word: str) -> bool:
    """A first name of the list, not a short capitalised abbreviation ('AI', 'YA', 'Ai' typed in lower case)."""
    if word.casefold() in NOT_FIRST_NAMES or (word.isupper() and len(word) <= 3):
        return False
    return _first_names().get_gender(word) != "unknown"


@lru_cache(maxsize=1)
def _first_names():
    """gender-guesser's list of about 40,000 first names from many countries, used as a lexicon only."""
    import gender_guesser.detector

    return gender_guesser.detector.Detector(case_sensitive=False)


def speaker_spans(transcript: Transcript) -> list[RedactedSpan]:
    """A speaker label that is a name ("Dana", not "Interviewer" or "SPEAKER_1") is a person."""
    out = []
    for turn in transcript.turns:
        label = turn.speaker.strip()
        if label and not GENERIC_SPEAKER.match(label):
            start = turn.speaker.index(label)
            out.append(RedactedSpan(turn=turn.index, where="speaker", start_char=start, end_char=start + len(label), text=label,
                                    entity="PERSON", placeholder="", source="speaker", recognizer="speaker label"))
    return out


def repeat_values(found: list[RedactedSpan]) -> dict[str, str]:
    """Value -> entity for every value to look for again: whole values, and the first and last
    names of a person found in full."""
    values: dict[str, str] = {}
    for span in found:
        values.setdefault(span.text, span.entity)
        if span.entity == "PERSON":
            for word in span.text.split():
                if len(word) > 2 and word[:1].isupper() and word.lower().strip(".") not in TITLE_WORDS:
                    values.setdefault(word, "PERSON")
    return values


def repeats(transcript: Transcript, found: list[RedactedSpan], docs: dict) -> list[RedactedSpan]:
    out = []
    taken: dict[tuple[int, str], list[tuple[int, int]]] = {}
    for span in found:
        taken.setdefault((span.turn, span.where), []).append((span.start_char, span.end_char))
    for value, entity in sorted(repeat_values(found).items(), key=lambda pair: -len(pair[0])):
        pattern = re.compile(rf"(?<!\w){re.escape(value)}(?!\w)")
        for turn in transcript.turns:
            for match in pattern.finditer(turn.text):
                spans = taken.setdefault((turn.index, "text"), [])
                if any(a < match.end() and match.start() < b for a, b in spans):
                    continue
                span = RedactedSpan(turn=turn.index, start_char=match.start(), end_char=match.end(), text=value, entity=entity,
                                    placeholder="", source="repeat", recognizer="repeat of a value found")
                if entity == "PERSON" and not _plausible(span, docs.get(turn.index)):
                    continue
                spans.append((match.start(), match.end()))
                out.append(span)
    return out


PRIORITY = {"EMAIL_ADDRESS": 0, "IBAN_CODE": 1, "CREDIT_CARD": 2, "URL": 3, "ACCOUNT_NUMBER": 4, "PHONE_NUMBER": 5,
            "DATE_OF_BIRTH": 6, "STREET_ADDRESS": 7, "EMPLOYER": 8, "PERSON": 9}


def non_overlapping(spans: list[RedactedSpan]) -> list[RedactedSpan]:
    """Where spans overlap, the researcher's wins, then the longer, then the more specific type."""
    ranked = sorted(spans, key=lambda s: (s.source != "researcher", -(s.end_char - s.start_char), PRIORITY.get(s.entity, 20),
                                          -s.score, s.turn, s.where, s.start_char))
    kept: list[RedactedSpan] = []
    for span in ranked:
        if not any(k.turn == span.turn and k.where == span.where and k.start_char < span.end_char and span.start_char < k.end_char
                   for k in kept):
            kept.append(span)
    return sorted(kept, key=order)


def order(span: RedactedSpan) -> tuple[int, int, int]:
    """Reading order: a turn's speaker label, then its text."""
    return span.turn, 0 if span.where == "speaker" else 1, span.start_char

"""Features of a unit for the trained classifiers: what is said (a MiniLM sentence embedding),
what was asked (the embedding of the interviewer's question), and what the rules read in it
(per-type cue strengths after negation, hypotheticals, who the subject is, tense, place).

The rules' lexicons are features here, not verdicts: the model learns how far to trust a cue
in real speech, where "looked good" sits in a complaint and "worried" in someone else's mouth.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from schemas import FORCE_TYPES, INTERVIEW_KINDS, STAGES

from ..embeddings import embed_minilm, minilm_encoder_name
from .rules_forces import _applies, _typed, is_hypothetical, is_negated
from .units import Unit

FEATURES_VERSION = "4"  # 4: MiniLM int8 (ONNX) vectors
INT8 = True  # the classifier reads int8-quantised MiniLM vectors (embeddings.embed_minilm)
_FIRST = {"i", "we", "me", "us", "my", "our", "myself", "ourselves"}
_OTHERS = {"he", "she", "they", "them", "people", "students", "colleagues", "clients", "customers",
           "everyone", "others", "kids", "team", "users", "someone", "somebody", "folks", "artists"}
_TOOL = {"it", "ai", "chatgpt", "claude", "gpt", "copilot", "gemini", "tool", "model", "bot", "chatbot", "llm"}
_FUTURE = {"hope", "wish", "want", "future", "someday", "eventually", "will", "'ll", "would", "could"}

HAND_FEATURES = (
    *(f"cue_{t}" for t in FORCE_TYPES), "negated_cue", "hypothetical", "question", "subject_first",
    "subject_others", "subject_tool", "first_person", "past", "future", "log_words", "position",
)


def cue_strengths(unit: Unit, stage: str) -> tuple[dict[str, float], bool]:
    """Best non-negated cue weight per force type in the unit, and whether a cue was negated."""
    best = {t: 0.0 for t in FORCE_TYPES}
    negated = False
    doc = unit.sentence.span.doc  # type: ignore[attr-defined]
    for entry, start, end in unit.hits:
        if not _applies(entry, stage):
            continue
        if entry.negatable and is_negated(doc[start:end]):
            negated = True
            continue
        kind = _typed(entry, stage)
        if kind in best:
            best[kind] = max(best[kind], entry.weight)
    return best, negated


def _subject(span) -> str:
    subjects = [t for t in span if t.dep_ in ("nsubj", "nsubjpass") and t.head.dep_ in ("ROOT", "ccomp", "conj")]
    if not subjects:
        return ""
    word = subjects[0].lower_
    if word in _FIRST:
        return "first"
    if word in _TOOL:
        return "tool"
    return "others" if word in _OTHERS or subjects[0].pos_ == "PROPN" else ""


def hand_features(unit: Unit) -> list[float]:
    span = unit.span
    stage = unit.sentence.stage if unit.sentence.stage_cued else ""
    cues, negated = cue_strengths(unit, stage)
    words = [t for t in span if not t.is_punct]
    lower = {t.lower_ for t in span}
    subject = _subject(span)
    past = sum(t.tag_ in ("VBD", "VBN") for t in span) > sum(t.tag_ in ("VBP", "VBZ") for t in span)
    return [
        *(cues[t] for t in FORCE_TYPES),
        float(negated),
        float(is_hypothetical(span)),
        float(unit.text.rstrip().endswith("?")),
        float(subject == "first"),
        float(subject == "others"),
        float(subject == "tool"),
        float(bool(lower & _FIRST)),
        float(past),
        float(bool(lower & _FUTURE)),
        float(np.log1p(len(words))),
        unit.position,
    ]


@dataclass
class UnitMatrix:
    """The feature blocks of a list of units, one row per unit."""

    said: np.ndarray  # the unit's own words
    asked: np.ndarray  # the interviewer's question it answers
    hand: np.ndarray  # HAND_FEATURES
    answer: np.ndarray  # "Q: question A: unit", read together

    def force_inputs(self) -> np.ndarray:
        # measured by cross-validation: adding the question alone or the unit after the previous
        # one gained 0.007 macro F1 for twice the embedding time; these three blocks keep 98% of it
        return np.hstack([self.said, self.hand, self.answer]).astype(np.float32)

    def stage_inputs(self, context: np.ndarray) -> np.ndarray:
        return np.hstack([self.said, self.asked, self.hand[:, -1:], context]).astype(np.float32)


def encoder_name() -> str:
    """The MiniLM vectors the features are made of here (int8 ONNX, or fp32 where int8 cannot be had)."""
    return minilm_encoder_name(INT8)


def unit_matrix(units: list[Unit], cache_dir: Path | None = None) -> UnitMatrix:
    n = len(units)
    said = [u.text for u in units]
    answers = [f"Q: {u.question[-200:]} A: {u.text}" for u in units]
    questions = [u.question or "(no question)" for u in units]
    rows = embed_minilm(said + answers + questions, cache_dir, int8=INT8)  # one call: batched by length, repeats encoded once
    hand = np.asarray([hand_features(u) for u in units], dtype=np.float32).reshape(n, len(HAND_FEATURES))
    return UnitMatrix(said=rows[:n], asked=rows[2 * n:], hand=hand, answer=rows[n : 2 * n])


def stage_context(units: list[Unit], story_kind: str) -> np.ndarray:
    """The rules' stage (from the interviewer's questions) and the story kind, one-hot, per unit."""
    rows = np.zeros((len(units), len(STAGES) + len(INTERVIEW_KINDS)), dtype=np.float32)
    for i, u in enumerate(units):
        if u.sentence.stage_cued:
            rows[i, STAGES.index(u.sentence.stage)] = 1.0
        if story_kind in INTERVIEW_KINDS:
            rows[i, len(STAGES) + INTERVIEW_KINDS.index(story_kind)] = 1.0
    return rows

"""Question checks: leading, hypothetical, closed and pitching questions in the interviewer's lines."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from schemas import QuestionFlag, Transcript, Turn

HERE = Path(__file__).parent
_SENTENCE = re.compile(r"[^.?!]+[.?!]*")
_PRONOUNS = {"it", "that", "this", "you", "i", "we", "they", "he", "she", "them", "us", "me", "what", "which", "one"}


@lru_cache(maxsize=1)
def lexicon() -> dict:
    """The readable data files, with every pattern compiled once."""
    data = json.loads((HERE / "lexicon.json").read_text(encoding="utf-8"))
    bank = json.loads((HERE / "questions.json").read_text(encoding="utf-8"))
    compile_all = lambda items: [re.compile(p, re.I) for p in items]  # noqa: E731
    return {
        **{k: compile_all(data[k]) for k in ("leading", "hypothetical", "pitch", "closed_allowed", "probes")},
        "closed_start": re.compile(data["closed_start"], re.I),
        "stage_questions": {k: compile_all(v) for k, v in data["stage_questions"].items()},
        "force_questions": {k: compile_all(v) for k, v in data["force_questions"].items()},
        "bank": bank,
    }


def questions(turn: Turn) -> list[str]:
    """The sentences of a turn that ask something (end with '?')."""
    return [m.group().strip() for m in _SENTENCE.finditer(turn.text) if m.group().strip().endswith("?")]


def _topic(sentence: str) -> str | None:
    """The noun phrase a question is about, for a better phrasing ('the old CRM')."""
    from ..nlp import load_nlp

    chunks = [c for c in load_nlp()(sentence).noun_chunks if c.root.lower_ not in _PRONOUNS]
    return chunks[-1].text if chunks else None


def classify(sentence: str, whole_turn: str) -> str | None:
    """The kind of problem with one question, or None when it is a fine question."""
    lex = lexicon()
    for kind in ("pitch", "leading", "hypothetical"):
        if any(p.search(sentence) for p in lex[kind]):
            return kind
    if lex["closed_start"].match(sentence) and not any(p.search(sentence) for p in lex["closed_allowed"]):
        # a yes/no question followed by an open one in the same turn is fine ("Did you look? Where?")
        open_after = [q for q in questions(Turn(index=0, speaker="", role="interviewer", text=whole_turn)) if q != sentence
                      and not lex["closed_start"].match(q)]
        return None if open_after else "closed"
    return None


def better_phrasing(kind: str, sentence: str, stage: str | None) -> str:
    bank = lexicon()["bank"]
    topic = _topic(sentence) if kind in ("leading", "closed") else None
    if topic:
        return bank["better"][kind].format(topic=topic)
    return bank["stage"].get(stage or "first_thought", bank["stage"]["first_thought"])[0]


def stage_of_question(sentence: str) -> str | None:
    for stage, patterns in lexicon()["stage_questions"].items():
        if any(p.search(sentence) for p in patterns):
            return stage
    return None


def flag_questions(transcript: Transcript) -> list[QuestionFlag]:
    flags: list[QuestionFlag] = []
    stage: str | None = None
    reasons = lexicon()["bank"]["reason"]
    for turn in transcript.turns:
        if turn.role != "interviewer":
            continue
        for sentence in questions(turn):
            stage = stage_of_question(sentence) or stage
            kind = classify(sentence, turn.text)
            if kind:
                flags.append(QuestionFlag(turn=turn.index, text=sentence, kind=kind, reason=reasons[kind],
                                          better=better_phrasing(kind, sentence, stage), start=turn.start))
    return flags


def count_probes(transcript: Transcript) -> int:
    probes = lexicon()["probes"]
    return sum(1 for t in transcript.turns if t.role == "interviewer" for q in questions(t) if any(p.search(q) for p in probes))

"""Question checks: leading, hypothetical, closed, either/or and pitching questions in the
interviewer's lines, with the interview script's consent and wrap-up lines set apart.

Measured on the interviewer questions the team labelled in evalsets/real (benchmarks/coach_eval.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from schemas import QuestionFlag, Transcript, Turn

from .lexicon import lexicon
from .script import scripted_question, scripted_turns

_SENTENCE = re.compile(r"(?:[^.?!]|\.(?=\w))+[.?!]*")
# a prompt need not end with "?": "Tell me more about that." asks as much as a question does
_PROMPT = re.compile(r"^(so |and |but |okay,? |well,? )?(please )?(tell|walk|talk|describe|share|explain|help|give|take|"
                     r"go ahead|let's|let me|paint|say more)\b|\bi'?m curious (about|if|whether|how|what|why|to)\b", re.I)
_CLAUSE = re.compile(r"\s+(?:-|–|—|--)\s+|:\s+|;\s+")
_PRONOUNS = {"it", "that", "this", "you", "i", "we", "they", "he", "she", "them", "us", "me", "what", "which", "one", "yourself",
             "something", "anything", "everything", "nothing", "someone", "anyone", "thing", "things", "lot", "bit", "way"}
KINDS = ("pitch", "leading", "hypothetical", "either_or", "closed")


@dataclass(frozen=True)
class Asked:
    """One interviewer question as the coach reads it: its problem (None: fine) and whether it is script."""

    turn: int
    text: str
    kind: str | None
    scripted: bool = False


def questions(turn: Turn) -> list[str]:
    """The sentences of a turn that ask something: end with '?', or prompt ('Tell me more about that.')."""
    sentences = [m.group().strip().lstrip("\"'\u201c\u201d\u2018\u2019 ") for m in _SENTENCE.finditer(turn.text)]
    return [s for s in sentences if s.endswith("?") or (len(s.split()) >= 3 and _PROMPT.search(s))]


def _any(patterns: list[re.Pattern], text: str) -> bool:
    return any(p.search(text) for p in patterns)


def _yes_no(clause: str) -> bool:
    """A clause shaped for yes or no ('Did you...', 'Are there...'); polite requests are not ('Could you tell me...')."""
    lex = lexicon()
    clause = re.sub(r"^(and|but|so|or|okay|well|now|then)\b,?\s*", "", clause.strip(), flags=re.I)
    return bool(lex["closed_start"].match(clause)) and not _any(lex["requests"], clause)


def _clauses(sentence: str) -> list[str]:
    """The sentence and its parts after a dash or colon ('You mentioned X - are there...?')."""
    return [sentence, *[c for c in _CLAUSE.split(sentence)[1:] if c.strip()]]


def classify(sentence: str, whole_turn: str = "", neighbours: tuple[str, ...] = ()) -> str | None:
    """The kind of problem with one question, or None when it is a fine question. `neighbours`:
    the other questions of the turn; parallel yes/no questions in a row offer options ('Was it X? Was it Y?')."""
    lex = lexicon()
    request = _any(lex["requests"], sentence)  # "Would you like to finish that thought?" asks to go on
    for kind in ("pitch", "leading", "hypothetical"):
        if _any(lex[kind], sentence) and not (request and kind == "hypothetical"):
            return kind
    yes_no = any(_yes_no(c) for c in _clauses(sentence))
    if _any(lex["either_or"], sentence) and (yes_no or re.search(r"(,|\s[-–—]+)\s*or\b", sentence, re.I)):
        return "either_or"
    if yes_no and (sentence.lower().startswith("or ") or _parallel(sentence, neighbours)):
        return "either_or"
    return "closed" if yes_no else None


def _parallel(sentence: str, neighbours: tuple[str, ...]) -> bool:
    """Yes/no questions in a row that open the same way offer options: 'Was it X? Was it Y?', 'Positive? Negative?'."""
    head = " ".join(sentence.lower().split()[:2])
    short = len(sentence.split()) <= 2
    return any(" ".join(n.lower().split()[:2]) == head or (short and len(n.split()) <= 2) or n.lower().startswith("or ")
               for n in neighbours)


def assess_questions(transcript: Transcript) -> list[Asked]:
    """Every interviewer question with its problem and whether it belongs to the script."""
    script = scripted_turns(transcript)
    out: list[Asked] = []
    for turn in transcript.turns:
        if turn.role != "interviewer":
            continue
        asked = questions(turn)
        for i, sentence in enumerate(asked):
            neighbours = tuple(asked[max(i - 1, 0):i] + asked[i + 1:i + 2])
            scripted = scripted_question(sentence, turn.index in script)
            out.append(Asked(turn.index, sentence, classify(sentence, turn.text, neighbours), scripted))
    return out


def _topic(sentence: str) -> str | None:
    """The noun phrase a question is about, for a better phrasing ('the old CRM')."""
    from ..nlp import load_nlp

    chunks = [c for c in load_nlp()(sentence).noun_chunks if c.root.lower_ not in _PRONOUNS]
    return chunks[-1].text if chunks else None


def flag_questions(transcript: Transcript, follow_up) -> list[QuestionFlag]:
    """Flags for the problem questions outside the script. `follow_up(turn)`: a timeline question
    suited to where the interview was at that turn, offered when no rephrasing of the topic fits."""
    bank = lexicon()["bank"]
    starts = {t.index: t.start for t in transcript.turns}
    flags = []
    for asked in assess_questions(transcript):
        if asked.kind is None or asked.scripted:
            continue
        # an either/or question's topic is one of the options it offers: ask where the interview was instead
        topic = _topic(asked.text) if asked.kind in ("leading", "closed") else None
        better = bank["better"][asked.kind].format(topic=topic) if topic else follow_up(asked.turn)
        flags.append(QuestionFlag(turn=asked.turn, text=asked.text, kind=asked.kind, reason=bank["reason"][asked.kind],
                                  better=better, start=starts.get(asked.turn)))
    return flags


def count_probes(transcript: Transcript) -> int:
    probes = lexicon()["probes"]
    return sum(1 for t in transcript.turns if t.role == "interviewer" for q in questions(t) if _any(probes, q))

"""Scoring the coach's question checks against labels: the questions planted in the samples' gold
files, and every interviewer question of the real interviews (evalsets/*/gold `questions`).
Used by tests/test_coach.py and benchmarks/coach_eval.py; not part of the shipped package."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.coach.rules import Asked, assess_questions
from pipeline.evaluate import Labelled, TypeScore, load_labelled
from schemas import GoldQuestion, Transcript

FLAG_KINDS = ("leading", "hypothetical", "closed", "either_or")


def norm(text: str) -> str:
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9' ]+", " ", text)).strip()


def _same(flag: Asked, planted: str) -> bool:
    a, b = norm(flag.text), norm(planted)
    return bool(a and b) and (a in b or b in a)


# planted flags (samples/gold) ------------------------------------------------------------------
@dataclass
class PlantedScore:
    planted: dict[str, int] = field(default_factory=dict)       # kind -> planted count (bad interviews)
    found: dict[str, int] = field(default_factory=dict)         # kind -> planted ones flagged (any kind)
    good_wrong: int = 0                                           # flags raised on good interviews
    good_questions: int = 0
    misses: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    def recall(self, kind: str) -> float:
        return self.found.get(kind, 0) / self.planted[kind] if self.planted.get(kind) else 1.0


def score_planted(folder: Path) -> PlantedScore:
    score = PlantedScore()
    for item in load_labelled(folder):
        gold, transcript = item.labels, item.transcript
        flags = [a for a in assess_questions(transcript) if a.kind and not a.scripted]
        if not gold.planted_flags:
            score.good_questions += sum(t.text.count("?") for t in transcript.turns if t.role == "interviewer")
            score.good_wrong += len(flags)
            score.wrong += [f"{gold.interview}: [{f.kind}] {f.text}" for f in flags]
        for planted in gold.planted_flags:
            score.planted[planted.kind] = score.planted.get(planted.kind, 0) + 1
            if any(_same(f, planted.quote) for f in flags):
                score.found[planted.kind] = score.found.get(planted.kind, 0) + 1
            else:
                score.misses.append(f"{gold.interview}: [{planted.kind}] {planted.quote}")
    return score


# labelled questions (evalsets) -----------------------------------------------------------------
class Counts(TypeScore):
    """True and false positives and misses of one question flag; precision, recall and F1 as for forces."""

    type: str = ""

    def add(self, predicted: bool, gold: bool) -> None:
        self.tp += predicted and gold
        self.fp += predicted and not gold
        self.fn += gold and not predicted


@dataclass
class QuestionScore:
    counts: dict[str, Counts] = field(default_factory=lambda: {k: Counts() for k in (*FLAG_KINDS, "scripted")})
    questions: int = 0
    unmatched: int = 0                                   # gold questions no coach sentence matched
    errors: list[str] = field(default_factory=list)      # "interview: gold -> predicted: question"


Predict = Callable[[Transcript], list[Asked]]


def match(gold: GoldQuestion, asked: list[Asked]) -> Asked | None:
    """The coach's reading of a labelled question: the sentence that is it, contains it, or lies in it."""
    quote = norm(gold.quote)
    hits = [a for a in asked if (n := norm(a.text)) and (n == quote or quote in n or (n in quote and len(n.split()) >= 3))]
    exact = [a for a in hits if norm(a.text) == quote]
    if exact or not hits:
        return exact[0] if exact else None
    flagged = [a for a in hits if a.kind and not a.scripted]
    return (flagged or hits)[0]


def score_questions(items: Iterable[Labelled], predict: Predict = assess_questions) -> QuestionScore:
    score = QuestionScore()
    for item in items:
        asked = predict(item.transcript)
        for gold in item.labels.questions:
            found = match(gold, asked)
            score.questions += 1
            score.unmatched += found is None
            said = (found.kind if found and not found.scripted else None) or "good"
            wanted = "good" if gold.scripted else gold.kind
            for kind in FLAG_KINDS:
                score.counts[kind].add(said == kind, wanted == kind)
            score.counts["scripted"].add(bool(found and found.scripted), gold.scripted)
            if said != wanted or bool(found and found.scripted) != gold.scripted:
                tag = lambda kind, scripted: f"{kind}{'+scripted' if scripted else ''}"  # noqa: E731
                score.errors.append(f"{item.labels.interview}: {tag(wanted, gold.scripted)} -> "
                                    f"{tag(said, bool(found and found.scripted))}: {gold.quote}")
    return score


def halves(items: list[Labelled]) -> tuple[list[Labelled], list[Labelled]]:
    """Interviews split in two by name order (alternating), so each half has every source."""
    ordered = sorted(items, key=lambda i: i.labels.interview)
    return ordered[0::2], ordered[1::2]


def render(scores: dict[str, QuestionScore]) -> str:
    names = list(scores)
    head = f"{'':<13}" + "".join(f"{n:>21}" for n in names)
    sub = f"{'':<13}" + "".join(f"{'P    R    F1':>21}" for _ in names)
    lines = [head, sub]
    for kind in (*FLAG_KINDS, "scripted"):
        cells = []
        for name in names:
            c = scores[name].counts[kind]
            cells.append(f"{c.precision:.2f} {c.recall:.2f} {c.f1:.2f} ({c.tp + c.fn:>3})")
        lines.append(f"{kind:<13}" + "".join(f"{cell:>21}" for cell in cells))
    lines.append(f"{'questions':<13}" + "".join(f"{s.questions:>16} ({s.unmatched} unmatched)"[-21:].rjust(21) for s in scores.values()))
    return "\n".join(lines)

"""Score the coach against the flags planted in the samples' gold labels."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from schemas import GoldLabels, QuestionFlag

from ..importers import import_transcript
from ..ingest import interview_for
from ..settings import Settings
from ..workspace import read_model
from . import coach


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9 ]+", "", re.sub(r"\s+", " ", text.lower().replace("\u2019", "'"))).strip()


def _same(flag: QuestionFlag, planted: str) -> bool:
    a, b = _norm(flag.text), _norm(planted)
    return bool(a and b) and (a in b or b in a)


@dataclass
class CoachScore:
    planted: dict[str, int] = field(default_factory=dict)       # kind -> planted count (bad interviews)
    found: dict[str, int] = field(default_factory=dict)         # kind -> planted ones flagged (any kind)
    flags_total: int = 0
    flags_wrong: int = 0                                          # flags matching nothing planted
    good_flags: int = 0                                           # flags raised on good interviews
    good_wrong: int = 0
    good_questions: int = 0
    misses: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    def recall(self, kind: str) -> float:
        return self.found.get(kind, 0) / self.planted[kind] if self.planted.get(kind) else 1.0


def evaluate_coach(folder: Path, settings: Settings) -> CoachScore:
    score = CoachScore()
    for gold_path in sorted((Path(folder) / "gold").glob("*.gold.json")):
        gold = read_model(gold_path, GoldLabels)
        source = Path(folder) / gold.interview
        if not source.is_file():
            continue
        transcript = import_transcript(source, interview_for(source))
        flags = coach(transcript, settings).flags
        good = not gold.planted_flags
        score.flags_total += len(flags)
        if good:
            score.good_flags += len(flags)
            score.good_questions += sum(t.text.count("?") for t in transcript.turns if t.role == "interviewer")
        for planted in gold.planted_flags:
            score.planted[planted.kind] = score.planted.get(planted.kind, 0) + 1
            if any(_same(f, planted.quote) for f in flags):
                score.found[planted.kind] = score.found.get(planted.kind, 0) + 1
            else:
                score.misses.append(f"{gold.interview}: [{planted.kind}] {planted.quote}")
        for flag in flags:
            if not any(_same(flag, p.quote) for p in gold.planted_flags):
                score.flags_wrong += 1
                score.good_wrong += good
                score.wrong.append(f"{gold.interview}: [{flag.kind}] {flag.text}")
    return score


def render(score: CoachScore) -> str:
    lines = ["kind          planted  flagged  recall"]
    for kind in ("leading", "hypothetical", "closed", "pitch"):
        if score.planted.get(kind):
            lines.append(f"{kind:<13} {score.planted[kind]:>7}  {score.found.get(kind, 0):>7}  {score.recall(kind):>6.2f}")
    lines.append(f"good interviews: {score.good_wrong} wrong of {score.good_flags} flags, "
                 f"over {score.good_questions} interviewer questions "
                 f"({score.good_wrong / max(score.good_questions, 1):.1%} of questions wrongly flagged)")
    lines.append(f"all interviews: {score.flags_wrong} of {score.flags_total} flags match nothing planted "
                 f"(precision {1 - score.flags_wrong / max(score.flags_total, 1):.2f})")
    lines += [f"  missed: {m}" for m in score.misses] + [f"  unplanted: {w}" for w in score.wrong]
    return "\n".join(lines)

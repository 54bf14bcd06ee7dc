"""Recall and precision of the redaction on transcripts with planted personal data.

The planted set (tests/data/pii, written by the team) marks every planted value inline:
`[[Sarah Whitfield|PERSON]]` is personal data of that type, `{{Trello|product}}` a look-alike
that must stay (a product, "May" the month, "Will" the verb). `plain()` strips the marks, so the
same files feed `jtbd run`.

Scoring, per occurrence: a planted value is found when redacted spans cover all its characters;
a redacted span is right when it overlaps a planted value of any type (redacting an address as a
person still hides it). A look-alike is kept when no span touches it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from schemas import RedactedSpan

MARK = re.compile(r"\[\[(.+?)\|([A-Z_]+)\]\]|\{\{(.+?)\|([a-z_]+)\}\}")


@dataclass
class Planted:
    turn: int
    start: int
    end: int
    text: str
    kind: str  # an entity type for personal data, or 'product' / 'month' / 'verb' for a look-alike
    personal: bool


@dataclass
class AnnotatedFile:
    name: str
    lines: list[tuple[str, str]]  # (speaker, plain text), one turn each
    planted: list[Planted]

    def plain(self) -> str:
        return "\n".join(f"{speaker}: {text}" for speaker, text in self.lines) + "\n"


def read_annotated(path: Path) -> AnnotatedFile:
    lines, planted = [], []
    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        if not raw.strip():
            continue
        speaker, marked = raw.split(": ", 1)
        text, found = _strip(marked)
        planted += [Planted(len(lines), *p) for p in found]
        lines.append((speaker, text))
    return AnnotatedFile(Path(path).name, lines, planted)


def _strip(marked: str) -> tuple[str, list[tuple]]:
    out, found, at = [], [], 0
    for m in MARK.finditer(marked):
        out.append(marked[at:m.start()])
        start = sum(map(len, out))
        value, kind = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        out.append(value)
        found.append((start, start + len(value), value, kind, bool(m.group(1))))
        at = m.end()
    out.append(marked[at:])
    return "".join(out), found


@dataclass
class Tally:
    planted: int = 0
    found: int = 0
    spans: int = 0
    right: int = 0
    missed: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.planted if self.planted else float("nan")

    @property
    def precision(self) -> float:
        return self.right / self.spans if self.spans else float("nan")


def covered(p: Planted, spans: list[RedactedSpan]) -> bool:
    chars = {i for s in spans if s.turn == p.turn and s.where == "text" for i in range(s.start_char, s.end_char)}
    return all(i in chars for i in range(p.start, p.end) if not p.text[i - p.start].isspace())


def touched(p: Planted, spans: list[RedactedSpan]) -> bool:
    return any(s.turn == p.turn and s.where == "text" and s.start_char < p.end and p.start < s.end_char for s in spans)


def score(files: list[tuple[AnnotatedFile, list[RedactedSpan]]]) -> dict[str, Tally]:
    """Per entity type (and per look-alike kind, where recall reads 'kept'): the tallies."""
    tallies: dict[str, Tally] = {}
    for annotated, spans in files:
        for p in annotated.planted:
            t = tallies.setdefault(p.kind, Tally())
            t.planted += 1
            ok = covered(p, spans) if p.personal else not touched(p, spans)
            t.found += ok
            if not ok:
                t.missed.append(f"{annotated.name} turn {p.turn}: {p.text}")
        personal = [p for p in annotated.planted if p.personal]
        for s in (s for s in spans if s.where == "text"):
            t = tallies.setdefault(s.entity, Tally())
            t.spans += 1
            right = any(p.turn == s.turn and p.start < s.end_char and s.start_char < p.end for p in personal)
            t.right += right
            if not right:
                t.wrong.append(f"{annotated.name} turn {s.turn}: {s.text} ({s.recognizer})")
    return tallies

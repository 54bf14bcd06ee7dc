"""Scoring a transcript against the script it was spoken from: word error rate and role accuracy.

Used by benchmarks/audio_accuracy.py and the audio tests; pure functions, no audio needed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_LABEL = re.compile(r"^\s*([A-Za-z][\w .'-]{0,40}?)\s*:\s*(.+)$")
_INTERVIEWER_LABEL = re.compile(r"interviewer|moderator|researcher|host|^q$", re.I)


def parse_script(text: str) -> list[tuple[str, str]]:
    """(role, text) per spoken line of an `Interviewer: ...` / `Participant: ...` script. A line
    without a label continues the previous speaker; blank lines and `#` comments are skipped."""
    lines: list[tuple[str, str]] = []
    role = "participant"
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _LABEL.match(line)
        if match:
            role = "interviewer" if _INTERVIEWER_LABEL.search(match.group(1)) else "participant"
            line = match.group(2).strip()
        lines.append((role, line))
    return lines


def normalise(text: str) -> list[str]:
    """Lower-case words without punctuation, numbers spelled out, so 'Sure.' matches 'sure' and
    '20' matches 'twenty' (whisper writes digits; a script spells them)."""
    words = _WORD.findall(text.lower().replace("’", "'"))
    return [part for word in words for part in (_spell(int(word)) if word.isdigit() and int(word) < 1000 else [word])]


_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def _spell(n: int) -> list[str]:
    """0..999 as words: 120 -> one hundred twenty."""
    if n >= 100:
        return [_ONES[n // 100], "hundred", *(_spell(n % 100) if n % 100 else [])]
    if n >= 20:
        return [_TENS[n // 10], *([_ONES[n % 10]] if n % 10 else [])]
    return [_ONES[n]]


def align(ref: list[str], hyp: list[str]) -> list[tuple[int | None, int | None]]:
    """Levenshtein alignment as (ref index, hyp index) pairs; None marks an insertion or deletion."""
    rows, cols = len(ref) + 1, len(hyp) + 1
    cost = [[0] * cols for _ in range(rows)]
    for i in range(rows):
        cost[i][0] = i
    for j in range(cols):
        cost[0][j] = j
    for i in range(1, rows):
        row, above = cost[i], cost[i - 1]
        for j in range(1, cols):
            row[j] = min(above[j - 1] + (ref[i - 1] != hyp[j - 1]), above[j] + 1, row[j - 1] + 1)
    pairs: list[tuple[int | None, int | None]] = []
    i, j = len(ref), len(hyp)
    while i or j:
        if i and j and cost[i][j] == cost[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]):
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif i and cost[i][j] == cost[i - 1][j] + 1:
            pairs.append((i - 1, None))
            i -= 1
        else:
            pairs.append((None, j - 1))
            j -= 1
    return pairs[::-1]


@dataclass
class Score:
    reference_words: int
    errors: int  # substitutions + deletions + insertions
    aligned_words: int  # reference words paired with a hypothesis word
    right_role: int  # of those, how many got the reference role

    @property
    def wer(self) -> float:
        return self.errors / max(self.reference_words, 1)

    @property
    def role_accuracy(self) -> float:
        return self.right_role / max(self.aligned_words, 1)


def score(reference: list[tuple[str, str]], hypothesis: list[tuple[str, str]]) -> Score:
    """Both sides as (role, text) lines; words inherit their line's role."""
    ref = [(role, w) for role, text in reference for w in normalise(text)]
    hyp = [(role, w) for role, text in hypothesis for w in normalise(text)]
    pairs = align([w for _, w in ref], [w for _, w in hyp])
    errors = sum(1 for i, j in pairs if i is None or j is None or ref[i][1] != hyp[j][1])
    aligned = [(i, j) for i, j in pairs if i is not None and j is not None]
    right = sum(1 for i, j in aligned if ref[i][0] == hyp[j][0])
    return Score(len(ref), errors, len(aligned), right)


def score_by_role(reference: list[tuple[str, str]], hypothesis: list[tuple[str, str]]) -> dict[str, Score]:
    """WER per speaker: each role's reference words against the words the transcript gives that role.

    A speaker the transcript never hears scores WER 1.0 (every word deleted); words given to the
    wrong speaker count against both."""
    roles = list(dict.fromkeys(role for role, _ in reference))
    return {role: score([r for r in reference if r[0] == role], [h for h in hypothesis if h[0] == role]) for role in roles}

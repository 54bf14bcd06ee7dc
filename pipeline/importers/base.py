"""What every format parser produces, and the rules that decide whether 'Xyz:' is a speaker label."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

NO_LABELS = "no speaker labels found; expected lines like 'Name: text' (see README)"
TIMESTAMP = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"

# Labels that name a role rather than a person; always accepted, even once.
_ROLE_WORD = re.compile(
    r"(interviewer|interviewee|moderator|researcher|facilitator|host|assistant|ai|bot|user|participant"
    r"|respondent|customer|guest|speaker|unknown speaker|question|answer|q|a|p|r|i)(\s*\d{1,2})?",
    re.I,
)
# Capitalised words that open a line inside someone's answer far more often than they name a person.
_NOT_SPEAKERS = {
    "note", "notes", "nb", "ps", "p.s", "edit", "update", "re", "fyi", "tip", "warning", "important", "example",
    "examples", "e.g", "i.e", "step", "pros", "cons", "total", "price", "cost", "summary", "source", "sources",
    "date", "time", "duration", "location", "subject", "title", "result", "results", "todo", "goal", "goals",
    "problem", "solution", "context", "background", "transcript", "transcript id", "recorded", "meeting", "agenda",
    "action", "actions", "action items", "next steps", "takeaway", "takeaways", "quote", "link", "url", "email",
    "phone", "tags", "status", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    # transcribers' annotations, often bracketed: '[Laughter]: ...'
    "laughs", "laughter", "inaudible", "unintelligible", "crosstalk", "music", "silence", "applause", "pause", "noise",
}
_PARTICLES = {"de", "van", "von", "der", "den", "da", "di", "du", "la", "le", "al", "el", "bin", "y", "of"}


@dataclass
class RawTurn:
    speaker: str
    text: str
    start: float | None = None
    end: float | None = None


def _bare(name: str) -> str:
    """'Interviewer (Sam)' is judged as 'Interviewer'."""
    return name.split("(")[0].strip()


def is_role_word(name: str) -> bool:
    return bool(_ROLE_WORD.fullmatch(_bare(name)))


def looks_like_name(name: str) -> bool:
    """1-4 short words, capitalised like a name ('Dana', 'Chris Walker', 'Speaker 2'), not a common heading word."""
    name = _bare(name)
    words = name.split()
    if not 1 <= len(words) <= 4 or len(name) > 40 or name.lower().rstrip(".") in _NOT_SPEAKERS:
        return False
    if not words[0][0].isupper():
        return False
    return all(w[0].isupper() or w[0].isdigit() or w.lower() in _PARTICLES for w in words[1:])


def accept_labels(candidates: list[str], min_count: int = 2) -> set[str]:
    """Which candidate labels (one entry per occurrence) are speakers.

    A role word always counts. A name counts when it appears `min_count` times, so a one-off
    'Note: the price was high' inside an answer stays text. When the file speaks in role words
    (two or more distinct ones, each used twice, like 'AI:'/'User:'), other labels are quoted dialogue ('Me:', 'ChatGPT said:').
    """
    counts = Counter(candidates)
    roles = {c for c in counts if is_role_word(c)}
    if sum(1 for c in roles if counts[c] >= 2) >= 2:
        return roles
    names = {c for c, n in counts.items() if n >= min_count and looks_like_name(c)}
    return roles | names


def parse_timestamp(text: str) -> float:
    """'1:02', '00:01:02', '00:01:02.500' or '00:01:02,500' to seconds."""
    parts = text.strip().replace(",", ".").split(":")
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + float(part)
    return seconds


def merge_same_speaker(turns: list[RawTurn], sep: str = "\n") -> list[RawTurn]:
    """Consecutive turns of one speaker are one turn; the merged turn spans their times."""
    merged: list[RawTurn] = []
    for turn in turns:
        if not turn.text.strip():
            continue
        last = merged[-1] if merged else None
        if last and last.speaker == turn.speaker:
            last.text = f"{last.text}{sep}{turn.text}"
            last.end = turn.end if turn.end is not None else last.end
            last.start = last.start if last.start is not None else turn.start
        else:
            merged.append(RawTurn(turn.speaker, turn.text.strip(), turn.start, turn.end))
    return merged

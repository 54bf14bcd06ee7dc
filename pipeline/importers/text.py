"""Plain text, Markdown notes and Word paragraphs: 'Name: text', '**Name**: text', '[SPEAKER_00]: text'
(WhisperX), Otter/Teams 'Name  0:03' and Trint '[00:00:03] Name' blocks.

Lines before the first speaker label (a heading, a 'Transcript ID' line, an intro paragraph) are not
speech and are dropped. A line without an accepted label continues the current speaker's turn. A
time alone on a line (Google Meet stamps one every few minutes) starts the next turn; the meeting
tools' own notices ('Meeting ended after 00:31:12') are not speech.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .base import TIMESTAMP, RawTurn, accept_labels, merge_same_speaker, parse_timestamp

_NAME = r"[^\W\d_][\w.'’ -]{0,39}?"
_BOLD = r"(?:\*\*|__)?"
# '[00:01:02] Sam: hi', '**Sam**: hi', '**Sam:** hi', 'Sam (00:01:02): hi', '- Sam: hi'.
# A colon followed at once by a digit or '//' is a time, a ratio or a URL, never a label.
_LABEL_LINE = re.compile(
    rf"^\s*(?:[>-]\s+|\*\s+)?(?:\[?(?P<ts1>{TIMESTAMP})\]?\s+)?{_BOLD}(?P<name>{_NAME})"
    rf"(?:\s*[(\[](?P<ts2>{TIMESTAMP})[)\]]|\s*\((?P<paren>[^)]{{1,30}})\))?"
    rf"\s*{_BOLD}\s*:(?!\d|//)\s*{_BOLD}\s?(?P<text>.*)$"
)
# Otter / Teams export: the speaker and a time alone on a line, the words on the next lines; Trint
# puts the time first. A name never ends a sentence, which tells '[00:05] Okay.' from a header.
_HEADER_LINE = re.compile(
    rf"^\s*(?:{_BOLD}\[?(?P<name>{_NAME})\]?{_BOLD}\s+[(\[]?(?P<ts>{TIMESTAMP})[)\]]?"
    rf"|[(\[](?P<ts_first>{TIMESTAMP})[)\]]\s+(?P<name_after>{_NAME}))\s*$"
)
# WhisperX and pyannote-based tools: '[SPEAKER_00]: text', or '[SPEAKER_00] text' for their numbered ids.
_BRACKET_LABEL = re.compile(rf"^\s*\[(?P<name>{_NAME})\](?:\s*:|\s+(?=\S))\s*(?P<text>.*)$")
_DIARIZED_ID = re.compile(r"(speaker|spk)[ _-]?\d{1,3}", re.I)
_BARE_TIME = re.compile(rf"^\s*[(\[]?(?P<ts>{TIMESTAMP})[)\]]?\s*$")
_NOTICE = re.compile(r"^\s*(meeting ended after\b|transcription (started|ended|stopped)\b|.{1,60}\b(started|stopped) transcription\b)", re.I)
# Rev-style 'Name: (00:01)' puts the time right after the label.
_LEADING_TIME = re.compile(rf"^[(\[](?P<ts>{TIMESTAMP})[)\]]\s*")
_HEADING = re.compile(r"^\s{0,3}#{1,6}(\s|$)")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_FRONT_MATTER_KEY = re.compile(r"^\s*[\w -]+:")


@dataclass
class _Line:
    raw: str
    name: str | None = None  # the candidate label, if the line has one
    text: str = ""  # the words after the label
    start: float | None = None
    time_only: bool = False  # nothing but a time on the line


def parse_text(text: str) -> list[RawTurn]:
    lines = [_classify(line) for line in _content_lines(text)]
    speakers = accept_labels([line.name for line in lines if line.name])
    turns: list[RawTurn] = []
    stamped: float | None = None  # a time alone on a line, for the turn that follows it
    for line in lines:
        if line.time_only:
            stamped = line.start
        elif line.name in speakers:
            turns.append(RawTurn(line.name, line.text, line.start if line.start is not None else stamped))
            stamped = None
        elif turns:  # a rejected label ('Note:') is part of what was said
            turns[-1].text = f"{turns[-1].text}\n{line.raw}" if turns[-1].text else line.raw
    turns = merge_same_speaker(turns)
    _end_at_next_start(turns)
    return turns


def _content_lines(text: str) -> list[str]:
    """Non-blank lines, without YAML front matter, Markdown headings and horizontal rules."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = _drop_front_matter(lines)
    return [line.rstrip() for line in lines
            if line.strip() and not _HEADING.match(line) and not _RULE.match(line) and not _NOTICE.match(line)]


def _drop_front_matter(lines: list[str]) -> list[str]:
    if not lines or lines[0].strip() != "---":
        return lines
    for i, line in enumerate(lines[1:60], start=1):
        if line.strip() in ("---", "..."):
            return lines[i + 1 :]
        if line.strip() and not _FRONT_MATTER_KEY.match(line) and not line.startswith((" ", "-")):
            return lines
    return lines


def match_label(line: str) -> tuple[str, str, float | None] | None:
    """(candidate speaker, the words after the label, start seconds) for a 'Name: text' line."""
    label = _LABEL_LINE.match(line)
    if not label:
        return _bracket_label(line)
    name = _clean(label["name"])
    if label["paren"]:
        name = f"{name} ({label['paren'].strip()})"
    text = label["text"].strip()
    leading = _LEADING_TIME.match(text)
    ts = label["ts1"] or label["ts2"] or (leading["ts"] if leading else None)
    return name, text[leading.end() :] if leading else text, parse_timestamp(ts) if ts else None


def _bracket_label(line: str) -> tuple[str, str, float | None] | None:
    label = _BRACKET_LABEL.match(line)
    if not label or (not _DIARIZED_ID.fullmatch(label["name"].strip()) and ":" not in line[: label.start("text")]):
        return None  # '[laughs] yes' is not a speaker; only numbered ids may omit the colon
    return _clean(label["name"]), label["text"].strip(), None


def _classify(line: str) -> _Line:
    if _BARE_TIME.match(line):
        return _Line(line.strip(), start=parse_timestamp(_BARE_TIME.match(line)["ts"]), time_only=True)
    header = _HEADER_LINE.match(line)
    if header and not (header["name"] or header["name_after"]).rstrip().endswith((".", ",", "?", "!")):
        name, ts = (header["name"], header["ts"]) if header["name"] else (header["name_after"], header["ts_first"])
        return _Line(line.strip(), _clean(name), "", parse_timestamp(ts))
    label = match_label(line)
    return _Line(line.strip(), *label) if label else _Line(line.strip())


def _clean(name: str) -> str:
    return " ".join(name.split())


def _end_at_next_start(turns: list[RawTurn]) -> None:
    """Formats that stamp only where a turn starts: a turn ends where the next begins."""
    for turn, following in zip(turns, turns[1:]):
        if turn.start is not None and turn.end is None and following.start is not None:
            turn.end = following.start

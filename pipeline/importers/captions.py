"""WebVTT (Zoom, Teams) and SRT: timed cues whose text starts with 'Name:', '[SPEAKER_00]' or sits in a
<v Name> voice tag; the old Teams layout puts the name alone on the cue's first line.

Consecutive cues of one speaker become one turn spanning their times. Subtitles with no names at
all become one 'Speaker' whose cues are grouped at pauses, since nothing says who is talking.
A cue whose timing cannot be used keeps its words without a time, and the file gets one warning
line saying which cues (see `timing.py`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .base import RawTurn, accept_labels, looks_like_name, merge_same_speaker
from .text import match_label
from .timing import CueTiming, read_timing, timing_warning

_ARROW = re.compile(r"-+>")
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>", re.I)
_TAG = re.compile(r"</?[^>]+>")
_NOT_CUES = re.compile(r"^(WEBVTT|NOTE|STYLE|REGION)\b")
_CUE_NUMBER = re.compile(r"^\s*\d+\s*$")
UNNAMED = "Speaker"
PAUSE_SECONDS = 1.0  # unnamed cues closer than this are one stretch of speech


@dataclass
class _Segment:
    """What one speaker says inside one cue ('- Sam: hi' / '- Jo: hello' can share a cue)."""

    name: str | None
    words: str
    start: float | None
    end: float | None
    voiced: bool = False  # named by a <v> tag, which is never a false label
    name_line: bool = False  # the name stood alone on the cue's first line (old Teams layout)


NO_CUES = "no subtitle cues found; expected timing lines like '00:00:01.000 --> 00:00:04.000'"


def looks_like_captions(text: str) -> bool:
    """A .txt or .docx that is really a caption file (Teams' old transcript download): timing lines."""
    lines = text.replace("\r", "\n").split("\n")
    return sum(1 for line in lines[:400] if _ARROW.search(line) and re.match(r"^\s*\d", line)) >= 2


def parse_captions(text: str, warnings: list[str] | None = None) -> list[RawTurn]:
    cues = [cue for cue in (_cue(block, line_no) for block, line_no in _blocks(text)) if cue is not None]
    if not any(timing.text for timing, _ in cues):
        return []  # no cue at all: not a caption file (the caller says NO_CUES)
    bad = [timing for timing, _ in cues if timing.problem]
    if bad and warnings is not None:
        warnings.append(timing_warning(bad, len(cues)))
    segments = [seg for timing, lines in cues for seg in _cue_segments(timing, lines)]
    speakers = _speakers(segments)
    if not speakers:
        return _unnamed(segments)
    turns: list[RawTurn] = []
    for seg in segments:
        words = seg.words
        if seg.name and seg.name not in speakers:  # a rejected label was said
            words = f"{seg.name} {words}" if seg.name_line else f"{seg.name}: {words}"
        speaker = seg.name if seg.name in speakers else (turns[-1].speaker if turns else "Unknown")
        turns.append(RawTurn(speaker, words.strip(), seg.start, seg.end))
    return merge_same_speaker(turns, sep=" ")


def _speakers(segments: list[_Segment]) -> set[str]:
    # a cue that opens with 'Name:' is a strong sign, so one occurrence is enough here
    speakers = accept_labels([s.name for s in segments if s.name and not s.voiced and not s.name_line], min_count=1)
    speakers |= {s.name for s in segments if s.name and s.voiced}
    # a name alone on a line is weaker (a wrapped subtitle line looks the same): it must recur
    return speakers | accept_labels([s.name for s in segments if s.name and s.name_line], min_count=2)


def _blocks(text: str) -> list[tuple[list[str], int]]:
    """Blank-line separated blocks with the line number each starts on."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks, current, start = [], [], 0
    for n, line in enumerate(lines, start=1):
        if line.strip():
            if not current:
                start = n
            current.append(line)
        elif current:
            blocks.append((current, start))
            current = []
    if current:
        blocks.append((current, start))
    return blocks


def _cue(block: list[str], line_no: int) -> tuple[CueTiming, list[str]] | None:
    """(timing, text lines) of a cue; None for headers and NOTE/STYLE/REGION blocks.

    The timing line is the one with an arrow, or (SRT) the line after the cue number; a block of
    text with neither lost its timing line, and keeps its words without a time.
    """
    if _NOT_CUES.match(block[0].strip()):
        return None
    at = next((i for i, line in enumerate(block[:3]) if _ARROW.search(line)), None)
    if at is None and _CUE_NUMBER.match(block[0]) and len(block) >= 3:
        at = 1
    if at is None:
        lines = block[1:] if _CUE_NUMBER.match(block[0]) else block
        return read_timing(None, line_no), lines
    return read_timing(block[at], line_no + at), block[at + 1 :]


def _cue_segments(timing: CueTiming, lines: list[str]) -> list[_Segment]:
    start, end = timing.start, timing.end
    segments: list[_Segment] = []
    for n, line in enumerate(lines):
        voice = _VOICE.search(line)
        words = _TAG.sub("", line).strip()
        label = None if voice else match_label(words)
        if voice:
            segments.append(_Segment(" ".join(voice[1].split()), words, start, end, voiced=True))
        elif label:
            segments.append(_Segment(label[0], label[1], start, end))
        elif n == 0 and len(lines) > 1 and looks_like_name(words) and not words.endswith((".", ",", "?", "!")):
            segments.append(_Segment(words, "", start, end, name_line=True))
        elif segments:
            segments[-1].words = f"{segments[-1].words} {words}".strip()
        elif words:
            segments.append(_Segment(None, words, start, end))
    return segments


def _unnamed(segments: list[_Segment]) -> list[RawTurn]:
    turns: list[RawTurn] = []
    for seg in segments:
        words = f"{seg.name} {seg.words}".strip() if seg.name else seg.words
        last = turns[-1] if turns else None
        close = last is not None and (seg.start is None or last.end is None or seg.start - last.end < PAUSE_SECONDS)
        if last is not None and close:
            last.text += f" {words}"
            last.end = seg.end if seg.end is not None else last.end
        elif words:
            turns.append(RawTurn(UNNAMED, words, seg.start, seg.end))
    return turns

"""WebVTT (Zoom, Teams) and SRT: timed cues whose text starts with 'Name:' or sits in a <v Name> voice tag.

Consecutive cues of one speaker become one turn spanning their times. Subtitles with no names at
all become one 'Speaker' whose cues are grouped at pauses, since nothing says who is talking.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .base import TIMESTAMP, RawTurn, accept_labels, merge_same_speaker, parse_timestamp
from .text import match_label

_TIMING = re.compile(rf"^\s*(?P<start>{TIMESTAMP})\s*-->\s*(?P<end>{TIMESTAMP})")
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>", re.I)
_TAG = re.compile(r"</?[^>]+>")
UNNAMED = "Speaker"
PAUSE_SECONDS = 1.0  # unnamed cues closer than this are one stretch of speech


@dataclass
class _Segment:
    """What one speaker says inside one cue ('- Sam: hi' / '- Jo: hello' can share a cue)."""

    name: str | None
    words: str
    start: float
    end: float
    voiced: bool = False  # named by a <v> tag, which is never a false label


def parse_captions(text: str) -> list[RawTurn]:
    segments = [seg for block in _blocks(text) for seg in _cue_segments(block)]
    # a cue that opens with 'Name:' is a strong sign, so one occurrence is enough here
    speakers = accept_labels([seg.name for seg in segments if seg.name and not seg.voiced], min_count=1)
    speakers |= {seg.name for seg in segments if seg.name and seg.voiced}
    if not speakers:
        return _unnamed(segments)
    turns: list[RawTurn] = []
    for seg in segments:
        words = f"{seg.name}: {seg.words}" if seg.name and seg.name not in speakers else seg.words  # a rejected label was said
        speaker = seg.name if seg.name in speakers else (turns[-1].speaker if turns else "Unknown")
        turns.append(RawTurn(speaker, words, seg.start, seg.end))
    return merge_same_speaker(turns, sep=" ")


def _blocks(text: str) -> list[list[str]]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [b.strip("\n").split("\n") for b in re.split(r"\n\s*\n", text) if b.strip()]


def _cue_segments(block: list[str]) -> list[_Segment]:
    timing_at = next((i for i, line in enumerate(block) if _TIMING.match(line)), None)
    if timing_at is None:  # the WEBVTT header, NOTE/STYLE/REGION blocks
        return []
    timing = _TIMING.match(block[timing_at])
    start, end = parse_timestamp(timing["start"]), parse_timestamp(timing["end"])
    segments: list[_Segment] = []
    for line in block[timing_at + 1 :]:
        voice = _VOICE.search(line)
        words = _TAG.sub("", line).strip()
        label = None if voice else match_label(words)
        if voice:
            segments.append(_Segment(" ".join(voice[1].split()), words, start, end, voiced=True))
        elif label:
            segments.append(_Segment(label[0], label[1], start, end))
        elif segments:
            segments[-1].words = f"{segments[-1].words} {words}".strip()
        elif words:
            segments.append(_Segment(None, words, start, end))
    return segments


def _unnamed(segments: list[_Segment]) -> list[RawTurn]:
    turns: list[RawTurn] = []
    for seg in segments:
        if turns and seg.start - (turns[-1].end or seg.start) < PAUSE_SECONDS:
            turns[-1].text += f" {seg.words}"
            turns[-1].end = seg.end
        elif seg.words:
            turns.append(RawTurn(UNNAMED, seg.words, seg.start, seg.end))
    return turns

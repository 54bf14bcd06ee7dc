"""JSON: our own Transcript (round-trip), or a list of {speaker, text, start?, end?, role?} objects
(WhisperX's `segments` too: a segment diarization left without a speaker continues the one before)."""
from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from schemas import Interview, Transcript

from ..errors import BadInputError
from .base import NO_LABELS, RawTurn, merge_same_speaker

_SPEAKER_KEYS = ("speaker", "name", "speaker_name")
_TEXT_KEYS = ("text", "content", "utterance")
_LIST_KEYS = ("turns", "utterances", "segments")
EXPECTED = "expected a jtbd transcript.json or a list of {\"speaker\": ..., \"text\": ...} objects"


def load_json(text: str, interview: Interview, where: str, warnings: list[str] | None = None) -> Transcript | tuple[list[RawTurn], dict[str, str]]:
    """A Transcript when the file is one of ours; else the turns and any roles the file states."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInputError(f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}", where) from None
    if isinstance(data, dict) and "interview" in data and "turns" in data:
        return _own_transcript(data, interview, where)
    items = next((data[k] for k in _LIST_KEYS if isinstance(data, dict) and isinstance(data.get(k), list)), data)
    if not isinstance(items, list) or not items:
        raise BadInputError(f"no turns in JSON; {EXPECTED}", where)
    if not any(isinstance(i, dict) and _first(i, _SPEAKER_KEYS) is not None for i in items):
        raise BadInputError(NO_LABELS, where)
    turns = [_turn(item, n, where) for n, item in enumerate(items, start=1)]
    unnamed = _continue_speakers(turns)
    if unnamed and warnings is not None:
        warnings.append(f"{unnamed} of {len(turns)} items name no speaker; each was given to the speaker before it")
    roles = {str(_first(item, _SPEAKER_KEYS)): item["role"] for item in items if item.get("role") in ("interviewer", "participant")}
    return merge_same_speaker(turns, sep=" "), roles


def _continue_speakers(turns: list[RawTurn]) -> int:
    """Fill speakerless items from the item before (the first speaker for leading ones); how many there were."""
    first = next((t.speaker for t in turns if t.speaker), "Unknown")
    previous, unnamed = first, 0
    for turn in turns:
        if not turn.speaker:
            turn.speaker, unnamed = previous, unnamed + 1
        previous = turn.speaker
    return unnamed


def _own_transcript(data: dict[str, Any], interview: Interview, where: str) -> Transcript:
    try:
        transcript = Transcript.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        place = ".".join(str(p) for p in first["loc"])
        raise BadInputError(f"transcript JSON is invalid at {place}: {first['msg']}", where) from None
    turns = [t.model_copy(update={"index": i}) for i, t in enumerate(transcript.turns)]
    return transcript.model_copy(update={"interview": interview, "turns": turns, "method": "import:json"})


def _turn(item: Any, n: int, where: str) -> RawTurn:
    if not isinstance(item, dict):
        raise BadInputError(f"JSON item {n} is not an object; {EXPECTED}", where)
    speaker, text = _first(item, _SPEAKER_KEYS), _first(item, _TEXT_KEYS)
    if not isinstance(text, str):
        raise BadInputError(f"JSON item {n} has no text; {EXPECTED}", where)
    return RawTurn(" ".join(str(speaker or "").split()), text.strip(), _seconds(item.get("start"), n, where), _seconds(item.get("end"), n, where))


def _first(item: dict[str, Any], keys: tuple[str, ...]) -> Any:
    return next((item[k] for k in keys if item.get(k) is not None), None)


def _seconds(value: Any, n: int, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise BadInputError(f"JSON item {n}: start/end must be seconds as a number, got {value!r}", where)

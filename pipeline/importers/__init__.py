"""Import an existing transcript (.txt .md .vtt .srt .docx .json) into the `Transcript` schema.

Each format parser yields speaker-labelled turns (`RawTurn`); this module numbers them, assigns
roles (`pipeline.roles.assign_roles`) and records how: `method='import:<format>'`.
"""
from __future__ import annotations

from pathlib import Path

from schemas import Interview, Transcript, Turn

from ..errors import BadInputError, UnsupportedFileError
from ..roles import assign_roles
from .base import NO_LABELS, RawTurn
from .captions import UNNAMED, parse_captions
from .decode import read_text
from .jsonfile import load_json
from .text import parse_text
from .word import docx_text

# Bump when parsing changes what a file becomes: cached transcripts are then rebuilt.
IMPORTER_VERSION = "1"

FORMATS = {".txt": "txt", ".md": "md", ".vtt": "vtt", ".srt": "srt", ".docx": "docx", ".json": "json"}

__all__ = ["IMPORTER_VERSION", "FORMATS", "import_transcript", "RawTurn"]


def import_transcript(path: Path, interview: Interview) -> Transcript:
    """Parse one transcript file; BadInputError with a one-line reason when it cannot be used."""
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise UnsupportedFileError(f"not a transcript format ('{path.suffix}'; supported: {' '.join(FORMATS)})", str(path))
    stated_roles: dict[str, str] = {}
    if fmt == "docx":
        raw = parse_text(docx_text(path))
    elif fmt == "json":
        loaded = load_json(read_text(path), interview, str(path))
        if isinstance(loaded, Transcript):
            return _keep_or_assign_roles(loaded)
        raw, stated_roles = loaded
    elif fmt in ("vtt", "srt"):
        raw = parse_captions(read_text(path))
    else:
        raw = parse_text(read_text(path))
    if not raw:
        raise BadInputError(NO_LABELS, str(path))
    return _transcript(raw, interview, fmt, stated_roles)


def _transcript(raw: list[RawTurn], interview: Interview, fmt: str, stated_roles: dict[str, str]) -> Transcript:
    turns = [Turn(index=i, speaker=r.speaker, role="participant", text=r.text, start=r.start, end=r.end) for i, r in enumerate(raw)]
    if stated_roles and all(t.speaker in stated_roles for t in turns):
        roles, role_method = stated_roles, "file"
        turns = [t.model_copy(update={"role": roles[t.speaker]}) for t in turns]
    else:
        turns, roles, role_method = assign_roles(turns)
    if {t.speaker for t in turns} == {UNNAMED} and fmt in ("vtt", "srt"):
        role_method = "single-speaker: the subtitles name no speakers; add 'Name:' to each cue to separate them"
    ends = [t.end for t in turns if t.end is not None]
    return Transcript(
        interview=interview,
        turns=turns,
        speakers=roles,  # type: ignore[arg-type]
        duration=max(ends) if ends else None,
        method=f"import:{fmt}",
        role_method=role_method,
    )


def _keep_or_assign_roles(transcript: Transcript) -> Transcript:
    """A transcript.json keeps the roles it states; speakers it leaves out are inferred."""
    if transcript.turns and all(t.speaker in transcript.speakers for t in transcript.turns):
        turns = [t.model_copy(update={"role": transcript.speakers[t.speaker]}) for t in transcript.turns]
        return transcript.model_copy(update={"turns": turns, "role_method": transcript.role_method or "file"})
    if not transcript.turns:
        raise BadInputError("transcript JSON has no turns", transcript.interview.source)
    turns, roles, role_method = assign_roles(transcript.turns)
    return transcript.model_copy(update={"turns": turns, "speakers": roles, "role_method": role_method})

"""Import an existing transcript (.txt .md .vtt .srt .docx .json) into the `Transcript` schema.

Each format parser yields speaker-labelled turns (`RawTurn`); this module numbers them, assigns
roles (`pipeline.roles.assign_roles`) and records how: `method='import:<format>'`. What was wrong
with a file but did not stop it being read (cues without a time, segments without a speaker)
goes to `Transcript.warnings`, one line each.
"""
from __future__ import annotations

from pathlib import Path

from schemas import Interview, Transcript, Turn

from ..errors import BadInputError, UnsupportedFileError
from ..roles import assign_roles
from .base import NO_LABELS, RawTurn
from .captions import NO_CUES, UNNAMED, looks_like_captions, parse_captions
from .decode import read_text
from .jsonfile import load_json
from .limits import check_file_size, check_length
from .text import parse_text
from .word import docx_text

# Bump when parsing changes what a file becomes: cached transcripts are then rebuilt.
IMPORTER_VERSION = "2"

FORMATS = {".txt": "txt", ".md": "md", ".vtt": "vtt", ".srt": "srt", ".docx": "docx", ".json": "json"}

__all__ = ["IMPORTER_VERSION", "FORMATS", "import_transcript", "RawTurn"]


def import_transcript(path: Path, interview: Interview, max_chars: int | None = None) -> Transcript:
    """Parse one transcript file; BadInputError with a one-line reason when it cannot be used.

    `max_chars` (characters of speech) refuses over-long transcripts before they cost an extraction."""
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise UnsupportedFileError(f"not a transcript format ('{path.suffix}'; supported: {' '.join(FORMATS)})", str(path))
    if max_chars:
        check_file_size(path, max_chars)
    transcript = _parse(path, interview, fmt)
    if max_chars:
        check_length(transcript, max_chars, str(path))
    return transcript


def _parse(path: Path, interview: Interview, fmt: str) -> Transcript:
    stated_roles: dict[str, str] = {}
    warnings: list[str] = []
    if fmt == "json":
        loaded = load_json(read_text(path), interview, str(path), warnings)
        if isinstance(loaded, Transcript):
            return _keep_or_assign_roles(loaded)
        raw, stated_roles = loaded
    else:
        text = docx_text(path) if fmt == "docx" else read_text(path)
        captions = fmt in ("vtt", "srt") or looks_like_captions(text)  # Teams' old download is captions in a .docx
        raw = parse_captions(text, warnings) if captions else parse_text(text)
        if not raw and captions:
            raise BadInputError(NO_CUES, str(path))
    if not raw:
        raise BadInputError(NO_LABELS, str(path))
    return _transcript(raw, interview, fmt, stated_roles, warnings)


def _transcript(raw: list[RawTurn], interview: Interview, fmt: str, stated_roles: dict[str, str], warnings: list[str]) -> Transcript:
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
        warnings=warnings,
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

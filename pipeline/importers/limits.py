"""How long a transcript may be (`max_transcript_chars` in jtbd.toml), checked before any extraction.

A 50 MB JSON transcript of 73,843 turns was still extracting after 10 minutes at 2 GB, holding up
the files after it. The limit is in characters of speech; the file's size is checked first, before
it is read, with room for formats that carry much more than the words (our transcript.json with
word timings is about 20 bytes per character of speech).
"""
from __future__ import annotations

from pathlib import Path

from schemas import Transcript

from ..errors import BadInputError

BYTES_PER_CHAR = 40  # a file larger than this many bytes per allowed character cannot fit the limit
CHARS_PER_HOUR = 54_000  # 150 words a minute, six characters a word


def check_file_size(path: Path, max_chars: int) -> None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise BadInputError(f"cannot read file: {exc.strerror or exc}", str(path)) from None
    if size > BYTES_PER_CHAR * max_chars:
        needed = -(-size // BYTES_PER_CHAR)
        raise BadInputError(
            f"transcript file is {size / 1e6:,.1f} MB, too big for the limit of {max_chars:,} characters of speech "
            f"({_hours(max_chars)}); to allow it set max_transcript_chars = {_round_up(needed)} in jtbd.toml", str(path),
        )


def check_length(transcript: Transcript, max_chars: int, where: str) -> None:
    chars = sum(len(t.text) for t in transcript.turns)
    if chars > max_chars:
        raise BadInputError(
            f"transcript has {chars:,} characters of speech in {len(transcript.turns):,} turns, over the limit of "
            f"{max_chars:,} ({_hours(max_chars)}); to allow it set max_transcript_chars = {_round_up(chars)} in jtbd.toml", where,
        )


def _hours(chars: int) -> str:
    hours = chars / CHARS_PER_HOUR
    if hours >= 1.5:
        return f"about {hours:.0f} hours of talk"
    return f"about {hours * 60:.0f} minutes of talk" if hours * 60 >= 1.5 else "under two minutes of talk"


def _round_up(n: int) -> int:
    step = 10 ** max(len(str(n)) - 2, 0)
    return -(-n // step) * step

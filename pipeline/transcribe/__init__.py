"""Transcript stage: audio through faster-whisper + speaker separation, or an existing transcript parsed.

Both paths end in the same `Transcript` schema.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from schemas import Interview, Transcript

from ..settings import Settings

ProgressFn = Callable[[float], None]


def transcribe_file(path: Path, interview: Interview, settings: Settings, on_progress: ProgressFn | None = None) -> Transcript:
    if interview.kind == "audio":
        from ..audio import transcribe_audio

        return transcribe_audio(path, interview, settings, on_progress=on_progress)
    from ..importers import import_transcript

    return import_transcript(path, interview, max_chars=settings.max_transcript_chars)


def transcription_fingerprint(interview: Interview, settings: Settings) -> str:
    """Settings that change a transcript; text imports depend only on the parser version and the length limit."""
    if interview.kind == "audio":
        from ..audio import AUDIO_PIPELINE_VERSION

        fields = ("whisper_model", "whisper_compute_type", "whisper_batched", "vad", "num_speakers", "max_audio_seconds")
        return f"audio-{AUDIO_PIPELINE_VERSION}-{settings.fingerprint(*fields)}"
    from ..importers import IMPORTER_VERSION

    return f"import-{IMPORTER_VERSION}-{settings.fingerprint('max_transcript_chars')}"

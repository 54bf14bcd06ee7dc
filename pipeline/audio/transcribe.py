"""`transcribe_audio`: one recording in, one speaker-attributed `Transcript` out."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np

from schemas import Interview, Transcript, Turn

from ..errors import BadInputError
from ..roles import assign_roles
from ..settings import Settings
from .decode import DecodedAudio, decode, probe
from .speakers import cluster_speakers, embed_phrases, phrases_to_turns, split_phrases
from .tracks import separate_tracks, transcribe_tracks
from .whisper import model_label, transcribe_words

AUDIO_PIPELINE_VERSION = "4"  # bump whenever the same audio and settings would give a different transcript
# 4: voice windows of long phrases side by side (no overlap); num_speakers = 1 embeds no voices
WHISPER_SHARE = 0.85  # of the progress bar; speaker separation takes the rest


def transcribe_audio(
    path: Path, interview: Interview, settings: Settings, on_progress: Callable[[float], None] | None = None
) -> Transcript:
    path = Path(path)
    if not path.is_file():
        raise BadInputError("file not found", str(path))
    audio = decode(path, probe(path, settings.max_audio_seconds))
    report = on_progress or (lambda _: None)
    if separate_tracks(audio.channels):
        turns, language = transcribe_tracks(audio.channels, settings, lambda f: report(WHISPER_SHARE * f))
        speaker_method = "stereo channels transcribed apart"
    else:
        turns, language, speaker_method = _transcribe_mix(audio, settings, report)
    if not turns:
        raise BadInputError(f"no speech found in {audio.duration:.0f} s of audio", str(path))
    turns, roles, role_method = assign_roles(turns)
    report(1.0)
    return Transcript(
        interview=interview,
        turns=turns,
        language=language or "en",
        duration=round(audio.duration, 3),
        speakers=roles,
        method=f"{model_label(settings)} + {speaker_method}",
        role_method=role_method,
        warnings=audio.warnings,
    )


def _transcribe_mix(audio: DecodedAudio, settings: Settings, report: Callable[[float], None]) -> tuple[list[Turn], str, str]:
    """One channel (or a stereo mix of one conversation): whisper once, then speakers by voice."""
    segments, language = transcribe_words(audio.mono, settings, lambda f: report(WHISPER_SHARE * f))
    phrases = split_phrases([w for seg in segments for w in seg.words])
    if not phrases:
        return [], language, ""
    if settings.num_speakers == 1:  # nothing to separate: no voice embeddings at all
        return phrases_to_turns(phrases, [0] * len(phrases)), language, "one speaker (num_speakers = 1)"
    embeddings = embed_phrases(audio.mono, phrases)
    durations = np.array([p.seconds for p in phrases])
    speaker_of, speaker_method = cluster_speakers(embeddings, durations, settings.num_speakers)
    return phrases_to_turns(phrases, speaker_of), language, speaker_method

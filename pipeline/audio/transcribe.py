"""`transcribe_audio`: one recording in, one speaker-attributed `Transcript` out."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np

from schemas import Interview, Transcript, Turn, Word

from ..errors import BadInputError
from ..roles import assign_roles
from ..settings import Settings
from .decode import decode, probe
from .speakers import Phrase, channel_speakers, cluster_speakers, embed_phrases, split_phrases
from .whisper import model_label, transcribe_words

AUDIO_PIPELINE_VERSION = "2"  # bump whenever the same audio and settings would give a different transcript
WHISPER_SHARE = 0.85  # of the progress bar; speaker separation takes the rest


def transcribe_audio(
    path: Path, interview: Interview, settings: Settings, on_progress: Callable[[float], None] | None = None
) -> Transcript:
    path = Path(path)
    if not path.is_file():
        raise BadInputError("file not found", str(path))
    audio = decode(path, probe(path, settings.max_audio_seconds))
    report = on_progress or (lambda _: None)
    segments, language = transcribe_words(audio.mono, settings, lambda f: report(WHISPER_SHARE * f))
    words = [w for seg in segments for w in seg.words]
    if not words:
        raise BadInputError(f"no speech found in {audio.duration:.0f} s of audio", str(path))
    phrases = split_phrases(words)
    speaker_of, speaker_method = _speakers(audio, phrases, settings)
    turns, roles, role_method = assign_roles(phrases_to_turns(phrases, speaker_of))
    report(1.0)
    return Transcript(
        interview=interview,
        turns=turns,
        language=language or "en",
        duration=round(audio.duration, 3),
        speakers=roles,
        method=f"{model_label(settings)} + {speaker_method}",
        role_method=role_method,
    )


def _speakers(audio, phrases: list[Phrase], settings: Settings) -> tuple[list[int], str]:
    by_channel = channel_speakers(audio.channels, phrases)
    if by_channel is not None:
        return by_channel, "stereo channels"
    embeddings = embed_phrases(audio.mono, phrases)
    durations = np.array([p.seconds for p in phrases])
    return cluster_speakers(embeddings, durations, settings.num_speakers)


def phrases_to_turns(phrases: list[Phrase], speaker_of: list[int]) -> list[Turn]:
    """Consecutive phrases of one speaker become one turn; labels SPEAKER_1, SPEAKER_2… by first appearance."""
    labels: dict[int, str] = {}
    turns: list[Turn] = []
    words: list[Word] = []
    for i, phrase in enumerate(phrases):
        words.extend(phrase.words)
        if i + 1 == len(phrases) or speaker_of[i + 1] != speaker_of[i]:
            label = labels.setdefault(speaker_of[i], f"SPEAKER_{len(labels) + 1}")
            turns.append(_turn(len(turns), label, words))
            words = []
    return turns


def _turn(index: int, speaker: str, words: list[Word]) -> Turn:
    text = " ".join(w.text for w in words)
    # role is provisional: assign_roles decides it from what each speaker says
    return Turn(index=index, speaker=speaker, role="participant", text=text, start=words[0].start, end=words[-1].end, words=list(words))

"""Speech to timestamped words with faster-whisper (VAD on, word timestamps on)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from schemas import Word

from ..settings import Settings
from .decode import SAMPLE_RATE
from .models import load_whisper, resolve_model

BEAM_SIZE = 5  # see benchmarks/transcription.py: greedy (1) saves little time on tiny.en and costs words


@dataclass
class Segment:
    start: float
    end: float
    text: str
    words: list[Word]


def model_label(settings: Settings) -> str:
    name = settings.whisper_model
    batched = " batched" if settings.whisper_batched else ""
    return f"faster-whisper {name.rstrip('/').rsplit('/', 1)[-1]}{batched}"


def load_model(settings: Settings):
    return load_whisper(str(resolve_model(settings.whisper_model)), settings.whisper_device, settings.whisper_compute_type)


def whisper_options(model, settings: Settings) -> dict[str, Any]:
    """Decoding options shared by the tool and the benchmark, so both measure the same work."""
    options: dict[str, Any] = dict(beam_size=BEAM_SIZE, vad_filter=settings.vad, word_timestamps=True, condition_on_previous_text=False)
    if not model.model.is_multilingual:
        options["language"] = "en"
    if settings.whisper_batched:
        options["batch_size"] = settings.whisper_batch_size
    return options


def run_whisper(model, audio: np.ndarray, settings: Settings):
    """faster-whisper's (segments generator, info), batched or sequential as the settings say."""
    options = whisper_options(model, settings)
    if settings.whisper_batched:
        from faster_whisper import BatchedInferencePipeline

        return BatchedInferencePipeline(model).transcribe(audio, **options)
    return model.transcribe(audio, **options)


def transcribe_words(audio: np.ndarray, settings: Settings, on_progress: Callable[[float], None] | None = None) -> tuple[list[Segment], str]:
    """Whisper segments with words, and the detected language. Progress runs from 0 to 1 over the audio."""
    segments, info = run_whisper(load_model(settings), audio, settings)
    duration = max(len(audio) / SAMPLE_RATE, 1e-6)
    found: list[Segment] = []
    for seg in segments:  # a generator: decoding happens as we iterate
        words = [Word(text=w.word.strip(), start=round(w.start, 3), end=round(w.end, 3), probability=round(w.probability, 3))
                 for w in (seg.words or []) if w.word.strip()]
        if words:
            found.append(Segment(seg.start, seg.end, seg.text.strip(), words))
        if on_progress:
            on_progress(min(seg.end / duration, 1.0))
    return found, info.language

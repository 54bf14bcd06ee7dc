"""Separate-track stereo: one speaker per channel, as Zoom, Riverside, SquadCast and call recorders store it.

Transcribing the mono mix loses whoever is quieter whenever both talk at once; whisper follows one
voice. So when the channels carry different voices, each channel is transcribed on its own (with
the other speaker's faint bleed muted first) and the words are merged by time into turns. Speech
that overlaps stays two turns, one per speaker, in the order they started.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from schemas import Turn, Word

from .decode import SAMPLE_RATE
from .speakers import phrases_to_turns, split_phrases
from .whisper import transcribe_words

FRAME = 0.05  # seconds per energy frame when comparing the channels
DOMINANT_DB = 10.0  # a channel this much louder than the other carries the voice on its own
MIN_SOLO_SHARE = 0.1  # each channel must lead in at least this share of voiced frames...
MIN_APART_SHARE = 0.4  # ...and one channel must lead in this share overall (the rest: both talk, or one mix)
BLEED_DB = 18.0  # a channel this much quieter than the other only hears the other speaker's bleed
KEEP_AROUND = 2  # frames kept either side of a channel's own speech, so soft word edges survive the mute
SILENT_DBFS = -55.0
GAP_SECONDS = 2.0  # silence between the two channels laid end to end, so no speech run spans both


def frame_db(signal: np.ndarray) -> np.ndarray:
    size = int(FRAME * SAMPLE_RATE)
    frames = signal[: len(signal) // size * size].reshape(-1, size)
    return 10 * np.log10(np.mean(frames.astype(np.float64) ** 2, axis=1) + 1e-10)


def separate_tracks(channels: tuple[np.ndarray, ...]) -> bool:
    """Whether two channels hold two speakers apart (each channel loud when its own speaker talks),
    rather than one mix copied to both sides or a room heard by two microphones."""
    if len(channels) != 2:
        return False
    left, right = (frame_db(c) for c in channels)
    louder = np.maximum(left, right)
    voiced = louder > max(float(np.percentile(louder, 5)) + 10.0, SILENT_DBFS)
    if voiced.sum() < 10:
        return False
    gap = (left - right)[voiced]
    left_share, right_share = float(np.mean(gap > DOMINANT_DB)), float(np.mean(gap < -DOMINANT_DB))
    return min(left_share, right_share) >= MIN_SOLO_SHARE and left_share + right_share >= MIN_APART_SHARE


def own_voice(channel: np.ndarray, other: np.ndarray) -> np.ndarray:
    """Per sample, whether to keep it: False where the channel only hears the other speaker (headset
    bleed); both voices stay wherever both people talk at once."""
    own, theirs = frame_db(channel), frame_db(other)
    keep = (own >= theirs - BLEED_DB) & (own > SILENT_DBFS)  # quiet frames carry no words: muting them costs nothing
    keep = np.convolve(keep.astype(np.int8), np.ones(2 * KEEP_AROUND + 1, np.int8), mode="same") > 0
    mask = np.repeat(keep, int(FRAME * SAMPLE_RATE))
    return np.concatenate([mask, np.full(len(channel) - len(mask), bool(keep[-1]) if len(keep) else True)])


def end_to_end(channels: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, float]:
    """Both channels, bleed muted, one after the other with a silence between; and where the second starts (s).
    Written into one array: a two-hour call is 460 MB a channel, so no gated copies are made first."""
    gap = int(GAP_SECONDS * SAMPLE_RATE)
    joined = np.zeros(len(channels[0]) + gap + len(channels[1]), np.float32)
    for at, (channel, other) in ((0, channels), (len(channels[0]) + gap, channels[::-1])):
        part = joined[at:at + len(channel)]
        part[:] = channel
        part[~own_voice(channel, other)] = 0.0
    return joined, (len(channels[0]) + gap) / SAMPLE_RATE


def transcribe_tracks(channels: tuple[np.ndarray, np.ndarray], settings, on_progress: Callable[[float], None]) -> tuple[list[Turn], str]:
    """Turns from both channels, each heard on its own; the language whisper heard.

    Whisper runs once over the two channels laid end to end (a silence between them): its voice
    detector packs the speech of both into the same 30-second windows, so the cost follows the
    seconds of speech, as it does for one channel, instead of paying a half-empty window per side.
    """
    joined, offset = end_to_end(channels)
    segments, language = transcribe_words(joined, settings, on_progress)
    del joined
    words = [w for seg in segments for w in seg.words]
    boundary = offset - GAP_SECONDS / 2
    by_channel = ([w for w in words if w.start < boundary], [_shifted(w, -offset) for w in words if w.start >= boundary])
    phrases = [(phrase, n) for n, heard in enumerate(by_channel) for phrase in split_phrases(heard)]
    phrases.sort(key=lambda pair: (pair[0].start, pair[1]))
    return phrases_to_turns([p for p, _ in phrases], [n for _, n in phrases]), language


def _shifted(word: Word, seconds: float) -> Word:
    return word.model_copy(update={"start": round(max(word.start + seconds, 0.0), 3), "end": round(max(word.end + seconds, 0.0), 3)})

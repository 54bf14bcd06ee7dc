"""Open, check and decode a recording with PyAV (bundled FFmpeg; no system ffmpeg needed).

Every unusable file ends in one BadInputError line that says why, and the cheap checks
(empty, not audio, too long) run before anything is decoded.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from schemas.vocabulary import clock

from ..errors import BadInputError

SAMPLE_RATE = 16000
SILENCE_PEAK = 10 ** (-50 / 20)  # below -50 dBFS everywhere: nothing anyone could transcribe
OGG_TAIL_BYTES = 70_000
OGG_END_OF_STREAM = 0x04  # header-type flag of an Ogg stream's last page
MIN_DECODED_SHARE = 0.9  # decoding less of the declared length than this means truncation or damage
WAV_HEADER_BYTES = 65536  # the fmt and data chunk headers sit well inside this (after LIST/bext metadata)


@dataclass
class AudioInfo:
    duration: float | None  # from the container; None when it does not say
    channels: int
    sample_rate: int


@dataclass
class DecodedAudio:
    mono: np.ndarray  # float32 at SAMPLE_RATE
    channels: tuple[np.ndarray, ...]  # the separate channels when the file is stereo, else empty
    duration: float
    warnings: list[str] = field(default_factory=list)


def probe(path: Path, max_seconds: float) -> AudioInfo:
    """Read the container header only; refuse empty, non-audio and over-long files."""
    if path.stat().st_size == 0:
        raise BadInputError("file is empty", str(path))
    import av

    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise BadInputError("no audio stream in the file", str(path))
            stream = container.streams.audio[0]
            info = AudioInfo(_duration(container, stream), stream.channels or 1, stream.sample_rate or 0)
            is_ogg = "ogg" in container.format.name.split(",")
    except av.error.EOFError:
        raise BadInputError("audio file is truncated (ends inside its header)", str(path)) from None
    except av.error.FFmpegError as exc:
        raise BadInputError(f"not a readable audio file ({_short(exc)})", str(path)) from None
    if is_ogg and not ogg_ends_cleanly(path):
        raise BadInputError(
            "audio file is truncated: its Ogg stream stops without an end page (cut off or never finished); "
            "re-export it to use the part that is there", str(path),
        )
    if info.duration is not None and info.duration > max_seconds:
        raise BadInputError(
            f"recording is {_hms(info.duration)} long, over the limit of {_hms(max_seconds)}; "
            f"to allow it set max_audio_seconds = {int(info.duration) + 60} in jtbd.toml",
            str(path),
        )
    return info


def decode(path: Path, info: AudioInfo) -> DecodedAudio:
    """Decode to 16 kHz float32; refuse corrupt, truncated and silent files."""
    import av
    from faster_whisper import decode_audio

    try:
        if info.channels == 2:
            left, right = decode_audio(str(path), SAMPLE_RATE, split_stereo=True)
            channels: tuple[np.ndarray, ...] = (left, right)
            mono = (left + right) / 2
        else:
            mono, channels = decode_audio(str(path), SAMPLE_RATE), ()
    except av.error.FFmpegError as exc:
        raise BadInputError(f"audio is corrupt, decoding failed ({_short(exc)})", str(path)) from None
    seconds = len(mono) / SAMPLE_RATE
    if seconds == 0:
        raise BadInputError("no audio could be decoded (file truncated or corrupt)", str(path))
    if info.duration and seconds < MIN_DECODED_SHARE * info.duration - 1.0:
        raise BadInputError(
            f"audio is truncated or corrupt: only {seconds:.1f} s of its {info.duration:.1f} s could be decoded", str(path)
        )
    if float(np.max(np.abs(mono))) < SILENCE_PEAK:
        raise BadInputError(f"recording is silent ({_hms(seconds)} without any sound)", str(path))
    cut = wav_shortfall(path)
    warnings = [f"WAV file is cut short: its header promises {_hms(cut[0])} of audio but the file ends at {_hms(cut[1])}; "
                f"only those {_hms(cut[1])} were transcribed"] if cut else []
    return DecodedAudio(mono=mono.astype(np.float32, copy=False), channels=channels, duration=seconds, warnings=warnings)


def wav_shortfall(path: Path) -> tuple[float, float] | None:
    """(seconds the header promises, seconds present) when a WAV file stops before its data chunk ends.

    FFmpeg measures a WAV file by its size, so a cut one decodes without complaint; only the data
    chunk's stated length shows what is missing. Streaming writers that leave the length unset
    (0 or 0xFFFFFFFF) are not cut.
    """
    with open(path, "rb") as file:
        head = file.read(WAV_HEADER_BYTES)
    if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        return None
    at, byte_rate = 12, 0
    while at + 8 <= len(head):
        chunk, size = head[at:at + 4], int.from_bytes(head[at + 4:at + 8], "little")
        if chunk == b"fmt ":
            byte_rate = int.from_bytes(head[at + 16:at + 20], "little")
        elif chunk == b"data":
            present = path.stat().st_size - (at + 8)
            if not byte_rate or size in (0, 0xFFFFFFFF) or present >= size:
                return None
            return size / byte_rate, present / byte_rate
        at += 8 + size + (size & 1)  # chunks are padded to an even length
    return None


def ogg_ends_cleanly(path: Path) -> bool:
    """Whether the file's last Ogg page is complete and flagged end-of-stream.

    An Ogg file carries no total length, so a cut one decodes without complaint as a shorter
    recording; its missing end page is the only sign. We refuse it rather than silently
    transcribe half an interview. Reads at most the last 70 kB (an Ogg page is <= 65,307 bytes).
    """
    size = path.stat().st_size
    with open(path, "rb") as file:
        file.seek(max(0, size - OGG_TAIL_BYTES))
        tail = file.read()
    at = tail.rfind(b"OggS")
    while at >= 0:  # candidates from the end; a stray "OggS" inside page data never ends exactly at EOF
        header = tail[at:at + 27]
        if len(header) == 27 and header[4] == 0:  # version 0
            table = tail[at + 27:at + 27 + header[26]]  # segment lengths
            if len(table) == header[26] and at + 27 + len(table) + sum(table) == len(tail):
                return bool(header[5] & OGG_END_OF_STREAM)
        at = tail.rfind(b"OggS", 0, at)
    return False


def _duration(container, stream) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / 1_000_000  # AV_TIME_BASE
    return None


def _hms(seconds: float) -> str:
    return clock(round(seconds))  # the one time format (schemas.vocabulary), rounded: "4:00" for 239.6 s


def _short(exc: Exception) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return str(text).splitlines()[0]

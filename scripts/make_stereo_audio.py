"""Render a two-speaker call with one speaker per channel (as Zoom, Riverside, SquadCast and call
recorders store separate tracks), overlapping speech included, with espeak-ng and sox.

Usage: python scripts/make_stereo_audio.py OUT.flac [--bleed 0.05] [--crosstalk 3]

Each line is spoken in its speaker's voice and placed on that speaker's channel at its own start
time; a negative gap starts a line before the previous one ends, so both talk at once. `--bleed`
leaks that fraction of each voice into the other channel (a headset heard by the other mic).
Used by tests/test_stereo.py and benchmarks/audio_accuracy.py --stereo.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

RATE = 22050  # espeak-ng's output rate
# (espeak-ng voice, words per minute, pitch 0-99): the same voices as scripts/make_sample_audio.py
VOICES = {"interviewer": ("en-us+m3", 165, 35), "participant": ("en-gb+f3", 150, 70)}
CHANNEL = {"interviewer": 0, "participant": 1}  # left, right


@dataclass(frozen=True)
class Line:
    role: str
    text: str
    gap: float = 0.6  # seconds after the previous line ends; negative: starts while it is still going


# A switch interview on a call: answers run into the next question, backchannels land mid-sentence,
# and twice both people talk over each other for several seconds.
CALL: tuple[Line, ...] = (
    Line("interviewer", "Thanks for joining me today. When did you first start looking for a new way to plan your meals?"),
    Line("participant", "It was last winter. I kept throwing away vegetables every Sunday because I forgot what was in the fridge.", -0.8),
    Line("interviewer", "Right.", -2.0),
    Line("interviewer", "What did you try before you found the app?", 0.4),
    Line("participant", "I wrote a shopping list on paper, and my sister showed me a spreadsheet, but it was far too slow for me.", 0.5),
    Line("interviewer", "So what made you finally pay for it?", -1.2),
    Line("participant", "Honestly the price was the thing that worried me most at the start.", -1.5),
    Line("participant", "The app planned a whole week of dinners in five minutes, and I stopped wasting food.", 0.5),
    Line("interviewer", "That sounds like a big change for your family.", -0.6),
    Line("participant", "Yes, my husband noticed the grocery bill go down within a month.", -1.8),
    Line("interviewer", "What would make you stop using it tomorrow?", 0.5),
    Line("participant", "If it forgot my allergies again, I would cancel straight away.", 0.4),
)


def speak(text: str, role: str, work: Path, name: str) -> np.ndarray:
    voice, speed, pitch = VOICES[role]
    out = work / f"{name}.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "-w", str(out), text], check=True)
    with wave.open(str(out)) as wav:
        return np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16).astype(np.float32)


def place(lines: tuple[Line, ...], work: Path) -> tuple[np.ndarray, list[tuple[str, str, float, float]]]:
    """(2, samples) float tracks, and (role, text, start s, end s) per line as spoken."""
    spoken = [speak(line.text, line.role, work, f"{n:03d}") for n, line in enumerate(lines)]
    timed, cursor, free = [], 0.0, {role: 0.0 for role in VOICES}
    for line, samples in zip(lines, spoken):
        # never before the speaker's own last line has ended: one person says one thing at a time
        start = max(cursor + line.gap, free[line.role] + 0.2) if timed else 0.3
        timed.append((line.role, line.text, start, start + len(samples) / RATE))
        cursor = free[line.role] = timed[-1][3]
    tracks = np.zeros((2, int((max(end for *_, end in timed) + 0.5) * RATE)), np.float32)
    for (role, _, start, _), samples in zip(timed, spoken):
        at = int(start * RATE)
        tracks[CHANNEL[role], at:at + len(samples)] += samples
    return tracks, timed


def render(lines: tuple[Line, ...], out: Path, bleed: float = 0.0) -> list[tuple[str, str, float, float]]:
    """Write the call to OUT (any format sox writes: .flac, .wav, .ogg) at 16 kHz; return the timed script."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        tracks, timed = place(lines, work)
        mixed = tracks + bleed * tracks[::-1]
        stereo = work / "stereo.wav"
        with wave.open(str(stereo), "wb") as wav:
            wav.setnchannels(2)
            wav.setsampwidth(2)
            wav.setframerate(RATE)
            wav.writeframes(np.clip(mixed.T, -32768, 32767).astype(np.int16).tobytes())
        subprocess.run(["sox", str(stereo), "-r", "16000", str(out)], check=True, capture_output=True)
    return timed


def crosstalk(lines: tuple[Line, ...], seconds: float) -> tuple[Line, ...]:
    """The same call with every line starting `seconds` before the one before it ends: both talk at once throughout."""
    return (lines[0], *(Line(line.role, line.text, -seconds) for line in lines[1:]))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--bleed", type=float, default=0.0, help="share of each voice heard on the other channel (0.05: -26 dB)")
    parser.add_argument("--crosstalk", type=float, help="start every line this many seconds before the previous one ends")
    args = parser.parse_args(argv)
    for tool in ("espeak-ng", "sox"):
        if shutil.which(tool) is None:
            print(f"{tool} is not installed (apt-get install {tool})", file=sys.stderr)
            return 1
    lines = crosstalk(CALL, args.crosstalk) if args.crosstalk else CALL
    for role, text, start, end in render(lines, args.out, args.bleed):
        print(f"{start:6.2f}-{end:6.2f}  {role:<12} {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

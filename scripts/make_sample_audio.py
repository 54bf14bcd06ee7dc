"""Render a two-voice interview script to a small mono 16 kHz .ogg with espeak-ng and sox.

Usage: python scripts/make_sample_audio.py SCRIPT.txt OUT.ogg

SCRIPT lines look like `Interviewer: ...` or `Participant: ...`; a line without a label
continues the previous speaker; blank lines and `#` comments are skipped. The interviewer
and the participant get clearly different voices so that speaker separation can be tested.
Writes only OUT (intermediate files live in a temporary folder).
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a file from a checkout
from tests.audio_accuracy import parse_script  # noqa: E402

# (espeak-ng voice, words per minute, pitch 0-99): a low US male and a higher British female.
VOICES = {"interviewer": ("en-us+m3", 165, 35), "participant": ("en-gb+f3", 150, 70)}
PAUSE_BETWEEN_TURNS = 0.6  # seconds; long enough for a VAD to see a turn change
PAUSE_WITHIN_TURN = 0.25


def render(lines: list[tuple[str, str]], out: Path, work: Path) -> None:
    parts: list[str] = []
    previous = None
    for i, (role, text) in enumerate(lines):
        voice, speed, pitch = VOICES[role]
        wav = work / f"{i:04d}.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "-w", str(wav), text], check=True)
        if previous is not None:
            parts.append(str(_silence(work, PAUSE_BETWEEN_TURNS if role != previous else PAUSE_WITHIN_TURN)))
        parts.append(str(wav))
        previous = role
    joined = work / "joined.wav"
    # espeak-ng writes 22.05 kHz mono; every part shares that format, so sox can concatenate them.
    subprocess.run(["sox", *parts, str(joined)], check=True)
    subprocess.run(["sox", str(joined), "-r", "16000", "-c", "1", "-C", "0", str(out), "norm", "-3"], check=True)


def _silence(work: Path, seconds: float) -> Path:
    path = work / f"silence-{seconds:.2f}.wav"
    if not path.exists():
        subprocess.run(["sox", "-n", "-r", "22050", "-c", "1", "-b", "16", str(path), "trim", "0", str(seconds)], check=True)
    return path


def main(argv: list[str]) -> int:
    if len(argv) != 2 or not argv[1].endswith(".ogg"):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    for tool in ("espeak-ng", "sox"):
        if shutil.which(tool) is None:
            print(f"{tool} is not installed (apt-get install {tool})", file=sys.stderr)
            return 1
    lines = parse_script(Path(argv[0]).read_text(encoding="utf-8"))
    if not lines:
        print(f"{argv[0]}: no spoken lines found", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as work:
        render(lines, Path(argv[1]), Path(work))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

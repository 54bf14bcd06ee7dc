"""Word error rate and role accuracy of the audio path on a spoken script.

    python benchmarks/audio_accuracy.py [--script S.txt --audio A.ogg] [--speakers N] [--sequential] [--beam N]

Default: samples/gold/05-gym-app.script.txt spoken as samples/05-gym-app.ogg (by
scripts/make_sample_audio.py). Role accuracy is the share of aligned words whose role
matches the script line they came from; it exits 1 below --min-role-accuracy (0.9).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from pipeline.audio import transcribe_audio, whisper  # noqa: E402
from pipeline.audio.accuracy import parse_script, score  # noqa: E402
from pipeline.settings import Settings  # noqa: E402
from pipeline.workspace import sha256_file  # noqa: E402
from schemas import Interview  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--script", type=Path, default=ROOT / "samples/gold/05-gym-app.script.txt")
    parser.add_argument("--audio", type=Path, default=ROOT / "samples/05-gym-app.ogg")
    parser.add_argument("--speakers", type=int, help="force the number of speakers (default: estimated)")
    parser.add_argument("--sequential", action="store_true", help="whisper without BatchedInferencePipeline")
    parser.add_argument("--model", default="tiny.en")
    parser.add_argument("--beam", type=int, help="beam size (default: the tool's)")
    parser.add_argument("--min-role-accuracy", type=float, default=0.9)
    args = parser.parse_args()

    if args.beam:
        whisper.BEAM_SIZE = args.beam
    settings = Settings(whisper_model=args.model, num_speakers=args.speakers, whisper_batched=not args.sequential)
    interview = Interview(id=args.audio.stem, source=args.audio.name, kind="audio", sha256=sha256_file(args.audio))
    started = time.perf_counter()
    transcript = transcribe_audio(args.audio, interview, settings)
    seconds = time.perf_counter() - started
    result = score(parse_script(args.script.read_text(encoding="utf-8")), [(t.role, t.text) for t in transcript.turns])

    print(f"audio: {args.audio.name}  {transcript.duration:.1f} s  transcribed in {seconds:.1f} s")
    print(f"method: {transcript.method}  roles: {transcript.role_method}  speakers: {transcript.speakers}")
    print(f"turns: {len(transcript.turns)}  (script lines: {len(parse_script(args.script.read_text(encoding='utf-8')))})")
    print(f"WER: {result.wer:.3f}  ({result.errors} errors / {result.reference_words} reference words)")
    print(f"role accuracy: {result.role_accuracy:.3f}  ({result.right_role} / {result.aligned_words} aligned words)")
    return 0 if result.role_accuracy >= args.min_role_accuracy else 1


if __name__ == "__main__":
    sys.exit(main())

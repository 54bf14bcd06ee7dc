"""Word error rate (overall and per speaker) and role accuracy of the audio path on a spoken script.

    python benchmarks/audio_accuracy.py [--script S.txt --audio A.ogg] [--speakers N] [--sequential] [--beam N]
    python benchmarks/audio_accuracy.py --stereo [--bleed 0.05] [--crosstalk 3] [--against REV]

Default: samples/gold/05-gym-app.script.txt spoken as samples/05-gym-app.ogg (by
scripts/make_sample_audio.py). `--stereo`: the two-speaker call of scripts/make_stereo_audio.py,
one speaker per channel with overlapping speech (`--bleed` leaks each voice into the other
channel; `--crosstalk S` starts every line S seconds before the last one ends). `--against REV` also runs REV's pipeline (a git revision, e.g. main) on the same audio,
each in a fresh process, for per-speaker WER and time side by side. Role accuracy is the share
of aligned words whose role matches the script line they came from; it exits 1 when this
checkout's role accuracy is below --min-role-accuracy (0.9).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(1, str(ROOT))  # tests/audio_accuracy.py scores what was heard
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from baseline import checkout, label, render_call, speech_seconds  # noqa: E402


def child(args: argparse.Namespace) -> int:
    """Transcribe with the code in --code (first on sys.path) and print what was heard as JSON."""
    sys.path.insert(0, str(args.code))
    from pipeline.audio import transcribe_audio, whisper
    from pipeline.settings import Settings
    from pipeline.workspace import sha256_file
    from schemas import Interview

    if args.beam:
        whisper.BEAM_SIZE = args.beam
    settings = Settings(whisper_model=args.model, num_speakers=args.speakers, whisper_batched=not args.sequential, progress=False)
    whisper.load_model(settings)  # loading is not transcription: measured apart by benchmarks/transcription.py
    interview = Interview(id=args.audio.stem, source=args.audio.name, kind="audio", sha256=sha256_file(args.audio))
    usage, started = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    transcript = transcribe_audio(args.audio, interview, settings)
    after = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({
        "wall_s": time.perf_counter() - started,
        "cpu_s": after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime,
        "duration": transcript.duration, "method": transcript.method, "roles": transcript.role_method,
        "speakers": transcript.speakers, "turns": [[t.role, t.text] for t in transcript.turns],
    }))
    return 0


def run_child(code: Path, args: argparse.Namespace) -> dict:
    command = [sys.executable, __file__, "--child", "--code", str(code), "--audio", str(args.audio), "--model", args.model]
    command += [*(["--speakers", str(args.speakers)] if args.speakers else []), *(["--sequential"] if args.sequential else [])]
    command += ["--beam", str(args.beam)] if args.beam else []
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{code}: {(done.stderr.strip().splitlines() or ['?'])[-1]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(name: str, heard: dict, reference: list[tuple[str, str]], speech: tuple[float, float] | None) -> float:
    from tests.audio_accuracy import score, score_by_role

    hypothesis = [(role, text) for role, text in heard["turns"]]
    overall, by_role = score(reference, hypothesis), score_by_role(reference, hypothesis)
    print(f"\n{name}")
    print(f"  method: {heard['method']}  roles: {heard['roles']}  speakers: {len(heard['speakers'])} {heard['speakers']}")
    print(f"  turns: {len(heard['turns'])}  (script lines: {len(reference)})")
    print(f"  WER: {overall.wer:.3f} in script order ({overall.errors} errors / {overall.reference_words} words); "
          f"role accuracy {overall.role_accuracy:.3f}")
    for role, result in by_role.items():
        print(f"  {role:<12} WER {result.wer:.3f}  ({result.errors} errors / {result.reference_words} words)")
    print(f"  time: {heard['wall_s']:.1f} s wall, {heard['cpu_s']:.1f} s CPU for {heard['duration']:.1f} s of audio "
          f"(x{heard['duration'] / heard['wall_s']:.2f} real time)")
    if speech:
        print(f"  CPU per second of speech: {heard['cpu_s'] / speech[0]:.3f} s counted once ({speech[0]:.1f} s), "
              f"{heard['cpu_s'] / speech[1]:.3f} s counting each speaker apart ({speech[1]:.1f} s)")
    return overall.role_accuracy


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--script", type=Path, default=ROOT / "samples/gold/05-gym-app.script.txt")
    parser.add_argument("--audio", type=Path, default=ROOT / "samples/05-gym-app.ogg")
    parser.add_argument("--stereo", action="store_true", help="the two-speaker call on separate channels (made here)")
    parser.add_argument("--bleed", type=float, default=0.0, help="with --stereo: share of each voice on the other channel")
    parser.add_argument("--crosstalk", type=float, help="with --stereo: every line starts this many seconds before the last one ends")
    parser.add_argument("--against", metavar="REV", help="also run this git revision's pipeline (e.g. main) on the same audio")
    parser.add_argument("--speakers", type=int, help="force the number of speakers (default: estimated)")
    parser.add_argument("--sequential", action="store_true", help="whisper without BatchedInferencePipeline")
    parser.add_argument("--model", default="tiny.en")
    parser.add_argument("--beam", type=int, help="beam size (default: the tool's)")
    parser.add_argument("--min-role-accuracy", type=float, default=0.9)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--code", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)

    from tests.audio_accuracy import parse_script

    with tempfile.TemporaryDirectory() as tmp:
        speech = None
        if args.stereo:
            args.audio = Path(tmp) / "stereo-call.flac"
            timed = render_call(args.audio, args.bleed, args.crosstalk)
            reference, speech = [(role, text) for role, text, *_ in timed], speech_seconds(timed)
            print(f"audio: the stereo call (bleed {args.bleed}, crosstalk {args.crosstalk or 0} s), speech {speech[0]:.1f} s, "
                  f"{speech[1]:.1f} s counting each speaker apart ({speech[1] - speech[0]:.1f} s both at once)")
        else:
            reference = parse_script(args.script.read_text(encoding="utf-8"))
            print(f"audio: {args.audio}")
        print(f"cores: {os.cpu_count()}  load average: {os.getloadavg()[0]:.1f}")
        accuracy = report(label(None), run_child(ROOT, args), reference, speech)
        if args.against:
            with checkout(args.against) as tree:
                report(label(args.against), run_child(tree, args), reference, speech)
    return 0 if accuracy >= args.min_role_accuracy else 1


if __name__ == "__main__":
    sys.exit(main())

"""Speed and memory of the audio path: raw faster-whisper against the tool's `transcribe_audio`.

    python benchmarks/transcription.py [AUDIO] [--model tiny.en] [--beam N] [--batch-size N] [--only MODE ...]
    python benchmarks/transcription.py --stereo [--crosstalk 3] [--against REV]

Default AUDIO: samples/05-gym-app.ogg; `--stereo`: the two-speaker call of
scripts/make_stereo_audio.py, one speaker per channel. `--against REV` adds the tool mode run
with REV's code (a git revision, e.g. main), the speed of today's behaviour on the same audio.
Each mode runs in its own fresh process, so its peak RSS (getrusage ru_maxrss: C allocations of
CTranslate2 and torch included) is its own:

  raw-sequential  WhisperModel.transcribe            (same options as the tool: VAD, word timestamps)
  raw-batched     BatchedInferencePipeline.transcribe
  tool            transcribe_audio: decode + whisper (batched, the default) + speakers + roles

x-real-time = audio seconds / wall seconds of the transcription (model loading reported apart).
Overhead = tool wall time / raw wall time of the same whisper mode. On a shared machine wall times
move with the load; CPU seconds (user + sys of the process) move less.
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
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from baseline import checkout, label, render_call, speech_seconds  # noqa: E402

MODES = ("raw-sequential", "raw-batched", "tool")


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def measure(mode: str, audio_path: Path, model: str, beam: int, batch_size: int) -> dict:
    """Run one mode in this process and return its figures."""
    from pipeline.audio import whisper
    from pipeline.audio.decode import decode, probe
    from pipeline.settings import Settings

    whisper.BEAM_SIZE = beam
    settings = Settings(whisper_model=model, whisper_batched=mode != "raw-sequential", whisper_batch_size=batch_size)
    audio = decode(audio_path, probe(audio_path, settings.max_audio_seconds))
    started = time.perf_counter()
    whisper_model = whisper.load_model(settings)
    load_s = time.perf_counter() - started
    cpu0, started = cpu_seconds(), time.perf_counter()
    if mode == "tool":
        words = _run_tool(audio_path, settings)
    else:
        segments, _ = whisper.run_whisper(whisper_model, audio.mono, settings)
        words = sum(len(s.words or []) for s in segments)
    wall = time.perf_counter() - started
    return {"mode": mode, "audio_s": audio.duration, "load_s": load_s, "wall_s": wall, "cpu_s": cpu_seconds() - cpu0,
            "words": words, "peak_rss_mb": peak_rss_mb()}


def _run_tool(audio_path: Path, settings) -> int:
    from pipeline.audio import transcribe_audio
    from pipeline.workspace import sha256_file
    from schemas import Interview

    interview = Interview(id=audio_path.stem, source=audio_path.name, kind="audio", sha256=sha256_file(audio_path))
    transcript = transcribe_audio(audio_path, interview, settings)
    return sum(len(t.words) for t in transcript.turns)


def run_child(mode: str, args: argparse.Namespace, code: Path = ROOT) -> dict:
    command = [sys.executable, __file__, str(args.audio), "--model", args.model, "--beam", str(args.beam),
               "--batch-size", str(args.batch_size), "--child", mode, "--code", str(code)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{mode} failed: {(done.stderr.strip().splitlines() or ['?'])[-1]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("audio", nargs="?", type=Path, default=ROOT / "samples/05-gym-app.ogg")
    parser.add_argument("--model", default="tiny.en", help="model name or local CTranslate2 folder")
    parser.add_argument("--beam", type=int, default=None, help="beam size (default: the tool's)")
    parser.add_argument("--batch-size", type=int, default=8, help="BatchedInferencePipeline batch size (the tool's default: 8)")
    parser.add_argument("--only", nargs="+", choices=MODES, default=list(MODES))
    parser.add_argument("--stereo", action="store_true", help="the two-speaker call on separate channels (made here)")
    parser.add_argument("--crosstalk", type=float, help="with --stereo: every line starts this many seconds before the last one ends")
    parser.add_argument("--against", metavar="REV", help="also time the tool mode with this git revision's code")
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--code", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(args.code))
    if args.beam is None:
        from pipeline.audio.whisper import BEAM_SIZE

        args.beam = BEAM_SIZE
    if args.child:
        print(json.dumps(measure(args.child, args.audio, args.model, args.beam, args.batch_size)))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        speech = None
        if args.stereo:
            args.audio = Path(tmp) / "stereo-call.flac"
            speech = speech_seconds(render_call(args.audio, 0.0, args.crosstalk))
        table(args, speech)
    return 0


def table(args: argparse.Namespace, speech: tuple[float, float] | None) -> None:
    print(f"audio: {args.audio}  model: {args.model}  beam: {args.beam}  batch: {args.batch_size}  cores: {os.cpu_count()}  "
          f"load average: {os.getloadavg()[0]:.1f}")
    if speech:
        print(f"speech: {speech[0]:.1f} s counted once, {speech[1]:.1f} s counting each speaker apart")
    print(f"{'mode':<28}{'audio s':>9}{'load s':>8}{'wall s':>8}{'x-RT':>7}{'cpu s':>8}{'words':>7}{'peak RSS MB':>13}")
    results = {}
    runs = [(mode, mode, None) for mode in args.only] + ([(f"tool at {label(args.against)}", "tool", args.against)] if args.against else [])
    for name, mode, rev in runs:
        with checkout(rev) as code:
            r = results[name] = run_child(mode, args, code)
        print(f"{name:<28}{r['audio_s']:>9.1f}{r['load_s']:>8.1f}{r['wall_s']:>8.1f}{r['audio_s'] / r['wall_s']:>7.2f}"
              f"{r['cpu_s']:>8.1f}{r['words']:>7}{r['peak_rss_mb']:>13.0f}")
    if "tool" in results and "raw-batched" in results:
        tool, raw = results["tool"], results["raw-batched"]
        print(f"tool overhead vs raw batched whisper: wall x{tool['wall_s'] / raw['wall_s']:.2f}, "
              f"cpu x{tool['cpu_s'] / raw['cpu_s']:.2f}")
    if speech and args.against and "tool" in results:
        now, then = results["tool"], results[f"tool at {label(args.against)}"]
        print(f"CPU s per second of speech heard: this checkout {now['cpu_s'] / speech[1]:.3f} (each speaker apart), "
              f"{label(args.against)} {then['cpu_s'] / speech[0]:.3f} (the mix, counted once)")


if __name__ == "__main__":
    sys.exit(main())

"""Speed and memory of the audio path: raw faster-whisper against the tool's `transcribe_audio`.

    python benchmarks/transcription.py [AUDIO] [--model tiny.en] [--beam N] [--batch-size N] [--only MODE ...] [--repeat N]
    python benchmarks/transcription.py --stereo [--crosstalk 3] [--against REV]

Default AUDIO: samples/05-gym-app.ogg; `--stereo`: the two-speaker call of
scripts/make_stereo_audio.py, one speaker per channel. `--against REV` adds the tool mode run
with REV's code (a git revision, e.g. main), the speed of today's behaviour on the same audio.

Each mode is a whole, fresh process, timed from outside: wall from spawn to exit, CPU seconds
(user + sys) and peak RSS from the child's rusage, so everything it imports and loads counts.

  raw-sequential  WhisperModel.transcribe            (same options as the tool: VAD, word timestamps)
  raw-batched     BatchedInferencePipeline.transcribe
  tool            transcribe_audio: decode + whisper (batched, the default) + speakers + roles

A raw process imports faster-whisper alone (no pipeline, no pydantic): what someone calling
faster-whisper directly would run. Inside each process the transcription itself (decoding the
file included, the model already loaded) is timed too: "transcribe" columns. x-real-time = audio
seconds / transcribe wall seconds. Overhead = tool / raw batched, for the whole process and for
the transcription alone. With `--repeat N` the modes take turns N times and the medians are
printed. On a shared machine wall times move with the load; CPU seconds move less.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from baseline import checkout, label, render_call, speech_seconds  # noqa: E402

MODES = ("raw-sequential", "raw-batched", "tool")
SAMPLE_RATE = 16000


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- in the child process ------------------------------------------------------------------

def measure_raw(mode: str, audio_path: Path, spec: dict) -> dict:
    """faster-whisper alone, as a script calling it directly would: no pipeline module imported."""
    from faster_whisper import BatchedInferencePipeline, WhisperModel, decode_audio

    startup = time.perf_counter() - spec["spawned"]
    started = time.perf_counter()
    model = WhisperModel(spec["folder"], device=spec["device"], compute_type=spec["compute_type"],
                         cpu_threads=spec["threads"], local_files_only=True)
    load_s = time.perf_counter() - started
    options = dict(spec["options"])
    if not model.model.is_multilingual:
        options["language"] = "en"
    cpu0, started = cpu_seconds(), time.perf_counter()
    audio = decode_audio(str(audio_path), SAMPLE_RATE)
    if mode == "raw-batched":
        segments, _ = BatchedInferencePipeline(model).transcribe(audio, batch_size=spec["batch_size"], **options)
    else:
        segments, _ = model.transcribe(audio, **options)
    words = sum(len(s.words or []) for s in segments)
    return {"startup_s": startup, "load_s": load_s, "wall_s": time.perf_counter() - started, "cpu_s": cpu_seconds() - cpu0,
            "audio_s": len(audio) / SAMPLE_RATE, "words": words}


def measure_tool(audio_path: Path, spec: dict) -> dict:
    from pipeline.audio import transcribe_audio, whisper
    from pipeline.settings import Settings
    from pipeline.workspace import sha256_file
    from schemas import Interview

    startup = time.perf_counter() - spec["spawned"]
    whisper.BEAM_SIZE = spec["options"]["beam_size"]
    settings = Settings(whisper_model=spec["model"], whisper_batched=True, whisper_batch_size=spec["batch_size"])
    started = time.perf_counter()
    whisper.load_model(settings)  # cached: transcribe_audio finds it loaded
    load_s = time.perf_counter() - started
    interview = Interview(id=audio_path.stem, source=audio_path.name, kind="audio", sha256=sha256_file(audio_path))
    cpu0, started = cpu_seconds(), time.perf_counter()
    transcript = transcribe_audio(audio_path, interview, settings)
    return {"startup_s": startup, "load_s": load_s, "wall_s": time.perf_counter() - started, "cpu_s": cpu_seconds() - cpu0,
            "audio_s": transcript.duration, "words": sum(len(t.words) for t in transcript.turns),
            "speakers": len(transcript.speakers), "turns": len(transcript.turns), "method": transcript.method}


def whisper_spec(args: argparse.Namespace) -> dict:
    """What both kinds of process need to run the same whisper work (computed in the parent)."""
    from pipeline.audio import whisper
    from pipeline.audio.models import resolve_model
    from pipeline.settings import Settings

    settings = Settings(whisper_model=args.model, whisper_batched=False)  # batch size: passed apart to the batched mode
    multilingual = SimpleNamespace(model=SimpleNamespace(is_multilingual=True))  # the child sets language="en" for .en models
    options = {**whisper.whisper_options(multilingual, settings), "beam_size": args.beam}  # the tool's own options
    return {"model": args.model, "folder": str(resolve_model(args.model)), "device": settings.whisper_device,
            "compute_type": settings.whisper_compute_type, "batch_size": args.batch_size, "options": options,
            "threads": int(os.environ.get("JTBD_CPU_THREADS") or os.cpu_count() or 1)}


# --- in the parent -------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("audio", nargs="?", type=Path, default=ROOT / "samples/05-gym-app.ogg")
    parser.add_argument("--model", default="tiny.en", help="model name or local CTranslate2 folder")
    parser.add_argument("--beam", type=int, default=None, help="beam size (default: the tool's)")
    parser.add_argument("--batch-size", type=int, default=8, help="BatchedInferencePipeline batch size (the tool's default: 8)")
    parser.add_argument("--only", nargs="+", choices=MODES, default=list(MODES))
    parser.add_argument("--repeat", type=int, default=1, help="run the modes in turn this many times; medians printed")
    parser.add_argument("--stereo", action="store_true", help="the two-speaker call on separate channels (made here)")
    parser.add_argument("--crosstalk", type=float, help="with --stereo: every line starts this many seconds before the last one ends")
    parser.add_argument("--against", metavar="REV", help="also time the tool mode with this git revision's code")
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--code", type=Path, default=ROOT, help=argparse.SUPPRESS)
    parser.add_argument("--spec", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child_main(args)
    sys.path.insert(0, str(args.code))
    if args.beam is None:
        from pipeline.audio.whisper import BEAM_SIZE

        args.beam = BEAM_SIZE
    with tempfile.TemporaryDirectory() as tmp:
        speech = None
        if args.stereo:
            args.audio = Path(tmp) / "stereo-call.flac"
            speech = speech_seconds(render_call(args.audio, 0.0, args.crosstalk))
        table(args, whisper_spec(args), speech)
    return 0


def child_main(args: argparse.Namespace) -> int:
    spec = json.loads(args.spec)
    spec["spawned"] = time.perf_counter() - _process_age()
    if args.child == "tool":
        sys.path.insert(0, str(args.code))
        result = measure_tool(args.audio, spec)
    else:
        result = measure_raw(args.child, args.audio, spec)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    print(json.dumps(result))
    return 0


def _process_age() -> float:
    """Seconds since this process started (Linux: /proc/self/stat field 22, in clock ticks since boot)."""
    try:
        ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return max(uptime - ticks / os.sysconf("SC_CLK_TCK"), 0.0)
    except (OSError, ValueError, IndexError):
        return 0.0


HEADER = (f"{'mode':<26}{'audio s':>8}{'proc wall':>10}{'proc cpu':>9}{'start s':>8}{'load s':>7}"
          f"{'tr wall':>8}{'tr cpu':>7}{'x-RT':>7}{'words':>6}{'RSS MB':>7}  load avg")


def row(name: str, r: dict) -> str:
    return (f"{name:<26}{r['audio_s']:>8.1f}{r['process_wall_s']:>10.1f}{r['process_cpu_s']:>9.1f}{r['startup_s']:>8.1f}"
            f"{r['load_s']:>7.1f}{r['wall_s']:>8.1f}{r['cpu_s']:>7.1f}{r['audio_s'] / r['wall_s']:>7.2f}{r['words']:>6}"
            f"{r['peak_rss_mb']:>7.0f}  {r['loadavg']:.1f}")


def table(args: argparse.Namespace, spec: dict, speech: tuple[float, float] | None) -> None:
    print(f"audio: {args.audio}  model: {args.model}  beam: {args.beam}  batch: {args.batch_size}  cores: {os.cpu_count()}  "
          f"threads: {spec['threads']}  load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if speech:
        print(f"speech: {speech[0]:.1f} s counted once, {speech[1]:.1f} s counting each speaker apart")
    print("proc = the whole process (spawn to exit: imports, model load, decode, transcription); "
          "tr = decode + transcription in it; start = until the first line of the mode ran")
    print(HEADER)
    runs = [(mode, mode, None) for mode in args.only] + ([(f"tool at {label(args.against)}", "tool", args.against)] if args.against else [])
    results: dict[str, list[dict]] = {name: [] for name, _, _ in runs}
    for n in range(args.repeat):
        for name, mode, rev in runs:
            with checkout(rev) as code:
                r = run_timed(mode, args, spec, code)
            results[name].append(r)
            print(row(name if args.repeat == 1 else f"{name} #{n + 1}", r), flush=True)
    if args.repeat > 1:
        print("medians:")
        for name, rs in results.items():
            print(row(name, {k: statistics.median(r[k] for r in rs) if isinstance(rs[0][k], (int, float)) else rs[0][k] for k in rs[0]}))
    if "tool" in results and "raw-batched" in results:
        print("tool overhead vs raw batched whisper (each run, then the median):")
        for what, key in (("whole process wall", "process_wall_s"), ("whole process CPU", "process_cpu_s"),
                          ("transcription wall", "wall_s"), ("transcription CPU", "cpu_s")):
            ratios = [t[key] / r[key] for t, r in zip(results["tool"], results["raw-batched"])]
            print(f"  {what:<20} " + " ".join(f"x{x:.2f}" for x in ratios) + (f"   median x{statistics.median(ratios):.2f}" if len(ratios) > 1 else ""))
        tool = results["tool"][-1]
        if "speakers" in tool:
            print(f"tool: {tool['speakers']} speakers, {tool['turns']} turns ({tool['method']})")
    if speech and args.against and "tool" in results:
        now, then = results["tool"][-1], results[f"tool at {label(args.against)}"][-1]
        print(f"CPU s per second of speech heard: this checkout {now['cpu_s'] / speech[1]:.3f} (each speaker apart), "
              f"{label(args.against)} {then['cpu_s'] / speech[0]:.3f} (the mix, counted once)")


def run_timed(mode: str, args: argparse.Namespace, spec: dict, code: Path) -> dict:
    """One fresh child process: its whole wall time from here, its CPU from its rusage (the only child
    reaped meanwhile), its peak RSS as it reports it (ru_maxrss: CTranslate2's and numpy's C allocations included)."""
    command = [sys.executable, __file__, str(args.audio), "--child", mode, "--code", str(code), "--spec", json.dumps(spec)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{mode} failed: {(done.stderr.strip().splitlines() or ['?'])[-1]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    result.update(process_wall_s=wall, process_cpu_s=cpu, loadavg=os.getloadavg()[0])
    return result


if __name__ == "__main__":
    sys.exit(main())

"""Offline extraction speed and yield, per extractor: time per interview after loading (wall mean
and p95, CPU seconds of the process, all threads), the load time (spaCy, the weights and the
MiniLM encoder, with its backend), forces per interview, and the size of the shipped weights.

    .venv/bin/python benchmarks/extraction.py [FOLDER] [-n 20] [--extractor classifier rules]
    JTBD_MINILM_BACKEND=torch .venv/bin/python benchmarks/extraction.py   # sentence-transformers on torch

FOLDER defaults to evalsets/teachers (13 real interviews the classifier was not trained on).
Embeddings are not cached between interviews here (a fresh cache directory per run), so the
time is what a first run pays. The load average is printed with the figures: on a shared
machine CPU seconds are steadier than wall time.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.embeddings import minilm_backend  # noqa: E402
from pipeline.evaluate import load_transcript  # noqa: E402
from pipeline.extract.classifier import WEIGHTS_PATH, extract_classifier, load_model  # noqa: E402
from pipeline.extract.rules import extract_rules  # noqa: E402
from pipeline.nlp import load_nlp  # noqa: E402
from pipeline.workspace import TRANSCRIPT_EXTENSIONS  # noqa: E402


def files_in(folder: Path, n: int | None = None) -> list[Path]:
    paths = sorted(p for p in folder.iterdir() if p.suffix.lower() in TRANSCRIPT_EXTENSIONS and p.name.lower() != "readme.md")
    return paths[:n] if n else paths


def _p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)]


def _load_average() -> str:
    try:
        return " ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "?"


def run(extractor: str, paths: list[Path]) -> None:
    times, cpu, counts, types = [], [], [], Counter()
    with tempfile.TemporaryDirectory() as cache:
        extract = (lambda t: extract_classifier(t, cache_dir=Path(cache))) if extractor == "classifier" else extract_rules
        started, cpu_started = time.perf_counter(), time.process_time()
        extract(load_transcript(paths[0]))  # load the models once, as a run does
        if extractor == "classifier":
            print(f"classifier  first interview with MiniLM loading ({minilm_backend()}): "
                  f"{time.perf_counter() - started:.1f} s, {time.process_time() - cpu_started:.1f} CPU s")
        for path in paths:
            transcript = load_transcript(path)
            started, cpu_started = time.perf_counter(), time.process_time()
            extraction = extract(transcript)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
            counts.append(len(extraction.forces))
            types.update(f.type for f in extraction.forces)
    print(f"{extractor:<11} {len(paths)} interviews: {statistics.mean(times):.2f} s mean, {_p95(times):.2f} s p95 per interview "
          f"({statistics.mean(cpu):.2f} CPU s mean, {_p95(cpu):.2f} p95); {statistics.mean(counts):.1f} forces per interview "
          f"({dict(types)}); load average {_load_average()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(ROOT / "evalsets" / "teachers"))
    parser.add_argument("-n", type=int, default=None)
    parser.add_argument("--extractor", nargs="+", default=["classifier", "rules"])
    args = parser.parse_args(argv)
    print(f"load average {_load_average()}, {os.cpu_count()} CPUs")
    started = time.perf_counter()
    load_nlp()
    load_model()
    print(f"spaCy and weights loaded in {time.perf_counter() - started:.1f} s; weights {WEIGHTS_PATH.name} "
          f"{WEIGHTS_PATH.stat().st_size / 1024:.0f} KB (version {load_model().version})")
    paths = files_in(Path(args.folder), args.n)
    for extractor in args.extractor:
        run(extractor, paths)
    return 0


if __name__ == "__main__":
    sys.exit(main())

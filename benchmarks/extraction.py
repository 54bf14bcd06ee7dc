"""Rules extraction speed and yield: time per interview (mean, p95) and items per interview,
over the sample transcripts and N corpus interviews.

    python benchmarks/extraction.py [--samples samples] [--corpus DIR] [-n 50] [--show]

--show prints every force found in the corpus files (for checking patterns for false positives).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.evaluate import load_transcript  # noqa: E402
from pipeline.extract.rules import extract_rules  # noqa: E402
from pipeline.nlp import load_nlp  # noqa: E402
from pipeline.workspace import TRANSCRIPT_EXTENSIONS  # noqa: E402

CORPUS = Path("/work/shared/corpora/anthropic-interviewer")


def files_in(folder: Path, n: int | None = None) -> list[Path]:
    paths = sorted(p for p in folder.iterdir()
                   if p.suffix.lower() in TRANSCRIPT_EXTENSIONS and p.name.lower() != "readme.md" and ".script." not in p.name)
    return paths[:n] if n else paths


def run(label: str, paths: list[Path], show: bool) -> None:
    times: list[float] = []
    items: list[int] = []
    types: Counter[str] = Counter()
    for path in paths:
        transcript = load_transcript(path)
        t0 = time.perf_counter()
        extraction = extract_rules(transcript)
        times.append(time.perf_counter() - t0)
        items.append(len(extraction.items()))
        types.update(f.type for f in extraction.forces)
        if show:
            for f in extraction.forces:
                print(f"  {path.stem} {f.type:8} {f.stage:15} [{f.note}] {f.quote.text[:140]}")
    if not times:
        print(f"{label}: no transcripts")
        return
    p95 = sorted(times)[max(0, round(0.95 * len(times)) - 1)]
    print(f"{label}: {len(times)} interviews, rules extraction {statistics.mean(times) * 1000:.0f} ms mean, "
          f"{p95 * 1000:.0f} ms p95 per interview; {statistics.mean(items):.1f} items and "
          f"{sum(types.values()) / len(times):.1f} forces per interview ({', '.join(f'{k} {v}' for k, v in sorted(types.items()))})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=Path, default=Path("samples"))
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("-n", type=int, default=50, help="corpus files (default 50)")
    parser.add_argument("--show", action="store_true", help="print the corpus forces")
    args = parser.parse_args()
    t0 = time.perf_counter()
    load_nlp()
    print(f"spaCy load: {time.perf_counter() - t0:.1f} s (once per process)")
    if args.samples.is_dir():
        run(f"samples ({args.samples})", files_in(args.samples), False)
    if args.corpus.is_dir() and args.n:
        run(f"corpus ({args.corpus.name})", files_in(args.corpus, args.n), args.show)


if __name__ == "__main__":
    main()

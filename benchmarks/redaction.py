"""Redaction quality and cost on the planted set (tests/data/pii, written by the team).

Prints recall and precision per entity type, how many look-alikes (product names, "May" the
month, "Will" the verb) stay in the clear, and the seconds redaction adds per interview (after a
one-off load of Presidio and spaCy), here and on the full-length real interviews in evalsets/real.
Files 01-10 were used to tune the recognizers; 11-13 were written afterwards and never tuned on:
they are shown apart as the held-out figure.

    .venv/bin/python benchmarks/redaction.py [--misses]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.importers import import_transcript  # noqa: E402
from pipeline.ingest import interview_for  # noqa: E402
from tests.redaction_scoring import read_annotated, score  # noqa: E402
from pipeline.privacy.store import timed_build  # noqa: E402
from pipeline.settings import Settings  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "pii"
REAL = ROOT / "evalsets" / "real"  # full-length real interviews (shared corpus), for the time per interview
HELD_OUT = ("11", "12", "13")
LOOK_ALIKES = ("product", "month", "verb")


def redact_all(settings: Settings):
    started = time.perf_counter()
    from pipeline.privacy.engine import analyzer

    analyzer(tuple(settings.redact.entities), tuple(settings.redact.phone_regions))
    load = time.perf_counter() - started
    results, seconds = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for path in sorted(CORPUS.glob("*.txt")):
            annotated = read_annotated(path)
            plain = Path(tmp) / path.name
            plain.write_text(annotated.plain(), encoding="utf-8")
            transcript = import_transcript(plain, interview_for(plain))
            redaction, took = timed_build(transcript, settings)
            results.append((annotated, redaction))
            seconds.append(took)
    return results, seconds, load


def table(results, title: str, misses: bool) -> None:
    tallies = score([(a, r.spans) for a, r in results])
    print(f"\n{title}")
    print(f"{'entity':<16}{'planted':>8}{'found':>7}{'recall':>8}{'spans':>7}{'precision':>10}")
    for kind in sorted(k for k in tallies if k not in LOOK_ALIKES):
        t = tallies[kind]
        print(f"{kind:<16}{t.planted:>8}{t.found:>7}{t.recall:>8.2f}{t.spans:>7}{t.precision:>10.2f}")
    print(f"{'look-alike':<16}{'planted':>8}{'kept':>7}{'kept %':>8}")
    for kind in LOOK_ALIKES:
        t = tallies.get(kind)
        if t:
            print(f"{kind:<16}{t.planted:>8}{t.found:>7}{t.recall:>8.2f}")
    speakers = [(s.text, s.placeholder) for _, r in results for s in r.spans if s.where == "speaker"]
    print(f"named speaker labels redacted: {len({t for t, _ in speakers})} distinct")
    if misses:
        for kind, t in sorted(tallies.items()):
            for line in t.missed:
                print(f"  MISSED {kind}: {line}")
            for line in t.wrong:
                print(f"  WRONG  {kind}: {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list every missed value and every wrong span")
    args = parser.parse_args()
    results, seconds, load = redact_all(Settings(progress=False))
    dev = [r for r in results if not r[0].name.startswith(HELD_OUT)]
    held = [r for r in results if r[0].name.startswith(HELD_OUT)]
    table(results, f"all {len(results)} planted interviews", args.misses)
    table(dev, f"tuning set ({len(dev)} interviews)", False)
    table(held, f"held-out ({len(held)} interviews, never tuned on)", False)
    turns = sum(len(a.lines) for a, _ in results)
    print(f"\nload Presidio + spaCy once: {load:.2f} s")
    print(f"redaction per planted interview: mean {statistics.mean(seconds):.3f} s, max {max(seconds):.3f} s "
          f"({turns / len(results):.0f} turns each on average)")
    real_time(Settings(progress=False))


def real_time(settings: Settings) -> None:
    """Seconds per full-length real interview, and per 1,000 words."""
    seconds, words, turns = [], 0, 0
    for path in sorted(REAL.glob("*.md")):
        transcript = import_transcript(path, interview_for(path))
        _, took = timed_build(transcript, settings)
        seconds.append(took)
        words += sum(len(t.text.split()) for t in transcript.turns)
        turns += len(transcript.turns)
    if seconds:
        n = len(seconds)
        print(f"redaction per real interview ({n} from evalsets/real, {turns / n:.0f} turns, {words / n:,.0f} words on average): "
              f"mean {statistics.mean(seconds):.2f} s, median {statistics.median(seconds):.2f} s, max {max(seconds):.2f} s, "
              f"{sum(seconds) / words * 1000:.2f} s per 1,000 words")


if __name__ == "__main__":
    main()

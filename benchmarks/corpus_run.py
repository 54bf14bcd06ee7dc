"""`jtbd run` end to end on corpus transcripts, offline: wall time, per-stage lines, peak memory.

    .venv/bin/python benchmarks/corpus_run.py                    # all 1,248 transcripts, local engine
    .venv/bin/python benchmarks/corpus_run.py --limit 200 --engines local,ray --workers 2

Each engine runs `python -m cli run COPY --no-progress --workers N [--engine ray]` on a fresh copy
of the first --limit transcripts (sorted by name), as a whole process. Peak memory is sampled
every 0.2 s over the process tree (driver + worker processes; for Ray, also the raylet, GCS and
actors started for the run), summed RSS. With --limit below the corpus size the time for all of
it is extrapolated linearly from the per-interview rate after start-up, and the table says so.
The corpus path: $JTBD_CORPUS or an argument, default ../shared/corpora/anthropic-interviewer.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("JTBD_CORPUS") or ROOT.parent / "shared" / "corpora" / "anthropic-interviewer")


def _tree_rss(pid: int) -> int:
    """Summed RSS (bytes) of `pid` and its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += rss.get(current, 0)
        stack += children.get(current, [])
    return total


def run_once(corpus: Path, limit: int, engine: str, workers: int) -> dict:
    files = sorted(p for p in corpus.glob("*.md") if p.name.lower() != "readme.md")
    chosen = files[:limit]
    with tempfile.TemporaryDirectory(prefix="jtbd-corpus-run-") as tmp:
        folder = Path(tmp) / "interviews"
        folder.mkdir()
        for path in chosen:
            shutil.copy(path, folder / path.name)
        cmd = [sys.executable, "-m", "cli", "run", str(folder), "--no-progress", "--workers", str(workers)]
        if engine == "ray":
            cmd += ["--engine", "ray"]
        env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
        peak = 0
        while proc.poll() is None:
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.2)
        seconds = time.perf_counter() - start
        out, err = proc.communicate()
    return {"engine": engine, "workers": workers, "n": len(chosen), "total": len(files), "seconds": seconds,
            "peak_mb": peak / 2**20, "rc": proc.returncode, "lines": [line for line in err.splitlines() if line.strip()]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=CORPUS)
    parser.add_argument("--limit", type=int, default=0, help="first N transcripts (default: all)")
    parser.add_argument("--engines", default="local", help="comma-separated: local,ray")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    rows = []
    for engine in args.engines.split(","):
        row = run_once(args.corpus, args.limit or 10**9, engine, args.workers)
        rows.append(row)
        for line in row["lines"]:
            print(f"  [{engine}] {line}")
    print(f"\n| engine | workers | interviews | wall s | s/interview | peak MB (tree) | all {rows[0]['total']} (s) | rc |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        per = row["seconds"] / max(row["n"], 1)
        whole = f"{row['seconds']:.0f}" if row["n"] == row["total"] else f"~{per * row['total']:.0f} (extrapolated)"
        print(f"| {row['engine']} | {row['workers']} | {row['n']} | {row['seconds']:.1f} | {per:.2f} | {row['peak_mb']:.0f} | {whole} | {row['rc']} |")


if __name__ == "__main__":
    main()

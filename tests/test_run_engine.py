"""The run loop's engines and console: worker processes, one line per stage, unchanged re-runs."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.run import run
from pipeline.settings import Settings
from tests.corpus import RESULTS, corpus_folder, results
from tests.test_run import GOOD

ROOT = Path(__file__).resolve().parents[1]
STEPS = ("transcribe", "extract", "coach")


def jtbd(*args):
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT, capture_output=True, text=True, env=env, timeout=900)


def test_worker_processes_give_the_same_results_as_one_process(tmp_path):
    pooled, single = corpus_folder(tmp_path / "pooled", 12), corpus_folder(tmp_path / "single", 12)
    (pooled / "broken.docx").write_bytes(b"PK\x03\x04 not a document")  # one bad file: one line, the rest goes on
    result = run(pooled, Settings(progress=False, workers=2), STEPS)
    assert result.engine == "2 worker processes"
    assert len(result.analysed) == 12 and len(result.failures) == 1 and "broken.docx" in result.failures[0]
    assert result.analysed == sorted(result.analysed)  # folder order, whatever order workers finished in
    assert run(single, Settings(progress=False, workers=1), STEPS).engine == "this process"
    assert results(pooled) == results(single) and len(results(single)) == 12 * len(RESULTS)
    again = run(pooled, Settings(progress=False, workers=2), STEPS)
    # only the bad file is tried again, in this process: one file is not worth starting workers for
    assert again.engine == "this process" and not again.done.get("extract") and len(again.skipped["coach"]) == 12
    assert len(again.failures) == 1 and "broken.docx" in again.failures[0]


def test_no_terminal_gets_one_line_per_stage_and_an_unchanged_rerun_does_no_work(tmp_path):
    (tmp_path / "maya.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "leo.txt").write_text(GOOD.replace("Maya", "Leo"), encoding="utf-8")
    first = jtbd("run", str(tmp_path), "--workers", "1")  # stderr is a pipe, no terminal: lines, not bars
    assert first.returncode == 0, first.stderr
    lines = first.stderr.splitlines()
    assert any(line.startswith("imported 2 transcripts: 2 new") for line in lines), first.stderr
    assert not any("transcrib" in line for line in lines)  # text is imported, not transcribed
    for start in ("extracted forces from 2 interviews: 2 new", "coached 2 interviews", "synthesized 2 interviews", "wrote the report", "wrote the exports"):
        assert sum(line.startswith(start) for line in lines) == 1, (start, first.stderr)

    second = jtbd("run", str(tmp_path), "--workers", "1")
    assert second.returncode == 0 and "imported 2 transcripts: 2 unchanged" in second.stderr
    assert "synthesis, report and exports: inputs and settings unchanged, not redone" in second.stderr
    assert "synthesized" not in second.stderr and "wrote the" not in second.stderr and "nothing to redo" in second.stderr

    (tmp_path / "jtbd.toml").write_text("cluster_threshold = 0.4\n", encoding="utf-8")  # a synthesis setting: only the folder-wide stages redo
    third = jtbd("run", str(tmp_path), "--workers", "1")
    assert "extracted forces from 2 interviews: 2 unchanged" in third.stderr
    assert "synthesized 2 interviews" in third.stderr and "wrote the report" in third.stderr
    assert "not redone" not in third.stderr

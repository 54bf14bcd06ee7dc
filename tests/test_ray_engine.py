"""`jtbd run --engine ray` on a real local Ray cluster (2 CPUs) started by this module.

Text transcripts only (samples/ and a few corpus interviews), so the cluster stays light. The
driver runs in this process or as `python -m cli` connected to the cluster with --address.
"""
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.run import run
from pipeline.settings import Settings
from tests.corpus import RESULTS, corpus_folder, results

ray = pytest.importorskip("ray", reason="ray is not installed (pip install 'jtbd-analyser[ray]')")

ROOT = Path(__file__).resolve().parents[1]
STEPS = ("transcribe", "extract", "coach")


@pytest.fixture(scope="module")
def cluster():
    ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR", log_to_driver=False,
             runtime_env={"env_vars": {"PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}})
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()


def _text_samples(folder: Path) -> Path:
    folder.mkdir()
    for path in sorted((ROOT / "samples").iterdir()):
        if path.suffix in (".md", ".txt", ".vtt", ".srt") and path.name != "README.md":
            shutil.copy(path, folder / path.name)
    return folder


def _driver(folder: Path, address: str) -> subprocess.Popen:
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}
    return subprocess.Popen([sys.executable, "-m", "cli", "run", str(folder), "--engine", "ray", "--address", address, "--no-progress",
                             "--skip", "synthesize", "--skip", "report", "--skip", "export"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(condition, timeout: float, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"the run ended first: {proc.communicate()}")
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


def test_ray_gives_byte_identical_per_interview_results_to_the_local_engine(cluster, tmp_path):
    local, on_ray = _text_samples(tmp_path / "local"), _text_samples(tmp_path / "ray")
    assert run(local, Settings(progress=False, workers=1), STEPS).ok
    result = run(on_ray, Settings(progress=False, engine="ray"), STEPS)
    assert result.ok and sorted(result.done["extract"]) == sorted(result.analysed) and len(result.analysed) == 6
    expected, got = results(local), results(on_ray)
    assert len(expected) == 6 * len(RESULTS) and got == expected


def test_a_worker_killed_mid_run_is_restarted_and_the_run_completes(cluster, tmp_path):
    folder = corpus_folder(tmp_path / "corpus", 16)
    proc = _driver(folder, cluster)
    interviews = folder / "jtbd-results" / "interviews"
    _wait_for(lambda: interviews.is_dir() and any(interviews.glob("*/extraction.json")), 240, proc)
    pids = []
    for entry in ray.util.list_named_actors(all_namespaces=True):
        if entry["name"].startswith("jtbd-worker"):
            pids.append(ray.get(ray.get_actor(entry["name"], namespace=entry["namespace"]).pid.remote()))
    assert pids, "the run's actors are named jtbd-worker-*"
    coached_before = len(list(interviews.glob("*/coach.json")))
    os.kill(pids[0], signal.SIGKILL)  # the actor's process, as the OOM killer or a lost node would
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert coached_before < 16 and len(list(interviews.glob("*/coach.json"))) == 16
    assert "16 of 16 interview files analysed" in err


def test_a_driver_killed_mid_run_resumes_with_nothing_lost_or_done_twice(cluster, tmp_path):
    folder = corpus_folder(tmp_path / "corpus", 12)
    proc = _driver(folder, cluster)
    interviews = folder / "jtbd-results" / "interviews"
    _wait_for(lambda: interviews.is_dir() and len(list(interviews.glob("*/coach.json"))) >= 2, 240, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    finished = {p.parent.name for p in interviews.glob("*/coach.json")}
    assert 2 <= len(finished) < 12, "killed mid-run"
    again = run(folder, Settings(progress=False, engine="ray"), STEPS)
    assert again.ok and len(again.analysed) == 12
    assert finished <= set(again.skipped["coach"]) and not finished & set(again.done.get("coach", []))
    assert set(again.done.get("coach", [])) | finished == set(again.analysed)
    assert not list(folder.rglob("*.tmp"))
    reference = corpus_folder(tmp_path / "reference", 12)
    assert run(reference, Settings(progress=False, workers=1), STEPS).ok
    assert results(folder) == results(reference)

"""`jtbd run` end to end on transcripts: bad inputs, incremental re-runs, the lock, role overrides."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.run import run
from pipeline.settings import Settings
from pipeline.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
GOOD = """Interviewer: When did you first start thinking the old way wasn't good enough?
Maya: Last spring. I was fed up with chasing invoices every Friday; it took me five hours a week.
Interviewer: What happened next?
Maya: A friend showed me an app that sent reminders by itself, and I loved that it did the chasing for me.
Interviewer: What gave you pause?
Maya: I was worried it would be too expensive for a one-person business. We'd always done it in a spreadsheet.
"""


def jtbd(*args, cwd=ROOT):
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=600)


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "maya.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "leo.md").write_text(GOOD.replace("Maya", "**Leo**").replace("Interviewer:", "**Interviewer**:").replace("**Leo**:", "**Leo**:"), encoding="utf-8")
    return tmp_path


def test_bad_inputs_get_one_line_each_and_the_rest_is_processed(folder):
    (folder / "empty.wav").write_bytes(b"")
    (folder / "notes.mp3").write_text("this is not audio at all " * 50)
    (folder / "slides.pptx").write_bytes(b"PK\x03\x04")
    (folder / "nolabels.txt").write_text("We talked about invoices for a while and then about the app.\nIt was fine.\n")
    (folder / "latin1.txt").write_bytes("Interviewer: Qu\xe9 tal?\nAna: Bien, gracias se\xf1or.\n".encode("latin-1"))
    result = jtbd("run", str(folder), "--no-progress")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("error ")]
    for name in ("empty.wav", "notes.mp3", "slides.pptx", "nolabels.txt", "latin1.txt"):
        assert sum(name in line for line in errors) == 1, (name, result.stderr)
    ws = Workspace(folder)
    for interview_id in ("maya", "leo"):
        extraction = json.loads(ws.extraction_path(interview_id).read_text())
        assert extraction["forces"], interview_id


def test_second_run_does_no_work_and_a_changed_file_is_redone(folder):
    settings = Settings(progress=False)
    first = run(folder, settings, stages=("transcribe", "extract", "coach"))
    assert first.ok and sorted(first.done["extract"]) == ["leo", "maya"]
    second = run(folder, settings, stages=("transcribe", "extract", "coach"))
    assert not second.done and sorted(second.skipped["extract"]) == ["leo", "maya"]
    (folder / "maya.txt").write_text(GOOD + "Maya: Since then I'd recommend it to anyone.\n", encoding="utf-8")
    third = run(folder, settings, stages=("transcribe", "extract", "coach"))
    assert third.done["extract"] == ["maya"]


def test_a_half_finished_run_resumes(folder):
    settings = Settings(progress=False)
    run(folder, settings, stages=("transcribe", "extract"))
    ws = Workspace(folder)
    ws.extraction_path("leo").unlink()  # as if killed before leo's extraction was written
    again = run(folder, settings, stages=("transcribe", "extract"))
    assert again.done == {"extract": ["leo"]}
    assert not list(ws.root.rglob("*.tmp"))


def test_second_process_is_refused_while_the_folder_is_locked(folder):
    ws = Workspace(folder)
    with ws.lock():
        result = jtbd("run", str(folder), "--no-progress")
    assert result.returncode == 2
    assert "another jtbd process" in result.stderr and "Traceback" not in result.stderr


def test_role_override(folder):
    settings = Settings(progress=False, roles={"maya": {"Maya": "interviewer", "Interviewer": "participant"}})
    run(folder, settings, stages=("transcribe",))
    transcript = json.loads(Workspace(folder).transcript_path("maya").read_text())
    assert transcript["speakers"] == {"Interviewer": "participant", "Maya": "interviewer"}
    assert transcript["role_method"] == "override"


def test_help_explains_every_command():
    result = jtbd("--help")
    assert result.returncode == 0
    for command in ("run", "eval", "review", "report", "export", "coach"):
        assert command in result.stdout
        sub = jtbd(command, "--help")
        assert sub.returncode == 0 and "usage: jtbd " + command in sub.stdout

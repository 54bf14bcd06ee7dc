"""`jtbd run` end to end on transcripts: bad inputs, incremental re-runs, the lock, role overrides."""
import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.run import run
from pipeline.settings import Settings
from pipeline.workspace import Workspace, read_model, write_model
from schemas import Review

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


# --- folders nobody curated ------------------------------------------------------------

def _user_namespace(*args: str) -> list[str]:
    """`unshare` with `args`, or a skip where user namespaces are not allowed."""
    if not shutil.which("unshare") or subprocess.run(["unshare", *args, "true"], capture_output=True).returncode:
        pytest.skip(f"needs unshare {' '.join(args)} (user namespaces)")
    return ["unshare", *args]


def _as_other_user() -> list[str]:
    """Root reads every file whatever its mode; run as an ordinary user in a user namespace instead."""
    return _user_namespace("--user", "--map-user=1000", "--map-group=1000") if os.geteuid() == 0 else []


def jtbd_in(prefix: list[str], *args: str, shell: str = "", after: str = "") -> subprocess.CompletedProcess:
    """`jtbd ARGS` after `prefix` (a namespace), after `shell` commands (mounts) inside it; `after` runs
    once it exits (while the namespace's mounts still exist) and the exit status is jtbd's."""
    jtbd_command = f"{sys.executable} -m cli {' '.join(map(shlex.quote, args))}"
    command = f"{shell} {jtbd_command}; status=$?; {after} exit $status" if after else f"{shell} exec {jtbd_command}"
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run([*prefix, "sh", "-c", command], cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)


def _error_lines(result: subprocess.CompletedProcess) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith(("error ", "warning ", "jtbd: "))]


def test_uncurated_folder_gives_one_line_per_bad_entry(folder):
    (folder / "gone.txt").symlink_to(folder / "deleted.txt")
    (folder / "secret.txt").write_text(GOOD, encoding="utf-8")
    (folder / "secret.txt").chmod(0)
    (folder / "evil\n\x1b[31mred.vtt").write_text("not captions at all\n", encoding="utf-8")
    (folder / "round-2").mkdir()
    (folder / "round-2" / "dana.txt").write_text(GOOD.replace("Maya", "Dana"), encoding="utf-8")
    result = jtbd_in(_as_other_user(), "run", str(folder), "--no-progress", "--skip", "synthesize", "--skip", "report")
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    assert _error_lines(result) == [
        f"error gone.txt: broken link: it points to '{folder / 'deleted.txt'}', which does not exist",
        "error secret.txt: cannot read file: Permission denied",
        "error evil\\n\\x1b[31mred.vtt: no subtitle cues found; expected timing lines like '00:00:01.000 --> 00:00:04.000'",
    ]
    assert "\x1b" not in result.stderr  # the name's colour code is shown, never sent to the terminal
    assert "3 of 6 interview files analysed, 3 problems" in result.stderr
    ws = Workspace(folder)
    assert sorted(ws.interview_ids()) == ["leo", "maya", "round-2-dana"]
    assert json.loads(ws.extraction_path("round-2-dana").read_text())["forces"]


def test_caption_timings_that_cannot_be_read_are_one_warning_and_nothing_is_lost(folder):
    from test_importers import BAD_TIMES_VTT

    (folder / "times.vtt").write_text(BAD_TIMES_VTT, encoding="utf-8")
    result = jtbd("run", str(folder), "--no-progress", "--skip", "synthesize", "--skip", "report", "--skip", "export")
    assert result.returncode == 0, result.stderr
    (warning,) = _error_lines(result)
    assert warning.startswith("warning times.vtt: 3 of 4 cues have a timing that cannot be used: line 4 '00:00:xx.000 --> 00:00:04.000'")
    assert "3 of 3 interview files analysed, 1 warning" in result.stderr
    transcript = json.loads(Workspace(folder).transcript_path("times").read_text())
    assert [t["text"] for t in transcript["turns"]][2:] == ["What happened then?", "I signed up."]
    assert len(transcript["turns"]) == 4 and transcript["warnings"] == [warning.removeprefix("warning times.vtt: ")]


def test_transcript_over_the_length_limit_is_refused_in_one_line(folder):
    (folder / "jtbd.toml").write_text("max_transcript_chars = 300\n", encoding="utf-8")
    result = jtbd("run", str(folder), "--no-progress", "--skip", "synthesize", "--skip", "report", "--skip", "export")
    assert result.returncode == 1
    assert _error_lines(result) == [
        f"error {name}: transcript has 399 characters of speech in 6 turns, over the limit of 300 (under two minutes of talk); "
        "to allow it set max_transcript_chars = 400 in jtbd.toml" for name in ("leo.md", "maya.txt")]


# --- a results folder that takes no writes: one line, non-zero, nothing lost --------------

def test_results_folder_owned_by_someone_else(folder):
    results = folder / "jtbd-results"
    results.mkdir()
    results.chmod(0o555)
    try:
        result = jtbd_in(_as_other_user(), "run", str(folder), "--no-progress")
    finally:
        results.chmod(0o755)
    assert result.returncode == 2 and "Traceback" not in result.stdout + result.stderr
    assert _error_lines(result) == [
        f"jtbd: {results}: cannot write results: no permission to write here (the folder may belong to another user) "
        "(Permission denied); finished results are kept; fix its permissions or copy the folder somewhere writable"]


def test_results_folder_on_a_read_only_disk(folder):
    run(folder, Settings(progress=False), stages=("transcribe", "extract"))
    before = {p: p.read_bytes() for p in (folder / "jtbd-results").rglob("*") if p.is_file()}
    (folder / "maya.txt").write_text(GOOD + "Maya: And I'd recommend it.\n", encoding="utf-8")  # work to do
    ro = f"mount --bind {shlex.quote(str(folder))} {shlex.quote(str(folder))} && mount -o remount,bind,ro {shlex.quote(str(folder))} &&"
    result = jtbd_in(_user_namespace("-rm"), "run", str(folder), "--no-progress", shell=ro)
    assert result.returncode == 2 and "Traceback" not in result.stdout + result.stderr
    assert _error_lines(result) == [
        f"jtbd: {folder / 'jtbd-results'}: cannot write results: the folder is on a read-only disk (Read-only file system); "
        "finished results are kept; copy the folder somewhere writable and run jtbd there"]
    assert {p: p.read_bytes() for p in (folder / "jtbd-results").rglob("*") if p.is_file()} == before


LIST_RESULTS = """
import json, pathlib, sys
for path in sorted(pathlib.Path(sys.argv[1]).rglob("*")):
    if path.is_file() and path.name != "filler":
        whole = "whole" if path.suffix != ".json" or json.loads(path.read_text()) else "empty"
        print(path.relative_to(sys.argv[1]), path.stat().st_size, whole)
"""


@pytest.mark.parametrize("room_left", ["some", "none"])
def test_full_disk_is_one_line_after_the_per_file_errors(folder, room_left):
    """A 48 kB disk: the first transcript fits, its extraction does not ('some'); or full from the
    start, so even run.log cannot be written ('none'). Either way: the per-file line, then one line,
    exit 2, and every file written is whole."""
    (folder / "empty.txt").write_bytes(b"")
    results = folder / "jtbd-results"
    results.mkdir()
    fill = f"head -c 100000 /dev/zero > {shlex.quote(str(results))}/filler 2>/dev/null;" if room_left == "none" else ""
    mount = f"mount -t tmpfs -o size=48k tmpfs {shlex.quote(str(results))} && {fill}"
    listing = f"{sys.executable} -c {shlex.quote(LIST_RESULTS)} {shlex.quote(str(results))};"
    result = jtbd_in(_user_namespace("-rm"), "run", str(folder), "--no-progress", shell=mount, after=listing)
    assert result.returncode == 2 and "Traceback" not in result.stdout + result.stderr
    assert _error_lines(result) == [
        "error empty.txt: file is empty",
        f"jtbd: {results}: cannot write results: the disk is full (No space left on device); finished results are kept; "
        "free some space and run again"]
    written = {name: (int(size), whole) for name, size, whole in (line.split() for line in result.stdout.splitlines())}
    assert all(whole == "whole" for _, whole in written.values())  # each JSON there parses: atomic writes
    if room_left == "some":
        # the finished transcript's key is kept: in the journal, or folded into manifest.json if there was room
        assert "interviews/leo/transcript.json" in written and written["run.log"][0] > 0
        assert {"manifest.json", "manifest.journal"} & set(written)
    else:
        assert written == {".lock": (0, "whole"), "run.log": (0, "whole")}  # run.log stayed empty: the terminal says it all


def test_report_into_a_folder_that_takes_no_writes_is_one_line(folder):
    assert run(folder, Settings(progress=False)).ok
    report_dir = Workspace(folder).report_dir
    report_dir.chmod(0o555)
    try:
        result = jtbd_in(_as_other_user(), "report", str(folder))
    finally:
        report_dir.chmod(0o755)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [f"jtbd: {report_dir / 'index.html'}: cannot write or read: Permission denied"]


# --- an interview whose file is deleted leaves every output ---------------------------------

def test_deleted_interview_leaves_the_report_and_exports_and_comes_back_with_its_decisions(folder):
    settings = Settings(progress=False)
    assert run(folder, settings).ok
    ws = Workspace(folder)
    report = ws.report_dir / "index.html"
    assert "2 interviews" in report.read_text() and (ws.exports_dir / "leo.md").is_file()
    write_model(ws.review_path("leo"), Review(interview_id="leo", state="reviewed"))
    leo = (folder / "leo.md").read_bytes()
    (folder / "leo.md").unlink()

    again = run(folder, settings)
    assert again.ok and again.retired == ["leo"]
    assert ws.interview_ids() == ["maya"] and ws.retired_ids() == ["leo"]
    assert "1 interview ·" in report.read_text() and 'id="interview-leo"' not in report.read_text()
    assert sorted(p.name for p in ws.exports_dir.glob("*.md")) == ["maya.md", "synthesis.md"]
    exported = json.loads((ws.exports_dir / "jtbd-export.json").read_text())
    assert [i["id"] for i in exported["interviews"]] == ["maya"]
    synthesis = json.loads(ws.synthesis_path.read_text())
    assert "leo" not in json.dumps(synthesis["clusters"])
    assert read_model(ws.review_path("leo"), Review).state == "reviewed"  # the decisions wait in the workspace

    (folder / "leo.md").write_bytes(leo)
    back = run(folder, settings)
    assert back.ok and back.retired == [] and ws.interview_ids() == ["leo", "maya"]
    assert "leo" in back.skipped["extract"]  # nothing redone: its results were kept
    assert "2 interviews" in report.read_text() and (ws.exports_dir / "leo.md").is_file()


def test_a_file_that_is_there_but_unusable_is_not_taken_for_gone(folder):
    settings = Settings(progress=False)
    run(folder, settings, stages=("transcribe", "extract"))
    (folder / "maya.txt").write_bytes(b"")  # emptied by a sync tool: a problem, not a deletion
    again = run(folder, settings, stages=("transcribe", "extract"))
    assert again.failures == ["maya.txt: file is empty"] and again.retired == []
    assert Workspace(folder).interview_ids() == ["leo", "maya"]


def test_when_every_file_is_gone_no_output_describes_them(folder):
    settings = Settings(progress=False)
    run(folder, settings)
    for name in ("leo.md", "maya.txt"):
        (folder / name).unlink()
    result = jtbd("run", str(folder), "--no-progress")
    assert result.returncode == 0, result.stderr
    assert "note left out of the results, their files are gone: leo.md, maya.txt" in result.stderr
    ws = Workspace(folder)
    assert not ws.synthesis_path.exists() and not ws.exports_dir.exists()
    assert "No interviews processed yet" in (ws.report_dir / "index.html").read_text()

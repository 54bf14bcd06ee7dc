"""Ingest (finding interviews) and the workspace (atomic writes, the lock, the manifest)."""
from __future__ import annotations

import json

import hashlib
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pipeline.errors import BadInputError, UnsupportedFileError, WorkspaceLockedError, printable
from pipeline.ingest import discover
from pipeline.settings import OUTPUT_DIR_NAME
from pipeline.workspace import Workspace, read_model, slug, write_model, write_text_atomic
from schemas import Interview

ROOT = Path(__file__).resolve().parents[1]


def _write(folder: Path, name: str, data: bytes = b"Sam: hi\nJo: hello\n") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_discovery_finds_supported_files_and_names_the_rest(tmp_path):
    for name in ("b-call.MP3", "a-notes.md", "c.vtt", "d.docx", "e.json", "f.srt", "g.txt", "h.wav"):
        _write(tmp_path, name)
    _write(tmp_path, "slides.pdf")
    _write(tmp_path, "Makefile")
    for skipped in (".hidden.txt", "README.md", "jtbd.toml", "roles.json", f"{OUTPUT_DIR_NAME}/x.txt", "gold/a.gold.json",
                    ".git/notes.txt", f"round-2/{OUTPUT_DIR_NAME}/y.txt", "round-2/README.md"):
        _write(tmp_path, skipped)
    _write(tmp_path, "round-2/01 Dana.txt")  # one folder per round: read, with the folder in the id
    interviews, problems = discover(tmp_path)
    assert [i.source for i in interviews] == ["a-notes.md", "b-call.MP3", "c.vtt", "d.docx", "e.json", "f.srt", "g.txt", "h.wav",
                                              "round-2/01 Dana.txt"]
    assert interviews[-1].id == "round-2-01-dana" and interviews[-1].title == "01 Dana"
    assert {i.source: i.kind for i in interviews}["b-call.MP3"] == "audio"
    assert {i.kind for i in interviews if i.source != "b-call.MP3" and i.source != "h.wav"} == {"transcript"}
    assert sorted((type(p), p.path) for p in problems) == [(UnsupportedFileError, "Makefile"), (UnsupportedFileError, "slides.pdf")]
    assert "unsupported file type '.pdf'" in next(p.reason for p in problems if p.path == "slides.pdf")


def test_interview_fields(tmp_path):
    path = _write(tmp_path, "02 Meal Kit (Priya).txt", b"Sam: hi\n")
    (interview,), _ = discover(tmp_path)
    assert interview == Interview(
        id="02-meal-kit-priya", source=path.name, kind="transcript", sha256=hashlib.sha256(b"Sam: hi\n").hexdigest(), title="02 Meal Kit (Priya)"
    )


def test_empty_file_is_a_problem_not_an_interview(tmp_path):
    _write(tmp_path, "empty.txt", b"")
    _write(tmp_path, "ok.txt")
    interviews, problems = discover(tmp_path)
    assert [i.id for i in interviews] == ["ok"]
    assert [(p.path, p.reason) for p in problems] == [("empty.txt", "file is empty")]


def test_not_a_folder(tmp_path):
    with pytest.raises(BadInputError, match="not a folder"):
        discover(tmp_path / "missing")


def test_same_stem_gets_distinct_ids(tmp_path):
    _write(tmp_path, "a.mp3", b"ID3...")
    _write(tmp_path, "a.txt")
    interviews, _ = discover(tmp_path)
    assert {i.source: i.id for i in interviews} == {"a.mp3": "a", "a.txt": "a-txt"}


def test_fallback_id_never_collides(tmp_path):
    for name in ("a-txt.md", "a.mp3", "a.txt"):
        _write(tmp_path, name)
    interviews, _ = discover(tmp_path)
    ids = [i.id for i in interviews]
    assert len(ids) == 3 and len(set(ids)) == 3


def test_slug():
    assert slug("Interview #3 — Dana!") == "interview-3-dana"
    assert slug("???") == "interview"


def test_atomic_write_replaces_and_leaves_no_temp_files(tmp_path):
    target = tmp_path / "deep" / "out.json"
    write_text_atomic(target, "first")
    write_text_atomic(target, "second")
    assert target.read_text(encoding="utf-8") == "second"
    assert sorted(p.name for p in target.parent.iterdir()) == ["out.json"]


def test_failed_atomic_write_keeps_the_old_file(tmp_path):
    target = tmp_path / "out.txt"
    write_text_atomic(target, "good")
    with pytest.raises(UnicodeEncodeError):
        write_text_atomic(target, "bad \ud800 surrogate")  # fails while writing the temp file
    assert target.read_text(encoding="utf-8") == "good"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_model_round_trip_and_unreadable_model(tmp_path):
    interview = Interview(id="a", source="a.txt", kind="transcript", sha256="f" * 64)
    write_model(tmp_path / "i.json", interview)
    assert read_model(tmp_path / "i.json", Interview) == interview
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(BadInputError, match="cannot read Interview"):
        read_model(tmp_path / "bad.json", Interview)


def test_lock_refuses_a_second_holder_in_the_same_process(tmp_path):
    ws = Workspace(tmp_path)
    with ws.lock():
        with pytest.raises(WorkspaceLockedError, match="another jtbd process"):
            with Workspace(tmp_path).lock():
                pass
    with ws.lock():  # released on exit
        pass


def test_lock_refuses_while_another_process_holds_it(tmp_path):
    holder = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from pipeline.workspace import Workspace
        with Workspace({str(tmp_path)!r}).lock():
            print("locked", flush=True)
            sys.stdin.readline()
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", holder], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "locked"
        with pytest.raises(WorkspaceLockedError):
            with Workspace(tmp_path).lock():
                pass
    finally:
        proc.communicate("\n", timeout=20)
    assert proc.returncode == 0
    with Workspace(tmp_path).lock():
        pass


def test_manifest_freshness(tmp_path):
    ws = Workspace(tmp_path)
    output = ws.transcript_path("a")
    assert not ws.is_fresh("a", "transcribe", "k1", output)
    write_text_atomic(output, "{}")
    assert not ws.is_fresh("a", "transcribe", "k1", output)  # output exists but was never marked done
    ws.mark_done("a", "transcribe", "k1")
    ws.mark_done("b", "transcribe", "k9")
    assert ws.is_fresh("a", "transcribe", "k1", output)
    assert not ws.is_fresh("a", "transcribe", "k2", output)  # settings or input changed
    assert not ws.is_fresh("a", "extract", "k1", output)
    assert Workspace(tmp_path).stage_key("b", "transcribe") == "k9"  # persisted
    output.unlink()
    assert not ws.is_fresh("a", "transcribe", "k1", output)  # output deleted
    ws.fold_journal()
    ws.manifest_path.write_text("{broken", encoding="utf-8")
    assert ws.stage_key("a", "transcribe") is None  # a corrupt manifest means redo, not crash


def test_manifest_keys_are_appended_then_folded(tmp_path):
    """Each finished step appends one line; a line cut short by a kill is ignored (that step is
    redone); the lock's release folds the journal into manifest.json; the bytes written grow
    linearly with the steps, not quadratically."""
    ws = Workspace(tmp_path)
    with ws.lock():
        ws.mark_done("a", "extract", "k1")
        ws.mark_done("a", "coach", "k2")
        assert not ws.manifest_path.exists() and len(ws.journal_path.read_text().splitlines()) == 2
        with open(ws.journal_path, "a") as fh:
            fh.write('["b", "extract", "k')  # the driver killed mid-line
        fresh = Workspace(tmp_path)
        assert (fresh.stage_key("a", "coach"), fresh.stage_key("b", "extract")) == ("k2", None)
    assert not ws.journal_path.exists()
    assert json.loads(ws.manifest_path.read_text()) == {"a": {"extract": "k1", "coach": "k2"}}

    big = Workspace(tmp_path / "big")
    written = 0
    real_write = big.fold_journal

    def counting_fold():
        nonlocal written
        real_write()
        written += big.manifest_path.stat().st_size
    big.fold_journal = counting_fold  # type: ignore[method-assign]
    steps = 20_000
    for i in range(steps):
        big.mark_done(f"interview-{i:05d}", "extract", "k" * 40)
    assert big.stage_key("interview-00000", "extract") == "k" * 40 and big.stage_key(f"interview-{steps - 1:05d}", "extract")
    journal = big.journal_path.stat().st_size if big.journal_path.exists() else 0
    final = len(json.dumps(big._manifest(), indent=2, sort_keys=True))
    assert written + journal < 6 * final  # rewriting the manifest per step would write ~steps/2 times it


def test_source_path_stays_inside_the_folder(tmp_path):
    ws = Workspace(tmp_path)
    assert ws.source_path("a.txt") == (tmp_path / "a.txt").resolve()
    with pytest.raises(BadInputError, match="outside the interview folder"):
        ws.source_path("../secret.txt")


# --- folders nobody curated: each bad entry is one problem, the rest is found ---------

def _as_other_user() -> list[str]:
    """A prefix that runs a command without root's right to read anything: root ignores file modes,
    so as root the command runs in a user namespace as an ordinary user."""
    if os.geteuid() != 0:
        return []
    if not shutil.which("unshare") or subprocess.run(["unshare", "--user", "--map-user=1000", "true"], capture_output=True).returncode:
        pytest.skip("running as root and cannot drop privileges with unshare --user")
    return ["unshare", "--user", "--map-user=1000", "--map-group=1000"]


def _discover_as_other_user(folder: Path) -> list[tuple[str, str]]:
    """discover() in a process that cannot read what the folder's owner locked away: (path, reason) per problem."""
    script = f"import sys; sys.path.insert(0, {str(ROOT)!r})\nfrom pipeline.ingest import discover\n" \
             f"found, problems = discover({str(folder)!r})\nprint([i.source for i in found]); print([(p.path, p.reason) for p in problems])"
    done = subprocess.run([*_as_other_user(), sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    found, problems = done.stdout.strip().splitlines()
    return eval(found), eval(problems)  # noqa: S307 - our own repr output


def test_broken_link_is_one_problem_and_the_rest_is_found(tmp_path):
    _write(tmp_path, "a.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "deleted.txt")
    (tmp_path / "c.md").symlink_to(tmp_path / "a.txt")  # a working link is an ordinary file
    interviews, problems = discover(tmp_path)
    assert [i.source for i in interviews] == ["a.txt", "c.md"]
    assert [(p.path, p.reason) for p in problems] == [("b.txt", f"broken link: it points to '{tmp_path / 'deleted.txt'}', which does not exist")]


def test_unreadable_file_and_folder_are_one_problem_each(tmp_path):
    folder = tmp_path / "interviews"
    _write(folder, "a.txt")
    _write(folder, "secret.txt").chmod(0)
    _write(folder, "locked/inside.txt")
    (folder / "locked").chmod(0)
    try:
        found, problems = _discover_as_other_user(folder)
    finally:
        (folder / "locked").chmod(0o755)
    assert found == ["a.txt"]
    assert problems == [("locked", "cannot read folder: Permission denied"), ("secret.txt", "cannot read file: Permission denied")]


def test_link_to_a_folder_is_named_not_followed(tmp_path):
    _write(tmp_path, "round-1/a.txt")
    (tmp_path / "round-1/loop").symlink_to(tmp_path)
    interviews, problems = discover(tmp_path)
    assert [i.source for i in interviews] == ["round-1/a.txt"]
    assert [(p.path, p.reason) for p in problems] == [("round-1/loop", "a link to a folder, not followed (copy the folder in, or run jtbd on it)")]


def test_odd_file_names_are_problems_shown_escaped(tmp_path):
    _write(tmp_path, "ok.txt")
    _write(tmp_path, "evil\n\x1b[31mred.txt")  # a newline and a colour code: readable, but printed escaped
    os.close(os.open(os.path.join(os.fsencode(tmp_path), b"caf\xe9.txt"), os.O_CREAT | os.O_WRONLY))  # Latin-1 bytes
    (tmp_path / os.fsdecode(b"caf\xe9.txt")).write_bytes(b"Sam: hi\nJo: hello\n")
    interviews, problems = discover(tmp_path)
    assert sorted(i.source for i in interviews) == ["evil\n\x1b[31mred.txt", "ok.txt"]
    (problem,) = problems
    assert problem.reason == "the file name is not valid UTF-8 text; rename the file"
    assert problem.line() == "caf\\xe9.txt: the file name is not valid UTF-8 text; rename the file"
    assert printable("evil\n\x1b[31mred\u202etxt.exe") == "evil\\n\\x1b[31mred\\u202etxt.exe"
    assert printable("Café – 日本 🎙") == "Café – 日本 🎙"  # ordinary letters and symbols stay as they are

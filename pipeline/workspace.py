"""The workspace: where results live beside the interviews, written atomically, guarded by a lock.

Layout (inside the interview folder):

    jtbd-results/
      manifest.json                 content hashes and stage keys, so re-runs redo only what changed
      manifest.journal              keys of steps finished since manifest.json was last written (folded in at the end)
      run.log                       details of failures (tracebacks never reach the terminal)
      interviews/<id>/transcript.auto.json  the transcript as transcribed or imported (speaker roles guessed)
      interviews/<id>/transcript.json       the same with the roles from jtbd.toml/roles.json applied:
                                            what every later stage reads
      interviews/<id>/extraction.json       the extractor's items (drafts until reviewed)
      interviews/<id>/review.json           the researcher's decisions (never overwritten by a run)
      interviews/<id>/coach.json
      interviews/<id>/source-missing.txt    present while the interview is retired (see below)
      synthesis.json, synthesis.md
      report/index.html             reviewed items only
      report/drafts.html            every item not rejected, drafts marked (written while some interview is not reviewed)
      exports/                      <id>.md, synthesis.md, sticky-notes.csv, jtbd-export.json, job-story-cards-*.html
      cache/                        LLM answers, redactions

An interview whose file has left the folder is retired: a note file in its folder keeps it out
of every output (report, exports, review page, synthesis) while its files, review decisions
included, stay until the file comes back.
"""
from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import BadInputError, ResultsWriteError, WorkspaceLockedError
from .settings import OUTPUT_DIR_NAME

if TYPE_CHECKING:
    from schemas import Extraction, Review, Transcript

    from .review.decisions import ReviewedExtraction

M = TypeVar("M", bound=BaseModel)

AUDIO_EXTENSIONS = {".wav", ".mp3", ".m4a", ".mp4", ".ogg", ".flac", ".webm"}
TRANSCRIPT_EXTENSIONS = {".txt", ".md", ".vtt", ".srt", ".docx", ".json"}
_UMASK = os.umask(0)
os.umask(_UMASK)
IGNORED_NAMES = {"jtbd.toml", "README.md", "readme.md", "roles.json"}
RETIRED_NOTE = "source-missing.txt"
# Errors that mean the results folder cannot take any more writes: every later file would fail alike.
UNWRITABLE = {errno.ENOSPC, errno.EDQUOT, errno.EROFS}
NO_PERMISSION = {errno.EACCES, errno.EPERM}


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "interview"


def write_text_atomic(path: Path, text: str) -> None:
    """Write via a temp file and rename, so a killed run never leaves a half-written file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:  # name the file we meant to write, not a random temporary name
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; results are ordinary files
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_model(path: Path, model: BaseModel) -> None:
    write_text_atomic(path, model.model_dump_json(indent=2))


def read_model(path: Path, model: type[M]) -> M:
    try:
        return model.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError, ValueError) as exc:
        raise BadInputError(f"cannot read {model.__name__}: {str(exc).splitlines()[0]}", str(path)) from None


@dataclass
class ReviewedInterview:
    """One interview as the researcher sees it: the transcript, the extractor's items, the
    decisions, and the items with the decisions applied. Run, report and review page load it here."""

    transcript: "Transcript"
    raw: "Extraction"  # as extracted
    review: "Review"
    reviewed: "ReviewedExtraction"
    extracted: bool  # False when the extraction stage has not run (or failed) for it

    @property
    def extraction(self) -> "Extraction":
        return self.reviewed.extraction

    @property
    def state(self) -> str:
        from .review.decisions import review_state

        return review_state(self.review, self.extraction)


class Workspace:
    """Paths and bookkeeping for one interview folder's results: every path is made here."""

    def __init__(self, folder: Path, out: Path | None = None):
        self.folder = Path(folder).resolve()
        self.root = Path(out).resolve() if out else self.folder / OUTPUT_DIR_NAME
        self.manifest_path = self.root / "manifest.json"
        self.journal_path = self.root / "manifest.journal"
        self.log_path = self.root / "run.log"
        self._entries: dict | None = None  # the manifest as last read or written here
        self._stamp: tuple = ()  # what the files looked like then

    # paths -----------------------------------------------------------------
    def interview_dir(self, interview_id: str) -> Path:
        return self.root / "interviews" / interview_id

    def auto_transcript_path(self, interview_id: str) -> Path:
        return self.interview_dir(interview_id) / "transcript.auto.json"

    def transcript_path(self, interview_id: str) -> Path:
        return self.interview_dir(interview_id) / "transcript.json"

    def extraction_path(self, interview_id: str) -> Path:
        return self.interview_dir(interview_id) / "extraction.json"

    def review_path(self, interview_id: str) -> Path:
        return self.interview_dir(interview_id) / "review.json"

    def coach_path(self, interview_id: str) -> Path:
        return self.interview_dir(interview_id) / "coach.json"

    @property
    def synthesis_path(self) -> Path:
        return self.root / "synthesis.json"

    @property
    def synthesis_md_path(self) -> Path:
        return self.root / "synthesis.md"

    @property
    def report_dir(self) -> Path:
        return self.root / "report"

    @property
    def report_path(self) -> Path:
        return self.report_dir / "index.html"

    @property
    def drafts_report_path(self) -> Path:
        return self.report_dir / "drafts.html"

    @property
    def exports_dir(self) -> Path:
        return self.root / "exports"

    def interview_export_path(self, interview_id: str) -> Path:
        """exports/<id>.md: one interview's items and notes as Markdown."""
        return self.exports_dir / f"{interview_id}.md"

    @property
    def cache_dir(self) -> Path:
        return self.root / "cache"

    def load_reviewed(self, interview_id: str) -> ReviewedInterview:
        """The interview with its review applied; the one loader for run, report, exports and review page."""
        from schemas import Extraction, Review, Transcript

        from .review.decisions import apply_review

        transcript = read_model(self.transcript_path(interview_id), Transcript)
        epath, rpath = self.extraction_path(interview_id), self.review_path(interview_id)
        raw = read_model(epath, Extraction) if epath.is_file() else Extraction(interview_id=interview_id)
        review = read_model(rpath, Review) if rpath.is_file() else Review(interview_id=interview_id)
        return ReviewedInterview(transcript, raw, review, apply_review(raw, review, transcript), epath.is_file())

    def interview_ids(self) -> list[str]:
        """Interviews with a transcript whose file is still in the folder (see `retire_missing`)."""
        return [i for i in self._transcribed_ids() if not (self.interview_dir(i) / RETIRED_NOTE).is_file()]

    def _transcribed_ids(self) -> list[str]:
        base = self.root / "interviews"
        if not base.is_dir():
            return []
        return sorted(p.name for p in base.iterdir() if (p / "transcript.json").is_file())

    def source_of(self, interview_id: str) -> str | None:
        """The file an interview was made from, as its transcript.json records it."""
        try:
            return json.loads(self.transcript_path(interview_id).read_text(encoding="utf-8"))["interview"]["source"]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def retired_ids(self) -> list[str]:
        return [i for i in self._transcribed_ids() if (self.interview_dir(i) / RETIRED_NOTE).is_file()]

    def retire_missing(self, present: set[str], unusable: set[str]) -> list[str]:
        """Retire every interview whose id is not `present` and whose file is not merely `unusable`
        this time (a file that cannot be read now is still there); bring back those present.
        Returns the ids retired by this call."""
        newly = []
        for interview_id in self._transcribed_ids():
            note = self.interview_dir(interview_id) / RETIRED_NOTE
            if interview_id in present:
                note.unlink(missing_ok=True)
            elif not note.is_file() and self.source_of(interview_id) not in unusable:
                write_text_atomic(note, f"This interview's file was not in {self.folder} at the last `jtbd run`, so it is left out of\n"
                                        "the report, exports, review page and synthesis. Its results and review decisions are kept\n"
                                        "here; put the file back and run again to include it.\n")
                newly.append(interview_id)
        return newly

    def source_path(self, source: str) -> Path:
        """Resolve an interview's source file, refusing anything outside the folder."""
        path = (self.folder / source).resolve()
        if not path.is_relative_to(self.folder):
            raise BadInputError("path is outside the interview folder", source)
        return path

    # manifest: stage keys ----------------------------------------------------
    # manifest.json holds every finished step's key; each new key is first appended to
    # manifest.journal (one JSON line) and folded into manifest.json once the journal outgrows it and
    # when the run ends. Rewriting the whole manifest per step made a 10,000-interview run quadratic. A line cut
    # short by a kill is ignored: that step is redone, as if it had not finished.
    JOURNAL_FOLD_BYTES = 256 * 1024

    def _files_stamp(self) -> tuple:
        def stat(path: Path):
            try:
                st = path.stat()
                return st.st_mtime_ns, st.st_size
            except OSError:
                return None
        return stat(self.manifest_path), stat(self.journal_path)

    def _manifest(self) -> dict:
        stamp = self._files_stamp()
        if self._entries is None or stamp != self._stamp:
            self._entries, self._stamp = self._read_manifest(), stamp
        return self._entries

    def _read_manifest(self) -> dict:
        try:
            entries = json.loads(self.manifest_path.read_text(encoding="utf-8"))
            entries = entries if isinstance(entries, dict) else {}
        except (OSError, ValueError):
            entries = {}
        try:
            lines = self.journal_path.read_text(encoding="utf-8").splitlines()
        except OSError:
            lines = []
        for line in lines:
            try:
                interview_id, stage, key = json.loads(line)
            except (ValueError, TypeError):
                continue
            entries.setdefault(interview_id, {})[stage] = key
        return entries

    def stage_key(self, interview_id: str, stage: str) -> str | None:
        return self._manifest().get(interview_id, {}).get(stage)

    def is_fresh(self, interview_id: str, stage: str, key: str, output: Path) -> bool:
        return output.is_file() and self.stage_key(interview_id, stage) == key

    def mark_done(self, interview_id: str, stage: str, key: str) -> None:
        entries = self._manifest()
        entries.setdefault(interview_id, {})[stage] = key
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.journal_path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps([interview_id, stage, key]) + "\n")
        self._stamp = self._files_stamp()
        manifest, journal = self._stamp
        # folded once the journal outgrows the manifest: each byte is rewritten a bounded number of times
        if journal and journal[1] > max(self.JOURNAL_FOLD_BYTES, manifest[1] if manifest else 0):
            self.fold_journal()

    def fold_journal(self) -> None:
        """manifest.json rewritten with every key, then the journal let go (a kill between the two
        leaves both, which read back the same)."""
        if not self.journal_path.exists():
            return
        entries = self._manifest()
        write_text_atomic(self.manifest_path, json.dumps(entries, indent=2, sort_keys=True))
        self.journal_path.unlink(missing_ok=True)
        self._stamp = self._files_stamp()

    # lock ------------------------------------------------------------------
    @contextmanager
    def lock(self) -> Iterator[None]:
        """One writer at a time; a second `jtbd run` on the same folder fails fast with a clear line."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fh = open(self.root / ".lock", "w")
        except OSError as exc:
            raise self.write_error(exc) from None
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.close()
            raise WorkspaceLockedError("another jtbd process is working on this folder; try again when it ends", str(self.root)) from None
        try:
            yield
        finally:
            try:
                self.fold_journal()
            except OSError:
                pass  # the journal still holds the keys: the next run reads them
            fcntl.flock(fh, fcntl.LOCK_UN)
            fh.close()

    def log(self, message: str) -> bool:
        """Append to run.log; False when it cannot be written (the terminal line still says what failed)."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with open(self.log_path, "a", encoding="utf-8", errors="backslashreplace") as fh:
                fh.write(message.rstrip() + "\n")
        except OSError:
            return False
        return True

    def cannot_write(self, exc: BaseException) -> bool:
        """Whether `exc` says the results folder takes no more writes (full, read-only, not ours)."""
        if not isinstance(exc, OSError):
            return False
        inside = exc.filename is not None and Path(os.fsdecode(exc.filename)).resolve().is_relative_to(self.root)
        return exc.errno in UNWRITABLE or (exc.errno in NO_PERMISSION and inside)

    def write_error(self, exc: OSError) -> ResultsWriteError:
        """One line saying why the results folder takes no writes and what to do; finished files are intact."""
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            why, fix = "the disk is full" if exc.errno == errno.ENOSPC else "the disk quota is used up", "free some space and run again"
        elif exc.errno == errno.EROFS:
            why, fix = "the folder is on a read-only disk", "copy the folder somewhere writable and run jtbd there"
        else:
            why, fix = "no permission to write here (the folder may belong to another user)", "fix its permissions or copy the folder somewhere writable"
        return ResultsWriteError(f"cannot write results: {why} ({exc.strerror}); finished results are kept; {fix}", str(self.root))

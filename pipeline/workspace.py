"""The workspace: where results live beside the interviews, written atomically, guarded by a lock.

Layout (inside the interview folder):

    jtbd-results/
      manifest.json                 content hashes and stage keys, so re-runs redo only what changed
      run.log                       details of failures (tracebacks never reach the terminal)
      interviews/<id>/transcript.json
      interviews/<id>/extraction.json
      interviews/<id>/review.json   the researcher's decisions (never overwritten by a run)
      interviews/<id>/coach.json
      synthesis.json, synthesis.md
      report/index.html
      exports/
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import BadInputError, WorkspaceLockedError
from .settings import OUTPUT_DIR_NAME

M = TypeVar("M", bound=BaseModel)

AUDIO_EXTENSIONS = {".wav", ".mp3", ".m4a", ".mp4", ".ogg", ".flac", ".webm"}
TRANSCRIPT_EXTENSIONS = {".txt", ".md", ".vtt", ".srt", ".docx", ".json"}
_UMASK = os.umask(0)
os.umask(_UMASK)
IGNORED_NAMES = {"jtbd.toml", "README.md", "readme.md", "roles.json"}


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
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
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


class Workspace:
    """Paths and bookkeeping for one interview folder's results."""

    def __init__(self, folder: Path, out: Path | None = None):
        self.folder = Path(folder).resolve()
        self.root = Path(out).resolve() if out else self.folder / OUTPUT_DIR_NAME
        self.manifest_path = self.root / "manifest.json"
        self.log_path = self.root / "run.log"

    # paths -----------------------------------------------------------------
    def interview_dir(self, interview_id: str) -> Path:
        return self.root / "interviews" / interview_id

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
    def report_dir(self) -> Path:
        return self.root / "report"

    @property
    def exports_dir(self) -> Path:
        return self.root / "exports"

    @property
    def cache_dir(self) -> Path:
        return self.root / "cache"

    def interview_ids(self) -> list[str]:
        base = self.root / "interviews"
        if not base.is_dir():
            return []
        return sorted(p.name for p in base.iterdir() if (p / "transcript.json").is_file())

    def source_path(self, source: str) -> Path:
        """Resolve an interview's source file, refusing anything outside the folder."""
        path = (self.folder / source).resolve()
        if not path.is_relative_to(self.folder):
            raise BadInputError("path is outside the interview folder", source)
        return path

    # manifest: stage keys ----------------------------------------------------
    def _manifest(self) -> dict:
        try:
            return json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def stage_key(self, interview_id: str, stage: str) -> str | None:
        return self._manifest().get(interview_id, {}).get(stage)

    def is_fresh(self, interview_id: str, stage: str, key: str, output: Path) -> bool:
        return output.is_file() and self.stage_key(interview_id, stage) == key

    def mark_done(self, interview_id: str, stage: str, key: str) -> None:
        manifest = self._manifest()
        manifest.setdefault(interview_id, {})[stage] = key
        write_text_atomic(self.manifest_path, json.dumps(manifest, indent=2, sort_keys=True))

    # lock ------------------------------------------------------------------
    @contextmanager
    def lock(self) -> Iterator[None]:
        """One writer at a time; a second `jtbd run` on the same folder fails fast with a clear line."""
        self.root.mkdir(parents=True, exist_ok=True)
        fh = open(self.root / ".lock", "w")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.close()
            raise WorkspaceLockedError("another jtbd process is working on this folder; try again when it ends", str(self.root)) from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
            fh.close()

    def log(self, message: str) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "a", encoding="utf-8") as fh:
            fh.write(message.rstrip() + "\n")

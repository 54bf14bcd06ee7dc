"""`jtbd run`: every stage, in order, over a folder; incremental, resumable and failure-tolerant.

Each per-interview stage is a pure function of its input file and settings. A stage is skipped
when the manifest holds the same key for it (input hash + settings + rule/prompt versions).
One bad interview never stops the others: its error becomes one line, details go to run.log.
"""
from __future__ import annotations

import hashlib
import shutil
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from schemas import Extraction, Interview, Transcript

from . import ingest
from .errors import JtbdError, printable
from .settings import Settings
from .ui import Progress
from .workspace import Workspace, read_model, write_model, write_text_atomic

STAGES = ("transcribe", "extract", "coach", "synthesize", "report", "export")


@dataclass
class RunResult:
    interviews: list[Interview] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # read, but something was wrong with the input
    retired: list[str] = field(default_factory=list)  # interview ids whose file left the folder this run
    done: dict[str, list[str]] = field(default_factory=dict)  # stage -> interview ids processed (not skipped)
    skipped: dict[str, list[str]] = field(default_factory=dict)
    outputs: list[Path] = field(default_factory=list)
    files: int = 0  # interview files found, usable or not
    analysed: list[str] = field(default_factory=list)  # interview ids whose per-interview stages all succeeded

    @property
    def ok(self) -> bool:
        return not self.failures


def _hash_text(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:20]


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:20]


class Runner:
    def __init__(self, folder: Path, settings: Settings, ws: Workspace | None = None, progress: Progress | None = None):
        self.ws = ws or Workspace(folder)
        self.settings = settings
        self.result = RunResult()
        self.progress = progress or Progress(enabled=settings.progress)

    # bookkeeping -------------------------------------------------------------
    def _fail(self, where: str, exc: BaseException) -> None:
        """One line for a failure; a results folder that takes no more writes ends the run instead."""
        if self.ws.cannot_write(exc):
            raise self.ws.write_error(exc) from None  # type: ignore[arg-type]
        if isinstance(exc, JtbdError):
            line = f"{self._shown(exc.path)}: {exc.reason}" if exc.path else f"{where}: {exc.reason}"
        else:
            line = f"{where}: unexpected error ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}); details in {self.ws.log_path}"
        line = printable(line)
        if not self.ws.log(f"FAILED {line}\n{''.join(traceback.format_exception(exc))}") and "details in" in line:
            line = line.replace(f"details in {self.ws.log_path}", "run.log cannot be written either")
        self.result.failures.append(line)
        self.progress.error(line)

    def _warn(self, interview: Interview, warning: str) -> None:
        line = printable(f"{interview.source}: {warning}")
        self.ws.log(f"WARNING {line}")
        self.result.warnings.append(line)
        self.progress.warn(line)

    def _shown(self, path: str) -> str:
        """A file inside the interview folder is named relative to it, as the researcher dropped it there
        (discovery names them so already; a link is named, not what it points to)."""
        if not Path(path).is_absolute():
            return path
        try:
            return str((Path(path).parent.resolve() / Path(path).name).relative_to(self.ws.folder))
        except (ValueError, OSError):
            return path

    def _stage(self, stage: str, interview_id: str, key: str, output: Path, make: Callable[[], None]) -> bool:
        """Run `make` unless the output is fresh for `key`. Returns False when it failed."""
        if self.ws.is_fresh(interview_id, stage, key, output):
            self.result.skipped.setdefault(stage, []).append(interview_id)
            return True
        make()
        self.ws.mark_done(interview_id, stage, key)
        self.result.done.setdefault(stage, []).append(interview_id)
        return True

    # per-interview stages ----------------------------------------------------
    def transcribe(self, interview: Interview) -> Transcript:
        from .transcribe import transcribe_file, transcription_fingerprint
        from .roles import apply_role_overrides

        auto_path = self.ws.auto_transcript_path(interview.id)
        key = _hash_text(interview.sha256, transcription_fingerprint(interview, self.settings))

        def make() -> None:
            source = self.ws.source_path(interview.source)
            with self.progress.task(f"transcribing {printable(interview.source)}", total=1.0) as tick:
                transcript = transcribe_file(source, interview, self.settings, on_progress=tick)
            write_model(auto_path, transcript)

        self._stage("transcribe", interview.id, key, auto_path, make)
        for warning in read_model(auto_path, Transcript).warnings:  # every run: the file still has the problem
            self._warn(interview, warning)
        overrides = self.settings.roles.get(interview.id, {})
        final_path = self.ws.transcript_path(interview.id)
        role_key = _hash_text(_file_hash(auto_path), repr(sorted(overrides.items())))

        def apply_roles() -> None:
            write_model(final_path, apply_role_overrides(read_model(auto_path, Transcript), overrides))

        self._stage("roles", interview.id, role_key, final_path, apply_roles)
        return read_model(final_path, Transcript)

    def extract(self, interview: Interview) -> Extraction:
        from .extract import extract, extraction_fingerprint, fallback_warning

        path = self.ws.extraction_path(interview.id)
        tpath = self.ws.transcript_path(interview.id)
        key = _hash_text(_file_hash(tpath), extraction_fingerprint(self.settings), self.redact(interview))

        def make() -> None:
            transcript = read_model(tpath, Transcript)
            write_model(path, extract(transcript, self.settings, cache_dir=self.ws.cache_dir))

        self._stage("extract", interview.id, key, path, make)
        extraction = read_model(path, Extraction)
        if warning := fallback_warning(extraction):
            self._warn(interview, warning)
            self.ws.mark_done(interview.id, "extract", "")  # the offline extractor stood in for a failed LLM: try it again next run
        if extraction.llm and extraction.llm.set_aside:
            self._warn(interview, f"LLM answers set aside ({extraction.llm.set_aside}); the offline extraction is kept")
        return extraction

    def redact(self, interview: Interview) -> str:
        """Personal data found before anything leaves the machine (pipeline/privacy); '' when not needed.
        The result's hash joins the extraction's key: a redaction the researcher adds redoes the LLM part."""
        from .privacy import needed, redaction_path, stage_key
        from .privacy.sharing import interview_redaction

        if not needed(self.settings):
            return ""
        transcript = read_model(self.ws.transcript_path(interview.id), Transcript)
        path = redaction_path(self.ws.cache_dir, interview.id)
        key = stage_key(self.ws, transcript, self.settings)
        self._stage("redact", interview.id, key, path, lambda: interview_redaction(self.ws, transcript, self.settings))
        return _file_hash(path)

    def coach(self, interview: Interview) -> None:
        from .coach import coach, coach_fingerprint

        path = self.ws.coach_path(interview.id)
        tpath, epath = self.ws.transcript_path(interview.id), self.ws.extraction_path(interview.id)
        key = _hash_text(_file_hash(tpath), _file_hash(epath), coach_fingerprint(self.settings))

        def make() -> None:
            # the extraction stage already ran: reuse it rather than extracting again for coverage
            write_model(path, coach(read_model(tpath, Transcript), self.settings, read_model(epath, Extraction)))

        self._stage("coach", interview.id, key, path, make)

    # folder-wide stages --------------------------------------------------------
    def synthesize(self) -> None:
        from .privacy import shared_synthesis
        from .synthesize import render_markdown, synthesize

        current = [i.id for i in self.result.interviews] or self.ws.interview_ids()
        ids = [i for i in current if self.ws.extraction_path(i).is_file()]
        if not ids:  # no interview left to synthesize: an older synthesis would describe ones now gone
            for stale in (self.ws.synthesis_path, self.ws.synthesis_md_path):
                stale.unlink(missing_ok=True)
            return
        from .synthesize import Reviewed

        reviewed = []
        for interview_id in ids:
            one = self.ws.load_reviewed(interview_id)
            reviewed.append(Reviewed(one.transcript, one.extraction, one.review.state == "reviewed"))
        with self.progress.task(f"synthesizing {len(ids)} interviews", total=1.0):
            synthesis = synthesize(reviewed, self.settings, cache_dir=self.ws.cache_dir)
        writer = str(synthesis.method.get("writer", ""))
        if writer.startswith("rules (llm"):  # the LLM writer failed or gave nothing usable: say so once
            self.progress.warn(f"synthesis: the LLM writer's answer was not used ({writer[7:-1]}); the offline wording is kept")
        write_model(self.ws.synthesis_path, synthesis)
        write_text_atomic(self.ws.synthesis_md_path, render_markdown(shared_synthesis(synthesis, self.ws, self.settings)))
        self.result.outputs += [self.ws.synthesis_path, self.ws.synthesis_md_path]

    def report(self) -> None:
        from .report import write_report

        self.result.outputs.append(write_report(self.ws, self.settings))

    def export(self) -> None:
        from .export import export

        if not self.ws.interview_ids():  # nothing processed (all failed, or all gone): failures were already reported
            if self.result.retired or self.ws.retired_ids():
                shutil.rmtree(self.ws.exports_dir, ignore_errors=True)  # exports of interviews that are gone
            return
        export(self.ws, self.settings)
        for interview_id in self.ws.retired_ids():  # its file left the folder: so does its export
            (self.ws.exports_dir / f"{interview_id}.md").unlink(missing_ok=True)
        self.result.outputs.append(self.ws.exports_dir)

    # the whole job -------------------------------------------------------------
    def run(self, stages: tuple[str, ...] = STAGES) -> RunResult:
        interviews, problems = ingest.discover(self.ws.folder)
        self.result.interviews, self.result.files = interviews, len(interviews) + len(problems)
        with self.ws.lock(), self.progress:
            self._retire_missing(interviews, problems)
            for problem in problems:
                self._fail(problem.path or "", problem)
            per_interview = [s for s in ("transcribe", "extract", "coach") if s in stages]
            interviews = self._check_whisper_model(interviews)
            for interview in self.progress.track(interviews, f"{len(interviews)} interviews"):
                self._one(interview, per_interview)
            for stage in ("synthesize", "report", "export"):
                if stage in stages:
                    try:
                        getattr(self, stage)()
                    except Exception as exc:  # noqa: BLE001 - reported as one line, details in run.log
                        self._fail(stage, exc)
        return self.result

    def _retire_missing(self, interviews: list[Interview], problems: list[JtbdError]) -> None:
        """Interviews whose file is gone leave every output; their results and decisions stay in the workspace."""
        try:
            self.result.retired = self.ws.retire_missing({i.id for i in interviews}, {p.path for p in problems if p.path})
        except OSError as exc:
            self._fail("jtbd-results", exc)
        if self.result.retired:
            names = ", ".join(self.ws.source_of(i) or i for i in self.result.retired)
            self.progress.note(printable(f"left out of the results, their files are gone: {names} (review decisions are kept in case they come back)"))

    def _check_whisper_model(self, interviews: list[Interview]) -> list[Interview]:
        """A wrong --whisper-model is one line up front, not one per recording; text interviews go on."""
        if not any(i.kind == "audio" for i in interviews):
            return interviews
        from .audio.models import resolve_model

        try:
            resolve_model(self.settings.whisper_model)
        except JtbdError as exc:
            self._fail("--whisper-model", exc)
            return [i for i in interviews if i.kind != "audio"]
        return interviews

    def _one(self, interview: Interview, stages: list[str]) -> None:
        for stage in stages:
            try:
                getattr(self, stage)(interview)
            except Exception as exc:  # noqa: BLE001 - one bad interview never stops the others
                self._fail(interview.source, exc)
                return
        self.result.analysed.append(interview.id)


def run(folder: Path, settings: Settings, stages: tuple[str, ...] = STAGES, progress: Progress | None = None) -> RunResult:
    return Runner(folder, settings, progress=progress).run(stages)

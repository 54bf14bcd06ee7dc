"""`jtbd run`: every stage, in order, over a folder; incremental, resumable and failure-tolerant.

Each per-interview stage is a pure function of its input file and settings. A stage is skipped
when the manifest holds the same key for it (input hash + settings + rule/prompt versions).
One bad interview never stops the others: its error becomes one line, details go to run.log.
"""
from __future__ import annotations

import hashlib
import shutil
import traceback
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from schemas import Extraction, Interview, Transcript

from . import ingest
from .engine import Outcome, Step, do_step, make_engine, work_of
from .errors import JtbdError, printable
from .settings import Settings
from .ui import Progress, StageBar
from .workspace import Workspace, read_model, write_model, write_text_atomic

STAGES = ("transcribe", "extract", "coach", "synthesize", "report", "export")
PER_INTERVIEW = ("transcribe", "extract", "coach")
FOLDER_WIDE = ("synthesize", "report", "export")
_BAR_WORDS = {  # (while running, when done): honest verbs, a text transcript is imported, not transcribed
    "transcribe:audio": ("transcribing {n} recording{s}", "transcribed {n} recording{s}"),
    "transcribe:transcript": ("importing {n} transcript{s}", "imported {n} transcript{s}"),
    "extract": ("extracting forces from {n} interview{s}", "extracted forces from {n} interview{s}"),
    "coach": ("coaching {n} interview{s}", "coached {n} interview{s}"),
}


FOLDER_ENTRY = "_folder"  # the manifest's entry for folder-wide stages (no interview id starts with "_")


def _joined(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _output_settings(settings: Settings) -> str:
    """Every setting but those that only say how or where steps run."""
    return hashlib.sha256(settings.model_dump_json(exclude={"progress", "workers", "engine", "ray_address", "ray_shared_folder"}).encode()).hexdigest()


def _code_fingerprint() -> str:
    """This checkout's code, prompts and schemas: a new version redoes the folder-wide stages."""
    global _CODE
    if _CODE is None:
        root = Path(__file__).resolve().parents[1]
        digest = hashlib.sha256()
        for folder in ("pipeline", "schemas", "prompts"):
            for path in sorted((root / folder).rglob("*")):
                if path.is_file() and path.suffix in {".py", ".html", ".css", ".js", ".j2", ".md", ".json", ".txt", ".toml"}:
                    digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
        _CODE = digest.hexdigest()
    return _CODE


_CODE: str | None = None


def _transcription_fingerprint(interview: Interview, settings: Settings) -> str:
    from .transcribe import transcription_fingerprint

    return transcription_fingerprint(interview, settings)


def _plural(n: int) -> str:
    return "" if n == 1 else "s"


def _stage_line(name: str, total: int, tally: dict[str, int]) -> str:
    """e.g. "imported 5 transcripts: 2 new, 3 unchanged"."""
    parts = [f"{n} {what}" for what, n in tally.items() if n]
    return f"{_BAR_WORDS[name][1].format(n=total, s=_plural(total))}: {', '.join(parts)}"


class _WorkerError(Exception):
    """A bug met by a worker, named as the worker saw it (its traceback goes to run.log)."""


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
    engine: str = ""  # where the steps ran, e.g. "2 worker processes" ("" when there was nothing to run)

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
        self._stages: list[str] = list(PER_INTERVIEW)
        self._by_id: dict[str, Interview] = {}
        self._keys: dict[tuple[str, str], str] = {}  # (stage, interview id) -> key of the step in flight
        self._bars: dict[str, StageBar] = {}
        self._tally: dict[str, dict[str, int]] = {}

    # bookkeeping -------------------------------------------------------------
    def _fail(self, where: str, exc: BaseException, details: str = "") -> None:
        """One line for a failure; a results folder that takes no more writes ends the run instead.
        `details`: the traceback from a worker, where `exc` only stands for it."""
        if self.ws.cannot_write(exc):
            raise self.ws.write_error(exc) from None  # type: ignore[arg-type]
        if isinstance(exc, JtbdError):
            line = f"{self._shown(exc.path)}: {exc.reason}" if exc.path else f"{where}: {exc.reason}"
        else:
            what = str(exc) if isinstance(exc, _WorkerError) else f"{type(exc).__name__}: {exc}"
            line = f"{where}: unexpected error ({what.splitlines()[0] if what else ''}); details in {self.ws.log_path}"
        line = printable(line)
        if not self.ws.log(f"FAILED {line}\n{details or ''.join(traceback.format_exception(exc))}") and "details in" in line:
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

    # per-interview stages: what the driver does around each step --------------------------
    # A step runs on the engine (this process, worker processes, or Ray); everything that reads
    # or writes the workspace (keys, manifest, results) stays here, in the driver.
    def _begin(self, interview: Interview) -> Step | None:
        """The interview's first step to run, or None when there is nothing (left) to run."""
        from .transcribe import transcription_fingerprint

        auto_path = self.ws.auto_transcript_path(interview.id)
        key = _hash_text(interview.sha256, transcription_fingerprint(interview, self.settings))
        if self.ws.is_fresh(interview.id, "transcribe", key, auto_path):
            self._skipped("transcribe", interview)
            return self._after_transcribe(interview)
        self._keys[("transcribe", interview.id)] = key
        source = self.ws.source_path(interview.source)
        if self.settings.engine == "ray" and not self.settings.ray_shared_folder:
            return Step("transcribe", interview, self.settings, data=source.read_bytes())  # nodes may not see this disk
        return Step("transcribe", interview, self.settings, source=str(source))

    def _received(self, outcome: Outcome) -> Step | None:
        """A worker's result: written and recorded here, then the interview's next step."""
        interview = self._by_id[outcome.interview_id]
        if not outcome.ok:
            self._fail_outcome(interview, outcome)
            self._give_up(interview)
            return None
        stage = outcome.stage
        path = {"transcribe": self.ws.auto_transcript_path(interview.id),
                "extract": self.ws.extraction_path(interview.id), "coach": self.ws.coach_path(interview.id)}[stage]
        write_text_atomic(path, outcome.json or "")
        self.ws.mark_done(interview.id, stage, self._keys.pop((stage, interview.id)))
        self._did(stage, interview)
        if stage == "transcribe":
            return self._after_transcribe(interview)
        if stage == "extract":
            return self._after_extract(interview)
        self._finished(interview)
        return None

    def _after_transcribe(self, interview: Interview) -> Step | None:
        from .roles import apply_role_overrides

        auto_path = self.ws.auto_transcript_path(interview.id)
        for warning in read_model(auto_path, Transcript).warnings:  # every run: the file still has the problem
            self._warn(interview, warning)
        overrides = self.settings.roles.get(interview.id, {})
        final_path = self.ws.transcript_path(interview.id)
        role_key = _hash_text(_file_hash(auto_path), repr(sorted(overrides.items())))

        def apply_roles() -> None:
            write_model(final_path, apply_role_overrides(read_model(auto_path, Transcript), overrides))

        self._stage("roles", interview.id, role_key, final_path, apply_roles)
        if "extract" not in self._stages:
            self._finished(interview)
            return None
        from .extract import extraction_fingerprint

        path = self.ws.extraction_path(interview.id)
        key = _hash_text(_file_hash(final_path), extraction_fingerprint(self.settings), self.redact(interview))
        if self.ws.is_fresh(interview.id, "extract", key, path):
            self._skipped("extract", interview)
            return self._after_extract(interview)
        self._keys[("extract", interview.id)] = key
        return Step("extract", interview, self.settings, transcript=final_path.read_text(encoding="utf-8"), cache_dir=self._cache_for_workers())

    def _after_extract(self, interview: Interview) -> Step | None:
        from .extract import fallback_warning

        extraction = read_model(self.ws.extraction_path(interview.id), Extraction)
        if warning := fallback_warning(extraction):
            self._warn(interview, warning)
            self.ws.mark_done(interview.id, "extract", "")  # the offline extractor stood in for a failed LLM: try it again next run
        if extraction.llm and extraction.llm.set_aside:
            self._warn(interview, f"LLM answers set aside ({extraction.llm.set_aside}); the offline extraction is kept")
        if "coach" not in self._stages:
            self._finished(interview)
            return None
        from .coach import coach_fingerprint

        path = self.ws.coach_path(interview.id)
        tpath, epath = self.ws.transcript_path(interview.id), self.ws.extraction_path(interview.id)
        key = _hash_text(_file_hash(tpath), _file_hash(epath), coach_fingerprint(self.settings))
        if self.ws.is_fresh(interview.id, "coach", key, path):
            self._skipped("coach", interview)
            self._finished(interview)
            return None
        self._keys[("coach", interview.id)] = key
        # the extraction stage already ran: coaching reuses it rather than extracting again for coverage
        return Step("coach", interview, self.settings, transcript=tpath.read_text(encoding="utf-8"), extraction=epath.read_text(encoding="utf-8"))

    def _cache_for_workers(self) -> str | None:
        """LLM answers are cached in the workspace for workers on this machine. Offline, the cache would
        only hold sentence vectors that no re-run needs (unchanged interviews are skipped), and one
        shared file rewritten by every worker is the slowest part of extracting a large folder."""
        if self.settings.engine == "ray" or not self.settings.llm.configured:
            return None
        return str(self.ws.cache_dir)

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

    def transcribe(self, interview: Interview) -> Transcript:
        """One interview's transcript, in this process (tools and tests)."""
        self._by_id[interview.id], self._stages = interview, ["transcribe"]
        step = self._begin(interview)
        if step is not None:
            self._received(do_step(step))
        return read_model(self.ws.transcript_path(interview.id), Transcript)

    # per-interview bookkeeping: bars and result lists ------------------------------------
    def _bar_name(self, stage: str, interview: Interview) -> str:
        return f"transcribe:{interview.kind}" if stage == "transcribe" else stage

    def _count(self, stage: str, interview: Interview, outcome: str) -> None:
        name = self._bar_name(stage, interview)
        tally = self._tally.setdefault(name, {"new": 0, "unchanged": 0, "failed": 0})
        tally[outcome] += 1
        bar = self._bars.get(name)
        if bar is None:
            return
        bar.advance()
        if bar.count == bar.total:
            bar.finish(_stage_line(name, bar.total, tally))

    def _did(self, stage: str, interview: Interview) -> None:
        self.result.done.setdefault(stage, []).append(interview.id)
        self._count(stage, interview, "new")

    def _skipped(self, stage: str, interview: Interview) -> None:
        self.result.skipped.setdefault(stage, []).append(interview.id)
        self._count(stage, interview, "unchanged")

    def _give_up(self, interview: Interview) -> None:
        """The interview failed: every stage it will not reach is counted, so each bar still ends."""
        counted = {s for s, ids in (*self.result.done.items(), *self.result.skipped.items()) if interview.id in ids}
        for stage in self._stages:
            if stage not in counted:
                self._count(stage, interview, "failed")
                counted.add(stage)

    def _finished(self, interview: Interview) -> None:
        self.result.analysed.append(interview.id)

    def _fail_outcome(self, interview: Interview, outcome: Outcome) -> None:
        if outcome.expected:
            exc: Exception = JtbdError(outcome.error or "", outcome.error_path)
        else:
            exc = _WorkerError(outcome.error or "")
        self._fail(interview.source, exc, details=outcome.details)

    def _partial(self, step: Step, fraction: float) -> None:
        bar = self._bars.get(self._bar_name(step.stage, step.interview))
        if bar:
            bar.partial(fraction)

    def _make_bars(self, interviews: list[Interview]) -> None:
        kinds = {"audio": sum(i.kind == "audio" for i in interviews), "transcript": sum(i.kind != "audio" for i in interviews)}
        totals = {f"transcribe:{k}": n for k, n in kinds.items()} if "transcribe" in self._stages else {}
        totals.update({s: len(interviews) for s in ("extract", "coach") if s in self._stages})
        for name, total in totals.items():
            if total:
                self._bars[name] = self.progress.stage(_BAR_WORDS[name][0].format(n=total, s=_plural(total)), total)

    def _per_interview(self, interviews: list[Interview]) -> None:
        """Every interview through its steps: later steps first, so interviews finish whole and a
        killed run leaves finished interviews; at most `engine.capacity` steps in flight."""
        self._by_id.update({i.id: i for i in interviews})
        self._make_bars(interviews)
        todo, ready = deque(interviews), deque()
        engine, in_flight = None, 0
        try:
            while True:
                while (ready or todo) and (engine is None or in_flight < engine.capacity):
                    if ready:
                        step = ready.popleft()
                    else:
                        interview = todo.popleft()
                        step = self._guarded(interview, self._begin, interview)
                    if step is None:
                        continue
                    if engine is None:
                        engine = make_engine(self.settings, work_of([step.interview, *self._likely_todo(todo)]) + len(ready), on_progress=self._partial)
                        self.result.engine = engine.name
                    engine.submit(step)
                    in_flight += 1
                if not in_flight:
                    return
                for outcome in engine.wait():
                    in_flight -= 1
                    step = self._guarded(self._by_id[outcome.interview_id], self._received, outcome)
                    if step is not None:
                        ready.append(step)
        finally:
            if engine is not None:
                engine.close()

    def _likely_todo(self, interviews) -> list[Interview]:
        """Those of `interviews` with a step the manifest does not hold (a guess: a changed setting is
        only found step by step), so that one new file in a large folder does not start workers."""
        manifest = self.ws._manifest()
        return [i for i in interviews if any(not manifest.get(i.id, {}).get(stage) for stage in self._stages)
                or manifest[i.id].get("transcribe") != _hash_text(i.sha256, _transcription_fingerprint(i, self.settings))]

    def _guarded(self, interview: Interview, fn: Callable, arg) -> Step | None:
        """Driver-side work for one interview; its failure is that interview's one line."""
        try:
            return fn(arg)
        except Exception as exc:  # noqa: BLE001 - one bad interview never stops the others
            self._fail(interview.source, exc)
            self._give_up(interview)
            return None

    # folder-wide stages --------------------------------------------------------
    # folder-wide stages: redone only when one of their inputs changed ------------------------
    def _synthesis_ids(self) -> list[str]:
        current = [i.id for i in self.result.interviews] or self.ws.interview_ids()
        return [i for i in current if self.ws.extraction_path(i).is_file()]

    def _folder_outputs(self, stage: str) -> list[Path]:
        if stage == "synthesize":
            return [self.ws.synthesis_path, self.ws.synthesis_md_path]
        return [self.ws.report_path] if stage == "report" else [self.ws.exports_dir]

    def _folder_key(self, stage: str) -> str:
        """A hash over everything the stage reads: every current interview's results and review
        decisions, the synthesis (for report and exports), redactions, the settings that can change
        an output, the survey file, the code, and the date key results default to."""
        from .privacy import redaction_path
        from .synthesize.okr import default_date

        ids = self._synthesis_ids() if stage == "synthesize" else self.ws.interview_ids()
        names = ["transcript.json", "extraction.json", "review.json"] + ([] if stage == "synthesize" else ["coach.json"])
        files = [self.ws.interview_dir(i) / name for i in ids for name in names]
        files += [redaction_path(self.ws.cache_dir, i) for i in ids]
        if stage != "synthesize":
            files.append(self.ws.synthesis_path)
        if self.settings.survey_csv:
            files.append(Path(self.settings.survey_csv).expanduser())
        hashes = [f"{f.name}={_file_hash(f) if f.is_file() else '-'}" for f in files]
        return _hash_text(stage, *ids, *hashes, "retired", *self.ws.retired_ids(), _output_settings(self.settings),
                          _code_fingerprint(), self.settings.key_result_date or str(default_date()))

    def _folder_stage(self, stage: str) -> bool:
        """Run a folder-wide stage unless its outputs are there for the same key; True when skipped."""
        key, outputs = self._folder_key(stage), self._folder_outputs(stage)
        if all(p.exists() for p in outputs) and self.ws.stage_key(FOLDER_ENTRY, stage) == key:
            self.result.skipped.setdefault(stage, []).append(FOLDER_ENTRY)
            self.result.outputs += outputs
            return True
        getattr(self, stage)()
        self.ws.mark_done(FOLDER_ENTRY, stage, key)
        self.result.done.setdefault(stage, []).append(FOLDER_ENTRY)
        return False

    def synthesize(self) -> None:
        from .privacy import shared_synthesis
        from .synthesize import render_markdown, synthesize

        ids = self._synthesis_ids()
        if not ids:  # no interview left to synthesize: an older synthesis would describe ones now gone
            for stale in (self.ws.synthesis_path, self.ws.synthesis_md_path):
                stale.unlink(missing_ok=True)
            return
        from .synthesize import Reviewed

        reviewed = []
        for interview_id in ids:
            one = self.ws.load_reviewed(interview_id)
            reviewed.append(Reviewed(one.transcript, one.extraction, one.review.state == "reviewed"))
        bar = self.progress.stage(f"synthesizing {len(ids)} interview{_plural(len(ids))}", None, single=True)
        synthesis = synthesize(reviewed, self.settings, cache_dir=self.ws.cache_dir)
        bar.finish(f"synthesized {len(ids)} interview{_plural(len(ids))}")
        writer = str(synthesis.method.get("writer", ""))
        if writer.startswith("rules (llm"):  # the LLM writer failed or gave nothing usable: say so once
            self.progress.warn(f"synthesis: the LLM writer's answer was not used ({writer[7:-1]}); the offline wording is kept")
        write_model(self.ws.synthesis_path, synthesis)
        write_text_atomic(self.ws.synthesis_md_path, render_markdown(shared_synthesis(synthesis, self.ws, self.settings)))
        self.result.outputs += [self.ws.synthesis_path, self.ws.synthesis_md_path]

    def report(self) -> None:
        from .report import write_report

        bar = self.progress.stage("writing the report", None, single=True)
        self.result.outputs.append(write_report(self.ws, self.settings))
        bar.finish("wrote the report")

    def export(self) -> None:
        from .export import export

        if not self.ws.interview_ids():  # nothing processed (all failed, or all gone): failures were already reported
            if self.result.retired or self.ws.retired_ids():
                shutil.rmtree(self.ws.exports_dir, ignore_errors=True)  # exports of interviews that are gone
            return
        bar = self.progress.stage("writing the exports", None, single=True)
        export(self.ws, self.settings)
        bar.finish("wrote the exports")
        for interview_id in self.ws.retired_ids():  # its file left the folder: so does its export
            self.ws.interview_export_path(interview_id).unlink(missing_ok=True)
        self.result.outputs.append(self.ws.exports_dir)

    # the whole job -------------------------------------------------------------
    def run(self, stages: tuple[str, ...] = STAGES) -> RunResult:
        interviews, problems = ingest.discover(self.ws.folder)
        self.result.interviews, self.result.files = interviews, len(interviews) + len(problems)
        with self.ws.lock(), self.progress:
            self._sweep_temporary_files()
            self._retire_missing(interviews, problems)
            for problem in problems:
                self._fail(problem.path or "", problem)
            self._stages = [s for s in PER_INTERVIEW if s in stages]
            interviews = self._check_whisper_model(interviews)
            if self._stages:
                self._per_interview(interviews)
            unchanged = []
            for stage in (s for s in FOLDER_WIDE if s in stages):
                try:
                    if self._folder_stage(stage):
                        unchanged.append(stage)
                except Exception as exc:  # noqa: BLE001 - reported as one line, details in run.log
                    self._fail(stage, exc)
            if unchanged:
                words = {"synthesize": "synthesis", "report": "report", "export": "exports"}
                self.progress.line(f"{_joined([words[s] for s in unchanged])}: inputs and settings unchanged, not redone")
        self._in_folder_order()
        return self.result

    def _in_folder_order(self) -> None:
        """Workers finish in any order; the result lists follow the folder's order."""
        rank = {i.id: n for n, i in enumerate(self.result.interviews)}
        for lists in (self.result.done, self.result.skipped):
            for stage, ids in lists.items():
                ids.sort(key=lambda i: rank.get(i, -1))
        self.result.analysed.sort(key=lambda i: rank.get(i, -1))

    def _sweep_temporary_files(self) -> None:
        """A run killed outright (SIGKILL, power cut) mid-write leaves its temporary file behind, never a
        half-written result; with the lock held no one else is writing, so any left now is such debris."""
        for path in self.ws.root.rglob("*.tmp"):
            path.unlink(missing_ok=True)

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


def run(folder: Path, settings: Settings, stages: tuple[str, ...] = STAGES, progress: Progress | None = None) -> RunResult:
    return Runner(folder, settings, progress=progress).run(stages)

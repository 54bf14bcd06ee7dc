"""Where the per-interview steps run: in this process, in worker processes, or on a Ray cluster.

A step (transcribe, extract or coach one interview) is a pure function of its inputs: it reads no
workspace and writes none. Workers return an `Outcome` holding the result as JSON, or the failure
as plain text; the driver (pipeline/run.py) alone writes the workspace and the manifest, so a
killed worker or a killed driver never leaves a half-written or unrecorded result behind.

Engines share one small interface: `submit(step)`, `wait()` (at least one finished outcome),
`capacity` (steps worth keeping in flight) and `close()`.
"""
from __future__ import annotations

import os
import tempfile
import time
import traceback
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from schemas import Extraction, Interview, Transcript

from .errors import JtbdError
from .settings import Settings

STEPS = ("transcribe", "extract", "coach")


@dataclass
class Step:
    """One interview's step, with everything a worker on any machine needs."""

    stage: str
    interview: Interview
    settings: Settings
    source: str | None = None  # a path the worker can read (local engine; Ray with a shared folder)
    data: bytes | None = None  # or the file itself (Ray: recordings travel through the object store)
    transcript: str | None = None  # JSON of the transcript (extract, coach)
    extraction: str | None = None  # JSON of the extraction (coach)
    cache_dir: str | None = None  # LLM answer cache; None on machines that do not see the workspace
    attempts: int = 0  # times a worker died under this step (local engine)

    @property
    def key(self) -> tuple[str, str]:
        return self.stage, self.interview.id


@dataclass
class Outcome:
    stage: str
    interview_id: str
    json: str | None = None  # the stage's schema model, as it will be written
    error: str | None = None  # the failure's reason, one line
    error_path: str | None = None  # the file a JtbdError named, if any
    expected: bool = True  # a JtbdError (bad input, LLM down) rather than a bug
    details: str = ""  # the traceback, for run.log
    seconds: float = 0.0
    worker: str = field(default_factory=lambda: f"{os.uname().nodename}:{os.getpid()}")

    @property
    def ok(self) -> bool:
        return self.error is None


def do_step(step: Step, on_progress: Callable[[float], None] | None = None) -> Outcome:
    """Run one step; every failure comes back as an Outcome, never as an exception."""
    started = time.perf_counter()
    out = Outcome(step.stage, step.interview.id)
    try:
        out.json = _STEP_FUNCTIONS[step.stage](step, on_progress).model_dump_json(indent=2)
    except JtbdError as exc:
        out.error, out.error_path, out.details = exc.reason, exc.path, traceback.format_exc()
    except Exception as exc:  # noqa: BLE001 - a bug in one interview's step is that interview's failure
        out.error, out.expected, out.details = f"{type(exc).__name__}: {exc}", False, traceback.format_exc()
    out.seconds = time.perf_counter() - started
    return out


def _transcribe(step: Step, on_progress) -> Transcript:
    from .transcribe import transcribe_file

    if step.data is None:
        return transcribe_file(Path(step.source or ""), step.interview, step.settings, on_progress=on_progress)
    with tempfile.TemporaryDirectory(prefix="jtbd-step-") as tmp:  # same file name: importers may read it
        path = Path(tmp) / Path(step.interview.source).name
        path.write_bytes(step.data)
        return transcribe_file(path, step.interview, step.settings, on_progress=on_progress)


def _extract(step: Step, on_progress) -> Extraction:
    from .extract import extract

    cache = Path(step.cache_dir) if step.cache_dir else None
    return extract(Transcript.model_validate_json(step.transcript or ""), step.settings, cache_dir=cache)


def _coach(step: Step, on_progress):
    from .coach import coach

    transcript = Transcript.model_validate_json(step.transcript or "")
    return coach(transcript, step.settings, Extraction.model_validate_json(step.extraction or ""))


_STEP_FUNCTIONS = {"transcribe": _transcribe, "extract": _extract, "coach": _coach}


# engines ----------------------------------------------------------------------
class InlineEngine:
    """Steps run one at a time in this process (one worker, or little to do)."""

    capacity = 1
    name = "this process"

    def __init__(self, on_progress: Callable[[Step, float], None] | None = None):
        self._queue: deque[Step] = deque()
        self._on_progress = on_progress

    def submit(self, step: Step) -> None:
        self._queue.append(step)

    def wait(self) -> list[Outcome]:
        step = self._queue.popleft()
        tick = (lambda fraction: self._on_progress(step, fraction)) if self._on_progress else None
        return [do_step(step, tick)]

    def close(self) -> None:
        self._queue.clear()


def _init_worker(threads: int) -> None:
    """Each worker process gets its share of the cores, so N workers do not fight over N cores."""
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "JTBD_CPU_THREADS"):
        os.environ[name] = str(threads)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


class ProcessEngine:
    """Worker processes on this machine; each loads its models once and keeps them for the run.

    A worker that dies (killed, out of memory, a crash in native code) takes its pool with it: the
    steps in flight go to a fresh pool once more; a step that kills a worker twice fails alone."""

    def __init__(self, workers: int):
        self.workers = workers
        self.name = f"{workers} worker processes"
        self.capacity = workers * 2  # one running and one queued per worker keeps every core busy
        self._pool = self._new_pool()
        self._running: dict[Future, Step] = {}

    def _new_pool(self) -> ProcessPoolExecutor:
        import multiprocessing

        threads = max(1, (_cores() // self.workers))
        # spawn, not fork: the driver holds threads (progress bars) and fork would copy their locks
        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_init_worker, initargs=(threads,))

    def submit(self, step: Step) -> None:
        self._running[self._pool.submit(do_step, step)] = step

    def wait(self) -> list[Outcome]:
        done, _ = wait(list(self._running), return_when=FIRST_COMPLETED)
        outcomes, broken = [], []
        for future in done:
            step = self._running.pop(future)
            try:
                outcomes.append(future.result())
            except BrokenProcessPool:
                broken.append(step)
        if broken:
            outcomes += self._restart(broken)
        return outcomes

    def _restart(self, broken: list[Step]) -> list[Outcome]:
        """A fresh pool takes every step that was in flight; those already retried once fail."""
        broken += list(self._running.values())
        self._running.clear()
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._new_pool()
        failed = []
        for step in broken:
            step.attempts += 1
            if step.attempts >= 2:
                failed.append(Outcome(step.stage, step.interview.id, error="a worker process died on this file twice (out of memory?)",
                                      error_path=step.interview.source))
            else:
                self.submit(step)
        return failed

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_workers() -> int:
    return _cores()


# Starting a worker process costs seconds (it loads spaCy, torch and the models), about what a
# recording's transcription or a few transcripts' extraction take: fewer than this much work
# (a recording counts AUDIO_WORK, a transcript 1) runs in this process, which loads them once.
AUDIO_WORK = 8
MIN_WORK_FOR_WORKERS = 12


def work_of(interviews) -> int:
    return sum(AUDIO_WORK if i.kind == "audio" else 1 for i in interviews)


def make_engine(settings: Settings, work: int, on_progress: Callable[[Step, float], None] | None = None):
    """The engine the settings ask for, no bigger than the work left to do."""
    if settings.engine == "ray":
        from .ray_engine import RayEngine

        return RayEngine(settings)
    workers = min(settings.workers or default_workers(), max(work, 1))
    if workers > 1 and work >= MIN_WORK_FOR_WORKERS:
        return ProcessEngine(workers)
    return InlineEngine(on_progress)

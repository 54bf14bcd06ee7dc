"""The Ray engine: per-interview steps on a Ray cluster, one actor per CPU slot.

Each actor loads its models once (the stage modules keep them per process) and runs steps sent to
it. The driver keeps sole ownership of the workspace: actors return `Outcome`s, nothing else.
Recordings travel as bytes through Ray's object store, unless `ray_shared_folder = true` says the
interview folder is mounted at the same path on every node; then actors read the path.

Faults: an actor whose process dies is restarted by Ray (`max_restarts`) and the steps it held are
sent again (`max_task_retries`), so the run completes; a driver killed mid-run loses nothing,
since every finished step was written and recorded as it arrived (re-run to resume).
"""
from __future__ import annotations

import os

from .engine import Outcome, Step, do_step
from .errors import ConfigError
from .settings import Settings

MAX_RESTARTS = 3
MAX_TASK_RETRIES = 3
ACTOR_PREFIX = "jtbd-worker"


class StepWorker:
    """Runs steps; lives as a Ray actor (one process) for the whole run."""

    def __init__(self, threads: int):
        for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "JTBD_CPU_THREADS"):
            os.environ[name] = str(threads)
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

    def run(self, step: Step) -> Outcome:
        return do_step(step)

    def pid(self) -> int:
        return os.getpid()


def _ray():
    try:
        import ray
    except ImportError:
        raise ConfigError("engine 'ray' needs Ray: pip install 'jtbd-analyser[ray]' (or pip install ray)") from None
    return ray


class RayEngine:
    def __init__(self, settings: Settings):
        ray = self.ray = _ray()
        if not ray.is_initialized():
            address = settings.ray_address or os.environ.get("RAY_ADDRESS") or None
            try:  # a cluster at `address`, or a local one just for this run
                ray.init(address=address, include_dashboard=False, logging_level="ERROR", log_to_driver=False,
                         runtime_env=_runtime_env(), **({} if address else {"num_cpus": settings.workers or None}))
            except (ConnectionError, RuntimeError, ValueError) as exc:
                raise ConfigError(f"cannot reach the Ray cluster at {address}: {str(exc).splitlines()[0]}") from None
            self._owns_init = True
        else:
            self._owns_init = False
        slots = settings.workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        actor = ray.remote(num_cpus=1, max_restarts=MAX_RESTARTS, max_task_retries=MAX_TASK_RETRIES)(StepWorker)
        tag = f"{ACTOR_PREFIX}-{os.uname().nodename}-{os.getpid()}"  # named, so tests and operators can find them
        self._actors = [actor.options(name=f"{tag}-{i}").remote(1) for i in range(slots)]
        self._load = [0] * slots
        self._running: dict = {}  # ObjectRef -> (step, actor index)
        self.capacity = slots * 2
        self.name = f"{slots} Ray actors"
        self.shared_folder = settings.ray_shared_folder

    def submit(self, step: Step) -> None:
        index = min(range(len(self._actors)), key=self._load.__getitem__)
        ref = self._actors[index].run.remote(step)
        self._running[ref] = (step, index)
        self._load[index] += 1

    def wait(self) -> list[Outcome]:
        ready, _ = self.ray.wait(list(self._running), num_returns=1)
        outcomes = []
        for ref in ready:
            step, index = self._running.pop(ref)
            self._load[index] -= 1
            try:
                outcomes.append(self.ray.get(ref))
            except self.ray.exceptions.RayError as exc:  # the actor died more often than it may be restarted
                outcomes.append(Outcome(step.stage, step.interview.id, error=f"Ray worker failed: {str(exc).splitlines()[0]}",
                                        error_path=step.interview.source, expected=False, details=str(exc)))
        return outcomes

    def close(self) -> None:
        for actor in self._actors:
            self.ray.kill(actor, no_restart=True)
        self._actors.clear()
        if self._owns_init:
            self.ray.shutdown()


def _runtime_env() -> dict:
    """Workers import this checkout's code (and see PYTHONPATH), wherever the driver runs from."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)
    return {"env_vars": {"PYTHONPATH": path}}

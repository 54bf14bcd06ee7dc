"""Shared by the audio benchmarks: another revision's code to measure against, and the stereo call.

`checkout(REV)` puts REV in a temporary git worktree; a child process that puts that folder first
on sys.path runs REV's pipeline with this checkout's benchmark script and virtualenv, so "today"
and "now" are measured on the same audio, machine and models.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def checkout(rev: str | None) -> Iterator[Path]:
    """This checkout when `rev` is None, else a throwaway worktree of `rev`, removed afterwards."""
    if rev is None:
        yield ROOT
        return
    with tempfile.TemporaryDirectory(prefix="jtbd-baseline-") as tmp:
        tree = Path(tmp) / "tree"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(tree), rev], check=True)
        try:
            yield tree
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)


def label(rev: str | None) -> str:
    if rev is None:
        return "this checkout"
    done = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", rev], capture_output=True, text=True, check=False)
    return f"{rev} ({done.stdout.strip()})" if done.returncode == 0 else rev


def render_call(out: Path, bleed: float, crosstalk: float | None = None) -> list[tuple[str, str, float, float]]:
    """scripts/make_stereo_audio.py's call, one speaker per channel, written to `out`."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from make_stereo_audio import CALL, crosstalk as talk_over, render

    return render(talk_over(CALL, crosstalk) if crosstalk else CALL, out, bleed=bleed)


def speech_seconds(timed: list[tuple[str, str, float, float]]) -> tuple[float, float]:
    """(seconds someone is talking, sum over speakers of their own talking): the mix and the tracks."""
    def union(spans: list[tuple[float, float]]) -> float:
        total, end = 0.0, 0.0
        for a, b in sorted(spans):
            total += max(0.0, b - max(a, end))
            end = max(end, b)
        return total

    spans = [(a, b) for _, _, a, b in timed]
    roles = {role for role, *_ in timed}
    return union(spans), sum(union([(a, b) for r, _, a, b in timed if r == role]) for role in roles)

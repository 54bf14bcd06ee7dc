"""Where the shared interview corpus lies: $JTBD_CORPUS, else ../shared/corpora/anthropic-interviewer
next to the checkout. Tests that need it skip when it is absent; benchmarks take --corpus too."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "corpora" / "anthropic-interviewer"


def corpus_dir(given: str | Path | None = None) -> Path:
    """The corpus folder: the one given (an argument), else $JTBD_CORPUS, else the default next to the repo."""
    return Path(given or os.environ.get("JTBD_CORPUS") or DEFAULT).expanduser()


# what a run writes per interview: compared byte for byte between engines
RESULTS = ("transcript.auto.json", "transcript.json", "extraction.json", "coach.json")


def corpus_folder(folder: Path, n: int) -> Path:
    """A folder holding the corpus's first n interviews; the test skips when the corpus is not there."""
    corpus = corpus_dir()
    files = sorted(p for p in corpus.glob("*.md") if p.name.lower() != "readme.md")[:n]
    if len(files) < n:
        pytest.skip(f"needs {n} interviews of the corpus at {corpus} (set JTBD_CORPUS)")
    folder.mkdir()
    for path in files:
        shutil.copy(path, folder / path.name)
    return folder


def results(folder: Path) -> dict[str, bytes]:
    """Every per-interview result file of a run on `folder`, by interview/name."""
    base = folder / "jtbd-results" / "interviews"
    return {f"{d.name}/{name}": (d / name).read_bytes() for d in sorted(base.iterdir()) for name in RESULTS if (d / name).is_file()}

"""Where the shared interview corpus lies: $JTBD_CORPUS, else ../shared/corpora/anthropic-interviewer
next to the checkout. Tests that need it skip when it is absent; benchmarks take --corpus too."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "corpora" / "anthropic-interviewer"


def corpus_dir(given: str | Path | None = None) -> Path:
    """The corpus folder: the one given (an argument), else $JTBD_CORPUS, else the default next to the repo."""
    return Path(given or os.environ.get("JTBD_CORPUS") or DEFAULT).expanduser()

"""The coach's readable data files (lexicon.json: patterns; questions.json: follow-up questions),
with every pattern compiled once."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).parent
DATA_FILES = ("lexicon.json", "questions.json")
LISTS = ("leading", "hypothetical", "pitch", "either_or", "requests", "probes", "scripted", "intro")


@lru_cache(maxsize=1)
def lexicon() -> dict:
    data = json.loads((HERE / "lexicon.json").read_text(encoding="utf-8"))
    bank = json.loads((HERE / "questions.json").read_text(encoding="utf-8"))
    compile_all = lambda items: [re.compile(p, re.I) for p in items]  # noqa: E731
    return {
        **{k: compile_all(data[k]) for k in LISTS},
        "closed_start": re.compile(data["closed_start"], re.I),
        "force_questions": {k: compile_all(v) for k, v in data["force_questions"].items()},
        "bank": bank,
    }

"""Prompt templates as files. The LLM cache key and the extraction fingerprint include their text,
so editing a prompt re-runs exactly what it affects.

File names carry the version: `<name>.v<N>.md`; `load("extract.system")` returns the highest version.
Templates use `{{field}}` placeholders (not str.format: transcripts are full of braces).
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PROMPT_DIR = Path(__file__).parent
_FILE = re.compile(r"^(?P<name>.+)\.v(?P<version>\d+)\.md$")
_FIELD = re.compile(r"\{\{\s*(\w+)\s*\}\}")


@dataclass(frozen=True)
class Prompt:
    name: str
    version: int
    text: str

    @property
    def sha(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()[:16]

    def render(self, **fields: str) -> str:
        """Fill every `{{field}}`; a missing field is a programming error, so it raises KeyError."""
        return _FIELD.sub(lambda m: str(fields[m.group(1)]), self.text).strip()


def versions(name: str) -> dict[int, Path]:
    found = {}
    for path in PROMPT_DIR.glob(f"{name}.v*.md"):
        match = _FILE.match(path.name)
        if match and match["name"] == name:
            found[int(match["version"])] = path
    return found


@lru_cache(maxsize=None)
def load(name: str, version: int | None = None) -> Prompt:
    """The prompt `name` at `version` (default: the highest one on disk)."""
    found = versions(name)
    if not found:
        raise FileNotFoundError(f"no prompt file {name}.v*.md in {PROMPT_DIR}")
    chosen = max(found) if version is None else version
    return Prompt(name=name, version=chosen, text=found[chosen].read_text(encoding="utf-8"))

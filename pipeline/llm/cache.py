"""On-disk response cache and prompt/response log for LLM calls.

Layout under the workspace cache dir (like simonw/llm's logs, but JSONL so it can be grepped):

    llm/<sha256>.json     one validated answer per request key; a re-run costs no tokens
    llm/log.jsonl         every request sent and every answer received, cached or not
"""
from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

from ..workspace import write_text_atomic


def cache_key(messages: list[dict[str, str]], model: str, base_url: str, schema: dict[str, Any], temperature: float) -> str:
    """Everything that can change the answer: the rendered prompt (chunk text + prompt files), the
    model and endpoint, the response schema and the sampling temperature."""
    payload = json.dumps(
        {"messages": messages, "model": model, "base_url": base_url, "schema": schema, "temperature": temperature},
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


class LLMCache:
    def __init__(self, root: Path):
        self.dir = Path(root) / "llm"

    def get(self, key: str) -> dict[str, Any] | None:
        try:
            return json.loads((self.dir / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None  # a missing or damaged entry is just a miss

    def put(self, key: str, value: dict[str, Any]) -> None:
        write_text_atomic(self.dir / f"{key}.json", json.dumps(value, ensure_ascii=False, indent=1))

    def log(self, record: dict[str, Any]) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        record = {"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **record}
        with open(self.dir / "log.jsonl", "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")

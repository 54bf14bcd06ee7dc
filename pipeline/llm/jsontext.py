"""Pull the first JSON object out of free text, for models that wrap JSON in prose or code fences."""
from __future__ import annotations

import json
from typing import Any

# strict=False: grammar-constrained servers (llama.cpp's `char ::= [^"\\]`) let raw newlines into
# strings; they are harmless, and rejecting them would turn a usable answer into a retry.
_decoder = json.JSONDecoder(strict=False)


def first_json_object(text: str) -> Any:
    """The first decodable JSON object in `text`. Raises ValueError when there is none, naming why."""
    start = text.find("{")
    last_error = "no JSON object in the answer"
    while start >= 0:
        try:
            value, _ = _decoder.raw_decode(text, start)
            if isinstance(value, dict):
                return value
        except json.JSONDecodeError as exc:
            last_error = f"invalid JSON: {exc.msg} at char {exc.pos}"
        start = text.find("{", start + 1)
    raise ValueError(last_error)

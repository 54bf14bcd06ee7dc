"""Structured output in the spirit of jxnl/instructor: ask for JSON matching a pydantic model,
validate, and on failure retry with the validation error fed back to the model.

Response modes, strongest first; the first one an endpoint accepts is remembered per endpoint
for the rest of the process:
  json_schema  response_format={"type": "json_schema", ...}      OpenAI, vLLM, llama.cpp server, Ollama
  json_object  response_format={"type": "json_object", "schema"}  llama-cpp-python (grammar-constrained)
  prompt       the schema in the system message; first JSON object parsed from the text
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, TypeVar

import openai
from pydantic import BaseModel, ValidationError

from ..errors import LLMError
from ..settings import Endpoint, Settings
from .cache import LLMCache, cache_key
from .client import chat, failure, is_format_rejection, retrying
from .jsontext import first_json_object

M = TypeVar("M", bound=BaseModel)
MODES = ("json_schema", "json_object", "prompt")
_modes: dict[tuple[str, str], str] = {}  # (base_url, model) -> the mode that worked


@dataclass
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0
    cached_calls: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(*(a + b for a, b in zip(self.astuple(), other.astuple())))

    def astuple(self) -> tuple[int, int, int, int]:
        return (self.prompt_tokens, self.completion_tokens, self.calls, self.cached_calls)


class InvalidAnswer(ValueError):
    """The model's text did not parse or validate; `feedback` is what we tell it."""

    def __init__(self, text: str, feedback: str):
        super().__init__(feedback)
        self.text = text
        self.feedback = feedback


def reset_modes() -> None:
    _modes.clear()


def complete_structured(
    messages: list[dict[str, str]],
    response_model: type[M],
    settings: Settings,
    cache: LLMCache | None = None,
    *,
    max_tokens: int = 2048,
    purpose: str = "",
) -> tuple[M, Usage]:
    """Ask the configured endpoint for an instance of `response_model`. Cached by request content.
    Raises LLMError (one line) when the endpoint fails or never returns valid output."""
    endpoint = settings.llm.endpoint
    schema = response_model.model_json_schema()
    key = cache_key(messages, endpoint.model, endpoint.base_url, schema, endpoint.temperature)
    cached = _from_cache(cache, key, response_model)
    if cached is not None:
        if cache:
            cache.log({"purpose": purpose, "model": endpoint.model, "base_url": endpoint.base_url, "cached": key})
        return cached, Usage(cached_calls=1)
    answer, usage = _ask(endpoint, messages, response_model, schema, max_tokens, cache, purpose)
    if cache:
        cache.put(key, {"model": endpoint.model, "answer": answer.model_dump(mode="json")})
    return answer, usage


def _from_cache(cache: LLMCache | None, key: str, response_model: type[M]) -> M | None:
    entry = cache.get(key) if cache else None
    if not entry:
        return None
    try:
        return response_model.model_validate(entry["answer"])
    except (KeyError, ValidationError):
        return None


def _ask(
    endpoint: Endpoint,
    messages: list[dict[str, str]],
    response_model: type[M],
    schema: dict[str, Any],
    max_tokens: int,
    cache: LLMCache | None,
    purpose: str,
) -> tuple[M, Usage]:
    usage = Usage()
    conversation = list(messages)
    try:  # one retry layer: time-outs, 429s, 5xx and invalid answers share endpoint.tries requests
        for attempt in retrying(endpoint, also=InvalidAnswer):
            with attempt:
                text, truncated, one = _complete_json(endpoint, conversation, schema, response_model.__name__, max_tokens)
                usage = usage + one
                try:
                    answer = _validate(text, truncated, response_model)
                except InvalidAnswer as bad:
                    _log(cache, purpose, endpoint, conversation, text, one, error=bad.feedback)
                    conversation = [*messages, *_feedback(bad)]
                    raise
                _log(cache, purpose, endpoint, conversation, text, one)
                return answer, usage
    except InvalidAnswer as bad:
        raise LLMError(
            f"{endpoint.name} gave no valid {response_model.__name__} after {endpoint.tries} tries: {bad.feedback.splitlines()[0]}"
        ) from None
    except openai.OpenAIError as exc:
        raise failure(endpoint, exc) from None
    raise AssertionError("unreachable")  # Retrying either returns or re-raises


def _validate(text: str, truncated: bool, response_model: type[M]) -> M:
    try:
        return response_model.model_validate(first_json_object(text))
    except ValidationError as exc:
        errors = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:8])
        raise InvalidAnswer(text, f"the JSON does not match the schema: {errors}") from None
    except ValueError as exc:
        cut = " The answer was cut off: give fewer, shorter items." if truncated else ""
        raise InvalidAnswer(text, f"{exc}.{cut}") from None


def _feedback(bad: InvalidAnswer) -> list[dict[str, str]]:
    return [
        {"role": "assistant", "content": bad.text[:6000]},
        {"role": "user", "content": f"That answer is invalid: {bad.feedback}\nReply again with only the corrected JSON object."},
    ]


def _complete_json(
    endpoint: Endpoint, conversation: list[dict[str, str]], schema: dict[str, Any], name: str, max_tokens: int
) -> tuple[str, bool, Usage]:
    """One completion in the strongest response mode the endpoint accepts."""
    where = (endpoint.base_url, endpoint.model)
    mode = _modes.get(where, MODES[0])
    while True:  # a rejected response format is no failure: the next weaker mode is asked, not a retry
        try:
            response = chat(endpoint, _messages_for(mode, conversation, schema), max_tokens=max_tokens, **_format(mode, schema, name))
            break
        except openai.APIStatusError as exc:
            if not is_format_rejection(exc) or mode == MODES[-1]:
                raise
            mode = MODES[MODES.index(mode) + 1]
    _modes[where] = mode
    choice = response.choices[0] if response.choices else None
    text = (choice.message.content if choice else None) or ""
    tokens = response.usage
    usage = Usage(
        prompt_tokens=getattr(tokens, "prompt_tokens", 0) or 0,
        completion_tokens=getattr(tokens, "completion_tokens", 0) or 0,
        calls=1,
    )
    return text, bool(choice and choice.finish_reason == "length"), usage


def _format(mode: str, schema: dict[str, Any], name: str) -> dict[str, Any]:
    if mode == "json_schema":
        return {"response_format": {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": False}}}
    if mode == "json_object":
        return {"response_format": {"type": "json_object", "schema": schema}}
    return {}


def _messages_for(mode: str, conversation: list[dict[str, str]], schema: dict[str, Any]) -> list[dict[str, str]]:
    """In prompt mode the schema rides in the system message; the server enforces nothing."""
    if mode != "prompt":
        return conversation
    rule = f"\n\nAnswer with one JSON object that matches this JSON schema, and nothing else:\n{json.dumps(schema)}"
    first, *rest = conversation
    if first["role"] == "system":
        return [{**first, "content": first["content"] + rule}, *rest]
    return [{"role": "system", "content": rule.strip()}, *conversation]


def mode_for(base_url: str, model: str) -> str | None:
    """The response mode this process settled on for an endpoint (None before the first call)."""
    return _modes.get((base_url.rstrip("/"), model))


def _log(
    cache: LLMCache | None,
    purpose: str,
    endpoint: Endpoint,
    conversation: list[dict[str, str]],
    text: str,
    usage: Usage,
    error: str | None = None,
) -> None:
    if cache is None:
        return
    record: dict[str, Any] = {
        "purpose": purpose,
        "model": endpoint.model,
        "base_url": endpoint.base_url,
        "mode": _modes.get((endpoint.base_url, endpoint.model)),
        "messages": conversation,
        "response": text,
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
    }
    if error:
        record["error"] = error
    cache.log(record)

"""The wire: one chat-completions call to an OpenAI-compatible endpoint, with transient failures
(time-outs, 429, 5xx, refused connections) retried with exponential back-off via tenacity.

After the last try the failure becomes one `LLMError` line, e.g.
"LLM at http://127.0.0.1:8080/v1 timed out after 3 tries".
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlparse

import openai
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from ..errors import ConfigError, LLMError
from ..settings import LLMSettings

BACKOFF_SECONDS = 1.0  # first wait; doubles each try
MAX_WAIT_SECONDS = 30.0
DUMMY_API_KEY = "not-needed"  # local servers ignore the key, but the openai client insists on one


@dataclass(frozen=True)
class Endpoint:
    base_url: str
    model: str
    api_key: str
    timeout: float
    tries: int
    temperature: float

    @property
    def host(self) -> str:
        return urlparse(self.base_url).netloc or self.base_url

    @property
    def name(self) -> str:
        return f"LLM at {self.base_url}"


def endpoint_for(llm: LLMSettings) -> Endpoint:
    if not llm.model:
        raise ConfigError("no LLM model configured: set JTBD_LLM_MODEL or [llm] model in jtbd.toml")
    if not (llm.base_url or llm.api_key):
        raise ConfigError("no LLM endpoint configured: set JTBD_LLM_BASE_URL or an API key")
    return Endpoint(
        base_url=(llm.base_url or "https://api.openai.com/v1").rstrip("/"),
        model=llm.model,
        api_key=llm.api_key or DUMMY_API_KEY,
        timeout=llm.timeout,
        tries=max(1, llm.max_retries),
        temperature=llm.temperature,
    )


@lru_cache(maxsize=8)
def _client(base_url: str, api_key: str, timeout: float) -> openai.OpenAI:
    # retries are ours (tenacity), so the SDK's own are off
    return openai.OpenAI(base_url=base_url, api_key=api_key, timeout=timeout, max_retries=0)


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, (openai.APITimeoutError, openai.APIConnectionError, openai.RateLimitError)):
        return True
    return isinstance(exc, openai.APIStatusError) and exc.status_code >= 500 and not is_format_rejection(exc)


def is_format_rejection(exc: BaseException) -> bool:
    """The server does not understand the requested response_format (400/422, or a 5xx naming it)."""
    if not isinstance(exc, openai.APIStatusError):
        return False
    if exc.status_code in (400, 422):
        return True
    return exc.status_code >= 500 and "response_format" in str(exc)


def _retry_after(exc: BaseException | None) -> float | None:
    response = getattr(exc, "response", None)
    value = response.headers.get("retry-after") if response is not None else None
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None  # an HTTP date: fall back to our own back-off


def _wait(state: RetryCallState) -> float:
    exc = state.outcome.exception() if state.outcome else None
    after = _retry_after(exc)
    backoff = BACKOFF_SECONDS * 2 ** (state.attempt_number - 1)
    return min(after if after is not None else backoff, MAX_WAIT_SECONDS)


def _failure(endpoint: Endpoint, exc: BaseException) -> str:
    tries = f"after {endpoint.tries} {'try' if endpoint.tries == 1 else 'tries'}"
    if isinstance(exc, openai.APITimeoutError):
        return f"{endpoint.name} timed out after {endpoint.timeout:g}s, {tries}"
    if isinstance(exc, openai.APIConnectionError):
        return f"{endpoint.name} is unreachable (connection failed) {tries}"
    if isinstance(exc, openai.RateLimitError):
        return f"{endpoint.name} kept rate-limiting (429) {tries}"
    if isinstance(exc, openai.APIStatusError):
        return f"{endpoint.name} failed with HTTP {exc.status_code} {tries}"
    return f"{endpoint.name} failed: {type(exc).__name__}"


def chat(endpoint: Endpoint, messages: list[dict[str, str]], **params: Any) -> Any:
    """One chat completion (a ChatCompletion). Format rejections are re-raised for the caller to
    fall back on; anything else that still fails after the retries is an LLMError."""
    client = _client(endpoint.base_url, endpoint.api_key, endpoint.timeout)
    retrying = Retrying(
        stop=stop_after_attempt(endpoint.tries), wait=_wait, retry=retry_if_exception(is_transient), reraise=True
    )
    try:
        return retrying(
            client.chat.completions.create,
            model=endpoint.model,
            messages=messages,
            temperature=endpoint.temperature,
            **params,
        )
    except openai.APIStatusError as exc:
        if is_format_rejection(exc):
            raise
        if is_transient(exc):
            raise LLMError(_failure(endpoint, exc)) from None
        raise LLMError(f"{endpoint.name} rejected the request: HTTP {exc.status_code} {short_message(exc)}") from None
    except openai.OpenAIError as exc:
        raise LLMError(_failure(endpoint, exc)) from None


def short_message(exc: openai.APIStatusError) -> str:
    lines = str(exc.message).splitlines()
    return lines[0][:200] if lines else ""

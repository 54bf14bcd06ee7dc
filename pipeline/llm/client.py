"""The wire: chat completions and embeddings on one OpenAI-compatible client per endpoint, and the
one retry policy every LLM request goes through.

Retries: `retrying(endpoint)` makes at most `endpoint.tries` requests (LLMSettings.max_retries,
default 3) for one call, waiting with exponential back-off (or the server's Retry-After) after a
time-out, refused connection, 429 or 5xx. Structured calls (structured.py) spend the same tries
on invalid answers, so a call never costs more than `tries` requests. The SDK's own retries are
off. After the last try the failure becomes one `LLMError` line, e.g.
"LLM at http://127.0.0.1:8080/v1 timed out after 120s, after 3 tries".
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

import openai
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from ..errors import ConfigError, LLMError
from ..settings import Endpoint

BACKOFF_SECONDS = 1.0  # first wait; doubles each try
MAX_WAIT_SECONDS = 30.0
EMBED_BATCH = 128


@lru_cache(maxsize=8)
def _client(base_url: str, api_key: str, timeout: float) -> openai.OpenAI:
    return openai.OpenAI(base_url=base_url, api_key=api_key, timeout=timeout, max_retries=0)


def client_for(endpoint: Endpoint) -> openai.OpenAI:
    return _client(endpoint.base_url, endpoint.api_key, endpoint.timeout)


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
    if not is_transient(exc):
        return 0.0  # an invalid answer is asked again at once, with the error fed back
    after = _retry_after(exc)
    backoff = BACKOFF_SECONDS * 2 ** (state.attempt_number - 1)
    return min(after if after is not None else backoff, MAX_WAIT_SECONDS)


def retrying(endpoint: Endpoint, also: type[BaseException] | None = None) -> Retrying:
    """The retry policy: `endpoint.tries` requests in all, for transient failures (and `also`)."""
    def retry(exc: BaseException) -> bool:
        return is_transient(exc) or (also is not None and isinstance(exc, also))

    return Retrying(stop=stop_after_attempt(endpoint.tries), wait=_wait, retry=retry_if_exception(retry), reraise=True)


def failure(endpoint: Endpoint, exc: BaseException) -> LLMError:
    """One line for a request that failed for good."""
    tries = f"after {endpoint.tries} {'try' if endpoint.tries == 1 else 'tries'}"
    if isinstance(exc, openai.APITimeoutError):
        return LLMError(f"{endpoint.name} timed out after {endpoint.timeout:g}s, {tries}")
    if isinstance(exc, openai.APIConnectionError):
        return LLMError(f"{endpoint.name} is unreachable (connection failed) {tries}")
    if isinstance(exc, openai.RateLimitError):
        return LLMError(f"{endpoint.name} kept rate-limiting (429) {tries}")
    if isinstance(exc, openai.APIStatusError) and is_transient(exc):
        return LLMError(f"{endpoint.name} failed with HTTP {exc.status_code} {tries}")
    if isinstance(exc, openai.APIStatusError):
        return LLMError(f"{endpoint.name} rejected the request: HTTP {exc.status_code} {short_message(exc)}")
    return LLMError(f"{endpoint.name} failed: {type(exc).__name__}")


def chat(endpoint: Endpoint, messages: list[dict[str, str]], **params: Any) -> Any:
    """One chat-completions request (a ChatCompletion), not retried: the caller's `retrying` is."""
    if not endpoint.model:
        raise ConfigError("no LLM model configured: set JTBD_LLM_MODEL or [llm] model in jtbd.toml")
    return client_for(endpoint).chat.completions.create(
        model=endpoint.model, messages=messages, temperature=endpoint.temperature, **params)


def embed(endpoint: Endpoint, texts: list[str]) -> list[list[float]]:
    """Embedding rows for `texts`, in batches, each batch retried by the one policy; LLMError when it fails."""
    if not endpoint.embedding_model:
        raise ConfigError("no embedding model configured: set JTBD_LLM_EMBEDDING_MODEL or [llm] embedding_model")
    rows: list[list[float]] = []
    create = client_for(endpoint).embeddings.create
    try:
        for i in range(0, len(texts), EMBED_BATCH):
            response = retrying(endpoint)(create, model=endpoint.embedding_model, input=texts[i : i + EMBED_BATCH])
            rows += [d.embedding for d in sorted(response.data, key=lambda d: d.index)]
    except openai.OpenAIError as exc:
        raise failure(endpoint, exc) from None
    return rows


def short_message(exc: openai.APIStatusError) -> str:
    lines = str(exc.message).splitlines()
    return lines[0][:200] if lines else ""

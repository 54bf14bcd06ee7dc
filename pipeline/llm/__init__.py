"""OpenAI-compatible LLM access for every stage: one structured call, cached, logged and retried;
embeddings on the same client and retry policy. The endpoint comes resolved from the settings
(`settings.llm.endpoint`).

    from pipeline.llm import LLMCache, complete_structured
    answer, usage = complete_structured(messages, MyModel, settings, cache=LLMCache(cache_dir))

Works with any endpoint that speaks the chat-completions wire format (OpenAI, Ollama, vLLM,
llama.cpp, llama-cpp-python). Structured output is requested the strongest way the endpoint
accepts, and the answer is always validated with pydantic.
"""
from .cache import LLMCache, cache_key
from .client import chat, embed, retrying
from .jsontext import first_json_object
from .structured import MODES, Usage, complete_structured, mode_for, reset_modes

__all__ = [
    "LLMCache",
    "MODES",
    "Usage",
    "cache_key",
    "complete_structured",
    "chat",
    "embed",
    "retrying",
    "first_json_object",
    "mode_for",
    "reset_modes",
]

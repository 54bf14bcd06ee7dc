"""`python -m pipeline.llm.gemma_server ARGS`: llama-cpp-python's server with a Gemma 3 chat format.

The bundled GGUF carries no chat template, so llama-cpp-python falls back to the llama-2 format
(`[INST] <<SYS>>`), which Gemma was never trained on; its own "gemma" format drops the system
message. Gemma 3's official template folds the system message into the first user turn; this
registers that as `gemma3` and then runs the stock server (`--chat_format gemma3`).
"""
from __future__ import annotations

from typing import Any

CHAT_FORMAT = "gemma3"
_TURN_END = "<end_of_turn>\n"
_ROLE = {"user": "user", "assistant": "model"}


def render_gemma3(messages: list[dict[str, Any]]) -> str:
    """The Gemma 3 prompt for chat messages; the model's turn is left open."""
    system = "\n\n".join(str(m.get("content") or "") for m in messages if m["role"] == "system")
    parts: list[str] = []  # <bos> comes from the tokenizer (add_bos_token)
    pending = system
    for message in (m for m in messages if m["role"] in _ROLE):
        content = str(message.get("content") or "")
        if pending and message["role"] == "user":
            content, pending = f"{pending}\n\n{content}", ""
        parts.append(f"<start_of_turn>{_ROLE[message['role']]}\n{content}{_TURN_END}")
    if pending:  # a system message and no user turn
        parts.append(f"<start_of_turn>user\n{pending}{_TURN_END}")
    parts.append("<start_of_turn>model\n")
    return "".join(parts)


def register() -> None:
    from llama_cpp import llama_chat_format as formats

    @formats.register_chat_format(CHAT_FORMAT)
    def format_gemma3(messages: list[dict[str, Any]], **_: Any) -> formats.ChatFormatterResponse:
        return formats.ChatFormatterResponse(prompt=render_gemma3(messages), stop=_TURN_END.strip())


def main() -> None:
    register()
    from llama_cpp.server.__main__ import main as serve

    serve()


if __name__ == "__main__":
    main()

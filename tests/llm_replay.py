"""A local OpenAI-compatible endpoint that records every request the tool sends and answers it
from stored fixtures keyed by a hash of the request's messages (see tests/fixtures/llm/README.md).

Used by tests and by benchmarks (benchmarks/llm_replay.py), never by the tool itself.

    with ReplayLLM("capable") as llm:              # answers from tests/fixtures/llm/capable/
        settings = llm.settings(extractor="auto")
    with ReplayLLM(None, record=Path("out")) as llm:   # records requests, answers {"items": []}
"""
from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from pipeline.settings import LLMSettings, Settings

FIXTURES = Path(__file__).parent / "fixtures" / "llm"
MODEL = "replay"


def messages_key(messages: list[dict[str, Any]]) -> str:
    """The fixture key: what the model was asked, whatever the model or endpoint."""
    canonical = json.dumps([{"role": m.get("role"), "content": m.get("content")} for m in messages], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:20]


def completion(content: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-replay", "object": "chat.completion", "created": 0, "model": MODEL,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }


class ReplayLLM:
    """`answers`: a fixture set name under tests/fixtures/llm/ (or a folder), or None to answer
    every request with an empty item list. `record`: a folder where each request is written as
    <key>.json. A request with no stored answer gets HTTP 404 and is counted in `missing`."""

    def __init__(self, answers: str | Path | None, record: Path | None = None, empty_answer: str = '{"items": []}'):
        self.answers = (FIXTURES / answers if isinstance(answers, str) else answers) if answers else None
        self.record = record
        self.empty_answer = empty_answer
        self.requests: list[dict[str, Any]] = []
        self.missing: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()

    def __enter__(self) -> "ReplayLLM":
        from pipeline.llm import reset_modes

        reset_modes()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def settings(self, **fields: Any) -> Settings:
        llm = LLMSettings(base_url=self.url, model=MODEL, timeout=30.0, max_retries=1)
        return Settings(llm=llm, progress=False, **fields)

    def answer_for(self, body: dict[str, Any]) -> str | None:
        key = messages_key(body.get("messages", []))
        if self.record is not None:
            self.record.mkdir(parents=True, exist_ok=True)
            (self.record / f"{key}.json").write_text(json.dumps({"key": key, "messages": body.get("messages", [])}, ensure_ascii=False, indent=1), encoding="utf-8")
        if self.answers is None:
            return self.empty_answer
        path = self.answers / f"{key}.json"
        if not path.is_file():
            self.missing.append(key)
            return None
        return json.dumps(json.loads(path.read_text(encoding="utf-8")), ensure_ascii=False)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        replay = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self._send(200, {"object": "list", "data": [{"id": MODEL, "object": "model"}]})

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
                replay.requests.append(body)
                content = replay.answer_for(body)
                if content is None:
                    self._send(404, {"error": {"message": "no recorded answer for this request", "type": "replay"}})
                else:
                    self._send(200, completion(content))

            def _send(self, status: int, payload: Any) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler

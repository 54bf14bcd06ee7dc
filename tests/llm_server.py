"""LLM servers for tests: a real local one (llama-cpp-python + the bundled Gemma 3 270M GGUF) and a
scripted fake that speaks the OpenAI chat-completions wire format, for the network edges a real
server will not show on demand (429, time-outs, truncated JSON, rejected response formats).

Use in a test module:  from tests.llm_server import fake_llm, llama_server, gemma_settings  # noqa: F401
"""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.local_llm import LOCAL_ALIAS as GEMMA_ALIAS
from tests.local_llm import free_port  # noqa: F401 - used by tests
from pipeline.settings import LLMSettings, Settings


# real server ---------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL (…/v1) of a real llama-cpp-python server running Gemma 3 270M on this machine."""
    pytest.importorskip("llama_cpp.server", reason="llama-cpp-python[server] is not installed (pip install 'llama-cpp-python[server]')")
    from tests.local_llm import local_server

    with local_server(n_ctx=8192, alias=GEMMA_ALIAS, log_dir=tmp_path_factory.mktemp("llama")) as url:
        yield url


@pytest.fixture(scope="session")
def gemma_settings(llama_server: str) -> Settings:
    llm = LLMSettings(base_url=llama_server, model=GEMMA_ALIAS, timeout=600, max_retries=2)
    return Settings(extractor="llm", llm=llm, progress=False)


# scripted fake -------------------------------------------------------------------------------
Step = Callable[[dict[str, Any]], tuple[int, dict[str, str], Any]]


def completion(content: str, finish_reason: str = "stop", prompt_tokens: int = 100, completion_tokens: int = 20) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake", "object": "chat.completion", "created": 0, "model": "fake",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish_reason}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }


class FakeLLM:
    """Answers each POST /v1/chat/completions with the next scripted step; records every request."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.steps: list[Step] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()

    # script -----------------------------------------------------------------------------
    def reply(self, content: str | dict, **kwargs: Any) -> FakeLLM:
        text = content if isinstance(content, str) else json.dumps(content)
        self.steps.append(lambda req: (200, {}, completion(text, **kwargs)))
        return self

    def error(self, status: int, message: str = "error", headers: dict[str, str] | None = None) -> FakeLLM:
        self.steps.append(lambda req: (status, headers or {}, {"error": {"message": message, "type": "fake", "code": status}}))
        return self

    def sleep(self, seconds: float) -> FakeLLM:
        def step(req: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
            time.sleep(seconds)
            return 200, {}, completion("{}")
        self.steps.append(step)
        return self

    def then(self, step: Step) -> FakeLLM:
        self.steps.append(step)
        return self

    def settings(self, **llm: Any) -> Settings:
        values = {"base_url": self.url, "model": "fake-model", "timeout": 5.0, "max_retries": 3, **llm}
        return Settings(extractor="llm", llm=LLMSettings(**values), progress=False)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # HTTP ------------------------------------------------------------------------------
    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self._send(200, {}, {"object": "list", "data": [{"id": "fake-model", "object": "model"}]})

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
                fake.requests.append(body)
                step = fake.steps.pop(0) if fake.steps else (lambda req: (500, {}, {"error": {"message": "script exhausted"}}))
                self._send(*step(body))

            def _send(self, status: int, headers: dict[str, str], payload: Any) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    for key, value in {"content-type": "application/json", **headers}.items():
                        self.send_header(key, value)
                    self.send_header("content-length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (time-out test)

        return Handler


@pytest.fixture
def fake_llm() -> Iterator[FakeLLM]:
    from pipeline.llm import reset_modes

    reset_modes()
    fake = FakeLLM()
    yield fake
    fake.close()


# transcripts -----------------------------------------------------------------------------------
def make_transcript(lines: list[tuple[str, str]], interview_id: str = "t1") -> "Transcript":
    """A Transcript from (speaker, text) pairs; the speaker called 'Interviewer' asks, the rest answer."""
    from schemas import Interview, Transcript, Turn

    turns = [Turn(index=i, speaker=s, role="interviewer" if s == "Interviewer" else "participant", text=t)
             for i, (s, t) in enumerate(lines)]
    interview = Interview(id=interview_id, source=f"{interview_id}.md", kind="transcript", sha256="0" * 64)
    return Transcript(interview=interview, turns=turns, speakers={t.speaker: t.role for t in turns})

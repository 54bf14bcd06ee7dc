"""The LLM path measured with recorded answers: every extractor on the dev-set interviews whose
requests are recorded in tests/fixtures/llm/ (see its README), with the capable answers and with
the nonsense ones, scored against the gold labels like `jtbd eval`.

    .venv/bin/python benchmarks/llm_replay.py [--folds 5]

The offline classifier inside hybrid/auto is cross-validated by interview (--folds, default 5):
each interview is scored with weights trained without it, so no figure is in-sample.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.evaluate import EvalReport, evaluate  # noqa: E402
from tests.llm_replay import FIXTURES, ReplayLLM  # noqa: E402

FOLDER = ROOT / "evalsets" / "real"


def recorded_interviews() -> set[str]:
    names = set()
    for path in (FIXTURES / "requests").glob("*.json"):
        about = json.loads(path.read_text(encoding="utf-8")).get("about", "")
        if about.startswith("extraction request: evalsets/real/"):
            names.add(about.split("evalsets/real/")[1].split(",")[0])
    return names


def row(name: str, report: EvalReport, seconds: float) -> str:
    t = report.by_type()
    cells = " ".join(f"{t[k].f1:>7.2f}" for k in ("push", "pull", "anxiety", "habit"))
    return f"{name:<28}{report.macro_f1:>7.2f} {cells}{report.kappa:>7.2f}{report.stage_accuracy:>7.2f}{report.micro.tp + report.micro.fp:>6}{seconds:>7.0f}"


def run(answers: str | None, extractor: str, folds: int, only: set[str], models: dict) -> tuple[EvalReport, float]:
    started = time.time()
    with tempfile.TemporaryDirectory() as cache, ReplayLLM(answers) as llm:
        settings = llm.settings(extractor=extractor)
        report = evaluate(FOLDER, settings, folds=folds, only=only, cache_dir=Path(cache), models=models)
        if llm.missing:
            raise SystemExit(f"{len(llm.missing)} requests have no recorded '{answers}' answer (prompt or chunking changed?): re-record, see {FIXTURES / 'README.md'}")
    return report, time.time() - started


def record(only: set[str], out: Path) -> int:
    from pipeline.evaluate import load_labelled
    from pipeline.extract import extract

    items = [i for i in load_labelled(FOLDER) if i.labels.interview in only]
    for item in items:
        with tempfile.TemporaryDirectory() as cache, ReplayLLM(None, record=out / item.labels.interview) as llm:
            extract(item.transcript, llm.settings(extractor="auto"), cache_dir=Path(cache))
        print(f"{item.labels.interview}: {len(list((out / item.labels.interview).glob('*.json')))} requests")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--record", type=Path, metavar="DIR", help="only record the requests the tool now sends for these interviews into DIR/<interview>/")
    args = parser.parse_args(argv)
    only = recorded_interviews()
    if args.record:
        return record(only, args.record)
    print(f"{len(only)} recorded interviews: {', '.join(sorted(only))}\n")
    print(f"{'extractor / answers':<28}{'macro':>7} {'push':>7} {'pull':>7} {'anxiety':>7} {'habit':>7}{'kappa':>7}{'stage':>7}{'pred':>6}{'s':>7}")
    from pipeline.evaluate import fold_models, load_labelled

    started = time.time()
    models = fold_models(load_labelled(FOLDER), args.folds, 0) if args.folds >= 2 else {}
    print(f"(classifier trained {args.folds} times, once per fold, in {time.time() - started:.0f} s)")
    offline, secs = run(None, "classifier", args.folds, only, models)
    print(row("classifier (offline)", offline, secs))
    for answers in ("capable", "nonsense"):
        for extractor in ("llm", "hybrid", "auto"):
            report, secs = run(answers, extractor, args.folds, only, models)
            print(row(f"{extractor} / {answers}", report, secs))
    return 0


if __name__ == "__main__":
    sys.exit(main())

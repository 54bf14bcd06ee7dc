"""`jtbd`: the command line. Parses arguments, calls the pipeline, prints; holds no logic."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pipeline.errors import JtbdError, printable

EXTRACTORS = ["auto", "classifier", "rules", "llm", "hybrid"]
EPILOG = """\
LLM (optional): set JTBD_LLM_BASE_URL (or OPENAI_BASE_URL), JTBD_LLM_API_KEY (or OPENAI_API_KEY)
and JTBD_LLM_MODEL, or put an [llm] table in FOLDER/jtbd.toml. Without them everything runs
offline with the trained classifier. Results go to FOLDER/jtbd-results/ (see README).
"""


def _settings(args: argparse.Namespace, folder: Path | None):
    from pipeline.settings import load_settings

    overrides = {
        "whisper_model": getattr(args, "whisper_model", None),
        "extractor": getattr(args, "extractor", None),
        "num_speakers": getattr(args, "speakers", None),
        "progress": False if getattr(args, "no_progress", False) else None,
        "redact": {"level": args.redact} if getattr(args, "redact", None) else None,
        "workers": getattr(args, "workers", None),
        "engine": getattr(args, "engine", None),
        "ray_address": getattr(args, "address", None),
    }
    settings = load_settings(folder, **overrides)
    for spec in getattr(args, "role", None) or []:
        interview_id, speaker, role = _parse_role(spec)
        settings.roles.setdefault(interview_id, {})[speaker] = role
    return settings


def _parse_role(spec: str) -> tuple[str, str, str]:
    try:
        interview_id, rest = spec.split(":", 1)
        speaker, role = rest.rsplit("=", 1)
    except ValueError:
        raise JtbdError(f"--role expects INTERVIEW:SPEAKER=ROLE, got '{spec}'") from None
    if role not in ("interviewer", "participant"):
        raise JtbdError(f"--role: role must be 'interviewer' or 'participant', got '{role}'")
    return interview_id, speaker, role


def cmd_run(args: argparse.Namespace) -> int:
    from pipeline.run import STAGES, run
    from pipeline.ui import say

    folder = Path(args.folder)
    stages = tuple(s for s in STAGES if s not in (args.skip or []))
    result = run(folder, _settings(args, folder), stages)
    done = sum(len(v) for v in result.done.values())
    problems = f", {len(result.failures)} problem{'' if len(result.failures) == 1 else 's'}" if result.failures else ""
    problems += f", {len(result.warnings)} warning{'' if len(result.warnings) == 1 else 's'}" if result.warnings else ""
    say(f"{len(result.analysed)} of {result.files} interview files analysed{problems}; "
        f"{'nothing to redo' if not done else 'results updated'} in {folder / 'jtbd-results'}")
    for path in result.outputs:
        say(f"  {path}")
    return 0 if result.ok else 1


def cmd_eval(args: argparse.Namespace) -> int:
    from pipeline.evaluate import evaluate, render_table

    folder = Path(args.folder)
    from pipeline.extract import default_cache_dir

    report = evaluate(folder, _settings(args, folder), folds=args.folds, seed=args.seed, cache_dir=default_cache_dir())
    print(render_table(report))
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    from pipeline.review.server import serve

    folder = Path(args.folder)
    serve(folder, _settings(args, folder), port=args.port, open_browser=not args.no_browser)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from pipeline.report import write_report
    from pipeline.workspace import Workspace

    folder = Path(args.folder)
    settings = _settings(args, folder)
    path = write_report(Workspace(folder), settings, include_all=args.all)
    print(path)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from pipeline.export import export
    from pipeline.workspace import Workspace

    folder = Path(args.folder)
    paths = export(Workspace(folder), _settings(args, folder), formats=args.format, dest=args.out, include_all=args.all)
    for path in paths:
        print(path)
    return 0


def cmd_coach(args: argparse.Namespace) -> int:
    from pipeline.coach.cli import coach_file

    print(coach_file(Path(args.file), _settings(args, Path(args.file).parent), as_json=args.json))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jtbd",
        description="Jobs-to-be-Done interview analyser: recordings and transcripts in, forces, job stories and key results out.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("run", help="transcribe, extract, coach, synthesize, report and export a folder of interviews",
                       description="Run every stage over FOLDER. Incremental: unchanged interviews are not redone.",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("folder", help="folder of recordings (wav mp3 m4a mp4 ogg flac webm) and transcripts (txt md vtt srt docx json)")
    p.add_argument("--whisper-model", help="whisper model name (default tiny.en, bundled) or a local CTranslate2 model folder")
    p.add_argument("--speakers", type=int, help="number of speakers in the recordings (default: estimated)")
    p.add_argument("--extractor", choices=EXTRACTORS, help="auto (default): hybrid when an LLM is configured, else the trained offline classifier")
    p.add_argument("--role", action="append", metavar="ID:SPEAKER=ROLE", help="override a speaker's role, e.g. 02-meal-kit:Sam=interviewer (repeatable)")
    p.add_argument("--skip", action="append", choices=["coach", "synthesize", "report", "export"], help="leave a stage out (repeatable)")
    p.add_argument("--no-progress", action="store_true", help="no progress bars: one line per finished stage")
    p.add_argument("--workers", type=int, metavar="N", help="interviews worked on at once (default: the cores available; on Ray, the cluster's CPUs)")
    p.add_argument("--engine", choices=["local", "ray"], help="local (default): worker processes here; ray: a Ray cluster (pip install ray)")
    p.add_argument("--address", metavar="ADDR", help="with --engine ray: the cluster to use, e.g. ray://head:10001 or auto (default: $RAY_ADDRESS, else a local one)")
    redact = p.add_mutually_exclusive_group()
    redact.add_argument("--redact", nargs="?", const="outputs", choices=["llm", "outputs", "off"], metavar="LEVEL",
                        help="mask personal data: llm (the default with an LLM configured: everything sent to it), "
                             "outputs (also the report, exports and synthesis.md; what a bare --redact means), off")
    redact.add_argument("--no-redact", dest="redact", action="store_const", const="off", help="same as --redact off")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("eval", help="score extraction against the gold labels in FOLDER/gold/ (precision, recall, F1)")
    p.add_argument("folder", nargs="?", default="samples", help="folder with interviews and gold/ labels (default: samples)")
    p.add_argument("--extractor", choices=EXTRACTORS, help="which extractor to score (default: auto)")
    p.add_argument("--folds", type=int, default=0, metavar="K",
                   help="cross-validate the trained classifier by interview: train K times, each time without one fold's interviews, and score those")
    p.add_argument("--seed", type=int, default=0, help="seed of the fold split and of training (default 0)")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("review", help="open the local review page to accept, reject and edit extracted forces")
    p.add_argument("folder", help="a folder that `jtbd run` has processed")
    p.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")
    p.set_defaults(func=cmd_review)

    p = sub.add_parser("report", help="write the self-contained HTML report (opens offline from disk)")
    p.add_argument("folder", help="a folder that `jtbd run` has processed")
    p.add_argument("--all", action="store_true", help="include items not reviewed yet (default: only accepted items per interview)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("export", help="export Markdown, CSV (Miro/FigJam sticky notes), JSON and printable job-story cards")
    p.add_argument("folder", help="a folder that `jtbd run` has processed")
    p.add_argument("--format", action="append", choices=["md", "csv", "json", "cards"], help="formats (default: all; repeatable)")
    p.add_argument("--out", type=Path, help="destination folder (default: FOLDER/jtbd-results/exports)")
    p.add_argument("--all", action="store_true", help="include items not reviewed yet")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("coach", help="how well was the interview run: leading/hypothetical questions, coverage gaps, talk ratio")
    p.add_argument("file", help="an interview transcript or recording")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_coach)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except JtbdError as exc:
        print(f"jtbd: {exc.line()}", file=sys.stderr)
        return 2
    except OSError as exc:  # e.g. `jtbd report` into a full or read-only results folder: one line, not a traceback
        where = f"{os.fsdecode(exc.filename)}: " if exc.filename else ""
        print(f"jtbd: {printable(where)}cannot write or read: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("jtbd: interrupted; finished results are kept, run again to resume", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

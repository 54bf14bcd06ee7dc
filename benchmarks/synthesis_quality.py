"""Synthesis quality on real interviews: the synthesis checker's counts (pipeline/synthesize/check.py)
for what `jtbd run` writes offline, before and after a review of some interviews.

    .venv/bin/python benchmarks/synthesis_quality.py                 # evalsets/real (48 interviews)
    .venv/bin/python benchmarks/synthesis_quality.py FOLDER --review 3 --show

--review N: every N-th interview is then reviewed as a researcher would, from its gold labels
(a force whose quote and type match a gold force is accepted, any other force rejected; other
items accepted when they overlap an accepted force), marked reviewed, and synthesis is run
again: the figures must now count only those interviews. --show prints the stories, statements,
outcomes and key results with their evidence, verbatim. --llm capable: the same offline
extraction, with the synthesis written by the recorded capable answer to the writer's request
(tests/fixtures/llm/synthesis/, recorded on evalsets/teachers).
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.evaluate import load_labelled, locate_gold  # noqa: E402
from pipeline.grounding import overlap  # noqa: E402
from pipeline.run import run  # noqa: E402
from pipeline.settings import load_settings  # noqa: E402
from pipeline.synthesize.check import check_synthesis, render_check  # noqa: E402
from pipeline.workspace import Workspace, read_model, write_model  # noqa: E402
from schemas import Decision, Extraction, Review, Synthesis, Transcript  # noqa: E402


def review_from_gold(ws: Workspace, interview_id: str, gold) -> tuple[int, int]:
    """Accept what the gold confirms, reject the rest; mark the interview reviewed. (accepted, rejected)."""
    extraction = read_model(ws.extraction_path(interview_id), Extraction)
    accepted = [f for f in extraction.forces if any(g.type == f.type and overlap(q, f.quote) > 0 for g, q in gold)]
    decisions = [Decision(item_id=f.id, kind="force", anchor=f.quote, verdict="accepted" if f in accepted else "rejected")
                 for f in extraction.forces]
    for item in [*extraction.struggling_moments, *extraction.desired_outcomes, *extraction.decision_criteria]:
        keep = any(overlap(item.quote, f.quote) > 0 for f in accepted)
        decisions.append(Decision(item_id=item.id, kind=item.kind, anchor=item.quote, verdict="accepted" if keep else "rejected"))
    write_model(ws.review_path(interview_id), Review(interview_id=interview_id, state="reviewed", decisions=decisions))
    return len(accepted), len(extraction.forces) - len(accepted)


def report(ws: Workspace, show: bool) -> None:
    synthesis = read_model(ws.synthesis_path, Synthesis)
    transcripts = {i: read_model(ws.transcript_path(i), Transcript) for i in ws.interview_ids()}
    check = check_synthesis(synthesis, transcripts)
    print(f"basis: {synthesis.basis}, counted {len(synthesis.counted)} of {len(synthesis.interviews)} interviews")
    print(render_check(check))
    for problem in check.problems[:10]:
        print(f"  problem: {problem}")
    if show:
        print((ws.root / "synthesis.md").read_text(encoding="utf-8").split("## Clusters")[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(ROOT / "evalsets" / "real"))
    parser.add_argument("--review", type=int, default=3, metavar="N", help="review every N-th interview from its gold labels (0: none)")
    parser.add_argument("--show", action="store_true")
    parser.add_argument("--llm", metavar="SET", help="replay the synthesis writer's recorded answers (e.g. capable)")
    args = parser.parse_args(argv)
    source = Path(args.folder)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / source.name
        shutil.copytree(source, folder, ignore=shutil.ignore_patterns("jtbd-results", "gold"))
        started = time.time()
        replay = None
        if args.llm:
            from tests.llm_replay import FIXTURES, ReplayLLM

            replay = ReplayLLM(FIXTURES / "synthesis" / args.llm).__enter__()
            settings = replay.settings(extractor="classifier")
        else:
            settings = load_settings(folder, progress=False)
        result = run(folder, settings)
        if replay is not None:
            print(f"LLM writer: {len(replay.requests)} request(s), {len(replay.missing)} without a recorded answer")
            replay.__exit__()
        print(f"{len(result.analysed)} interviews from {source}, offline, {time.time() - started:.0f} s; failures: {len(result.failures)}\n")
        ws = Workspace(folder)
        print("first run (nothing reviewed):")
        report(ws, args.show)
        if args.review and not args.llm and (source / "gold").is_dir():
            labelled = {item.path.name: item for item in load_labelled(source)}
            ids = sorted(ws.interview_ids())
            done = []
            for n, interview_id in enumerate(ids):
                item = next((i for name, i in labelled.items() if i.transcript.interview.id == interview_id), None)
                if item is None or n % args.review:
                    continue
                gold, _ = locate_gold(item.transcript, item.labels)
                done.append((interview_id, *review_from_gold(ws, interview_id, gold)))
            print(f"\nreviewed {len(done)} of {len(ids)} interviews from their gold labels: "
                  f"{sum(a for _, a, _ in done)} forces accepted, {sum(r for _, _, r in done)} rejected")
            run(folder, settings, stages=("synthesize", "report", "export"))
            print("after the review:")
            report(ws, args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())

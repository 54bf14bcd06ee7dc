"""End to end on the real pipeline: transcripts in, `jtbd run`, a review, then report and export."""
from __future__ import annotations

import csv
import re
from datetime import datetime
from pathlib import Path

import pytest

from pipeline.export import export
from pipeline.report import write_report
from pipeline.run import run
from pipeline.settings import Settings
from pipeline.workspace import Workspace, read_model, write_model
from schemas import Decision, Extraction, Review

DANA = """\
Interviewer: When did you first start thinking your team's tracking was not good enough?
Dana: I first realised something was off when two people wrote the same blog post for the same week. I was fed up with chasing people every Friday.
Interviewer: What happened that made you start looking?
Dana: The client rang asking where the copy was and I genuinely didn't know. That was the last straw.
Interviewer: What did you look at?
Dana: I compared Trello and Asana. I loved that Asana showed who was waiting on whom.
Interviewer: What gave you pause?
Dana: I was worried the team would not use it. We'd always done it in a spreadsheet, and it was good enough.
"""
PRIYA = """\
Interviewer: Tell me about the first time you thought about changing how you cook.
Priya: I was fed up with throwing away wilted spinach every Sunday, it was such a waste.
Interviewer: What did you try?
Priya: A friend showed me her meal kit and I loved that everything came in the right amount.
Interviewer: What worried you?
Priya: I was worried it would be too expensive for a weeknight dinner.
"""


@pytest.mark.slow
def test_real_pipeline_report_and_export(tmp_path: Path) -> None:
    folder = tmp_path / "study"
    folder.mkdir()
    (folder / "dana.txt").write_text(DANA, encoding="utf-8")
    (folder / "priya.txt").write_text(PRIYA, encoding="utf-8")
    settings = Settings(progress=False, extractor="rules")
    result = run(folder, settings, stages=("transcribe", "extract"))
    assert result.ok, result.failures
    ws = Workspace(folder)
    dana = read_model(ws.extraction_path("dana"), Extraction)
    assert dana.forces, "the rules extractor found no forces in Dana's interview"
    now = datetime.now().isoformat(timespec="seconds")
    decisions = [Decision(item_id=f.id, kind="force", anchor=f.quote, verdict="accepted", updated_at=now) for f in dana.forces]
    write_model(ws.review_path("dana"), Review(interview_id="dana", state="reviewed", decisions=decisions))
    result = run(folder, settings)  # synthesize + report over the reviewed workspace
    assert result.ok, result.failures

    html = write_report(ws, settings).read_text(encoding="utf-8")
    ids = set(re.findall(r'id="([^"]+)"', html))
    hrefs = re.findall(r'href="#([^"]+)"', html)
    assert hrefs and all(h in ids for h in hrefs), sorted(set(hrefs) - ids)
    assert 'id="not-reviewed"' in html and "priya" in html.split('id="not-reviewed"')[1].split("</div>")[0]
    for force in dana.forces:
        assert f'id="q-dana-{force.id}"' in html
    assert 'id="q-priya-' not in html  # Priya is not reviewed: her items stay out by default

    [csv_path] = export(ws, settings, ["csv"], None, False)
    with open(csv_path, encoding="utf-8-sig", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["Type"] not in ("Job story", "Outcome")]
    assert sorted(r["Reference"] for r in rows) == sorted(f"dana, turn {f.quote.turn + 1}" for f in dana.forces)

"""`jtbd export`: Markdown, sticky-note CSV, JSON and printable cards, from a real workspace.
(How the cards print, in a browser, is tested in test_report.py beside the other browser tests.)"""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from pipeline.errors import BadInputError
from pipeline.export import export
from pipeline.settings import Settings
from pipeline.export.stickies import COLUMNS, NOTE_CHARS, STORY_CHARS
from pipeline.workspace import Workspace, read_model, write_model
from schemas import Review, Synthesis
from test_report_data import ITEMS, SCRIPT, build_workspace

ACCEPTED_ITEMS = [row for row in ITEMS if row[-1] == "accepted"]
NOT_REJECTED = [row for row in ITEMS if row[-1] != "rejected"]


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return build_workspace(tmp_path)


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_export_writes_every_format(ws: Workspace) -> None:
    paths = export(ws, Settings(), None, None, False)
    names = sorted(p.name for p in paths)
    assert names == sorted(["01-project-tool.md", "02-meal-kit.md", "03-accounting.md", "synthesis.md", "sticky-notes.csv",
                            "jtbd-export.json", "job-story-cards-a4.html", "job-story-cards-letter.html"])
    assert all(p.parent == ws.exports_dir and p.stat().st_size > 0 for p in paths)


def with_note(ws: Workspace, interview_id: str, phrase: str, note: str) -> None:
    """The researcher's note on one decided item, as the review page saves it."""
    review = read_model(ws.review_path(interview_id), Review)
    decisions = [d.model_copy(update={"note": note}) if d.anchor.text == phrase else d for d in review.decisions]
    write_model(ws.review_path(interview_id), review.model_copy(update={"decisions": decisions}))


def test_csv_is_a_few_columns_of_short_notes_that_name_the_participant(ws: Workspace) -> None:
    with_note(ws, "01-project-tool", "The price made me hesitate: about €1,000 a year for us.", "Ask what the budget owner said")
    [path] = export(ws, Settings(), ["csv"], None, False)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 BOM, see stickies.py
    rows = read_csv(path)
    assert list(rows[0]) == COLUMNS and len(COLUMNS) <= 6
    assert all(len(r["Note"]) <= (STORY_CHARS if r["Type"] == "Job story" else NOTE_CHARS) for r in rows)
    items = [r for r in rows if r["Type"] not in ("Job story", "Outcome")]
    assert len(items) == len(ACCEPTED_ITEMS)
    assert [r["Participant"] for r in items] == sorted(r["Participant"] for r in items)  # grouped by interview
    for r in items:  # each note names who said it and where, and the reference is the same turn
        assert r["Note"].endswith(f"— {r['Participant']}, {r['Reference'].split(', ')[1]}")
    euro = next(r for r in items if "€1,000" in r["Note"])
    assert euro == {"Note": "“The price made me hesitate: about €1,000 a year for us.” — 01-project-tool, turn 10", "Type": "Anxiety",
                    "Stage": "Deciding", "Participant": "01-project-tool", "Reference": "01-project-tool, turn 10",
                    "Researcher note": "Ask what the budget owner said"}
    long = next(r for r in items if "premium" in r["Note"])  # 120 characters of quote: shortened, the reference kept
    assert "…” — 02-meal-kit, turn 8" in long["Note"] and "\n" not in long["Note"]
    moment = next(r for r in items if r["Type"] == "Struggling moment")
    assert moment["Note"].startswith("“Client rang about missing landing page copy”") and moment["Stage"] == "Trigger 1: starts looking"
    stories = [r for r in rows if r["Type"] == "Job story"]
    assert len(stories) == 3 and stories[0]["Participant"] == "3 of 3 participants"
    assert stories[0]["Reference"].startswith("01-project-tool, turn 6; 02-meal-kit, turn 2")
    outcomes = [r for r in rows if r["Type"] == "Outcome"]
    assert [r["Note"].rsplit("(", 1)[1] for r in outcomes] == ["opportunity 15.0)", "opportunity 12.0)", "opportunity 9.0)"]


def test_csv_include_all_adds_pending_as_drafts_never_rejected(ws: Workspace) -> None:
    [path] = export(ws, Settings(), ["csv"], None, True)
    items = [r for r in read_csv(path) if r["Type"] not in ("Job story", "Outcome")]
    assert len(items) == len(NOT_REJECTED)
    assert sum(r["Type"].endswith("(draft)") for r in items) == sum(row[-1] == "pending" for row in ITEMS)
    assert not any("My boss approved it" in r["Note"] for r in items)


def test_markdown_is_escaped_and_lists_every_kind_with_notes(ws: Workspace) -> None:
    with_note(ws, "01-project-tool", "We missed the deadline by a day and nearly lost the account, and that was the last straw.", "The *real* trigger")
    paths = {p.name: p for p in export(ws, Settings(), ["md"], None, False)}
    meal = paths["02-meal-kit.md"].read_text(encoding="utf-8")
    assert "<script" not in meal and "&lt;script&gt;alert('x')&lt;/script&gt;" in meal
    assert "I was fed up with wasting food and money." in meal
    assert "order takeaway" not in meal  # pending
    project = paths["01-project-tool.md"].read_text(encoding="utf-8")
    for title in ("## Forces (7)", "### Push of the situation (2)", "## Struggling moments (1)", "## Alternatives considered (0)",
                  "## Workarounds (0)", "## Decision criteria (1)", "## Desired outcomes (1)"):
        assert title in project
    assert "  - Researcher's note: The \\*real\\* trigger" in project
    assert "Dana, turn 6, 3:07, Trigger 1: starts looking" in project
    accounting = paths["03-accounting.md"].read_text(encoding="utf-8")
    assert "Not reviewed yet" in accounting and "chasing invoices" not in accounting
    synthesis = paths["synthesis.md"].read_text(encoding="utf-8")
    assert "**When work slips through the cracks" in synthesis and "3 of 3 participants" in synthesis
    assert "<script" not in synthesis and "(01-project-tool, turn 6, 3:07)" in synthesis
    assert synthesis.index("compile the weekly status report") < synthesis.index("food thrown away")  # by opportunity


def test_json_holds_the_whole_synthesis_and_the_items(ws: Workspace) -> None:
    [path] = export(ws, Settings(), ["json"], None, False)
    data = json.loads(path.read_text(encoding="utf-8"))
    original = read_model(ws.synthesis_path, Synthesis)
    exported = Synthesis.model_validate(data["synthesis"])
    assert [s.text for s in exported.job_stories] == [s.text for s in original.job_stories]
    assert [o.opportunity for o in exported.outcomes] == [o.opportunity for o in original.outcomes]
    items = [i for interview in data["interviews"] for i in interview["items"]]
    assert len(items) == len(ACCEPTED_ITEMS) and all(i["verdict"] == "accepted" for i in items)
    assert {i["speaker"] for i in items} == {"Dana", "Priya"} and all(i["stage"] for i in items)
    assert {interview["review_state"] for interview in data["interviews"]} == {"reviewed", "in_review", "new"}


def test_cards_one_per_story_escaped_with_page_sizes(ws: Workspace) -> None:
    paths = export(ws, Settings(), ["cards"], None, False)
    a4, letter = (p.read_text(encoding="utf-8") for p in paths)
    assert "size: A4 portrait" in a4 and "size: letter portrait" in letter
    for html in (a4, letter):
        assert html.count('class="card"') == 3
        assert "<script" not in html.lower() and "&lt;script&gt;" in html
        assert "http://" not in html and "https://" not in html
        assert "dashed" in html  # cut lines


def test_export_options_and_errors(ws: Workspace, tmp_path: Path) -> None:
    dest = tmp_path / "pack"
    paths = export(ws, Settings(), ["json", "csv"], dest, False)
    assert sorted(p.name for p in paths) == ["jtbd-export.json", "sticky-notes.csv"] and all(p.parent == dest for p in paths)
    with pytest.raises(BadInputError, match="unknown export format"):
        export(ws, Settings(), ["pdf"], None, False)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(BadInputError, match="nothing to export"):
        export(Workspace(empty), Settings(), None, None, False)


def test_cli_export(ws: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import cli

    out = tmp_path / "out"
    assert cli.main(["export", str(ws.folder), "--format", "csv", "--format", "md", "--out", str(out), "--all"]) == 0
    printed = capsys.readouterr().out.split()
    assert str(out / "sticky-notes.csv") in printed and str(out / "synthesis.md") in printed
    assert cli.main(["export", str(tmp_path / "nope")]) == 2  # one clear line, no traceback
    assert "nothing to export" in capsys.readouterr().err

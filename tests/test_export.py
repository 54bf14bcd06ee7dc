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
from pipeline.workspace import Workspace, read_model
from schemas import Synthesis
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


def test_csv_round_trips_through_dictreader(ws: Workspace) -> None:
    [path] = export(ws, Settings(), ["csv"], None, False)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 BOM, see stickies.py
    rows = read_csv(path)
    items = [r for r in rows if r["extractor"] != "synthesis"]
    assert sorted(r["quote"] for r in items) == sorted(row[3] for row in ACCEPTED_ITEMS)  # same text, byte for byte
    assert [r["interview"] for r in items] == sorted(r["interview"] for r in items)  # grouped by interview
    by_quote = {r["quote"]: r for r in items}
    tricky = next(row[3] for row in ITEMS if "\n" in row[3])  # commas, quotes and a newline
    assert by_quote[tricky]["force_type"] == "anxiety" and by_quote[tricky]["text"] == tricky
    euro = by_quote["The price made me hesitate: about €1,000 a year for us."]
    assert euro["interview"] == "01-project-tool" and euro["stage"] == "deciding" and euro["speaker"] == "Dana"
    assert euro["verdict"] == "accepted" and euro["timestamp"] == "5:37" and euro["turn"] == "10"
    moment = next(r for r in items if r["type"] == "struggling_moment")
    assert moment["text"] == "Client rang about missing landing page copy" and moment["quote"].startswith("It was a Thursday")
    assert f'My note said {SCRIPT} "cheap, fast, done".' in by_quote
    stories = [r for r in rows if r["type"] == "job_story"]
    assert len(stories) == 3 and stories[0]["evidence"] == "3 of 3 participants"
    outcomes = [r for r in rows if r["type"] == "outcome"]
    assert [r["score"] for r in outcomes] == ["15.0", "12.0", "9.0"]


def test_csv_include_all_adds_pending_never_rejected(ws: Workspace) -> None:
    [path] = export(ws, Settings(), ["csv"], None, True)
    quotes = [r["quote"] for r in read_csv(path) if r["extractor"] != "synthesis"]
    assert sorted(quotes) == sorted(row[3] for row in NOT_REJECTED)
    assert "My boss approved it on a Monday." not in quotes


def test_markdown_is_escaped_and_filtered(ws: Workspace) -> None:
    paths = {p.name: p for p in export(ws, Settings(), ["md"], None, False)}
    meal = paths["02-meal-kit.md"].read_text(encoding="utf-8")
    assert "<script" not in meal and "&lt;script&gt;alert('x')&lt;/script&gt;" in meal
    assert "I was fed up with wasting food and money." in meal
    assert "order takeaway" not in meal  # pending
    accounting = paths["03-accounting.md"].read_text(encoding="utf-8")
    assert "Not reviewed yet" in accounting and "chasing invoices" not in accounting
    synthesis = paths["synthesis.md"].read_text(encoding="utf-8")
    assert "**When** work slips through the cracks" in synthesis and "3 of 3 participants" in synthesis
    assert "<script" not in synthesis and "[01-project-tool](01-project-tool.md)" in synthesis
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

"""One interview, four outputs, one vocabulary: the review page, the report, the Markdown export and
the sticky-note CSV show every item at the same (1-based) turn, under the same stage name, and
count the same forces and struggling moments. synthesis.md cites its quotes at those turns too."""
from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pipeline.export import export
from pipeline.report import load_report_data, quote_anchor, render_report
from pipeline.review.server import create_app
from pipeline.settings import Settings
from pipeline.workspace import Workspace, read_model
from schemas import Synthesis
from schemas.vocabulary import FORCE_STYLES, FORCE_TYPES, STAGE_LABELS
from test_report_data import build_workspace

INTERVIEW = "01-project-tool"  # reviewed: what the review page lists is what the report and exports show


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return build_workspace(tmp_path)


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split()


def review_page(ws: Workspace) -> tuple[dict[str, tuple[int, str | None]], dict[str, int]]:
    """item id -> (turn shown, stage name shown), and the force counts, as the review page shows them."""
    with TestClient(create_app(ws.folder, Settings(progress=False)), base_url="http://127.0.0.1:8000") as client:
        page = client.get(f"/i/{INTERVIEW}").text
    turns: dict[str, tuple[int, str | None]] = {}
    for block in re.findall(r'<div class="turn role-[a-z]+" id="turn-\d+">.*?</div>\s*</div>', page, re.S):
        shown = int(re.search(r'<span class="turn-no"[^>]*>turn (\d+)</span>', block).group(1))
        for ids in re.findall(r'data-ids="([^"]+)"', block):
            for item in ids.split():
                turns[item] = (shown, None)
    lane = page[page.index('<section class="lane"'):page.index("</section>", page.index('<section class="lane"'))]
    for column in lane.split('<div class="stage" data-stage=')[1:]:
        name = " ".join(_text(re.search(r'<div class="stage-name">(.*?)</div>', column).group(1)))
        for item in re.findall(r'class="chip[^"]*" data-item="([^"]+)"', column):
            turns[item] = (turns[item][0], name)
    counts = {t: int(re.search(rf'data-count="{t}">(\d+)<', page).group(1)) for t in FORCE_TYPES}
    return turns, counts


def report_page(ws: Workspace) -> tuple[dict[str, tuple[int, str | None]], dict[str, int]]:
    page = render_report(load_report_data(ws))
    article = page[page.index(f'id="interview-{INTERVIEW}"'):]
    article = article[:article.index("</article>")]
    shown = {}
    for anchor, meta in re.findall(r'id="(q-[^"]+)">.*?<p class="q-meta">(.*?)</p>', article, re.S):
        parts = [p.strip() for p in html.unescape(re.sub(r"<[^>]+>", "", meta)).split("·")]
        turn = int(next(p for p in parts if p.startswith("turn "))[5:])
        stage = next((p for p in parts if p in STAGE_LABELS.values()), None)
        shown[anchor] = (turn, stage)
    counts = {}
    for t in FORCE_TYPES:
        column = article[article.index(f'class="force-col force-{t}"'):]
        counts[t] = int(re.search(r'<span class="count">(\d+)</span>', column).group(1))
    return shown, counts


def test_every_output_shows_the_same_turns_stage_names_and_counts(ws: Workspace) -> None:
    extraction = ws.load_reviewed(INTERVIEW).extraction
    shown_items = [i for i in extraction.items() if i.verdict != "rejected"]
    review, review_counts = review_page(ws)
    report, report_counts = report_page(ws)
    paths = {p.name: p for p in export(ws, Settings(), ["md", "csv"], None, False)}
    markdown = paths[f"{INTERVIEW}.md"].read_text(encoding="utf-8")
    with open(paths["sticky-notes.csv"], encoding="utf-8-sig", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["Participant"] == INTERVIEW]

    for item in shown_items:
        turn = item.quote.turn + 1
        stage = STAGE_LABELS[item.stage] if item.stage else None
        report_turn, report_stage = report[quote_anchor(INTERVIEW, item.id)]
        assert review[item.id][0] == turn == report_turn, item.quote.text
        assert report_stage == stage
        if item.kind == "force":
            assert review[item.id][1] == stage  # its column on the journey map
        line = next(line for line in markdown.splitlines() if item.quote.text[:30] in line.replace("\\", ""))
        assert f"turn {turn}, " in line and (stage is None or line.endswith(stage))
        row = next(r for r in rows if r["Reference"] == f"{INTERVIEW}, turn {turn}" and r["Stage"] == (stage or ""))
        assert row["Note"].endswith(f", turn {turn}")

    for t in FORCE_TYPES:
        csv_count = sum(1 for r in rows if r["Type"] == FORCE_STYLES[t].label)
        md_count = int(re.search(rf"### {FORCE_STYLES[t].long_label} \((\d+)\)", markdown).group(1))
        assert review_counts[t] == report_counts[t] == md_count == csv_count, t
    moments = sum(1 for i in shown_items if i.kind == "struggling_moment")
    assert f"## Struggling moments ({moments})" in markdown and sum(r["Type"] == "Struggling moment" for r in rows) == moments


def test_synthesis_md_cites_the_turns_the_report_shows(ws: Workspace) -> None:
    """Both synthesis.md files (the run's and the export's) come from one renderer, with 1-based turns."""
    synthesis = read_model(ws.synthesis_path, Synthesis)
    exported = next(p for p in export(ws, Settings(), ["md"], None, False) if p.name == "synthesis.md").read_text(encoding="utf-8")
    from pipeline.synthesize import render_markdown

    assert exported == render_markdown(load_report_data(ws).synthesis)  # the same renderer; rejected quotes left out
    assert exported != render_markdown(synthesis)  # the raw synthesis still counts the rejected quote
    ref = synthesis.job_stories[0].evidence.refs[0]
    assert f"({ref.interview_id}, turn {ref.turn + 1}, " in exported and f"turn {ref.turn}," not in exported.replace(f"turn {ref.turn + 1}", "")
    page = render_report(load_report_data(ws))
    assert f"— {ref.interview_id}, turn {ref.turn + 1}" in page


def test_the_review_page_and_the_report_use_the_same_force_colours(ws: Workspace) -> None:
    with TestClient(create_app(ws.folder, Settings(progress=False)), base_url="http://127.0.0.1:8000") as client:
        review = client.get(f"/i/{INTERVIEW}").text
        css = client.get("/static/review.css").text
    report = render_report(load_report_data(ws))
    for t, style in FORCE_STYLES.items():
        assert f"--{t}: {style.colour};" in review and f"--{t}: {style.colour};" in report
        assert not re.search(rf"--{t}:\s*#", css)  # no second palette in the stylesheet

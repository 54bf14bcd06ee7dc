"""The review page's traps, in Chromium: deciding every force never marks an interview reviewed
(the researcher does, and sees what is still undecided of every kind); a typed note survives Esc
then j; the extractor's cue is shown as the machine's, never in the researcher's note box."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from browser import screenshot
from pipeline.report import load_report_data, quote_anchor, render_report
from pipeline.review.server import create_app
from pipeline.settings import Settings
from pipeline.workspace import Workspace, read_model, write_model
from schemas import Extraction, Review
from test_report_data import build_workspace

pytestmark = pytest.mark.browser
INTERVIEW = "01-project-tool"
CUE = "cue: looked good"


def fresh(tmp_path: Path) -> Workspace:
    """The project-tool interview as a first run leaves it: nothing decided; one item carries a machine cue."""
    ws = build_workspace(tmp_path)
    ws.review_path(INTERVIEW).unlink()
    extraction = read_model(ws.extraction_path(INTERVIEW), Extraction)
    pull = next(f for f in extraction.forces if f.type == "pull")
    forces = [f.model_copy(update={"cue": CUE}) if f.id == pull.id else f for f in extraction.forces]
    write_model(ws.extraction_path(INTERVIEW), extraction.model_copy(update={"forces": forces}))
    return ws


def saved(ws: Workspace) -> Review:
    return read_model(ws.review_path(INTERVIEW), Review)


def test_accepting_every_force_leaves_the_interview_in_review_until_the_researcher_says(page, live_server, tmp_path):
    ws = fresh(tmp_path)
    url = live_server(create_app(ws.folder, Settings(progress=False)))
    page.goto(f"{url}/i/{INTERVIEW}")
    forces = page.eval_on_selector_all(".chip[data-item]", "els => els.map(e => e.dataset.item)")
    assert len(forces) == 8
    for item in forces:
        page.click(f'.chip[data-item="{item}"]')
        page.keyboard.press("a")
        page.wait_for_selector(f'.chip[data-item="{item}"].v-accepted')
    assert page.locator("[data-state-badge]").inner_text() == "In review"
    left = page.locator("[data-undecided]").inner_text()
    assert left == "Still to decide: 1 struggling moment, 1 decision criterion, 1 desired outcome"
    assert saved(ws).state == "in_review"

    dialogs: list[str] = []

    def answer(dialog, accept: bool) -> None:
        dialogs.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda d: answer(d, False))
    page.click('[data-set-state="reviewed"]')
    page.wait_for_timeout(300)
    assert dialogs == ["Still to decide: 1 struggling moment, 1 decision criterion, 1 desired outcome. Mark this interview reviewed anyway?"]
    assert saved(ws).state == "in_review"
    page.once("dialog", lambda d: answer(d, True))
    with page.expect_navigation():
        page.click('[data-set-state="reviewed"]')
    assert page.locator("[data-state-badge]").inner_text() == "Reviewed" and saved(ws).state == "reviewed"
    assert page.js_errors == []


def test_a_typed_note_survives_escape_then_j_and_the_cue_stays_the_machines(page, live_server, tmp_path):
    ws = fresh(tmp_path)
    url = live_server(create_app(ws.folder, Settings(progress=False)))
    page.goto(f"{url}/i/{INTERVIEW}")
    extraction = read_model(ws.extraction_path(INTERVIEW), Extraction)
    cued = next(f for f in extraction.forces if f.cue == CUE)
    page.click(f'.chip[data-item="{cued.id}"]')
    assert page.locator("#inspector .cue-text").inner_text() == CUE
    assert page.locator("#inspector textarea").input_value() == ""  # the note box is the researcher's alone
    page.keyboard.press("n")
    page.keyboard.type("Ask what the trial showed them")
    page.keyboard.press("Escape")
    page.keyboard.press("j")  # moves on at once: the note used to be dropped here
    page.wait_for_function("() => !document.querySelector('#inspector .saved')?.textContent.startsWith('Saving')")
    page.wait_for_timeout(300)
    notes = {d.item_id: d.note for d in saved(ws).decisions}
    assert notes == {cued.id: "Ask what the trial showed them"}

    page.keyboard.press("n")  # typing and leaving the page: saved while typing, so nothing is lost
    page.keyboard.type("second thoughts")
    page.wait_for_timeout(1200)
    assert "second thoughts" in {d.note for d in saved(ws).decisions}
    page.reload()
    page.click(f'.chip[data-item="{cued.id}"]')
    assert page.locator("#inspector textarea").input_value() == "Ask what the trial showed them"

    # the report: the note is the researcher's, the cue only in the drafts view and labelled as the machine's
    drafts = render_report(load_report_data(ws, include_all=True))
    block = drafts[drafts.index(f'id="{quote_anchor(INTERVIEW, cued.id)}"'):]
    block = block[:block.index("</blockquote>")]
    assert "Researcher&#39;s note: Ask what the trial showed them" in block and f"Extractor&#39;s cue: {CUE}" in block
    assert not re.search(r"note: cue:", drafts)
    assert page.js_errors == []


def test_review_page_and_report_show_the_same_turn_and_stage(page, live_server, tmp_path):
    """Screenshots for the record: the same quote at the same turn, under the same stage name."""
    ws = build_workspace(tmp_path)
    url = live_server(create_app(ws.folder, Settings(progress=False)))
    extraction = ws.load_reviewed(INTERVIEW).extraction
    trigger = next(f for f in extraction.forces if "last straw" in f.quote.text)
    page.goto(f"{url}/i/{INTERVIEW}#{trigger.id}")
    page.wait_for_selector("#inspector blockquote")
    facts = page.locator("#inspector .facts").inner_text()
    stage = page.locator("#inspector select[aria-label=Stage] option:checked").inner_text()
    column = page.locator(".lane .stage", has=page.locator(f'.chip[data-item="{trigger.id}"]')).locator(".stage-name").inner_text()
    assert "Turn 6" in facts and stage == column == "Trigger 1: starts looking"
    page.wait_for_timeout(1300)
    screenshot(page, "consistency-review-fixture.png", full_page=False)

    report = tmp_path / "report.html"
    report.write_text(render_report(load_report_data(ws)), encoding="utf-8")
    page.goto(f"{report.as_uri()}#{quote_anchor(INTERVIEW, trigger.id)}")
    meta = page.locator(f"#{quote_anchor(INTERVIEW, trigger.id)} .q-meta").inner_text()
    assert "turn 6 · Trigger 1: starts looking" in meta
    page.locator(f"#{quote_anchor(INTERVIEW, trigger.id)}").scroll_into_view_if_needed()
    screenshot(page, "consistency-report-fixture.png", full_page=False)

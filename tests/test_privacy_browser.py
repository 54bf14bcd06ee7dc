"""The review page shows each redaction with its placeholder, shows the turn as the LLM sees it, and
lets the researcher add and remove redactions; their decisions hold across a re-run."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.privacy import redaction_path
from pipeline.review.server import create_app
from pipeline.run import run
from pipeline.settings import Settings
from pipeline.workspace import Workspace, read_model
from schemas import Redaction, Review
from test_review_browser import SELECT_TEXT

from browser import screenshot

pytestmark = pytest.mark.browser
SETTINGS = Settings(progress=False, extractor="rules", redact={"level": "outputs"})
INTERVIEW = """\
Interviewer: When did you first think the spreadsheet wasn't working?
Maya Lindqvist: Last May. My manager Tomás Ferreira asked for the rota by Friday and I'd spent five hours on it. Everyone at the depot calls me Bubbles, so the file was bubbles-rota-final-v9.
Interviewer: What did you try?
Maya Lindqvist: I tried Deputy and When I Work. Tomás wanted it in Excel, so I emailed it from maya.lindqvist@northdepot.se and he rang me on +46 70 123 45 67 to complain.
Interviewer: What gave you pause?
Maya Lindqvist: I was worried the drivers wouldn't use an app. Will they even open it? We'd always done it on paper in the break room.
"""


def rota_workspace(folder: Path) -> Workspace:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "rota.txt").write_text(INTERVIEW, encoding="utf-8")
    result = run(folder, SETTINGS, stages=("transcribe", "extract"))
    assert result.ok, result.failures
    return Workspace(folder)


def redaction(ws: Workspace) -> Redaction:
    return read_model(redaction_path(ws.cache_dir, "rota"), Redaction)


def test_review_page_shows_redactions_and_takes_the_researchers_changes(page, live_server, tmp_path):
    ws = rota_workspace(tmp_path / "interviews")
    url = live_server(create_app(ws.folder, SETTINGS))
    page.goto(f"{url}/i/rota")
    turn = page.locator("#turn-1")
    assert turn.locator('.pii[data-ph="[PERSON_1]"]').first.inner_text() == "Maya Lindqvist"  # the speaker label
    assert turn.locator('.pii[data-ph="[PERSON_2]"]').inner_text() == "Tomás Ferreira"
    assert "Last May" in turn.inner_text() and page.locator("#turn-5").locator(".pii").count() == 1  # only the speaker
    rows = page.locator(".pii-row")
    assert rows.filter(has_text="Tomás Ferreira").locator("code").inner_text() == "[PERSON_2]"

    # as the LLM sees it: placeholders only (the real words stay in the DOM, at size 0, for selection offsets)
    page.check("[data-show-masked]")
    page.wait_for_timeout(100)
    page.locator("#turn-3").scroll_into_view_if_needed()
    page.evaluate("window.scrollTo(0, 0)")
    masked_shot = screenshot(page, "review-redaction-masked.png", full_page=False)
    assert page.locator(".pii-end").first.evaluate("e => getComputedStyle(e, '::after').content") == '"[PERSON_1]"'
    page.uncheck("[data-show-masked]")

    # the researcher redacts a nickname the detector missed, and keeps a product name it took for a person
    assert page.evaluate(SELECT_TEXT, ["Bubbles"]) == 1
    page.wait_for_selector("#selection-bar:not([hidden])")
    with page.expect_navigation():
        page.click("#selection-bar [data-redact]")
    bubbles = page.locator("#turn-1 .pii", has_text="Bubbles")  # and the 'bubbles' in the file name: every occurrence
    bubbles.first.wait_for()
    assert bubbles.count() == 2 and {b.get_attribute("data-ph") for b in bubbles.all()} == {"[PERSON_3]"}
    assert "researcher" in redaction(ws).model_dump_json() and [d.text for d in read_model(ws.review_path("rota"), Review).redactions] == ["Bubbles"]
    with page.expect_navigation():
        page.locator(".pii-row", has_text="Tomás Ferreira").locator("[data-redact-keep]").click()
    page.wait_for_selector("#turn-1 .pii")
    assert page.locator("#turn-1 .pii", has_text="Tomás").count() == 0
    assert {s.text for s in redaction(ws).spans} >= {"Maya Lindqvist", "Bubbles", "maya.lindqvist@northdepot.se", "+46 70 123 45 67"}
    assert "Tomás" not in {s.text for s in redaction(ws).spans}

    # a re-run keeps both decisions, and the shared report follows them
    (ws.folder / "rota.txt").write_text(INTERVIEW + "Interviewer: Anything else?\nMaya Lindqvist: Bubbles says thanks.\n", encoding="utf-8")
    assert run(ws.folder, SETTINGS, stages=("transcribe", "extract", "report")).ok
    texts = {s.text for s in redaction(ws).spans}
    assert "Bubbles" in texts and "Tomás" not in texts and "Tomás Ferreira" not in texts
    page.reload()
    page.wait_for_selector("#turn-7 .pii")
    assert page.locator("#turn-7 .pii", has_text="Bubbles").count() == 1
    page.locator("#turn-1").scroll_into_view_if_needed()
    page.evaluate("window.scrollTo(0, 0)")
    shot = screenshot(page, "review-redaction.png", full_page=False)
    assert page.js_errors == []
    assert shot.stat().st_size > 10_000 and masked_shot.stat().st_size > 10_000

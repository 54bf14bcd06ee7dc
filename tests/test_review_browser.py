"""The review page in a real browser (headless Chromium): decisions, audio at a quote, escaping."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import httpx
import pytest

from pipeline.review.server import create_app
from pipeline.settings import Settings
from pipeline.workspace import Workspace
from schemas import Extraction, Review
from test_review import LINES, force, hand_made_workspace, make_extraction, make_transcript, pipeline_workspace, rerun_extraction

from browser import screenshot

pytestmark = pytest.mark.browser
SECOND_INTERVIEW = """\
**Interviewer:** When did you first start thinking about an e-bike?

**Alex:** I was sick of arriving at work drenched after the hill on Station Road. It happened every single week.

**Interviewer:** What did you try?

**Alex:** I was used to the bus, and it was good enough most days, but I was nervous about spending two thousand pounds on a bike.
"""
SETTINGS = Settings(progress=False)

SELECT_TEXT = """([phrase]) => {
  // select `phrase` in the transcript the way a mouse drag would, across highlight boundaries
  for (const el of document.querySelectorAll('.text[data-turn]')) {
    const at = el.textContent.indexOf(phrase);
    if (at < 0) continue;
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    let seen = 0, node;
    while ((node = walker.nextNode())) {
      const len = node.textContent.length;
      if (seen <= at && at < seen + len) range.setStart(node, at - seen);
      if (seen < at + phrase.length && at + phrase.length <= seen + len) { range.setEnd(node, at + phrase.length - seen); break; }
      seen += len;
    }
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    document.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
    return Number(el.dataset.turn);
  }
  return null;
}"""


def chip(page, item_id: str):
    return page.locator(f'.chip[data-item="{item_id}"]')


def wait_class(page, item_id: str, css: str) -> None:
    page.wait_for_selector(f'.chip[data-item="{item_id}"].{css}', timeout=10_000)


def test_review_an_interview_and_keep_decisions_across_reload_and_rerun(page, live_server, tmp_path):
    folder = tmp_path / "interviews"
    folder.mkdir()
    (folder / "bike commute.md").write_text(SECOND_INTERVIEW, encoding="utf-8")  # the index lists more than one
    ws = pipeline_workspace(folder)
    url = live_server(create_app(folder, SETTINGS))

    page.goto(url)
    row = page.locator("tr", has=page.locator('a[href="/i/dinners"]'))
    assert row.locator(".badge").inner_text() == "Not reviewed"
    page.click('a[href="/i/dinners"]')
    page.wait_for_selector(".chip[data-item]")
    forces = page.eval_on_selector_all(".chip[data-item]", "els => els.map(e => e.dataset.item)")
    assert len(forces) >= 3, "the rules extractor should find forces in this interview"
    accept, reject, retype = forces[:3]
    items = {i["id"]: i for i in json.loads(page.locator("#review-data").text_content())["items"]}

    chip(page, accept).click()
    page.keyboard.press("a")
    wait_class(page, accept, "v-accepted")
    chip(page, reject).click()
    page.keyboard.press("r")
    wait_class(page, reject, "v-rejected")
    chip(page, retype).click()
    new_type = "anxiety" if items[retype]["type"] != "anxiety" else "habit"
    page.keyboard.press({"push": "1", "pull": "2", "anxiety": "3", "habit": "4"}[new_type])
    wait_class(page, retype, f"t-{new_type}")
    assert page.locator("[data-state-badge]").inner_text() == "In review"

    # add a force from a text selection in a participant turn
    assert page.evaluate(SELECT_TEXT, ["the kids actually eat it"]) is not None
    page.wait_for_selector("#selection-bar:not([hidden])")
    with page.expect_navigation():
        page.click('#selection-bar [data-add="habit"]')
    added = page.locator(".chip.t-habit", has_text="the kids actually eat it")
    added.wait_for()
    assert "added" in added.locator(".chip-type").text_content()

    def check_kept() -> None:
        wait_class(page, accept, "v-accepted")
        wait_class(page, reject, "v-rejected")
        wait_class(page, retype, f"t-{new_type}")
        assert page.locator(".chip.t-habit", has_text="the kids actually eat it").count() == 1
        assert page.locator(".orphans").count() == 0

    page.reload()
    check_kept()
    review = Review.model_validate_json(ws.review_path("dinners").read_text())
    assert sorted(d.verdict for d in review.decisions) == ["accepted", "accepted", "pending", "rejected"]
    assert [d.type for d in review.decisions if d.added] == ["habit"]

    rerun_extraction(folder)
    page.reload()
    check_kept()

    chip(page, forces[3] if len(forces) > 3 else accept).click()
    page.wait_for_selector("#inspector blockquote")
    assert page.js_errors == []
    page.wait_for_timeout(1300)  # let the smooth scroll end and the highlight flash fade
    page.evaluate("window.scrollTo(0, 0)")
    shot = screenshot(page, "review-interview.png", full_page=False)
    screenshot(page, "review-interview-full.png", full_page=True)
    page.goto(url)
    assert row.locator(".badge").inner_text() == "In review"
    index_shot = screenshot(page, "review-index.png")
    assert shot.stat().st_size > 10_000 and index_shot.stat().st_size > 5_000


def two_voice_wav(folder: Path, lines: list[tuple[str, str]]) -> tuple[Path, list[tuple[float, float]]]:
    """Each turn spoken by espeak-ng (interviewer and participant in different voices), joined with
    0.4 s pauses by sox; returns the wav and each turn's (start, end) in seconds."""
    parts, times, clock = [], [], 0.0
    voices = {"Sam": "en-us", "Priya": "en-gb+f3"}
    for n, (speaker, text) in enumerate(lines):
        part = folder / f".turn{n}.wav"
        subprocess.run(["espeak-ng", "-v", voices[speaker], "-s", "190", "-w", str(part), text], check=True, capture_output=True)
        seconds = float(subprocess.run(["soxi", "-D", str(part)], check=True, capture_output=True, text=True).stdout)
        times.append((clock, clock + seconds))
        clock += seconds + 0.4
        parts.append(str(part))
    wav = folder / "dinners.wav"
    gap = ["|sox -n -r 22050 -c 1 -p trim 0 0.4"]
    joined = [p for part in parts for p in (part, gap[0])][:-1]
    subprocess.run(["sox", *joined, str(wav)], check=True, capture_output=True)
    for part in parts:
        Path(part).unlink()
    return wav, times


def test_clicking_a_quote_plays_the_recording_from_there(page, live_server, tmp_path):
    wav, times = two_voice_wav(tmp_path, LINES)
    transcript = make_transcript(kind="audio", source=wav.name)
    turns = [t.model_copy(update={"start": round(s, 2), "end": round(e, 2)}) for t, (s, e) in zip(transcript.turns, times)]
    transcript = transcript.model_copy(update={"turns": turns, "duration": times[-1][1]})
    extraction = make_extraction(transcript)
    hand_made_workspace(tmp_path, transcript, extraction)
    ranges: list[int] = []
    page.on("response", lambda r: ranges.append(r.status) if "/audio/" in r.url else None)
    url = live_server(create_app(tmp_path, SETTINGS))
    page.goto(f"{url}/i/dinners")
    # the recording really loads: the browser knows its length
    page.wait_for_function("() => document.getElementById('audio').readyState >= 1", timeout=10_000)
    duration = page.evaluate("document.getElementById('audio').duration")
    assert abs(duration - times[-1][1]) < 0.2

    playing_from = "([t]) => { const a = document.getElementById('audio'); return !a.seeking && !a.paused && a.error === null && a.currentTime >= t - 0.05 && a.currentTime < t + 1.5; }"
    worried = next(f for f in extraction.forces if f.type == "anxiety")
    assert worried.quote.start > 10  # well into the recording, so a seek is visible
    page.locator("mark[data-ids]", has_text="I was worried it would cost too much").click()
    page.wait_for_function(playing_from, arg=[worried.quote.start], timeout=10_000)
    habit = next(f for f in extraction.forces if f.type == "habit")
    chip(page, habit.id).click()
    page.wait_for_function(playing_from, arg=[habit.quote.start], timeout=10_000)
    page.wait_for_function("([t]) => document.getElementById('audio').currentTime > t + 0.3", arg=[habit.quote.start], timeout=10_000)  # it plays on
    assert 206 in ranges  # the browser fetched the recording in ranges
    assert page.js_errors == []


def test_script_in_a_transcript_shows_as_text_and_never_runs(page, live_server, tmp_path):
    payload = "<script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned = 2\">"
    lines = [("Sam", f"Tell me more {payload}"), ("Priya", f"I was fed up: {payload} it kept breaking every week.")]
    transcript = make_transcript(lines)
    extraction = Extraction(interview_id="dinners", forces=[force(transcript, f"I was fed up: {payload}", "push", "first_thought")])
    hand_made_workspace(tmp_path, transcript, extraction)
    url = live_server(create_app(tmp_path, SETTINGS))
    page.goto(f"{url}/i/dinners")
    chip(page, extraction.forces[0].id).click()  # the inspector renders the quote too
    page.wait_for_selector("#inspector blockquote")
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#inspector blockquote").inner_text() == f"I was fed up: {payload}"
    assert page.locator(".text[data-turn='1']").inner_text() == lines[1][1]
    assert page.js_errors == []


def test_only_local_host_names_are_answered(live_server, tmp_path):
    hand_made_workspace(tmp_path)
    url = live_server(create_app(tmp_path, SETTINGS))
    port = url.rsplit(":", 1)[1]
    assert httpx.get(url).status_code == 200
    assert httpx.get(url, headers={"Host": f"localhost:{port}"}).status_code == 200
    assert httpx.get(url, headers={"Host": f"attacker.example:{port}"}).status_code == 403  # DNS rebinding
    assert httpx.get(url, headers={"Host": "attacker.example"}).status_code == 403
    force_id = make_extraction(make_transcript()).forces[0].id
    post = httpx.post(f"{url}/api/i/dinners/items/{force_id}", json={"verdict": "accepted"}, headers={"Origin": "https://attacker.example"})
    assert post.status_code == 403 and not Workspace(tmp_path).review_path("dinners").exists()

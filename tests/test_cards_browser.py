"""Job-story cards in Chromium: no element of a card runs over its cut line, on A4 and US Letter,
for the stories of a real workspace and for the longest stories the synthesis can write."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from browser import ARTIFACTS
from pipeline.export import export
from pipeline.export.cards import MAX_STORY_CHARS, fit
from pipeline.settings import Settings
from pipeline.workspace import read_model, write_model
from schemas import EvidenceRef, Synthesis
from test_report_data import build_workspace

# Every element of every card, measured against the card's content box: its padding is the margin
# a pair of scissors needs, so text may not enter it either (1 px of slack for sub-pixel rounding).
MEASURE = """() => [...document.querySelectorAll('.card')].map(card => {
  const r0 = card.getBoundingClientRect(), cs = getComputedStyle(card), px = (v) => parseFloat(v);
  const box = {top: r0.top + px(cs.paddingTop), bottom: r0.bottom - px(cs.paddingBottom),
               left: r0.left + px(cs.paddingLeft), right: r0.right - px(cs.paddingRight)};
  const out = [...card.querySelectorAll('*')].filter(el => {
    const r = el.getBoundingClientRect();
    return r.width && r.height && (r.bottom > box.bottom + 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.left < box.left - 1);
  }).map(el => el.className || el.tagName);
  // the height the text needs: laid out as a plain block (no flex squeezing, the evidence's auto margin is 0)
  Object.assign(card.style, {display: 'block', alignSelf: 'start', height: 'auto'});
  const need = card.getBoundingClientRect().height - px(cs.paddingTop) - px(cs.paddingBottom) - px(cs.borderTopWidth) - px(cs.borderBottomWidth);
  Object.assign(card.style, {display: '', alignSelf: '', height: ''});
  return {id: card.id, card_px: Math.round(r0.height), room_px: Math.round(box.bottom - box.top), need_px: Math.round(need), out};
})"""


def longest_stories(synthesis: Synthesis) -> Synthesis:
    """The synthesis' stories at their longest: every part long, many long quotes behind each."""
    words = "because the weekly planning meeting keeps running over and nobody can find the shared spreadsheet "
    base = synthesis.job_stories[0]
    refs = [EvidenceRef(interview_id=f"interview-{n:02d}", item_id=f"i{n}", quote=words * 3, turn=100 + n, start=3600.0 + n)
            for n in range(9)]
    stories = []
    for n, length in enumerate((60, 120, 200, 400)):
        text = (words * 5)[:length].strip()
        evidence = base.evidence.model_copy(update={"refs": refs[: 2 + n * 2]})
        stories.append(base.model_copy(update={"id": f"long{n}", "situation": text, "motivation": text, "expected_outcome": text,
                                               "evidence": evidence}))
    return synthesis.model_copy(update={"job_stories": [*synthesis.job_stories, *stories]})


def test_a_very_long_story_is_shortened_to_the_longest_that_fits(tmp_path: Path) -> None:
    ws = build_workspace(tmp_path)
    longest = longest_stories(read_model(ws.synthesis_path, Synthesis)).job_stories[-1]
    card = fit(longest)
    written = f"When {card.situation}, I want to {card.motivation}, so I can {card.outcome}."
    assert len(longest.text) > 1000 and len(written) <= MAX_STORY_CHARS and card.situation.endswith("…")
    assert len(card.quotes) == 1 and card.more == len(longest.evidence.refs) - 1


@pytest.mark.browser
def test_no_card_text_runs_over_its_cut_line(page, tmp_path: Path) -> None:  # noqa: F811
    ws = build_workspace(tmp_path)
    write_model(ws.synthesis_path, longest_stories(read_model(ws.synthesis_path, Synthesis)))
    results = {}
    for path in export(ws, Settings(), ["cards"], None, False):
        page.goto(path.as_uri())
        cards = page.evaluate(MEASURE)
        assert len(cards) == 7
        results[path.name] = cards
        for card in cards:
            assert not card["out"] and card["need_px"] <= card["room_px"] + 1, f"{path.name} {card}"
        if path.name.endswith("a4.html"):
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "cards-a4-fitted.png"), full_page=True)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "cards-measured.json").write_text(json.dumps(results, indent=1), encoding="utf-8")

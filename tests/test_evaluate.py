"""`jtbd eval`: matching predicted forces to gold ones, the metrics, and the table on the samples."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from schemas import Force, GoldForce, Quote
from pipeline.errors import BadInputError
from pipeline.evaluate import EvalReport, evaluate, match_forces, render_table, score_interview, transcript_for
from pipeline.settings import Settings

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def q(turn: int, start: int, end: int) -> Quote:
    return Quote(text="x" * (end - start), turn=turn, start_char=start, end_char=end)


def pred(kind: str, turn: int, start: int, end: int, stage: str = "first_thought") -> Force:
    return Force(type=kind, quote=q(turn, start, end), stage=stage)


def gold(kind: str, turn: int, start: int, end: int, stage: str = "first_thought") -> tuple[GoldForce, Quote]:
    return GoldForce(type=kind, quote="x", stage=stage), q(turn, start, end)


def test_match_is_one_to_one_best_overlap_first() -> None:
    predicted = [pred("push", 1, 0, 10), pred("push", 1, 5, 20)]
    golds = [gold("push", 1, 6, 20), gold("push", 1, 0, 4)]
    # pred 1 covers gold 0 fully (overlap 1.0); pred 0 then takes gold 1 (1.0) rather than gold 0
    assert sorted(match_forces(predicted, golds)) == [(0, 1, 1.0), (1, 0, 1.0)]


def test_match_needs_same_type_same_turn_and_overlap() -> None:
    predicted = [pred("pull", 1, 0, 10), pred("push", 2, 0, 10), pred("push", 1, 10, 20)]
    assert match_forces(predicted, [gold("push", 1, 0, 10)]) == []


def test_scores_per_type_micro_macro_and_stage_accuracy() -> None:
    predicted = [
        pred("push", 1, 0, 10), pred("push", 1, 20, 30, stage="event_1"),  # 1 tp (stage right), 1 fp
        pred("pull", 3, 0, 10, stage="deciding"),  # tp, stage wrong
        pred("habit", 5, 0, 10),  # fp
    ]
    golds = [gold("push", 1, 2, 8), gold("pull", 3, 5, 15), gold("anxiety", 4, 0, 10), gold("pull", 7, 0, 5)]
    report = EvalReport(folder=".", extractor="rules", interviews=[score_interview("a", predicted, golds)])
    t = report.by_type()
    assert (t["push"].tp, t["push"].fp, t["push"].fn) == (1, 1, 0)
    assert (t["pull"].tp, t["pull"].fp, t["pull"].fn) == (1, 0, 1)
    assert (t["anxiety"].tp, t["anxiety"].fn, t["habit"].fp) == (0, 1, 1)
    assert t["push"].f1 == pytest.approx(2 / 3)
    assert t["pull"].f1 == pytest.approx(2 / 3)
    assert report.macro_f1 == pytest.approx((2 / 3 + 2 / 3 + 0 + 0) / 4)
    micro = report.micro
    assert (micro.tp, micro.fp, micro.fn) == (2, 2, 2)
    assert micro.f1 == pytest.approx(0.5)
    assert report.stage_accuracy == pytest.approx(0.5)


def test_script_gold_needs_a_transcript(tmp_path: Path) -> None:
    (tmp_path / "05-gym.script.txt").write_text("Interviewer: hi?\n")
    assert transcript_for(tmp_path, "05-gym.script.txt") is None
    (tmp_path / "05-gym.vtt").write_text("WEBVTT\n")
    assert transcript_for(tmp_path, "05-gym.script.txt") == tmp_path / "05-gym.vtt"


def test_eval_on_a_hand_made_folder_counts_label_errors(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(
        "Sam: When did you first start thinking about it?\n\n"
        "Ana: I was fed up with chasing invoices every Friday.\n\n"
        "Sam: How did you decide?\n\n"
        "Ana: I was worried it would be too hard to set up.\n"
    )
    (tmp_path / "gold").mkdir()
    (tmp_path / "gold" / "a.txt.gold.json").write_text(json.dumps({"interview": "a.txt", "forces": [
        {"type": "push", "quote": "I was fed up with chasing invoices every Friday.", "stage": "first_thought"},
        {"type": "habit", "quote": "We have always used paper ledgers for this.", "stage": "first_thought"},
    ]}))
    report = evaluate(tmp_path, Settings(extractor="rules"))
    [one] = report.interviews
    assert (one.gold, one.predicted, one.matched, one.stage_correct) == (1, 2, 1, 1)
    assert one.label_errors == ["We have always used paper ledgers for this."]
    table = render_table(report)
    assert "label error: a.txt" in table and "macro F1" in table


def test_eval_without_gold_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BadInputError):
        evaluate(tmp_path, Settings(extractor="rules"))


@pytest.mark.skipif(not (SAMPLES / "gold").is_dir(), reason="samples not written yet")
def test_eval_on_samples_prints_a_table_and_meets_the_goal() -> None:
    report = evaluate(SAMPLES, Settings(extractor="rules"))
    table = render_table(report)
    assert len(report.interviews) >= 5
    for name in ("push", "pull", "anxiety", "habit", "micro", "macro F1", "stage accuracy"):
        assert name in table
    for interview in report.interviews:
        assert interview.interview in table
        assert interview.label_errors == []
    assert report.macro_f1 >= 0.6

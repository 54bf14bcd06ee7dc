"""The LLM path with recorded answers (tests/fixtures/llm/README.md): with a capable model's
answers `auto` scores at least as well as `--extractor llm`; with nonsense answers it stays with
the offline extractor. Real requests from the tool, real gold labels, replayed at the network edge."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.evaluate import evaluate
from tests.llm_replay import ReplayLLM

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "evalsets" / "real"
SOME = {"creativity_0032.md", "work_0223.md", "science_0107.md"}  # recorded, 1 request each


def scored(answers: str | None, extractor: str, tmp_path: Path):
    with ReplayLLM(answers) as llm:
        report = evaluate(REAL, llm.settings(extractor=extractor), only=SOME, cache_dir=tmp_path)
        assert not llm.missing, "a request has no recorded answer: the prompt or chunking changed (see the fixtures README)"
        assert len(llm.requests) == (0 if extractor == "classifier" else len(SOME))
    return report


@pytest.fixture(scope="module")
def offline(tmp_path_factory):
    return scored(None, "classifier", tmp_path_factory.mktemp("offline"))


def test_a_capable_model_lifts_auto_to_at_least_the_llm_alone(offline, tmp_path) -> None:
    llm = scored("capable", "llm", tmp_path / "llm")
    auto = scored("capable", "auto", tmp_path / "auto")
    assert llm.macro_f1 >= 0.7 and llm.macro_f1 > offline.macro_f1  # offline here is in-sample: the shipped weights saw these
    assert auto.macro_f1 >= llm.macro_f1
    assert all(t.recall > 0.6 for t in auto.by_type().values() if t.tp + t.fn >= 3)


def test_a_nonsense_model_leaves_auto_with_the_offline_result(offline, tmp_path) -> None:
    llm = scored("nonsense", "llm", tmp_path / "llm")
    auto = scored("nonsense", "auto", tmp_path / "auto")
    assert llm.macro_f1 < 0.2
    assert abs(auto.macro_f1 - offline.macro_f1) <= 0.03
    assert [i.predicted for i in auto.interviews] == [i.predicted for i in offline.interviews]

"""End to end against a REAL local LLM server (llama-cpp-python + Gemma 3 270M): structured output,
validation with feedback, grounding of what a tiny model invents, and the cache."""
from __future__ import annotations

import json

import pytest
from pydantic import BaseModel, field_validator
from rapidfuzz import fuzz

from pipeline.errors import LLMError
from pipeline.extract.llm import extract_llm
from pipeline.llm import LLMCache, complete_structured, first_json_object, mode_for, reset_modes
from pipeline.settings import Settings
from tests.llm_server import gemma_settings, llama_server, make_transcript  # noqa: F401

pytestmark = pytest.mark.slow

TRANSCRIPT = make_transcript([
    ("Interviewer", "When did you first start thinking the way you planned meals was not working?"),
    ("Priya", "Last spring. Every Sunday I spent two hours writing a shopping list, and by Wednesday we were ordering takeaway again because nobody wanted to cook."),
    ("Interviewer", "What did you look at?"),
    ("Priya", "A friend at work showed me her Gousto box. I loved that the recipes came with exactly the right amount of everything."),
    ("Interviewer", "Was there anything that made you hesitate?"),
    ("Priya", "I was worried it would be too expensive for a family of four. We had always just done the big shop at Tesco."),
])


def _participant_texts() -> list[str]:
    return [" ".join(t.text.lower().split()) for t in TRANSCRIPT.participant_turns()]


def test_extraction_end_to_end_is_grounded_and_cached(gemma_settings: Settings, tmp_path) -> None:
    reset_modes()
    try:
        result = extract_llm(TRANSCRIPT, gemma_settings, cache_dir=tmp_path)
    except LLMError as exc:
        # The KV-cache state makes even greedy decoding drift a little, and some drifts loop inside
        # a string until max_tokens. That must end as a clean, logged failure after fed-back retries.
        log = [json.loads(line) for line in (tmp_path / "llm" / "log.jsonl").read_text().splitlines()]
        assert "\n" not in exc.line() and "no valid LLMExtraction after 2 tries" in exc.reason
        assert len(log) == 2 and all("error" in r for r in log)
        assert log[0]["error"] in log[1]["messages"][-1]["content"] and log[1]["messages"][-2]["role"] == "assistant"
        return
    # llama-cpp-python's server takes the schema as {"type": "json_object", "schema": ...}
    assert mode_for(gemma_settings.llm.base_url, gemma_settings.llm.model) in ("json_schema", "json_object")
    usage = result.llm
    assert usage.calls >= 1 and usage.prompt_tokens > 300 and usage.completion_tokens > 0
    for item in result.items():  # every surviving quote is verbatim participant text
        turn = TRANSCRIPT.turns[item.quote.turn]
        assert turn.role == "participant" and turn.text[item.quote.start_char:item.quote.end_char] == item.quote.text
    log = [json.loads(line) for line in (tmp_path / "llm" / "log.jsonl").read_text().splitlines()]
    answers = [first_json_object(r["response"]) for r in log if "error" not in r]
    assert len(answers) == usage.calls - sum("error" in r for r in log)  # every accepted answer is logged
    quotes = [i["quote"] for answer in answers for i in answer["items"]]
    assert quotes, "the model returned no items: grounding was not exercised"
    invented = [q for q in quotes if max(fuzz.partial_ratio(" ".join(q.lower().split()), t) for t in _participant_texts()) < 70]
    assert usage.dropped_quotes >= len(invented)  # what the model made up never reaches the output
    assert len(result.items()) <= len(quotes) - usage.dropped_quotes
    again = extract_llm(TRANSCRIPT, gemma_settings, cache_dir=tmp_path)
    assert again.items() == result.items()
    assert (again.llm.prompt_tokens, again.llm.completion_tokens, again.llm.calls) == (0, 0, 0)
    assert again.llm.cached_calls == 1  # one chunk


class Colour(BaseModel):
    colour: str

    @field_validator("colour")
    @classmethod
    def primary(cls, value: str) -> str:  # a rule the JSON grammar cannot enforce
        if value.strip().lower() not in ("red", "green", "blue"):
            raise ValueError("colour must be one of red, green, blue")
        return value


def test_validation_error_is_fed_back_to_the_real_model(gemma_settings: Settings, tmp_path) -> None:
    messages = [{"role": "system", "content": "Answer in JSON."},
                {"role": "user", "content": "Reply with the colour yellow."}]
    cache = LLMCache(tmp_path)
    try:
        answer, usage = complete_structured(messages, Colour, gemma_settings, cache)
        assert answer.colour.lower() in ("red", "green", "blue")
    except LLMError as exc:
        assert "\n" not in exc.line() and "no valid Colour after 2 tries" in exc.reason
    log = [json.loads(line) for line in (tmp_path / "llm" / "log.jsonl").read_text().splitlines()]
    assert log[0]["messages"] == messages
    assert "error" in log[0] and len(log) == 2  # the grammar allows "yellow"; the validator does not
    assert log[1]["messages"][2] == {"role": "assistant", "content": log[0]["response"]}
    assert "red, green, blue" in log[1]["messages"][3]["content"]

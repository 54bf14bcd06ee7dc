"""pipeline.llm against a scripted OpenAI-compatible server: the network edges."""
from __future__ import annotations

import json
import time

import pytest
from pydantic import BaseModel

from pipeline.errors import LLMError
from pipeline.llm import LLMCache, complete_structured, first_json_object, mode_for
from pipeline.llm import client as llm_client
from schemas.extraction import ForceType
from tests.llm_server import FakeLLM, fake_llm  # noqa: F401


class Verdict(BaseModel):
    force_type: ForceType
    reason: str


MESSAGES = [{"role": "system", "content": "Classify."}, {"role": "user", "content": "I was fed up with the sheet."}]
GOOD = {"force_type": "push", "reason": "frustration with the old way"}


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(llm_client, "BACKOFF_SECONDS", 0.01)


def test_rate_limit_then_success(fake_llm: FakeLLM) -> None:
    fake_llm.error(429, "slow down", headers={"retry-after": "0.2"}).reply(GOOD)
    started = time.monotonic()
    answer, usage = complete_structured(MESSAGES, Verdict, fake_llm.settings())
    assert answer.force_type == "push"
    assert len(fake_llm.requests) == 2
    assert time.monotonic() - started >= 0.2  # Retry-After honoured
    assert (usage.calls, usage.prompt_tokens, usage.completion_tokens) == (1, 100, 20)


def test_server_errors_exhaust_retries_into_one_line(fake_llm: FakeLLM) -> None:
    for _ in range(3):
        fake_llm.error(503, "overloaded")
    with pytest.raises(LLMError) as caught:
        complete_structured(MESSAGES, Verdict, fake_llm.settings())
    assert len(fake_llm.requests) == 3
    assert caught.value.reason == f"LLM at {fake_llm.url} failed with HTTP 503 after 3 tries"


def test_timeout_becomes_one_line_llm_error(fake_llm: FakeLLM) -> None:
    fake_llm.sleep(2.0).sleep(2.0)
    with pytest.raises(LLMError) as caught:
        complete_structured(MESSAGES, Verdict, fake_llm.settings(timeout=0.3, max_retries=2))
    line = caught.value.line()
    assert "\n" not in line
    assert line.startswith(f"LLM at {fake_llm.url} timed out") and line.endswith("after 2 tries")
    assert len(fake_llm.requests) == 2


def test_unreachable_endpoint_is_one_line() -> None:
    from pipeline.settings import LLMSettings, Settings
    from tests.llm_server import free_port

    settings = Settings(llm=LLMSettings(base_url=f"http://127.0.0.1:{free_port()}/v1", model="m", max_retries=2))
    with pytest.raises(LLMError, match=r"unreachable .*after 2 tries$"):
        complete_structured(MESSAGES, Verdict, settings)


def test_truncated_json_is_retried_with_feedback(fake_llm: FakeLLM) -> None:
    fake_llm.reply('{"force_type": "push", "rea', finish_reason="length").reply(GOOD)
    answer, usage = complete_structured(MESSAGES, Verdict, fake_llm.settings())
    assert answer.reason == GOOD["reason"]
    assert usage.calls == 2
    retry = fake_llm.requests[1]["messages"]
    assert retry[:2] == MESSAGES  # the original request is kept as is
    assert retry[2] == {"role": "assistant", "content": '{"force_type": "push", "rea'}
    assert "cut off" in retry[3]["content"] and retry[3]["role"] == "user"


def test_wrong_enum_value_is_fed_back_and_corrected(fake_llm: FakeLLM) -> None:
    fake_llm.reply({"force_type": "motivation", "reason": "x"}).reply(GOOD)
    answer, _ = complete_structured(MESSAGES, Verdict, fake_llm.settings())
    assert answer.force_type == "push"
    feedback = fake_llm.requests[1]["messages"][-1]["content"]
    assert "force_type" in feedback and "'push'" in feedback  # pydantic names the field and the allowed values


def test_invalid_output_every_time_is_one_line_error(fake_llm: FakeLLM) -> None:
    for _ in range(2):
        fake_llm.reply("Sure! Here is the classification: push.")
    with pytest.raises(LLMError) as caught:
        complete_structured(MESSAGES, Verdict, fake_llm.settings(max_retries=2))
    assert "\n" not in caught.value.line()
    assert "no valid Verdict after 2 tries" in caught.value.reason


def test_json_schema_rejected_falls_back_to_json_object_and_remembers(fake_llm: FakeLLM) -> None:
    fake_llm.error(400, "response_format type must be text or json_object").reply(GOOD).reply(GOOD)
    settings = fake_llm.settings()
    complete_structured(MESSAGES, Verdict, settings)
    first, second = (r["response_format"] for r in fake_llm.requests)
    assert first["type"] == "json_schema" and first["json_schema"]["schema"] == Verdict.model_json_schema()
    assert second == {"type": "json_object", "schema": Verdict.model_json_schema()}
    assert mode_for(fake_llm.url, "fake-model") == "json_object"
    complete_structured(MESSAGES + [{"role": "user", "content": "again"}], Verdict, settings)
    assert fake_llm.requests[2]["response_format"]["type"] == "json_object"  # no second 400


def test_no_response_format_support_falls_back_to_schema_in_prompt(fake_llm: FakeLLM) -> None:
    fake_llm.error(422, "bad response_format").error(400, "schema not supported")
    fake_llm.reply("Here you go:\n```json\n" + json.dumps(GOOD) + "\n```")
    answer, _ = complete_structured(MESSAGES, Verdict, fake_llm.settings())
    assert answer.force_type == "push"
    last = fake_llm.requests[2]
    assert "response_format" not in last
    assert '"force_type"' in last["messages"][0]["content"] and last["messages"][0]["role"] == "system"


def test_unauthorised_is_not_retried(fake_llm: FakeLLM) -> None:
    fake_llm.error(401, "bad key")
    with pytest.raises(LLMError, match="rejected the request: HTTP 401"):
        complete_structured(MESSAGES, Verdict, fake_llm.settings())
    assert len(fake_llm.requests) == 1


def test_cache_hit_costs_no_tokens_and_everything_is_logged(fake_llm: FakeLLM, tmp_path) -> None:
    fake_llm.reply(GOOD)
    cache = LLMCache(tmp_path)
    settings = fake_llm.settings()
    first, used = complete_structured(MESSAGES, Verdict, settings, cache)
    again, reused = complete_structured(MESSAGES, Verdict, settings, cache)
    assert again == first and len(fake_llm.requests) == 1
    assert (reused.calls, reused.cached_calls, reused.prompt_tokens) == (0, 1, 0) and used.calls == 1
    log = [json.loads(line) for line in (tmp_path / "llm" / "log.jsonl").read_text().splitlines()]
    assert log[0]["messages"] == MESSAGES and json.loads(log[0]["response"]) == GOOD
    assert "cached" in log[1]
    # a different model is a different request
    fake_llm.reply(GOOD)
    complete_structured(MESSAGES, Verdict, fake_llm.settings(model="other"), cache)
    assert len(fake_llm.requests) == 2


def test_first_json_object_skips_prose_and_broken_objects() -> None:
    assert first_json_object('Sure {not json} and {"a": {"b": 1}} tail') == {"a": {"b": 1}}
    with pytest.raises(ValueError, match="invalid JSON"):
        first_json_object('{"a": 1')


def test_raw_newlines_in_grammar_output_still_parse() -> None:
    # llama.cpp's JSON grammar lets a literal newline into a string; that is not worth a retry
    assert first_json_object('{"reason": "line one\nline two"}') == {"reason": "line one\nline two"}


def test_gemma3_prompt_folds_the_system_message_into_the_first_user_turn() -> None:
    from pipeline.llm.gemma_server import render_gemma3

    prompt = render_gemma3([{"role": "system", "content": "Rules."}, {"role": "user", "content": "Data."},
                            {"role": "assistant", "content": "{}"}, {"role": "user", "content": "Again."}])
    assert prompt == ("<start_of_turn>user\nRules.\n\nData.<end_of_turn>\n<start_of_turn>model\n{}<end_of_turn>\n"
                      "<start_of_turn>user\nAgain.<end_of_turn>\n<start_of_turn>model\n")


def test_failures_and_invalid_answers_share_one_count_of_tries(fake_llm: FakeLLM) -> None:
    # one retry layer: a 503, an invalid answer and another 503 are three requests of three, not 3 x 3
    fake_llm.error(503, "overloaded").reply("not json").error(503, "overloaded").reply(GOOD)
    with pytest.raises(LLMError, match="failed with HTTP 503 after 3 tries"):
        complete_structured(MESSAGES, Verdict, fake_llm.settings(max_retries=3))
    assert len(fake_llm.requests) == 3


def test_a_failure_then_an_invalid_answer_then_a_valid_one_succeeds(fake_llm: FakeLLM) -> None:
    fake_llm.error(429, "slow down").reply("not json").reply(GOOD)
    answer, usage = complete_structured(MESSAGES, Verdict, fake_llm.settings(max_retries=3))
    assert answer.force_type == "push" and len(fake_llm.requests) == 3 and usage.calls == 2
    assert "invalid" in fake_llm.requests[2]["messages"][-1]["content"]  # the bad answer was fed back

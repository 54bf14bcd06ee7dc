"""Speaker roles: inference from labels and questions, and the researcher's overrides (also through `jtbd run`)."""
from __future__ import annotations

import pytest

from pipeline.errors import ConfigError
from pipeline.roles import apply_role_overrides, assign_roles, infer_roles, question_score
from pipeline.run import Runner
from pipeline.settings import Settings
from pipeline.transcribe import transcription_fingerprint
from pipeline.ingest import discover
from schemas import Interview, Transcript, Turn


def _turns(*pairs: tuple[str, str]) -> list[Turn]:
    return [Turn(index=i, speaker=s, role="participant", text=t) for i, (s, t) in enumerate(pairs)]


DIALOGUE = (
    ("Alex", "Thanks for joining. When did you first think about changing banks?"),
    ("Jo", "Last spring. The app kept logging me out and I missed a payment."),
    ("Alex", "Tell me about that day."),
    ("Jo", "I was at the till and my card was declined. I was mortified, you know?"),
    ("Alex", "What did you do next? Who did you talk to?"),
    ("Jo", "I asked my sister. She had moved to Monzo and loved it."),
)


def test_question_score_counts_asking_sentences():
    assert question_score("What happened? Tell me about the day you switched.") == 1.0
    assert question_score("I bought it. It was fine.") == 0.0
    # an answer that opens with a question word is only half a question without '?'
    assert question_score("When I got home I cried. It was awful.") == 0.25
    assert question_score("") == 0.0


def test_most_question_like_speaker_is_the_interviewer():
    roles, method = infer_roles(_turns(*DIALOGUE))
    assert roles == {"Alex": "interviewer", "Jo": "participant"} and method == "questions"


@pytest.mark.parametrize(
    ("labels", "interviewer"),
    [
        (("Interviewer", "Dana"), "Interviewer"),
        (("Moderator", "Speaker 2"), "Moderator"),
        (("Q", "A"), "Q"),
        (("AI", "User"), "AI"),
        (("Sam (host)", "Lee"), "Sam (host)"),
        (("Kim", "Participant 1"), "Kim"),  # the other one says it is the participant
    ],
)
def test_labels_that_name_a_role_win_over_questions(labels, interviewer):
    # the questions sit with the participant-to-be, so only the labels can give the right answer
    a, b = labels
    turns = _turns((b, "What do you mean? Why?"), (a, "I switched in May."), (b, "How so?"), (a, "It was cheaper."))
    roles, method = infer_roles(turns)
    assert method == "labels" and roles[interviewer] == "interviewer"
    assert [s for s, r in roles.items() if r == "participant"] == [s for s in labels if s != interviewer]


def test_corpus_style_two_interviewer_labels():
    roles, method = infer_roles(_turns(("Assistant", "Hi! Any questions?"), ("User", "No."), ("AI", "How do you use AI?"), ("User", "Daily.")))
    assert roles == {"Assistant": "interviewer", "User": "participant", "AI": "interviewer"} and method == "labels"


def test_single_speaker_is_the_participant():
    roles, method = infer_roles(_turns(("Dana", "Why did I switch? Because the sheet broke.")))
    assert roles == {"Dana": "participant"} and method.startswith("single-speaker") and "'Dana'" in method


def test_assign_roles_sets_each_turn():
    turns, roles, method = assign_roles(_turns(*DIALOGUE))
    assert [t.role for t in turns] == ["interviewer", "participant"] * 3
    assert roles["Jo"] == "participant" and method == "questions"
    assert [t.text for t in turns] == [t for _, t in DIALOGUE]


def _transcript() -> Transcript:
    turns, roles, method = assign_roles(_turns(*DIALOGUE))
    interview = Interview(id="bank", source="bank.txt", kind="transcript", sha256="0" * 64)
    return Transcript(interview=interview, turns=turns, speakers=roles, role_method=method)


def test_overrides_swap_roles_and_say_so():
    out = apply_role_overrides(_transcript(), {"Alex": "participant", "jo": "interviewer", "Nobody": "interviewer"})
    assert out.speakers == {"Alex": "participant", "Jo": "interviewer"}  # 'jo' matched ignoring case; 'Nobody' ignored
    assert [t.role for t in out.turns] == ["participant", "interviewer"] * 3
    assert out.role_method == "override"


def test_overrides_that_match_nothing_change_nothing():
    original = _transcript()
    assert apply_role_overrides(original, {}) == original
    assert apply_role_overrides(original, {"Someone Else": "interviewer"}) == original


def test_override_with_an_unknown_role_is_a_config_error():
    with pytest.raises(ConfigError, match="must be 'interviewer' or 'participant', got 'boss'"):
        apply_role_overrides(_transcript(), {"Alex": "boss"})


def test_run_stage_applies_overrides_and_redoes_only_the_roles(tmp_path):
    (tmp_path / "bank.txt").write_text("\n".join(f"{s}: {t}" for s, t in DIALOGUE), encoding="utf-8")
    (interview,), problems = discover(tmp_path)
    assert not problems
    first = Runner(tmp_path, Settings(progress=False)).transcribe(interview)
    assert first.speakers == {"Alex": "interviewer", "Jo": "participant"} and first.role_method == "questions"
    runner = Runner(tmp_path, Settings(progress=False, roles={"bank": {"Alex": "participant", "Jo": "interviewer"}}))
    second = runner.transcribe(interview)
    assert second.speakers == {"Alex": "participant", "Jo": "interviewer"} and second.role_method == "override"
    assert runner.result.skipped.get("transcribe") == ["bank"] and runner.result.done.get("roles") == ["bank"]
    assert transcription_fingerprint(interview, Settings()).startswith("import-")

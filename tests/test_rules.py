"""The offline rules extractor on hand-written sentences and transcripts."""
from __future__ import annotations

import pytest

from schemas import Interview, Transcript, Turn

from pipeline.extract.rules import RULES_VERSION, extract_rules
from pipeline.extract.rules_outcomes import past_participle


def transcript(*lines: tuple[str, str]) -> Transcript:
    """('I' or 'P', text) pairs: interviewer and participant turns, with times."""
    turns = [
        Turn(index=i, speaker="Sam" if who == "I" else "Ana", role="interviewer" if who == "I" else "participant",
             text=text, start=10.0 * i, end=10.0 * i + 9)
        for i, (who, text) in enumerate(lines)
    ]
    return Transcript(interview=Interview(id="t", source="t.txt", kind="transcript", sha256="abc"), turns=turns)


def forces_of(text: str) -> list[tuple[str, str]]:
    """Forces in one participant answer while the interview is in active looking."""
    extraction = extract_rules(transcript(("I", "What stood out as you tried the options?"), ("P", text)))
    return [(f.type, f.quote.text) for f in extraction.forces]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("I was worried it would be too hard to set up.", "anxiety"),
        ("Honestly I was not sure it would work for a team like ours.", "anxiety"),
        ("We've always done it in a spreadsheet.", "habit"),
        ("I was fed up with chasing invoices every Friday.", "push"),
        ("I loved that it synced with my calendar.", "pull"),
        ("I didn't want to switch everything over to a new system.", "habit"),
    ],
)
def test_force_type_of_sentence(sentence: str, expected: str) -> None:
    assert forces_of(sentence) == [(expected, sentence)]


@pytest.mark.parametrize(
    "sentence",
    [
        "I wasn't worried about the price.",
        "I had no concerns about the price at all.",
        "We were never frustrated with the old one.",
        "The weather was nice that week.",
    ],
)
def test_negated_or_neutral_sentence_is_no_force(sentence: str) -> None:
    assert forces_of(sentence) == []


def test_negated_cue_does_not_hide_the_next_sentence() -> None:
    found = forces_of("I wasn't worried about the price. But I was afraid my team would not use it.")
    assert found == [("anxiety", "But I was afraid my team would not use it.")]


def test_quotes_are_verbatim_with_offsets_and_times() -> None:
    text = "Well,  it was fine.   Then I got fed up with   chasing people!  That's all."
    extraction = extract_rules(transcript(("I", "What happened?"), ("P", text)))
    turn = extraction.forces[0].quote.turn
    assert turn == 1
    for force in extraction.forces:
        q = force.quote
        assert q.text == text[q.start_char:q.end_char]
        assert (q.start, q.end) == (10.0, 19.0)
        assert force.extractor == "rules" and force.id and 0 < force.confidence <= 1
    assert ("push", "Then I got fed up with   chasing people!") in [(f.type, f.quote.text) for f in extraction.forces]


def test_only_participant_turns_are_evidence() -> None:
    extraction = extract_rules(transcript(
        ("I", "Were you worried it would be too hard? I hated that kind of thing when I was fed up."),
        ("P", "Not really."),
    ))
    assert extraction.forces == []
    assert all(item.quote.turn == 1 for item in extraction.items())


def test_interviewer_questions_set_stage_spans() -> None:
    extraction = extract_rules(transcript(
        ("I", "When did you first start thinking the old way was not good enough?"),
        ("P", "I was fed up with chasing invoices every Friday."),
        ("P", "We kept missing payments too."),
        ("I", "How did you decide between them?"),
        ("P", "I was worried it would be too hard to set up."),
        ("I", "Looking back, how has it worked out?"),
        ("P", "I loved that it synced with my calendar. I still keep the old spreadsheet open, just in case."),
    ))
    spans = [(s.stage, s.start_turn, s.end_turn) for s in extraction.stages]
    assert spans == [("first_thought", 0, 2), ("deciding", 3, 4), ("satisfaction", 5, 6)]
    # after buying, praise is a satisfaction signal, not pull (codebook); clinging to the old way is habit
    assert [(f.type, f.stage) for f in extraction.forces] == [
        ("push", "first_thought"), ("push", "first_thought"), ("anxiety", "deciding"), ("habit", "satisfaction")]


def test_participant_cue_moves_stage_forward_within_the_story() -> None:
    extraction = extract_rules(transcript(
        ("I", "When did you first start thinking about it?"),
        ("P", "It was okay for years. We missed the deadline and that was the last straw. I was fed up."),
    ))
    stages = {f.quote.text: f.stage for f in extraction.forces}
    assert stages["We missed the deadline and that was the last straw."] == "event_1"
    assert stages["I was fed up."] == "event_1"


def test_outcome_with_baseline_from_time_spent() -> None:
    extraction = extract_rules(transcript(("I", "What was that like?"), ("P", "I was spending five hours a week on invoices.")))
    outcome = extraction.desired_outcomes[0]
    assert (outcome.direction, outcome.metric, outcome.object, outcome.baseline) == (
        "minimize", "the time it takes to", "do invoices", "five hours a week")
    assert outcome.statement == "Minimize the time it takes to do invoices"


def test_outcome_from_wanting_to_stop() -> None:
    extraction = extract_rules(transcript(("I", "What did you want?"), ("P", "I just want to stop losing receipts.")))
    outcome = extraction.desired_outcomes[0]
    assert (outcome.direction, outcome.metric, outcome.object, outcome.baseline) == (
        "minimize", "the number of", "lost receipts", None)


def test_alternatives_criteria_workarounds_and_moments() -> None:
    extraction = extract_rules(transcript(
        ("I", "What did you do before?"),
        ("P", "We'd just copy everything into a spreadsheet by hand. One Friday in March the whole thing broke and we lost the client."),
        ("I", "Where did you look?"),
        ("P", "I tried Trello and Asana, and I also considered doing nothing. In the end we went with Asana."),
        ("I", "How did you decide?"),
        ("P", "It came down to the calendar view."),
    ))
    names = {a.name: (a.category, a.chosen) for a in extraction.alternatives}
    assert names["Asana"] == ("product", True)
    assert names["Trello"] == ("product", False)
    assert names["doing nothing"] == ("non_consumption", False)
    assert len({a.id for a in extraction.alternatives}) == len(extraction.alternatives)
    assert [c.criterion for c in extraction.decision_criteria] == ["the calendar view"]
    assert any("spreadsheet" in w.description for w in extraction.workarounds)
    assert [m.quote.text for m in extraction.struggling_moments] == [
        "One Friday in March the whole thing broke and we lost the client."]


def test_past_participle() -> None:
    assert [past_participle(v) for v in ("lose", "miss", "chase", "drop", "copy", "forget")] == [
        "lost", "missed", "chased", "dropped", "copied", "forgotten"]


def test_rules_version_changes_with_pattern_files(tmp_path, monkeypatch) -> None:
    import shutil

    from pipeline.extract import rules_patterns

    copy = tmp_path / "patterns"
    shutil.copytree(rules_patterns.PATTERN_DIR, copy)
    monkeypatch.setattr(rules_patterns, "PATTERN_DIR", copy)
    before = rules_patterns.patterns_hash()
    with open(copy / "push.jsonl", "a") as fh:
        fh.write('{"id": "new_cue", "phrase": "at my wits end", "weight": 0.9}\n')
    assert rules_patterns.patterns_hash() != before
    assert RULES_VERSION.endswith(before)

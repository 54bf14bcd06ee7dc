"""Interview coach: question flags on sentences, and recall / false flags on the samples' planted questions."""
from pathlib import Path

import pytest

from pipeline.coach import coach
from pipeline.coach.cli import coach_file

from pipeline.coach.rules import classify
from pipeline.settings import Settings
from schemas import Interview, Transcript, Turn

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


@pytest.mark.parametrize("question,kind", [
    ("Don't you think the old CRM was too slow?", "leading"),
    ("Wouldn't you say the price was the main problem?", "leading"),
    ("You must have been frustrated, right?", "leading"),
    ("Would you use a feature that logs your calls automatically?", "hypothetical"),
    ("What if we added a mobile app?", "hypothetical"),
    ("How much would you pay for that?", "hypothetical"),
    ("Did you like it?", "closed"),
    ("Was it expensive?", "closed"),
    ("Our new dashboard shows every deal at once, would that help?", "pitch"),
])
def test_flags_problem_questions(question, kind):
    assert classify(question, question) == kind


@pytest.mark.parametrize("question", [
    "When did you first start thinking the old way might not be good enough?",
    "Walk me through that list. Where did you look?",
    "Why was that important?",
    "What were the first few weeks like?",
    "Does that make sense?",
    "Can you tell me about the day you signed up?",
])
def test_leaves_good_questions_alone(question):
    assert classify(question, question) is None


def test_closed_question_followed_by_open_one_is_fine():
    turn = "Did you look at other tools? Which ones, and how did you compare them?"
    assert classify("Did you look at other tools?", turn) is None


def _transcript(lines):
    turns = [Turn(index=i, speaker=s, role="interviewer" if s == "Q" else "participant", text=t, start=i * 10.0, end=i * 10.0 + 9)
             for i, (s, t) in enumerate(lines)]
    return Transcript(interview=Interview(id="t", source="t.txt", kind="transcript", sha256="x"), turns=turns)


def test_coverage_gaps_and_talk_ratio():
    transcript = _transcript([
        ("Q", "Don't you think spreadsheets are painful?"),
        ("P", "Yes. I was fed up with chasing invoices every Friday, it took me five hours a week."),
        ("Q", "Would you pay for an app that did it?"),
        ("P", "Probably, I loved that the demo showed everything on one screen."),
    ])
    report = coach(transcript, Settings())
    assert [f.kind for f in report.flags] == ["leading", "hypothetical"]
    gap_names = {g.what for g in report.gaps}
    assert "anxiety" in gap_names and "first_thought" in gap_names
    assert all(g.follow_ups and g.follow_ups[0].endswith("?") for g in report.gaps)
    assert report.talk.interviewer_words == 6 + 9 and report.talk.participant_words > 20
    assert report.talk.participant_seconds == 18.0


@pytest.mark.skipif(not (SAMPLES / "gold").is_dir(), reason="samples missing")
def test_planted_questions_are_flagged_and_good_interviews_are_left_alone():
    score = evaluate_coach(SAMPLES, Settings())
    assert score.planted.get("leading", 0) >= 8 and score.planted.get("hypothetical", 0) >= 8
    assert score.recall("leading") == 1.0, score.misses
    assert score.recall("hypothetical") == 1.0, score.misses
    assert score.good_wrong <= 0.1 * score.good_questions, score.wrong


def test_coach_file_renders_text(tmp_path):
    path = tmp_path / "talk.txt"
    path.write_text("Interviewer: Wouldn't you say the old tool was slow?\nMaya: It was. I was worried the new one would cost too much.\n"
                    "Interviewer: Why was that important?\nMaya: Because we've always done it by hand.\n", encoding="utf-8")
    text = coach_file(path, Settings())
    assert "[leading]" in text and "Wouldn't you say the old tool was slow?" in text
    assert "Never reached" in text

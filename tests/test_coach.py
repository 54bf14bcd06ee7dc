"""Interview coach: question flags on sentences and on real interviews' labelled questions, the
samples' planted questions, coverage from the journey map and follow-ups by kind of interview."""
from pathlib import Path

import pytest

from pipeline.coach import coach
from pipeline.coach.cli import coach_file
from pipeline.coach.rules import assess_questions, classify
from pipeline.evaluate import load_labelled, load_transcript
from pipeline.extract.rules import extract_rules
from pipeline.settings import Settings
from schemas import Interview, Transcript, Turn
from tests.coach_scoring import halves, score_planted, score_questions

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
REAL = ROOT / "evalsets" / "real"


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


@pytest.mark.parametrize("question,kind", [  # from real interviews (evalsets/teachers/work_0054, evalsets/real)
    ("What would your ideal scenario look like if time and resources weren't constraints?", "hypothetical"),
    ("could you finish that thought?", None),
    ("Would you like to finish that thought about what happens when you use image generators or manipulators?", None),
    ("Are you more likely to collaborate with it throughout a task, or do you tend to delegate complete tasks for it "
     "to handle independently?", "either_or"),
    ("When you're working on these materials, do you find yourself going back and forth with the AI - refining and "
     "adjusting what it gives you - or do you typically get what you need in one go?", "either_or"),
    ("Is this something you actively consider?", "closed"),
    ("Looking ahead, how do you envision your relationship with AI at work evolving?", "hypothetical"),
    ("How have your colleagues or your workplace culture influenced the way you use AI in your work?", "leading"),
    ("Could you tell me about how AI fits into your typical workday?", None),
])
def test_real_questions(question, kind):
    assert classify(question) == kind


def test_consent_intro_is_script_not_a_flag_or_the_longest_turn():
    transcript = load_transcript(ROOT / "evalsets" / "teachers" / "work_0054.md")
    asked = assess_questions(transcript)
    intro = [a for a in asked if a.turn == 0]
    assert intro and all(a.scripted for a in intro)  # "Does that sound good?", "Any questions before we begin?"
    report = coach(transcript, Settings(), extract_rules(transcript))
    assert all(f.turn != 0 for f in report.flags)
    assert report.talk.longest_interviewer_monologue_turn not in (None, 0)
    assert any(f.kind == "hypothetical" and "ideal scenario" in f.text for f in report.flags)
    assert not any("finish that thought" in f.text for f in report.flags)


def test_labelled_real_questions_both_halves():
    first, second = halves(load_labelled(REAL))
    for half in (first, second):
        score = score_questions(half)
        assert score.counts["scripted"].f1 >= 0.9, score.errors
        for kind in ("leading", "hypothetical", "closed", "either_or"):
            assert score.counts[kind].f1 >= 0.7, (kind, score.errors)


def test_adoption_interview_gets_no_purchase_questions_and_journey_map_stages():
    transcript = load_transcript(REAL / "work_0083.md")
    extraction = extract_rules(transcript).model_copy(update={"story_kind": "adoption"})
    report = coach(transcript, Settings(), extraction)
    asked_next = [q for g in report.gaps for q in g.follow_ups] + [f.better for f in report.flags]
    assert asked_next and not any(w in q.lower() for q in asked_next for w in ("bought", "buy", "pay", "purchase"))
    assert "buying" not in {g.what for g in report.gaps}
    journey = {s.stage for s in extraction.stages} | {i.stage for i in extraction.items() if i.stage}
    assert set(report.stages_explored) == journey


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
    extraction = extract_rules(transcript)
    report = coach(transcript, Settings(), extraction)
    assert [f.kind for f in report.flags] == ["leading", "hypothetical"]
    gap_names = {g.what for g in report.gaps}
    mapped = {s.stage for s in extraction.stages}
    assert "anxiety" in gap_names and "event_2" in gap_names and not mapped & gap_names
    assert all(g.follow_ups and g.follow_ups[0].endswith("?") for g in report.gaps)
    assert report.talk.interviewer_words == 6 + 9 and report.talk.participant_words > 20
    assert report.talk.participant_seconds == 18.0


@pytest.mark.skipif(not (SAMPLES / "gold").is_dir(), reason="samples missing")
def test_planted_questions_are_flagged_and_good_interviews_are_left_alone():
    score = score_planted(SAMPLES)
    assert score.planted.get("leading", 0) >= 8 and score.planted.get("hypothetical", 0) >= 8
    assert score.recall("leading") == 1.0, score.misses
    assert score.recall("hypothetical") == 1.0, score.misses
    assert score.good_wrong <= 0.1 * score.good_questions, score.wrong


def test_coach_file_renders_text(tmp_path):
    path = tmp_path / "talk.txt"
    path.write_text("Interviewer: Wouldn't you say the old tool was slow?\nMaya: It was. I was worried the new one would cost too much.\n"
                    "Interviewer: Why was that important?\nMaya: Because we've always done it by hand.\n", encoding="utf-8")
    text = coach_file(path, Settings())
    assert "[leading] turn 1: Wouldn't you say the old tool was slow?" in text  # turns counted from 1, as everywhere
    assert "Never reached" in text

"""A small real workspace (three interviews, reviews in three states, a synthesis) shared by the
report and export tests, plus tests of the visibility rules both of them rely on."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.report.data import load_report_data, quote_anchor
from pipeline.workspace import Workspace, write_model
from schemas import (
    Cluster, Decision, DecisionCriterion, DesiredOutcome, Evidence, EvidenceRef, Extraction, Force, Interview,
    JobStatement, JobStory, KeyResult, Objective, OutcomeScore, Quote, Review, StageSpan, StrugglingMoment,
    Synthesis, Transcript, Turn, item_id,
)
from schemas.coach import CoachReport, Gap, QuestionFlag, TalkStats

SCRIPT = "<script>alert('x')</script>"
TRANSCRIPTS = {
    "01-project-tool": ("Sam", """\
Sam: When did you first start thinking the way your team tracked work might not be good enough?
Dana: About a year and a half ago. We'd grown from four people to eight, and the sheet went from ten rows a week to about forty. I first realised something was off when two people wrote the same blog post for the same week.
Sam: What did you do about it?
Dana: Honestly, not much. We'd always run everything out of that one Google Sheet, and I was kind of proud of it. It was good enough, we were getting the work out.
Sam: So what happened that made you start looking seriously?
Dana: The Henderson launch. It was a Thursday in October, about six in the evening, and the client rang asking where the landing page copy was, and I genuinely didn't know. We missed the deadline by a day and nearly lost the account, and that was the last straw.
Sam: Where did you look?
Dana: I signed up for free trials of Trello, Asana and Monday, all in the same week. With Asana I could finally see who was waiting on whom, "at a glance", which I loved.
Sam: What gave you pause?
Dana: The price made me hesitate: about €1,000 a year for us. I was afraid the team would see it as me micromanaging them.
Sam: What tipped it?
Dana: It came down to the Gmail add-on; Ravi could forward an email and it became a task. My boss approved it on a Monday.
Sam: And now?
Dana: Now I spend maybe thirty minutes on Friday instead of four hours. I'd recommend it to any team lead.
"""),
    "02-meal-kit": ("Alex", """\
Alex: Tell me about the first time you thought about changing how you cook dinner.
Priya: It started when I kept throwing away wilted spinach every Sunday. I was fed up with wasting food and money.
Alex: What did you do instead?
Priya: We'd just order takeaway, that was our default. I was used to it, honestly.
Alex: How did you hear about meal kits?
Priya: A friend showed me her HelloFresh box, the recipe cards looked like crème brûlée for dummies. I loved that it came with exactly the right amount of everything.
Alex: What worried you?
Priya: I was worried it would be too expensive, "premium" prices for a weeknight,|and what if the box sat on the doorstep all day?
Alex: What tipped it?
Priya: The sale ended on Friday, so that day I just ordered. My note said <script>alert('x')</script> "cheap, fast, done".
Alex: How has it been?
Priya: The first week was chaotic, but now I cook four nights a week and waste almost nothing.
"""),
    "03-accounting": ("Jo", """\
Jo: When did you first think your bookkeeping needed to change?
Marcus: When my accountant charged me for twelve hours of tidying receipts. I spent every Friday chasing invoices.
Jo: What did you look at?
Marcus: I compared Xero and QuickBooks and kept my spreadsheet as a fallback; we've always done it in a spreadsheet.
Jo: What worried you?
Marcus: Not sure it would work with my bank, to be honest.
Jo: What made you decide?
Marcus: I chose Xero because it reads the receipts from a photo. I could finally stop typing numbers.
"""),
}

# (interview, kind, turn, phrase, force type or extra, stage, verdict)
ITEMS = [
    ("01-project-tool", "force", 1, "I first realised something was off when two people wrote the same blog post for the same week.", "push", "first_thought", "accepted"),
    ("01-project-tool", "force", 3, "We'd always run everything out of that one Google Sheet, and I was kind of proud of it.", "habit", "first_thought", "accepted"),
    ("01-project-tool", "force", 3, "It was good enough, we were getting the work out.", "habit", "passive_looking", "accepted"),
    ("01-project-tool", "moment", 5, "It was a Thursday in October, about six in the evening, and the client rang asking where the landing page copy was, and I genuinely didn't know.", "Client rang about missing landing page copy", "event_1", "accepted"),
    ("01-project-tool", "force", 5, "We missed the deadline by a day and nearly lost the account, and that was the last straw.", "push", "event_1", "accepted"),
    ("01-project-tool", "force", 7, 'With Asana I could finally see who was waiting on whom, "at a glance", which I loved.', "pull", "active_looking", "accepted"),
    ("01-project-tool", "force", 9, "The price made me hesitate: about €1,000 a year for us.", "anxiety", "deciding", "accepted"),
    ("01-project-tool", "force", 9, "I was afraid the team would see it as me micromanaging them.", "anxiety", "deciding", "accepted"),
    ("01-project-tool", "criterion", 11, "It came down to the Gmail add-on; Ravi could forward an email and it became a task.", "Gmail add-on turns emails into tasks", "deciding", "accepted"),
    ("01-project-tool", "force", 11, "My boss approved it on a Monday.", "pull", "event_2", "rejected"),
    ("01-project-tool", "outcome", 13, "Now I spend maybe thirty minutes on Friday instead of four hours.", ("minimize", "the time it takes to", "compile the weekly status report", "four hours a week"), "satisfaction", "accepted"),
    ("02-meal-kit", "force", 1, "I kept throwing away wilted spinach every Sunday.", "push", "first_thought", "accepted"),
    ("02-meal-kit", "force", 1, "I was fed up with wasting food and money.", "push", "first_thought", "accepted"),
    ("02-meal-kit", "force", 3, "We'd just order takeaway, that was our default. I was used to it, honestly.", "habit", "passive_looking", "pending"),
    ("02-meal-kit", "force", 5, "I loved that it came with exactly the right amount of everything.", "pull", "passive_looking", "accepted"),
    ("02-meal-kit", "force", 7, 'I was worried it would be too expensive, "premium" prices for a weeknight,\nand what if the box sat on the doorstep all day?', "anxiety", "deciding", "accepted"),
    ("02-meal-kit", "force", 9, f'My note said {SCRIPT} "cheap, fast, done".', "pull", "event_2", "accepted"),
    ("02-meal-kit", "outcome", 11, "now I cook four nights a week and waste almost nothing.", ("minimize", "the amount of", "food thrown away each week", None), "satisfaction", "accepted"),
    ("03-accounting", "force", 1, "I spent every Friday chasing invoices.", "push", "first_thought", "pending"),
    ("03-accounting", "force", 3, "we've always done it in a spreadsheet.", "habit", "active_looking", "pending"),
    ("03-accounting", "force", 5, "Not sure it would work with my bank, to be honest.", "anxiety", "deciding", "pending"),
    ("03-accounting", "force", 7, "I could finally stop typing numbers.", "pull", "deciding", "pending"),
]


def parse_transcript(interview_id: str, interviewer: str, text: str) -> Transcript:
    turns = []
    for n, line in enumerate(text.strip().splitlines()):
        speaker, said = line.split(": ", 1)
        role = "interviewer" if speaker == interviewer else "participant"
        turns.append(Turn(index=n, speaker=speaker, role=role, text=said.replace("|", "\n"), start=n * 37.5, end=n * 37.5 + 30))
    interview = Interview(id=interview_id, source=f"{interview_id}.txt", kind="transcript", sha256="0" * 64, title=interview_id)
    speakers = {t.speaker: t.role for t in turns}
    return Transcript(interview=interview, turns=turns, speakers=speakers, duration=len(turns) * 37.5, method="import:txt")


def quote(transcript: Transcript, turn: int, phrase: str) -> Quote:
    text = transcript.turns[turn].text
    start = text.index(phrase)
    return Quote(text=phrase, turn=turn, start_char=start, end_char=start + len(phrase), start=transcript.turns[turn].start)


def make_item(transcript: Transcript, kind: str, turn: int, phrase: str, extra, stage: str, n: int):
    q = quote(transcript, turn, phrase)
    common = dict(quote=q, stage=stage, confidence=round(0.95 - 0.05 * (n % 6), 2), extractor="rules")
    if kind == "force":
        return Force(id=item_id("force", q), type=extra, **common)
    if kind == "moment":
        return StrugglingMoment(id=item_id("struggling_moment", q), description=extra, **common)
    if kind == "criterion":
        return DecisionCriterion(id=item_id("decision_criterion", q), criterion=extra, **common)
    direction, metric, obj, baseline = extra
    return DesiredOutcome(id=item_id("desired_outcome", q), direction=direction, metric=metric, object=obj, baseline=baseline, **common)


def build_extractions(transcripts: dict[str, Transcript]) -> tuple[dict[str, Extraction], dict[str, list]]:
    extractions = {i: Extraction(interview_id=i) for i in transcripts}
    verdicts: dict[str, list] = {i: [] for i in transcripts}
    field = {"force": "forces", "moment": "struggling_moments", "criterion": "decision_criteria", "outcome": "desired_outcomes"}
    for n, (interview_id, kind, turn, phrase, extra, stage, verdict) in enumerate(ITEMS):
        item = make_item(transcripts[interview_id], kind, turn, phrase, extra, stage, n)
        getattr(extractions[interview_id], field[kind]).append(item)
        verdicts[interview_id].append((item, verdict))
    for interview_id, extraction in extractions.items():
        last = len(transcripts[interview_id].turns) - 1
        extraction.stages = [StageSpan(stage="first_thought", start_turn=0, end_turn=1), StageSpan(stage="active_looking", start_turn=6, end_turn=7),
                             StageSpan(stage="deciding", start_turn=8, end_turn=min(9, last)), StageSpan(stage="satisfaction", start_turn=min(12, last), end_turn=last)]
    return extractions, verdicts


def build_reviews(verdicts: dict[str, list]) -> dict[str, Review]:
    reviews = {}
    for interview_id, state in (("01-project-tool", "reviewed"), ("02-meal-kit", "in_review")):
        decisions = [Decision(item_id=item.id, kind=item.kind, anchor=item.quote, verdict=verdict, updated_at="2025-01-01T10:00:00")
                     for item, verdict in verdicts[interview_id] if verdict != "pending"]
        reviews[interview_id] = Review(interview_id=interview_id, state=state, decisions=decisions)
    return reviews


def ref(item, interview_id: str) -> EvidenceRef:
    return EvidenceRef(interview_id=interview_id, item_id=item.id, quote=item.quote.text, turn=item.quote.turn, start=item.quote.start)


def build_synthesis(verdicts: dict[str, list]) -> Synthesis:
    by_phrase = {item.quote.text: (item, i) for i, pairs in verdicts.items() for item, _ in pairs}
    refs = lambda *phrases: [ref(*by_phrase[p]) for p in phrases]  # noqa: E731

    def evidence(*phrases: str) -> Evidence:
        rs = refs(*phrases)
        return Evidence(participants=sorted({r.interview_id for r in rs}), total_participants=3, refs=rs)

    push = evidence("We missed the deadline by a day and nearly lost the account, and that was the last straw.",
                    "I was fed up with wasting food and money.", "I spent every Friday chasing invoices.")
    pull = evidence('With Asana I could finally see who was waiting on whom, "at a glance", which I loved.',
                    "I loved that it came with exactly the right amount of everything.", "I could finally stop typing numbers.",
                    "My boss approved it on a Monday.")
    anxiety = evidence("The price made me hesitate: about €1,000 a year for us.",
                       'I was worried it would be too expensive, "premium" prices for a weeknight,\nand what if the box sat on the doorstep all day?')
    time_outcome = evidence("Now I spend maybe thirty minutes on Friday instead of four hours.")
    waste = evidence("now I cook four nights a week and waste almost nothing.")
    script_ev = evidence(f'My note said {SCRIPT} "cheap, fast, done".')
    return Synthesis(
        interviews=list(verdicts),
        method={"embedding": "lexical", "threshold": 0.55, "writer": "rules"},
        clusters=[
            Cluster(id="c1", kind="push", label="Losing track of work until something visibly fails", members=push.refs, evidence=push),
            Cluster(id="c2", kind="pull", label="Seeing everything at a glance", members=pull.refs, evidence=pull),
            Cluster(id="c3", kind="anxiety", label="Worry about paying a premium", members=anxiety.refs, evidence=anxiety),
            Cluster(id="c4", kind="pull", label=f"Cheap and fast {SCRIPT}", members=script_ev.refs, evidence=script_ev, singleton=True),
        ],
        job_statements=[JobStatement(id="j1", verb="Coordinate", object="the team's work", clarifier="so nothing falls through the cracks",
                                     text="Coordinate the team's work so nothing falls through the cracks", evidence=push)],
        job_stories=[
            JobStory(id="s1", situation="work slips through the cracks and a client notices first",
                     motivation="see who is waiting on whom at a glance", expected_outcome="fix it before anyone outside the team finds out",
                     evidence=push, source_clusters=["c1", "c2"]),
            JobStory(id="s2", situation="I am tempted by a better way but unsure it is worth the price",
                     motivation="try it for a week without committing", expected_outcome="decide with evidence, not hope",
                     altitude="functional", evidence=anxiety, source_clusters=["c3"]),
            JobStory(id="s3", situation=f"I write myself notes like {SCRIPT}", motivation="keep dinner cheap and fast",
                     expected_outcome="stop wasting food", evidence=script_ev),
        ],
        outcomes=[
            OutcomeScore(id="o1", direction="minimize", metric="the time it takes to", object="compile the weekly status report",
                         statement="Minimize the time it takes to compile the weekly status report", baseline="four hours a week",
                         importance=9, satisfaction=3, opportunity=15, estimated=True, evidence=time_outcome),
            OutcomeScore(id="o2", direction="minimize", metric="the amount of", object="food thrown away each week",
                         statement="Minimize the amount of food thrown away each week", importance=7, satisfaction=5,
                         opportunity=9, estimated=True, evidence=waste),
            OutcomeScore(id="o3", direction="minimize", metric="the likelihood that", object="a client finds a missed deadline first",
                         statement="Minimize the likelihood that a client finds a missed deadline first", importance=8, satisfaction=4,
                         opportunity=12, estimated=True, evidence=push),
        ],
        objectives=[Objective(id="ob1", text="Teams always know who is waiting on whom", evidence=push, key_results=[
            KeyResult(text="Reduce weekly status report time from four hours to 30 minutes by 2025-06-30", direction="Reduce",
                      metric="weekly status report time", baseline="four hours", target="30 minutes", date="2025-06-30", outcome_id="o1", evidence=time_outcome),
            KeyResult(text="Reduce deadlines missed per quarter from [baseline: to fill] to 0 by 2025-06-30", direction="Reduce",
                      metric="deadlines missed per quarter", baseline="[baseline: to fill]", target="0", date="2025-06-30", outcome_id="o3", evidence=push),
        ])],
    )


def build_workspace(root: Path, synthesis: bool = True, coach: bool = True) -> Workspace:
    folder = root / "interviews"
    folder.mkdir()
    ws = Workspace(folder)
    transcripts = {}
    for interview_id, (interviewer, text) in TRANSCRIPTS.items():
        (folder / f"{interview_id}.txt").write_text(text.replace("|", "\n"), encoding="utf-8")
        transcripts[interview_id] = parse_transcript(interview_id, interviewer, text)
        write_model(ws.transcript_path(interview_id), transcripts[interview_id])
    extractions, verdicts = build_extractions(transcripts)
    for interview_id, extraction in extractions.items():
        write_model(ws.extraction_path(interview_id), extraction)
    if synthesis:
        write_model(ws.synthesis_path, build_synthesis(verdicts))
    for interview_id, review in build_reviews(verdicts).items():
        write_model(ws.review_path(interview_id), review)
    if coach:
        write_model(ws.coach_path("01-project-tool"), CoachReport(
            interview_id="01-project-tool", stages_explored=["first_thought", "event_1", "active_looking", "deciding", "satisfaction"],
            talk=TalkStats(participant_words=420, interviewer_words=95, probe_count=2),
            flags=[QuestionFlag(turn=8, text="What gave you pause?", kind="closed", reason="Invites a short answer.", better="Tell me about the moment you almost didn't buy it.")],
            gaps=[Gap(what="consuming", kind="stage", follow_ups=["What was the first week like?"])]))
    return ws


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return build_workspace(tmp_path)


def _texts(data) -> set[str]:
    return {v.item.quote.text for v in data.all_items()}


def test_default_shows_only_accepted_items(workspace: Workspace) -> None:
    data = load_report_data(workspace)
    texts = _texts(data)
    assert "I was fed up with wasting food and money." in texts
    assert "My boss approved it on a Monday." not in texts  # rejected
    assert "We'd just order takeaway, that was our default. I was used to it, honestly." not in texts  # pending
    assert all(not v.draft for v in data.all_items())
    assert [i.id for i in data.not_reviewed] == ["03-accounting"]
    states = {i.id: i.state for i in data.interviews}
    assert states == {"01-project-tool": "reviewed", "02-meal-kit": "in_review", "03-accounting": "new"}


def test_include_all_adds_drafts_but_never_rejected(workspace: Workspace) -> None:
    data = load_report_data(workspace, include_all=True)
    texts = _texts(data)
    assert "My boss approved it on a Monday." not in texts
    assert "I spent every Friday chasing invoices." in texts
    drafts = {v.item.quote.text for v in data.all_items() if v.draft}
    assert "We'd just order takeaway, that was our default. I was used to it, honestly." in drafts
    assert len(data.all_items()) == sum(1 for row in ITEMS if row[-1] != "rejected")


def test_synthesis_refs_to_rejected_quotes_are_dropped(workspace: Workspace) -> None:
    data = load_report_data(workspace)
    pull = next(c for c in data.synthesis.clusters if c.id == "c2")
    assert "My boss approved it on a Monday." not in {r.quote for r in pull.evidence.refs}
    assert len(pull.evidence.refs) == 3


def test_anchor_speaker_and_timestamp(workspace: Workspace) -> None:
    data = load_report_data(workspace)
    view = data.interviews[0].items[0]
    assert view.anchor == quote_anchor("01-project-tool", view.item.id)
    assert view.speaker == "Dana" and view.timestamp == "0:37"

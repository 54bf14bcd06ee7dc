"""Review stage: applying decisions (re-matched after re-runs) and the local HTTP API."""
from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from pipeline.errors import BadInputError
from pipeline.grounding import locate
from pipeline.review.decisions import add_force, apply_review, decide, review_state, undecided
from pipeline.review.server import create_app, serve
from pipeline.settings import Settings
from pipeline.workspace import Workspace, read_model, write_model
from schemas import Decision, Extraction, Force, Interview, Review, StageSpan, Transcript, Turn, Workaround, item_id

BASE = "http://127.0.0.1:8765"

INTERVIEW = """\
Sam: When did you first think the way you handled dinners might not be working?

Priya: I was fed up with ordering takeaway three times a week. We spent over two hundred pounds in December.

Sam: What did you do about it?

Priya: We'd always just done one big shop on Saturday, and honestly it was good enough for years.

Sam: Where did meal kits come up?

Priya: My sister showed me her box and I loved that someone else decided what was for dinner.

Sam: What held you back?

Priya: I was worried it would cost too much, at about four pounds a portion.

Sam: And now?

Priya: Now I cook four nights a week from the box and the kids actually eat it.
"""

# (speaker, text) of INTERVIEW, for hand-made transcripts
LINES = [tuple(p.split(": ", 1)) for p in INTERVIEW.strip().split("\n\n")]


# hand-made models -------------------------------------------------------------
def make_transcript(lines: list[tuple[str, str]] = LINES, interview_id: str = "dinners", kind: str = "transcript",
                    source: str = "dinners.txt", seconds_per_turn: float = 5.0) -> Transcript:
    turns = [
        Turn(index=n, speaker=speaker, role="interviewer" if speaker == "Sam" else "participant", text=text,
             start=n * seconds_per_turn, end=(n + 1) * seconds_per_turn)
        for n, (speaker, text) in enumerate(lines)
    ]
    interview = Interview(id=interview_id, source=source, kind=kind, sha256="0" * 64, title=interview_id)
    return Transcript(interview=interview, turns=turns, speakers={"Sam": "interviewer", "Priya": "participant"},
                      duration=len(turns) * seconds_per_turn)


def force(transcript: Transcript, text: str, type_: str, stage: str | None = None) -> Force:
    quote = locate(transcript, text)
    assert quote is not None, text
    return Force(id=item_id("force", quote), quote=quote, type=type_, stage=stage)


FORCES = [
    ("I was fed up with ordering takeaway three times a week.", "push", "first_thought"),
    ("We'd always just done one big shop on Saturday", "habit", "first_thought"),
    ("I loved that someone else decided what was for dinner", "pull", "passive_looking"),
    ("I was worried it would cost too much", "anxiety", "deciding"),
]


def make_extraction(transcript: Transcript, forces=FORCES) -> Extraction:
    items = [force(transcript, *spec) for spec in forces]
    shop = locate(transcript, "one big shop on Saturday")
    workaround = Workaround(id=item_id("workaround", shop), quote=shop, description="one big weekly shop")
    stages = [StageSpan(stage="first_thought", start_turn=0, end_turn=3), StageSpan(stage="passive_looking", start_turn=4, end_turn=5),
              StageSpan(stage="deciding", start_turn=6, end_turn=7), StageSpan(stage="satisfaction", start_turn=8, end_turn=9)]
    return Extraction(interview_id=transcript.interview.id, stages=stages, forces=items, workarounds=[workaround])


def decision_on(item: Force, **changes) -> Decision:
    return Decision(item_id=item.id, kind="force", anchor=item.quote, updated_at="2024-01-01T00:00:00+00:00", **changes)


def by_text(extraction: Extraction, text: str) -> Force:
    return next(f for f in extraction.forces if text in f.quote.text)


# apply_review -----------------------------------------------------------------
def test_decisions_change_verdict_type_stage_and_note_and_rejected_items_stay():
    transcript = make_transcript()
    extraction = make_extraction(transcript)
    push, habit, pull, anxiety = extraction.forces
    review = Review(interview_id="dinners", decisions=[
        decision_on(push, verdict="accepted", note="classic push"),
        decision_on(habit, verdict="rejected"),
        decision_on(pull, type="anxiety", stage="deciding"),
    ])
    result = apply_review(extraction, review, transcript)
    out = result.extraction
    assert by_text(out, "fed up").verdict == "accepted" and by_text(out, "fed up").note == "classic push"
    assert by_text(out, "always just done").verdict == "rejected"  # kept, for later stages to filter
    reclassified = by_text(out, "I loved that")
    assert (reclassified.type, reclassified.stage, reclassified.verdict) == ("anxiety", "deciding", "pending")
    assert by_text(out, "worried").verdict == "pending"
    assert len(out.forces) == 4 and result.orphans == []
    assert extraction.forces[0].verdict == "pending"  # the input is not mutated


def test_added_force_is_a_human_item_and_replaces_an_extracted_twin():
    transcript = make_transcript()
    extraction = make_extraction(transcript)
    quote = locate(transcript, "the kids actually eat it")
    review, new_id = add_force(Review(interview_id="dinners"), quote, {"type": "pull", "stage": "satisfaction"}, "now")
    out = apply_review(extraction, review, transcript).extraction
    added = next(f for f in out.forces if f.id == new_id)
    assert (added.extractor, added.type, added.verdict, added.stage) == ("human", "pull", "accepted", "satisfaction")
    assert added.quote.text == "the kids actually eat it" and added.quote.turn == 9
    # the researcher adds a span the extractor also found: one item, the human one
    twin = by_text(extraction, "worried")
    review, twin_id = add_force(review, twin.quote, {"type": "anxiety"}, "now")
    out = apply_review(extraction, review, transcript).extraction
    assert [f.id for f in out.forces if "worried" in f.quote.text] == [twin_id]
    assert len(out.forces) == 5
    # part of a fused quote added as another type is a second force, and a decided item is never replaced
    push = by_text(extraction, "fed up")
    review = decide(review, apply_review(extraction, review, transcript), push, {"verdict": "rejected"}, "now")
    part = locate(transcript, "ordering takeaway three times a week")
    review, _ = add_force(review, part, {"type": "habit"}, "now")
    review, _ = add_force(review, push.quote, {"type": "push"}, "now")
    result = apply_review(extraction, review, transcript)
    fed_up = [(f.type, f.extractor, f.verdict) for f in result.extraction.forces if f.quote.turn == 1]
    assert sorted(fed_up) == [("habit", "human", "accepted"), ("push", "human", "accepted"), ("push", "rules", "rejected")]
    assert result.orphans == []


def test_decision_follows_its_item_when_a_rerun_moves_the_span():
    transcript = make_transcript()
    old = make_extraction(transcript)
    push = by_text(old, "fed up")
    review = Review(interview_id="dinners", decisions=[decision_on(push, verdict="accepted", type="habit")])
    # the re-run quotes the whole turn: new id, overlapping span
    rerun = make_extraction(transcript, [("I was fed up with ordering takeaway three times a week. We spent over two hundred pounds in December.", "push", None)])
    result = apply_review(rerun, review, transcript)
    moved = result.extraction.forces[0]
    assert moved.id != push.id and (moved.verdict, moved.type) == ("accepted", "habit")
    assert result.matches == {moved.id: 0} and result.orphans == []


def test_decisions_survive_a_retranscription_that_shifts_turns():
    transcript = make_transcript()
    extraction = make_extraction(transcript)
    kids = locate(transcript, "the kids actually eat it")
    review, added_id = add_force(Review(interview_id="dinners"), kids, {"type": "pull"}, "now")
    review = decide(review, apply_review(extraction, review, transcript), by_text(extraction, "worried"), {"verdict": "rejected"}, "now")
    shifted = make_transcript([("Sam", "Thanks for joining. Is the recording on?"), ("Priya", "Yes, go ahead."), *LINES])
    result = apply_review(make_extraction(shifted), review, shifted)
    worried = by_text(result.extraction, "worried")
    assert worried.verdict == "rejected" and worried.quote.turn == 9
    added = next(f for f in result.extraction.forces if f.id == added_id)
    assert added.quote.turn == 11 and added.quote.text == "the kids actually eat it"
    assert result.orphans == []


def test_decision_whose_quote_is_gone_is_an_orphan_not_lost():
    transcript = make_transcript()
    extraction = make_extraction(transcript)
    pull = by_text(extraction, "I loved that")
    review = Review(interview_id="dinners", decisions=[decision_on(pull, verdict="accepted", note="keep")])
    edited = [(s, t.replace("I loved that someone else decided", "it seemed fine that someone picked")) for s, t in LINES]
    edited_transcript = make_transcript(edited)
    rerun = make_extraction(edited_transcript, FORCES[:2])
    result = apply_review(rerun, review, edited_transcript)
    assert [d.note for d in result.orphans] == ["keep"]
    assert all(f.verdict == "pending" for f in result.extraction.forces)


def test_edited_quote_span_is_applied_and_kept_across_reruns():
    transcript = make_transcript()
    extraction = make_extraction(transcript)
    anxiety = by_text(extraction, "worried")
    wider = locate(transcript, "I was worried it would cost too much, at about four pounds a portion.")
    review = Review(interview_id="dinners", decisions=[decision_on(anxiety, quote=wider, verdict="accepted")])
    out = apply_review(extraction, review, transcript).extraction
    assert by_text(out, "worried").quote.text.endswith("four pounds a portion.")
    shifted = make_transcript([("Sam", "Ready?"), *LINES])
    out = apply_review(make_extraction(shifted), review, shifted).extraction
    edited = by_text(out, "worried")
    assert edited.quote.text.endswith("four pounds a portion.") and edited.quote.turn == 8


def test_decide_updates_the_matched_decision_and_reanchors_it():
    transcript = make_transcript()
    old = make_extraction(transcript)
    push = by_text(old, "fed up")
    review = Review(interview_id="dinners", decisions=[decision_on(push, verdict="accepted")])
    rerun = make_extraction(transcript, [("I was fed up with ordering takeaway", "push", None)])
    reviewed = apply_review(rerun, review, transcript)
    item = reviewed.extraction.forces[0]
    updated = decide(review, reviewed, item, {"type": "anxiety"}, "2024-02-02T00:00:00+00:00")
    assert len(updated.decisions) == 1
    decision = updated.decisions[0]
    assert (decision.item_id, decision.verdict, decision.type) == (item.id, "accepted", "anxiety")
    assert decision.anchor.text == "I was fed up with ordering takeaway" and decision.updated_at.startswith("2024-02-02")
    assert updated.state == "in_review"


def test_review_state():
    transcript = make_transcript()
    extraction = make_extraction(transcript)
    empty = Review(interview_id="dinners")
    assert review_state(empty, extraction) == "new"
    one = Review(interview_id="dinners", decisions=[decision_on(extraction.forces[0], verdict="accepted")])
    assert review_state(one, apply_review(extraction, one, transcript).extraction) == "in_review"
    assert review_state(one.model_copy(update={"state": "reviewed"}), extraction) == "reviewed"
    # every force decided is not "reviewed": the workaround is still undecided, and only the researcher says done
    every = Review(interview_id="dinners", decisions=[decision_on(f, verdict="rejected") for f in extraction.forces])
    applied = apply_review(extraction, every, transcript).extraction
    assert review_state(every, applied) == "in_review"
    assert undecided(applied) == {"force": 0, "struggling_moment": 0, "alternative": 0, "workaround": 1,
                                  "decision_criterion": 0, "desired_outcome": 0}


def test_an_extractor_note_is_its_cue_never_the_researchers():
    transcript = make_transcript()
    extraction = make_extraction(transcript)
    old_style = extraction.forces[0].model_copy(update={"note": "cue: fed up", "cue": None})  # as older extraction files had it
    extraction = extraction.model_copy(update={"forces": [old_style, *extraction.forces[1:]]})
    review = Review(interview_id="dinners", decisions=[decision_on(extraction.forces[1], note="asked twice")])
    applied = apply_review(extraction, review, transcript).extraction
    assert (applied.forces[0].note, applied.forces[0].cue) == (None, "cue: fed up")
    assert next(f for f in applied.forces if f.id == extraction.forces[1].id).note == "asked twice"


# the HTTP API -------------------------------------------------------------------
def hand_made_workspace(folder: Path, transcript: Transcript | None = None, extraction: Extraction | None = None) -> Workspace:
    """A workspace written straight from models: for API checks that must not depend on the extractor."""
    transcript = transcript or make_transcript()
    ws = Workspace(folder)
    source = folder / transcript.interview.source
    if transcript.interview.kind == "transcript" and not source.exists():
        source.write_text(INTERVIEW, encoding="utf-8")
    write_model(ws.transcript_path(transcript.interview.id), transcript)
    write_model(ws.extraction_path(transcript.interview.id), extraction or make_extraction(transcript))
    return ws


@pytest.fixture
def client(tmp_path):
    ws = hand_made_workspace(tmp_path)
    with TestClient(create_app(tmp_path, Settings(progress=False)), base_url=BASE) as test_client:
        test_client.ws = ws
        yield test_client


def review_json(ws: Workspace, interview_id: str = "dinners") -> Review:
    return read_model(ws.review_path(interview_id), Review)


def test_index_lists_interviews_with_state_and_force_counts(client):
    page = client.get("/")
    assert page.status_code == 200
    assert 'href="/i/dinners"' in page.text and "Not reviewed" in page.text
    assert '<td class="num count t-push">1</td>' in page.text
    client.post("/api/i/dinners/items/" + make_extraction(make_transcript()).forces[0].id, json={"verdict": "rejected"})
    page = client.get("/").text
    assert "In review" in page and '<td class="num count t-push zero">0</td>' in page  # rejected forces are not counted


def test_decisions_are_saved_to_review_json_immediately(client):
    push, habit, pull, _ = make_extraction(make_transcript()).forces
    assert client.post(f"/api/i/dinners/items/{push.id}", json={"verdict": "accepted"}).status_code == 200
    assert client.post(f"/api/i/dinners/items/{habit.id}", json={"verdict": "rejected", "note": "not habit"}).status_code == 200
    state = client.post(f"/api/i/dinners/items/{pull.id}", json={"type": "anxiety", "stage": "deciding"}).json()
    review = review_json(client.ws)
    assert [(d.item_id, d.verdict, d.type) for d in review.decisions] == [
        (push.id, "accepted", None), (habit.id, "rejected", None), (pull.id, "pending", "anxiety")]
    assert all(datetime.fromisoformat(d.updated_at) for d in review.decisions)
    assert review.state == "in_review" and state["state"] == "in_review"
    items = {i["id"]: i for i in client.get("/api/i/dinners").json()["items"]}
    assert items[pull.id]["type"] == "anxiety" and items[pull.id]["stage"] == "deciding"
    assert items[habit.id]["note"] == "not habit" and items[habit.id]["decided"]


def test_edit_quote_and_add_force_from_a_selection(client):
    transcript = make_transcript()
    anxiety = make_extraction(transcript).forces[3]
    text = transcript.turns[7].text
    start = text.index("ried it")  # mid-word selection snaps to whole words
    state = client.post(f"/api/i/dinners/items/{anxiety.id}", json={"span": {"turn": 7, "start_char": start, "end_char": len(text)}}).json()
    edited = next(i for i in state["items"] if i["id"] == anxiety.id)
    assert edited["quote"]["text"] == text[text.index("worried"):]
    kids = transcript.turns[9].text
    added = client.post("/api/i/dinners/items", json={"span": {"turn": 9, "start_char": kids.index("the kids"), "end_char": len(kids) - 1},
                                                      "type": "pull", "stage": "satisfaction"}).json()
    new = next(i for i in added["items"] if i["id"] == added["id"])
    assert (new["extractor"], new["type"], new["verdict"], new["quote"]["text"]) == ("human", "pull", "accepted", "the kids actually eat it")
    assert review_json(client.ws).decisions[-1].added


def test_bad_requests_get_clear_errors(client):
    interviewer = client.post("/api/i/dinners/items", json={"span": {"turn": 0, "start_char": 0, "end_char": 20}, "type": "push"})
    assert interviewer.status_code == 400 and "participant" in interviewer.json()["detail"]
    assert client.post("/api/i/dinners/items", json={"span": {"turn": 99, "start_char": 0, "end_char": 5}, "type": "push"}).status_code == 400
    assert client.post("/api/i/dinners/items", json={"span": {"turn": 1, "start_char": 0, "end_char": 5}, "type": "joy"}).status_code == 422
    assert client.post("/api/i/dinners/items/nope", json={"verdict": "accepted"}).status_code == 404
    workaround = make_extraction(make_transcript()).workarounds[0]
    assert client.post(f"/api/i/dinners/items/{workaround.id}", json={"type": "push"}).status_code == 400
    assert client.post(f"/api/i/dinners/items/{workaround.id}", json={"verdict": "accepted"}).status_code == 200
    assert client.get("/i/..%2F..%2Fetc").status_code == 404
    assert not client.ws.review_path("nope").exists()


def test_request_bodies_and_notes_are_capped(client):
    """A 60 MB note was once stored: review.json and the page grew to 63 MB."""
    push = make_extraction(make_transcript()).forces[0]
    url = f"/api/i/dinners/items/{push.id}"
    huge = client.post(url, json={"verdict": "accepted", "note": "x" * 60_000_000})
    assert huge.status_code == 413 and huge.json()["detail"] == "request too large: the most this page accepts is 64 kB"
    unstated = client.post(url, content=(b"x" * 8192 for _ in range(100)), headers={"Content-Type": "application/json"})
    assert unstated.status_code == 413  # sent in chunks without a Content-Length: counted as it arrives
    assert not client.ws.review_path("dinners").exists()
    long = client.post(url, json={"verdict": "accepted", "note": "y" * 5001})
    assert long.status_code == 422 and long.json()["detail"] == "note is too long: at most 5,000 characters"
    added = client.post("/api/i/dinners/items", json={"span": {"turn": 9, "start_char": 0, "end_char": 20}, "type": "pull", "note": "z" * 5001})
    assert added.status_code == 422 and "at most 5,000 characters" in added.json()["detail"]
    assert not client.ws.review_path("dinners").exists()
    assert client.post(url, json={"verdict": "accepted", "note": "w" * 5000}).status_code == 200
    assert review_json(client.ws).decisions[0].note == "w" * 5000


def test_mark_reviewed_and_reopen(client):
    assert client.post("/api/i/dinners/state", json={"state": "reviewed"}).json()["state"] == "reviewed"
    assert review_json(client.ws).state == "reviewed"
    assert "Reviewed" in client.get("/").text
    assert client.post("/api/i/dinners/state", json={"state": "in_review"}).json()["state"] == "new"  # nothing decided yet


def test_orphans_are_shown_and_kept(client):
    pull = make_extraction(make_transcript()).forces[2]
    client.post(f"/api/i/dinners/items/{pull.id}", json={"verdict": "accepted"})
    transcript = make_transcript()
    write_model(client.ws.extraction_path("dinners"), make_extraction(transcript, FORCES[:2]))  # a re-run that lost it
    page = client.get("/i/dinners").text
    assert "1 decision no longer matches an item" in page
    assert len(review_json(client.ws).decisions) == 1
    client.post("/api/i/dinners/items/" + make_extraction(transcript).forces[0].id, json={"verdict": "accepted"})
    assert len(review_json(client.ws).decisions) == 2  # saving another decision keeps the orphan
    assert client.post(f"/api/i/dinners/orphans/{pull.id}/discard").status_code == 200
    assert [d.item_id for d in review_json(client.ws).decisions] == [make_extraction(transcript).forces[0].id]


def test_foreign_host_and_cross_origin_posts_are_refused(client):
    assert client.get("/", headers={"Host": "evil.example:8765"}).status_code == 403
    assert client.get("/", headers={"Host": "localhost:8765"}).status_code == 200
    push = make_extraction(make_transcript()).forces[0]
    url = f"/api/i/dinners/items/{push.id}"
    assert client.post(url, json={"verdict": "accepted"}, headers={"Origin": "http://evil.example"}).status_code == 403
    assert not client.ws.review_path("dinners").exists()
    assert client.post(url, json={"verdict": "accepted"}, headers={"Origin": BASE}).status_code == 200


def test_transcript_text_is_escaped(tmp_path):
    lines = [("Sam", "What happened?"), ("Priya", "I typed <script>window.__pwned = 1</script> and it was fed up & broken.")]
    transcript = make_transcript(lines)
    extraction = Extraction(interview_id="dinners", forces=[force(transcript, "<script>window.__pwned = 1</script>", "push")])
    hand_made_workspace(tmp_path, transcript, extraction)
    with TestClient(create_app(tmp_path, Settings(progress=False)), base_url=BASE) as client:
        page = client.get("/i/dinners").text
    assert "<script>window" not in page
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in page and "fed up &amp; broken" in page


def espeak_wav(path: Path, text: str) -> Path:
    subprocess.run(["espeak-ng", "-w", str(path), text], check=True, capture_output=True)
    return path


def test_audio_is_served_with_range_requests_and_nothing_else(tmp_path):
    transcript = make_transcript(kind="audio", source="dinners.wav")
    hand_made_workspace(tmp_path, transcript)
    wav = espeak_wav(tmp_path / "dinners.wav", "I was fed up with ordering takeaway.")
    size = wav.stat().st_size
    with TestClient(create_app(tmp_path, Settings(progress=False)), base_url=BASE) as client:
        part = client.get("/audio/dinners", headers={"Range": "bytes=100-199"})
        assert part.status_code == 206 and part.headers["content-range"] == f"bytes 100-199/{size}"
        assert part.content == wav.read_bytes()[100:200] and part.headers["accept-ranges"] == "bytes"
        assert part.headers["content-type"].startswith("audio/")
        assert client.get("/audio/..%2Fdinners.wav").status_code == 404
        assert 'src="/audio/dinners"' in client.get("/i/dinners").text
    # a source outside the folder is never served, even when the file exists
    outside = make_transcript(kind="audio", source="../secret.wav", interview_id="escape")
    espeak_wav(tmp_path.parent / "secret.wav", "secret")
    write_model(Workspace(tmp_path).transcript_path("escape"), outside)
    with TestClient(create_app(tmp_path, Settings(progress=False)), base_url=BASE) as client:
        assert client.get("/audio/escape").status_code == 404
        assert client.get("/audio/dinners").status_code == 200


def test_text_interview_has_no_audio(client):
    assert client.get("/audio/dinners").status_code == 404
    assert "<audio" not in client.get("/i/dinners").text


def test_serve_prints_its_url_and_stops_cleanly_on_ctrl_c(tmp_path):
    hand_made_workspace(tmp_path)
    code = f"from pathlib import Path; from pipeline.review.server import serve; from pipeline.settings import Settings; serve(Path({str(tmp_path)!r}), Settings(), 0, False)"
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)
        assert line.startswith("Reviewing 1 interview at")
        page = httpx.get(url + "i/dinners", timeout=30)
        assert page.status_code == 200 and "I was fed up with ordering takeaway" in page.text
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 0 and "stopped" in out and "Traceback" not in err


def test_serve_refuses_a_folder_without_results(tmp_path):
    with pytest.raises(BadInputError, match="jtbd run"):
        serve(tmp_path, Settings(progress=False), port=0, open_browser=False)


# with the real pipeline -------------------------------------------------------------
def pipeline_workspace(folder: Path) -> Workspace:
    """A workspace made by `jtbd run` (import + rules extraction) from a real transcript file."""
    from pipeline.run import run

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "dinners.txt").write_text(INTERVIEW, encoding="utf-8")
    result = run(folder, Settings(progress=False, extractor="rules"), stages=("transcribe", "extract"))
    assert result.ok, result.failures
    return Workspace(folder)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Path:
    return pipeline_workspace(tmp_path_factory.mktemp("pipeline") / "interviews").folder


def rerun_extraction(folder: Path) -> None:
    from pipeline.run import run

    ws = Workspace(folder)
    for interview_id in ws.interview_ids():
        ws.extraction_path(interview_id).unlink()
    assert run(folder, Settings(progress=False, extractor="rules"), stages=("transcribe", "extract")).ok


def test_decisions_survive_rerunning_extraction(extracted, tmp_path):
    folder = tmp_path / "copy"
    shutil.copytree(extracted, folder)
    ws = Workspace(folder)
    [interview_id] = ws.interview_ids()
    with TestClient(create_app(folder, Settings(progress=False)), base_url=BASE) as client:
        items = client.get(f"/api/i/{interview_id}").json()["items"]
        forces = [i for i in items if i["kind"] == "force"]
        assert len(forces) >= 3, "the rules extractor should find forces in this interview"
        first, second, third = forces[:3]
        client.post(f"/api/i/{interview_id}/items/{first['id']}", json={"verdict": "accepted"})
        client.post(f"/api/i/{interview_id}/items/{second['id']}", json={"verdict": "rejected"})
        new_type = "habit" if third["type"] != "habit" else "pull"
        client.post(f"/api/i/{interview_id}/items/{third['id']}", json={"type": new_type})
        before = json.loads(ws.review_path(interview_id).read_text())
        rerun_extraction(folder)
        assert json.loads(ws.review_path(interview_id).read_text()) == before  # a run never touches review.json
        state = client.get(f"/api/i/{interview_id}").json()
    after = {i["id"]: i for i in state["items"]}
    assert after[first["id"]]["verdict"] == "accepted" and after[second["id"]]["verdict"] == "rejected"
    assert after[third["id"]]["type"] == new_type and state["orphans"] == []


def test_interview_page_shows_the_coach_report(tmp_path):
    from pipeline.coach import coach

    lines = LINES[:2] + [("Sam", "Don't you think takeaway was too expensive?")] + LINES[2:]
    transcript = make_transcript(lines)
    ws = hand_made_workspace(tmp_path, transcript)
    write_model(ws.coach_path("dinners"), coach(transcript, Settings(progress=False), make_extraction(transcript)))
    with TestClient(create_app(tmp_path, Settings(progress=False)), base_url=BASE) as client:
        page = client.get("/i/dinners").text
    assert "Interview coach" in page
    assert "“Don&#39;t you think takeaway was too expensive?”" in page and ">leading</a>" in page
    assert 'href="#turn-2"' in page  # the flag links to the interviewer's line

"""Redaction: detection on the planted set, consistent placeholders, the researcher's decisions, the
way back from masked quotes, settings, and `jtbd run` against a fake endpoint that must never
receive a planted value."""
from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.importers import import_transcript
from pipeline.ingest import interview_for
from pipeline.privacy import guard_extraction, redaction_for
from tests.redaction_scoring import read_annotated, score
from pipeline.privacy.masking import MaskedTranscript, mask
from pipeline.settings import LLMSettings, Settings, load_settings
from pipeline.errors import ConfigError
from schemas import RedactedSpan, RedactionDecision, Word
from tests.llm_server import FakeLLM, completion, fake_llm, make_transcript  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "pii"
LLM_ON = Settings(llm=LLMSettings(base_url="http://127.0.0.1:9/v1", model="m"), progress=False)


def planted(name: str, tmp_path: Path):
    annotated = read_annotated(CORPUS / name)
    path = tmp_path / name
    path.write_text(annotated.plain(), encoding="utf-8")
    return annotated, import_transcript(path, interview_for(path))


def placeholder_of(redaction, turn: int, text: str) -> str:
    return next(s.placeholder for s in redaction.spans if s.turn == turn and s.text == text)


# detection and placeholders ------------------------------------------------------------------
def test_one_person_is_one_placeholder_in_every_turn_and_in_the_speaker_label(tmp_path):
    _, transcript = planted("01-freelance-invoicing.txt", tmp_path)
    redaction = redaction_for(transcript, LLM_ON, tmp_path / "cache")
    speakers = {s.placeholder for s in redaction.spans if s.where == "speaker"}
    assert speakers == {placeholder_of(redaction, 1, "Sarah Whitfield")} == {"[PERSON_1]"}
    assert placeholder_of(redaction, 3, "Derek Osei") == placeholder_of(redaction, 5, "Derek") == "[PERSON_2]"
    assert placeholder_of(redaction, 7, "Tom Briggs") == placeholder_of(redaction, 7, "Tom") == placeholder_of(redaction, 15, "Tom")
    masked = MaskedTranscript(transcript, redaction).transcript
    assert masked.turns[5].text.startswith("I tried FreeAgent because [PERSON_2] uses it")
    assert "Will it talk to my bank" in masked.turns[5].text and "sort code [ACCOUNT_1]" in masked.turns[5].text
    assert "last May" in masked.turns[3].text and "[EMPLOYER_1] in their marketing team" in masked.turns[1].text
    assert masked.turns[1].speaker == "[PERSON_1]" and masked.speakers == {"Interviewer": "interviewer", "[PERSON_1]": "participant"}


def test_planted_set_meets_the_targets(tmp_path):
    files = []
    for path in sorted(CORPUS.glob("*.txt")):
        annotated, transcript = planted(path.name, tmp_path)
        files.append((annotated, redaction_for(transcript, LLM_ON, tmp_path / "cache").spans))
    tallies = score(files)
    for entity in ("EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD"):
        assert tallies[entity].recall >= 0.99, (entity, tallies[entity].missed)
    assert tallies["PERSON"].recall >= 0.9, tallies["PERSON"].missed
    assert tallies["product"].recall >= 0.95, tallies["product"].missed  # product names kept in the clear
    assert tallies["month"].recall == tallies["verb"].recall == 1.0


def test_detection_goes_nowhere_near_the_network(tmp_path, monkeypatch):
    attempts = []
    monkeypatch.setattr(socket.socket, "connect", lambda self, addr: attempts.append(addr) or (_ for _ in ()).throw(OSError("offline")))
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: attempts.append(a) or (_ for _ in ()).throw(OSError("offline")))
    transcript = make_transcript([("Interviewer", "How can we reach you?"), ("Dana", "Write to dana.k@example.org or visit www.danak.net.")])
    redaction = redaction_for(transcript, LLM_ON, tmp_path)
    assert {s.text for s in redaction.spans} == {"Dana", "dana.k@example.org", "www.danak.net"}
    assert attempts == []


# the researcher's decisions --------------------------------------------------------------------
def test_added_and_removed_redactions_hold_on_a_rebuild_and_a_cached_read(tmp_path):
    _, transcript = planted("03-accounting-us.txt", tmp_path)
    decisions = [RedactionDecision(action="add", text="shoebox", entity="PERSON"), RedactionDecision(action="remove", text="Linda")]
    first = redaction_for(transcript, LLM_ON, tmp_path / "cache", decisions)
    texts = [s.text for s in first.spans]
    assert texts.count("shoebox") == 2 and "Linda" not in texts and "Linda Ortiz" in texts
    assert all(s.source == "researcher" for s in first.spans if s.text == "shoebox")
    again = redaction_for(transcript, LLM_ON, tmp_path / "cache")  # decisions=None: the stored ones stand
    assert again == first
    allowed = Settings(llm=LLM_ON.llm, redact={"allow": ["Linda Ortiz"]})
    assert "Linda Ortiz" not in [s.text for s in redaction_for(transcript, allowed, tmp_path / "other").spans]


# the way back ------------------------------------------------------------------------------------
def test_offsets_map_back_through_placeholders():
    text = "I asked Sarah Whitfield and then Tom about it."
    spans = [RedactedSpan(turn=0, start_char=8, end_char=23, text="Sarah Whitfield", entity="PERSON", placeholder="[PERSON_1]"),
             RedactedSpan(turn=0, start_char=33, end_char=36, text="Tom", entity="PERSON", placeholder="[PERSON_2]")]
    masked, pieces = mask(text, spans)
    assert masked == "I asked [PERSON_1] and then [PERSON_2] about it."
    from pipeline.privacy.masking import to_original

    start = masked.index("[PERSON_1] and")
    assert to_original(pieces, start, start + len("[PERSON_1] and then [PERSON_2]")) == (8, 36)
    assert to_original(pieces, masked.index("ERSON_1]"), masked.index(" and")) == (8, 23)  # cut into a placeholder: all of it


def test_llm_quote_with_placeholders_lands_on_the_real_turn_words_and_time(fake_llm: FakeLLM, tmp_path):
    transcript = make_transcript([("Interviewer", "What happened then?"),
                                  ("Dana", "It was fine. Then my boss Gareth Lloyd told me the report took four hours."),
                                  ("Interviewer", "And after that?"),
                                  ("Dana", "Gareth wanted it done every Friday, by email to gareth@lloyd-hq.com.")])
    words = transcript.turns[1].text.split()
    transcript.turns[1].words = [Word(text=w, start=10.0 + i, end=10.5 + i) for i, w in enumerate(words)]
    fake_llm.reply({"items": [
        {"turn": 1, "quote": "my boss [PERSON_2] told me the report took four hours", "kind": "force", "force_type": "push", "stage": None},
        {"turn": 3, "quote": "[PERSON_2] wanted it done every Friday", "kind": "force", "force_type": "push", "stage": None},
        {"turn": 3, "quote": "[PERSON_2] wanted it done evry Friday, by e-mail", "kind": "workaround", "force_type": None, "stage": None},
        {"turn": 1, "quote": "Gareth Lloyd told me the report took four hours", "kind": "force", "force_type": "anxiety", "stage": None},
    ]})
    from pipeline.extract.llm import extract_llm

    settings = fake_llm.settings()
    result = guard_extraction(transcript, settings, tmp_path, lambda t: extract_llm(t, settings, tmp_path))
    body = json.dumps(fake_llm.requests, ensure_ascii=False)
    assert "Gareth" not in body and "Lloyd" not in body and "gareth@" not in body and "(Dana)" not in body
    first, second = result.forces[0], result.forces[1]
    assert (first.quote.turn, first.quote.text) == (1, "my boss Gareth Lloyd told me the report took four hours")
    assert first.quote.start == 10.0 + words.index("my") and first.quote.end == 10.5 + words.index("hours.")
    assert (second.quote.turn, second.quote.text) == (3, "Gareth wanted it done every Friday")
    assert all(transcript.turns[f.quote.turn].text[f.quote.start_char:f.quote.end_char] == f.quote.text for f in result.forces)
    # a near-miss quote is repaired against the masked text, then put back on the real words; a quote
    # with real words the model was never sent is not grounded in what it saw, so it is dropped
    repaired = result.workarounds[0]
    assert (repaired.quote.turn, repaired.quote.text) == (3, "Gareth wanted it done every Friday, by email")
    assert repaired.description == "Gareth wanted it done every Friday, by email"
    assert result.llm.repaired_quotes == 1 and result.llm.dropped_quotes == 1


# settings ----------------------------------------------------------------------------------------
def test_redact_setting_from_toml_and_flag(tmp_path):
    (tmp_path / "jtbd.toml").write_text('redact = "outputs"\n', encoding="utf-8")
    assert load_settings(tmp_path).redact.level == "outputs"
    assert load_settings(tmp_path, redact={"level": "off"}).redact.level == "off"
    (tmp_path / "jtbd.toml").write_text('[redact]\nlevel = "llm"\nallow = ["Bench"]\nentities = ["PERSON", "WHATEVER"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="redact.entities: unknown entity type WHATEVER"):
        load_settings(tmp_path)
    from cli import build_parser

    assert build_parser().parse_args(["run", "x", "--no-redact"]).redact == "off"
    assert build_parser().parse_args(["run", "x", "--redact"]).redact == "outputs"
    assert build_parser().parse_args(["run", "x", "--redact", "llm"]).redact == "llm"
    assert build_parser().parse_args(["run", "x"]).redact is None  # jtbd.toml or the default decides


# the network edge --------------------------------------------------------------------------------
EDGE_FILES = ("01-freelance-invoicing.txt", "05-project-tool-agency.txt", "08-banking-switch.txt")
PLACEHOLDER_SENTENCE = re.compile(r"[^.?!]*\[(?:PERSON|EMPLOYER|EMAIL|PHONE)_\d+\][^.?!]*[.?!]")


def scripted_model(quoted: list[tuple[int, str]]):
    """A model that quotes, from each participant turn it is sent, the first sentence holding a placeholder."""
    def answer(request: dict):
        user = request["messages"][-1]["content"]
        if "<transcript>" not in user:  # the synthesis writer
            return 200, {}, completion(json.dumps({"job_stories": [], "job_statements": [], "objectives": []}))
        items = []
        for turn, text in re.findall(r"^\[turn (\d+)\] PARTICIPANT \([^)]*\): (.*)$", user, re.M):
            found = PLACEHOLDER_SENTENCE.search(text)
            if found:
                items.append({"turn": int(turn), "quote": found.group(0).strip(), "kind": "force", "force_type": "push", "stage": None})
                quoted.append((int(turn), found.group(0).strip()))
        return 200, {}, completion(json.dumps({"items": items}))
    return answer


def test_jtbd_run_sends_no_planted_value_and_extraction_lands_on_the_right_turns(tmp_path):
    folder = tmp_path / "interviews"
    folder.mkdir()
    annotated = {}
    for name in EDGE_FILES:
        annotated[Path(name).stem] = read_annotated(CORPUS / name)
        (folder / name).write_text(annotated[Path(name).stem].plain(), encoding="utf-8")
    fake, quoted = FakeLLM(), []
    for _ in range(20):
        fake.then(scripted_model(quoted))
    env = {**os.environ, "NO_COLOR": "1", "HOME": str(tmp_path), "JTBD_LLM_BASE_URL": fake.url, "JTBD_LLM_MODEL": "fake-model",
           "JTBD_LLM_API_KEY": "test", "JTBD_LLM_TIMEOUT": "30"}
    try:
        result = subprocess.run([sys.executable, "-m", "cli", "run", str(folder), "--extractor", "llm", "--no-progress"],
                                cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
    finally:
        fake.close()
    assert result.returncode == 0, result.stderr
    assert len(fake.requests) >= len(EDGE_FILES) + 1 and quoted  # every interview, the synthesis writer, and quotes to map
    sent = json.dumps(fake.requests, ensure_ascii=False)
    values = {p.text for a in annotated.values() for p in a.planted if p.personal} | {"Sarah Whitfield", "Priya"}
    leaked = sorted(v for v in values if re.search(rf"(?<!\w){re.escape(v)}(?!\w)", sent))
    assert leaked == []
    assert "[PERSON_1]" in sent and "[EMAIL_1]" in sent
    results = folder / "jtbd-results" / "interviews"
    extracted = {i: json.loads((results / i / "extraction.json").read_text())["forces"] for i in annotated}
    for interview_id, forces in extracted.items():
        lines = annotated[interview_id].lines
        for force in forces:
            quote = force["quote"]
            assert lines[quote["turn"]][1][quote["start_char"]:quote["end_char"]] == quote["text"]
            assert "[" not in quote["text"]  # real words in the workspace
    landed = sorted((f["quote"]["turn"], f["quote"]["text"]) for forces in extracted.values() for f in forces)
    assert len(landed) == len(quoted) and sorted(turn for turn, _ in quoted) == [turn for turn, _ in landed]
    derek = next(f for f in extracted["01-freelance-invoicing"] if f["quote"]["turn"] == 3)["quote"]["text"]
    assert "my accountant, Derek Osei, told me" in derek


# level "outputs" ---------------------------------------------------------------------------------
def test_outputs_level_masks_report_exports_and_synthesis_but_the_workspace_keeps_the_real_words(tmp_path):
    from pipeline.run import run
    from pipeline.workspace import Workspace

    folder = tmp_path / "interviews"
    folder.mkdir()
    values = set()
    for name in ("01-freelance-invoicing.txt", "07-crm-sales.txt"):
        annotated = read_annotated(CORPUS / name)
        values |= {p.text for p in annotated.planted if p.personal}
        (folder / name).write_text(annotated.plain(), encoding="utf-8")
    values |= {"Sarah Whitfield", "Daniel"}
    settings = Settings(progress=False, redact={"level": "outputs"})
    result = run(folder, settings)
    assert result.ok, result.failures
    ws = Workspace(folder)
    from pipeline.export import export

    drafts = export(ws, settings, dest=tmp_path / "drafts", include_all=True)  # every item, not only accepted ones
    shared = [ws.report_dir / "index.html", ws.root / "synthesis.md", *sorted(ws.exports_dir.iterdir()), *drafts]
    assert len(shared) >= 14
    for path in shared:
        text = path.read_text(encoding="utf-8")
        leaked = sorted(v for v in values if re.search(rf"(?<!\w){re.escape(v)}(?!\w)", text))
        assert leaked == [], path.name
    items = (tmp_path / "drafts" / "jtbd-export.json").read_text(encoding="utf-8")
    assert "[PERSON_" in items and "[PHONE_" in items  # the speaker names (Sarah Whitfield, Daniel); quotes
    extraction = ws.extraction_path("01-freelance-invoicing").read_text(encoding="utf-8")
    synthesis = ws.synthesis_path.read_text(encoding="utf-8")
    assert "[PERSON_" not in extraction and "[PERSON_" not in synthesis  # the researcher's own files: real words
    from pipeline.report import write_report

    masked = write_report(ws, settings, include_all=True).read_text(encoding="utf-8")
    clear = write_report(ws, Settings(progress=False, redact={"level": "llm"}), include_all=True).read_text(encoding="utf-8")
    assert "Sarah Whitfield" not in masked and "[PERSON_1]" in masked
    assert "Sarah Whitfield" in clear and "[PERSON_1]" not in clear  # level llm with no LLM: nothing leaves, nothing masked

"""Offline extraction by spaCy rules: stages from the interview's questions, forces and the other
codebook elements from participant sentences, each grounded in a verbatim quote.

Pattern data lives in patterns/ (see patterns/README.md); RULES_VERSION changes with it, so a
re-run redoes extraction after a researcher edits a lexicon.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from schemas import Extraction, Force, StageSpan, Transcript, Turn, item_id
from schemas.extraction import Item

from ..grounding import quote_at
from ..nlp import load_nlp
from .rules_elements import Sentence, extract_elements
from .rules_forces import classify
from .rules_patterns import Compiled, compiled, matches, patterns_hash
from .rules_stages import DEFAULT_STAGE, build_spans, participant_stage, question_stage

RULES_CODE_VERSION = "1"
RULES_VERSION = f"{RULES_CODE_VERSION}-{patterns_hash()}"
MIN_SENTENCE_WORDS = 3


@dataclass
class _State:
    stage: str = DEFAULT_STAGE
    cued: bool = False  # False while the stage is only the default: stage-dependent cues then stay neutral
    turn_stage: dict[int, str] = field(default_factory=dict)
    cues: dict[int, str] = field(default_factory=dict)


@dataclass
class Analysis:
    """The parsed participant sentences of one transcript with their rules stage and cue hits;
    shared by the rules extractor and the trained classifier, so the text is parsed once."""

    transcript: Transcript
    sentences: list[Sentence]
    stages: list[StageSpan]
    pats: Compiled


def analyse(transcript: Transcript) -> Analysis:
    nlp, pats = load_nlp(), compiled()
    participant = [t for t in transcript.turns if t.role == "participant" and t.text.strip()]
    docs = dict(zip((t.index for t in participant), nlp.pipe(t.text for t in participant)))
    state = _State()
    sentences: list[Sentence] = []
    for turn in transcript.turns:
        if turn.index in docs:
            sentences += _participant_turn(turn, docs[turn.index], pats, state)
        else:
            _interviewer_turn(turn, nlp, pats, state)
    return Analysis(transcript, sentences, build_spans(transcript, state.turn_stage, state.cues), pats)


def build_from(analysis: Analysis, forces: list[Force], extractor: str) -> Extraction:
    """An Extraction with the given forces and the rules' stages and other elements."""
    transcript = analysis.transcript
    extraction = Extraction(
        interview_id=transcript.interview.id,
        transcript_sha256=transcript.interview.sha256,
        extractor=extractor,
        stages=analysis.stages,
        forces=forces,
    )
    for name, items in extract_elements(analysis.sentences, forces, analysis.pats).items():
        setattr(extraction, name, items)
    return extraction


def rules_forces(analysis: Analysis) -> list[Force]:
    return [f for s in analysis.sentences for f in _forces(s, analysis.pats)]


def extract_rules(transcript: Transcript) -> Extraction:
    from .story_kind import story_kind

    analysis = analyse(transcript)
    extraction = build_from(analysis, rules_forces(analysis), "rules")
    extraction.story_kind = story_kind(transcript)  # type: ignore[assignment]
    return extraction


def _interviewer_turn(turn: Turn, nlp, pats: Compiled, state: _State) -> None:
    doc = nlp.make_doc(turn.text)  # stage cues are word patterns: no parse needed
    hit = question_stage(matches(pats.stages, pats.sets.stages, doc))
    if hit:
        state.stage, state.cued = hit[0].group, True
        state.cues[turn.index] = doc[hit[1]:hit[2]].text
    state.turn_stage[turn.index] = state.stage


def _participant_turn(turn: Turn, doc, pats: Compiled, state: _State) -> list[Sentence]:
    stage_hits = matches(pats.stages, pats.sets.stages, doc)
    force_hits = matches(pats.forces, pats.sets.forces, doc)
    out: list[Sentence] = []
    for sent in doc.sents:
        inside = [h for h in stage_hits if sent.start <= h[1] < sent.end]
        moved = participant_stage(state.stage, inside)
        if moved:
            state.stage, state.cued = moved, True
            state.cues.setdefault(turn.index, next(doc[s:e].text for en, s, e in inside if en.group == moved))
        state.turn_stage.setdefault(turn.index, state.stage)
        hits = [h for h in force_hits if sent.start <= h[1] < sent.end]
        out.append(Sentence(turn, sent, state.stage, hits, state.cued))
    return out


def _forces(sentence: Sentence, pats: Compiled) -> list[Force]:
    span = sentence.span
    if sum(1 for t in span if not t.is_punct) < MIN_SENTENCE_WORDS:
        return []
    out = []
    for hit, start, end in classify(span, sentence.force_hits, sentence.stage if sentence.stage_cued else ""):
        part = span.doc[start:end]
        text = part.text.rstrip(" ,;")
        quote = quote_at(sentence.turn, part.start_char, part.start_char + len(text))
        force = Force(type=hit.type, quote=quote, stage=sentence.stage, extractor="rules",
                      confidence=round(min(hit.score, 1.0), 3), cue=hit.cue,
                      dimension=sentence.dimension(pats, hit.entry.data.get("dimension")))
        out.append(_with_id(force))
    return out


def _with_id(item: Item) -> Item:
    item.id = item_id(item.kind, item.quote)  # type: ignore[attr-defined]
    return item


__all__ = ["RULES_VERSION", "extract_rules"]

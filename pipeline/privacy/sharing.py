"""Redaction level `outputs`: what the report, the exports and synthesis.md show is masked too.

The workspace keeps the real words (transcripts, extractions, synthesis.json: the researcher's own
files on this machine); only what is written for sharing goes through here.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from schemas import CoachReport, Item, Redaction, Review, Synthesis, Transcript

from ..settings import Settings
from ..workspace import Workspace, read_model
from .guard import FREE_TEXT, mask_quote_of, mask_synthesis
from .masking import MaskedTranscript, mask_values
from .store import redaction_for, redacts_outputs

if TYPE_CHECKING:
    from ..report.data import InterviewView, ReportData


def interview_redaction(ws: Workspace, transcript: Transcript, settings: Settings) -> Redaction:
    """The interview's redaction with the researcher's decisions from review.json."""
    path = ws.review_path(transcript.interview.id)
    decisions = read_model(path, Review).redactions if path.is_file() else []
    return redaction_for(transcript, settings, ws.cache_dir, decisions)


def shared_report_data(data: "ReportData", ws: Workspace, settings: Settings) -> "ReportData":
    """The report's and exports' data, masked when the level is `outputs`; unchanged otherwise."""
    if not redacts_outputs(settings):
        return data
    from dataclasses import replace

    redactions = {v.id: interview_redaction(ws, v.transcript, settings) for v in data.interviews}
    interviews = [_shared_interview(v, redactions[v.id]) for v in data.interviews]
    synthesis = mask_synthesis(data.synthesis, redactions) if data.synthesis else None
    return replace(data, interviews=interviews, synthesis=synthesis)


def shared_synthesis(synthesis: Synthesis, ws: Workspace, settings: Settings) -> Synthesis:
    """synthesis.md's content: masked when the level is `outputs`."""
    if not redacts_outputs(settings):
        return synthesis
    redactions = {}
    for interview_id in synthesis.interviews:
        tpath = ws.transcript_path(interview_id)
        if tpath.is_file():
            redactions[interview_id] = interview_redaction(ws, read_model(tpath, Transcript), settings)
    return mask_synthesis(synthesis, redactions)


def _shared_interview(view: "InterviewView", redaction: Redaction) -> "InterviewView":
    from dataclasses import replace

    transcript = view.transcript
    masked = MaskedTranscript(transcript, redaction).transcript
    items = {item.id: _shared_item(item, transcript, redaction) for item in view.extraction.items()}
    lists = {name: [items[i.id] for i in getattr(view.extraction, name)] for name in _item_lists()}
    item_views = [replace(v, item=items.get(v.item.id, v.item), speaker=masked.turns[v.item.quote.turn].speaker
                          if 0 <= v.item.quote.turn < len(masked.turns) else v.speaker) for v in view.items]
    coach = _shared_coach(view.coach, redaction) if view.coach else None
    return replace(view, transcript=masked, extraction=view.extraction.model_copy(update=lists), items=item_views, coach=coach)


def _item_lists() -> tuple[str, ...]:
    from .guard import ITEM_LISTS

    return ITEM_LISTS


def _shared_item(item: Item, transcript: Transcript, redaction: Redaction) -> Item:
    q = item.quote
    quote = q.model_copy(update={"text": mask_quote_of(transcript, redaction, q.turn, q.start_char, q.text)})
    update = {name: mask_values(getattr(item, name), redaction.spans) for name in FREE_TEXT if isinstance(getattr(item, name, None), str)}
    return item.model_copy(update={**update, "quote": quote})


def _shared_coach(coach: CoachReport, redaction: Redaction) -> CoachReport:
    def walk(node):
        if isinstance(node, dict):
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return mask_values(node, redaction.spans) if isinstance(node, str) else node

    return CoachReport.model_validate(walk(coach.model_dump()))

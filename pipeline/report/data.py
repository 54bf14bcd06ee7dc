"""Everything the report and the exports show, read from the workspace and filtered once.

Visibility rule (shared by report and exports so they never disagree):
- rejected items never appear;
- accepted items always appear;
- pending items (not reviewed yet) appear only with `include_all`, marked as drafts.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from schemas import CoachReport, Evidence, Extraction, Item, Review, Synthesis, Transcript
from schemas.extraction import STAGES, Stage

from ..review.decisions import apply_review, review_state
from ..workspace import Workspace, read_model


def quote_anchor(interview_id: str, item_id: str) -> str:
    """The HTML id of one quote in the per-interview section; evidence links point here."""
    return f"q-{interview_id}-{item_id}"


def format_time(seconds: float | None) -> str:
    if seconds is None:
        return ""
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


@dataclass
class ItemView:
    """One visible item with what every output needs beside the model itself."""

    item: Item
    interview_id: str
    stage: Stage | None
    speaker: str
    anchor: str

    @property
    def kind(self) -> str:
        return self.item.kind  # type: ignore[attr-defined]

    @property
    def draft(self) -> bool:
        return self.item.verdict != "accepted"

    @property
    def text(self) -> str:
        """The sticky-note text: the item's own words, or the quote for a force."""
        item = self.item
        for attr in ("description", "name", "criterion"):
            if hasattr(item, attr):
                return getattr(item, attr)
        if hasattr(item, "statement"):
            return item.statement  # type: ignore[attr-defined]
        return item.quote.text

    @property
    def timestamp(self) -> str:
        return format_time(self.item.quote.start)


@dataclass
class InterviewView:
    id: str
    title: str
    source: str
    transcript: Transcript
    extraction: Extraction
    state: str  # "new" | "in_review" | "reviewed"
    items: list[ItemView]
    coach: CoachReport | None = None
    decided: int = 0
    total: int = 0

    @property
    def reviewed(self) -> bool:
        return self.state != "new"

    def of_kind(self, kind: str) -> list[ItemView]:
        return [v for v in self.items if v.kind == kind]

    def forces(self, force_type: str | None = None) -> list[ItemView]:
        return [v for v in self.of_kind("force") if force_type is None or v.item.type == force_type]  # type: ignore[attr-defined]

    def stage_turns(self) -> dict[str, tuple[int, int]]:
        """The turns each stage was talked about in: its spans, widened by the items placed in it."""
        spans: dict[str, tuple[int, int]] = {}

        def widen(stage: str, start: int, end: int) -> None:
            lo, hi = spans.get(stage, (start, end))
            spans[stage] = (min(lo, start), max(hi, end))

        for span in self.extraction.stages:
            widen(span.stage, span.start_turn, span.end_turn)
        for item in self.extraction.items():
            stage = stage_of(item, self.extraction)
            if stage and item.verdict != "rejected":
                widen(stage, item.quote.turn, item.quote.turn)
        return spans


@dataclass
class ReportData:
    folder: str
    include_all: bool
    interviews: list[InterviewView]
    synthesis: Synthesis | None
    synthesis_stale: bool = False
    generated_at: str = field(default_factory=lambda: datetime.now().strftime("%Y-%m-%d %H:%M"))

    @property
    def anchors(self) -> set[str]:
        return {v.anchor for i in self.interviews for v in i.items}

    @property
    def not_reviewed(self) -> list[InterviewView]:
        return [i for i in self.interviews if not i.reviewed]

    def all_items(self) -> list[ItemView]:
        return [v for i in self.interviews for v in i.items]


def visible(item: Item, include_all: bool) -> bool:
    if item.verdict == "rejected":
        return False
    return item.verdict == "accepted" or include_all


def stage_of(item: Item, extraction: Extraction) -> Stage | None:
    """The item's own stage, else the stage span its quote's turn falls in."""
    if item.stage:
        return item.stage
    for span in extraction.stages:
        if span.start_turn <= item.quote.turn <= span.end_turn:
            return span.stage
    return None


def _speaker(transcript: Transcript, turn: int) -> str:
    return transcript.turns[turn].speaker if 0 <= turn < len(transcript.turns) else ""


def load_interview(ws: Workspace, interview_id: str, include_all: bool) -> InterviewView | None:
    """None when the interview has no extraction yet (it failed or was never run)."""
    if not ws.extraction_path(interview_id).is_file():
        return None
    transcript = read_model(ws.transcript_path(interview_id), Transcript)
    raw = read_model(ws.extraction_path(interview_id), Extraction)
    review_path = ws.review_path(interview_id)
    review = read_model(review_path, Review) if review_path.is_file() else Review(interview_id=interview_id)
    extraction = apply_review(raw, review, transcript).extraction
    items = sorted(extraction.items(), key=lambda i: (i.quote.turn, i.quote.start_char))
    views = [
        ItemView(i, interview_id, stage_of(i, extraction), _speaker(transcript, i.quote.turn), quote_anchor(interview_id, i.id))
        for i in items
        if visible(i, include_all)
    ]
    coach_path = ws.coach_path(interview_id)
    coach = read_model(coach_path, CoachReport) if coach_path.is_file() else None
    return InterviewView(
        id=interview_id,
        title=transcript.interview.title or interview_id,
        source=transcript.interview.source,
        transcript=transcript,
        extraction=extraction,
        state=review_state(review, extraction),
        items=views,
        coach=coach,
        decided=sum(1 for i in items if i.verdict != "pending"),
        total=len(items),
    )


def _drop_rejected(evidence: Evidence, rejected: set[tuple[str, str]]) -> Evidence:
    refs = [r for r in evidence.refs if (r.interview_id, r.item_id) not in rejected]
    return evidence.model_copy(update={"refs": refs})


def _clean_synthesis(synthesis: Synthesis, interviews: list[InterviewView]) -> Synthesis:
    """Reviews made after the synthesis ran may have rejected quotes it cites: never show those."""
    rejected = {(i.id, item.id) for i in interviews for item in i.extraction.items() if item.verdict == "rejected"}
    if not rejected:
        return synthesis
    data = synthesis.model_copy(deep=True)
    for group in (data.clusters, data.job_statements, data.job_stories, data.outcomes, data.objectives):
        for entry in group:
            entry.evidence = _drop_rejected(entry.evidence, rejected)
    for cluster in data.clusters:
        cluster.members = [m for m in cluster.members if (m.interview_id, m.item_id) not in rejected]
    for objective in data.objectives:
        for kr in objective.key_results:
            kr.evidence = _drop_rejected(kr.evidence, rejected)
    return data


def _is_stale(ws: Workspace, ids: list[str]) -> bool:
    """True when a review was saved after the synthesis was written."""
    if not ws.synthesis_path.is_file():
        return False
    made = ws.synthesis_path.stat().st_mtime
    return any(ws.review_path(i).is_file() and ws.review_path(i).stat().st_mtime > made for i in ids)


def load_report_data(ws: Workspace, include_all: bool = False) -> ReportData:
    ids = ws.interview_ids()
    interviews = [v for v in (load_interview(ws, i, include_all) for i in ids) if v is not None]
    synthesis = read_model(ws.synthesis_path, Synthesis) if ws.synthesis_path.is_file() else None
    if synthesis is not None:
        synthesis = _clean_synthesis(synthesis, interviews)
    return ReportData(
        folder=Path(ws.folder).name,
        include_all=include_all,
        interviews=interviews,
        synthesis=synthesis,
        synthesis_stale=_is_stale(ws, ids),
    )


STAGE_ORDER = {stage: n for n, stage in enumerate(STAGES)}

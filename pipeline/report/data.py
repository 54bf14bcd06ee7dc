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

from schemas import CoachReport, Evidence, Extraction, Item, Synthesis, Transcript
from schemas.extraction import Stage
from schemas.vocabulary import FORCE_TYPES, clock, item_label

from ..workspace import Workspace, read_model


def quote_anchor(interview_id: str, item_id: str) -> str:
    """The HTML id of one quote in the per-interview section; evidence links point here."""
    return f"q-{interview_id}-{item_id}"


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
        """The item's own words, or the quote for a force."""
        return item_label(self.item) or self.item.quote.text

    @property
    def timestamp(self) -> str:
        return clock(self.item.quote.start)


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
    drafts: dict[str, int] = field(default_factory=dict)  # items not rejected per force type and kind, reviewed or not

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

    @property
    def nothing_reviewed(self) -> bool:
        """A first run: no item accepted anywhere, so the reviewed-only view has nothing to count."""
        return not any(item.verdict == "accepted" for i in self.interviews for item in i.extraction.items())

    def draft_count(self, key: str) -> int:
        """Items not rejected of a force type ('push') or kind ('struggling_moment'), in all interviews."""
        return sum(i.drafts.get(key, 0) for i in self.interviews)


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


def _draft_counts(extraction: Extraction) -> dict[str, int]:
    kept = [i for i in extraction.items() if i.verdict != "rejected"]
    counts = {t: sum(1 for i in kept if getattr(i, "type", None) == t) for t in FORCE_TYPES}
    for item in kept:
        counts[item.kind] = counts.get(item.kind, 0) + 1  # type: ignore[attr-defined]
    return counts


def load_interview(ws: Workspace, interview_id: str, include_all: bool) -> InterviewView | None:
    """None when the interview has no extraction yet (it failed or was never run)."""
    if not ws.extraction_path(interview_id).is_file():
        return None
    loaded = ws.load_reviewed(interview_id)
    transcript, extraction = loaded.transcript, loaded.extraction
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
        state=loaded.state,
        items=views,
        coach=coach,
        decided=sum(1 for i in items if i.verdict != "pending"),
        total=len(items),
        drafts=_draft_counts(extraction),
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


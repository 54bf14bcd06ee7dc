"""Turn `ReportData` into template context: charts drawn, evidence resolved to anchors, highlights picked."""
from __future__ import annotations

import textwrap
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from schemas import Evidence, EvidenceRef
from schemas.extraction import FORCE_TYPES, STAGES
from schemas.vocabulary import (CUE_LABEL, FORCE_STYLES, KIND_TITLES, NOTE_LABEL, STAGE_LABELS, clock, force_css,
                                stage_label, turn_ref)

from .. import charts
from .data import InterviewView, ItemView, ReportData, quote_anchor

TEMPLATES = Path(__file__).parent / "templates"
QUOTES_PER_QUADRANT = 2


def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(force_styles=FORCE_STYLES, stage_labels=STAGE_LABELS, stage_label=stage_label, force_types=FORCE_TYPES,
                       kind_titles=KIND_TITLES, cue_label=CUE_LABEL, note_label=NOTE_LABEL, force_css=force_css(),
                       icon=lambda t, size=14: Markup(charts.force_icon(t, size)), format_time=clock, turn_ref=turn_ref)
    env.filters["shorten"] = lambda text, width=160: textwrap.shorten(" ".join(str(text).split()), width, placeholder=" …")
    return env


@dataclass
class RefView:
    """One evidence quote as shown under a synthesized item."""

    quote: str
    interview_id: str
    href: str | None
    when: str
    turn: str  # "turn 16": 1-based, as everywhere


def ref_views(evidence: Evidence, anchors: set[str], limit: int | None = None) -> list[RefView]:
    """Evidence quotes; a quote links to its anchor only when that quote is shown in the report."""
    refs: list[EvidenceRef] = evidence.refs[:limit] if limit else evidence.refs
    views = []
    for ref in refs:
        anchor = quote_anchor(ref.interview_id, ref.item_id)
        views.append(RefView(ref.quote, ref.interview_id, f"#{anchor}" if anchor in anchors else None, clock(ref.start), turn_ref(ref.turn)))
    return views


def _markers(view: InterviewView) -> list[charts.Marker]:
    return [
        charts.Marker(v.item.type, v.stage, v.item.quote.text, f"#{v.anchor}", v.draft)  # type: ignore[attr-defined]
        for v in view.forces()
        if v.stage
    ]


def _strongest(forces: list[ItemView]) -> list[ItemView]:
    return sorted(forces, key=lambda v: (-v.item.confidence, v.draft, v.item.quote.turn))[:QUOTES_PER_QUADRANT]


def interview_charts(view: InterviewView) -> dict[str, Markup]:
    moments = [charts.Moment(v.stage, v.text, f"#{v.anchor}") for v in view.of_kind("struggling_moment") if v.stage]
    journey = charts.journey_map(_markers(view), moments, view.stage_turns(), f"Journey map: {view.title}")
    counts = {t: len(view.forces(t)) for t in FORCE_TYPES}
    quotes = {t: [charts.QuadrantQuote(v.item.quote.text, f"#{v.anchor}") for v in _strongest(view.forces(t))] for t in FORCE_TYPES}
    forces = charts.forces_diagram(counts, quotes, f"Four forces: {view.title}")
    return {"journey": Markup(journey), "forces": Markup(forces)}


def heatmap(data: ReportData) -> Markup:
    counts: Counter[tuple[str, str]] = Counter()
    sources: dict[tuple[str, str], set[str]] = {}
    for v in data.all_items():
        if v.kind == "force" and v.stage:
            key = (v.item.type, v.stage)  # type: ignore[attr-defined]
            counts[key] += 1
            sources.setdefault(key, set()).add(v.interview_id)
    return Markup(charts.forces_heatmap(dict(counts), {k: len(s) for k, s in sources.items()}, "Forces by stage, all interviews"))


def outcome_bars(data: ReportData) -> Markup | None:
    if data.synthesis is None or not data.synthesis.outcomes:
        return None
    outcomes = sorted(data.synthesis.outcomes, key=lambda o: -o.opportunity)
    bars = [charts.Bar(o.statement, o.opportunity, "(est.)" if o.estimated else "", f"#outcome-{o.id}") for o in outcomes]
    return Markup(charts.opportunity_bars(bars))


def unplaced_forces(view: InterviewView) -> int:
    return sum(1 for v in view.forces() if not v.stage)


def read_first(data: ReportData) -> list[dict[str, str]]:
    """A short reading order for someone opening the report cold."""
    tips: list[dict[str, str]] = []
    syn = data.synthesis
    if syn and syn.job_stories:
        story = max(syn.job_stories, key=lambda s: len(s.evidence.participants))
        tips.append({"text": f"The best-supported job story ({story.evidence.label}): {story.text}", "href": f"#story-{story.id}", "cta": "Read the story"})
    if syn and syn.outcomes:
        best = max(syn.outcomes, key=lambda o: o.opportunity)
        tips.append({"text": f"The biggest opportunity ({best.opportunity:.1f}): {best.statement}", "href": f"#outcome-{best.id}", "cta": "See outcomes"})
    hot = Counter((v.item.type, v.stage) for v in data.all_items() if v.kind == "force" and v.stage)  # type: ignore[attr-defined]
    if hot:
        (force_type, stage), n = hot.most_common(1)[0]
        tips.append({"text": f"Most quotes sit at {FORCE_STYLES[force_type].label} × {STAGE_LABELS[stage]} ({n}).",
                     "href": "#heatmap", "cta": "Open the heatmap"})
    rich = max(data.interviews, key=lambda i: len(i.forces()), default=None)
    if rich and rich.forces():
        tips.append({"text": f"The richest story: {rich.title} ({len(rich.forces())} forces).", "href": f"#interview-{rich.id}", "cta": "Open the interview"})
    return tips


def context(data: ReportData) -> dict:
    anchors = data.anchors
    return {
        "data": data,
        "syn": data.synthesis,
        "interview_charts": {v.id: interview_charts(v) for v in data.interviews},
        "heatmap": heatmap(data),
        "outcome_bars": outcome_bars(data),
        "read_first": read_first(data),
        "refs": lambda evidence, limit=None: ref_views(evidence, anchors, limit),
        "unplaced": unplaced_forces,
        "stages": STAGES,
        "clusters_sorted": sorted(data.synthesis.clusters, key=lambda c: (-len(c.evidence.participants), -len(c.evidence.refs), c.label)) if data.synthesis else [],
        "outcomes_sorted": sorted(data.synthesis.outcomes, key=lambda o: -o.opportunity) if data.synthesis else [],
    }


def render_report(data: ReportData) -> str:
    return environment().get_template("report.html.j2").render(**context(data))

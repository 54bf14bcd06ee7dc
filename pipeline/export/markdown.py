"""Markdown: one file per interview and synthesis.md, readable as plain text and safe to render.

Transcript strings are escaped for Markdown renderers, which pass raw HTML through: "<script>"
becomes "&lt;script&gt;" and emphasis/link characters get a backslash.
"""
from __future__ import annotations

import re
from pathlib import Path

from schemas import Evidence
from schemas.extraction import FORCE_TYPES

from ..charts import FORCE_STYLES, STAGE_LABELS
from ..report.data import InterviewView, ItemView, ReportData, format_time
from ..workspace import write_text_atomic

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|])")
KIND_TITLES = [("alternative", "Alternatives considered"), ("workaround", "Workarounds"),
               ("decision_criterion", "Decision criteria"), ("desired_outcome", "Desired outcomes")]


def md(text: str) -> str:
    """One line of inert Markdown: HTML escaped, Markdown syntax backslashed, whitespace collapsed."""
    text = " ".join(str(text).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def _meta(v: ItemView) -> str:
    parts = [v.speaker, v.timestamp, f"turn {v.item.quote.turn + 1}", STAGE_LABELS.get(v.stage or "", "")]
    meta = ", ".join(md(p) for p in parts if p)
    return meta + (" · **draft**" if v.draft else "")


def _quote_line(v: ItemView, heading: str | None = None) -> str:
    head = f"**{md(heading)}**: " if heading else ""
    return f"- {head}“{md(v.item.quote.text)}” — {_meta(v)}"


def interview_markdown(view: InterviewView, include_all: bool) -> str:
    state = {"reviewed": "reviewed", "in_review": f"in review ({view.decided} of {view.total} decided)", "new": "not reviewed yet"}[view.state]
    lines = [f"# {md(view.title)}", "", f"Source: {md(view.source)} · {len(view.transcript.turns)} turns · review: {state}", ""]
    if not view.reviewed:
        lines += ["> Not reviewed yet: " + ("the items below are drafts." if include_all else "items appear here once accepted in `jtbd review` (or export with --all)."), ""]
    if view.of_kind("struggling_moment"):
        lines += ["## Struggling moments", "", *[_quote_line(v, v.text) for v in view.of_kind("struggling_moment")], ""]
    lines += ["## Forces", ""]
    for force_type in FORCE_TYPES:
        forces = view.forces(force_type)
        lines += [f"### {FORCE_STYLES[force_type].long_label} ({len(forces)})", ""]
        lines += [_quote_line(v) for v in forces] or ["- none"]
        lines.append("")
    for kind, title in KIND_TITLES:
        if view.of_kind(kind):
            lines += [f"## {title}", "", *[_quote_line(v, v.text) for v in view.of_kind(kind)], ""]
    return "\n".join(lines).rstrip() + "\n"


def _evidence(evidence: Evidence, limit: int = 3) -> list[str]:
    lines = [f"  - Evidence: {evidence.label}"]
    for ref in evidence.refs[:limit]:
        when = f", {format_time(ref.start)}" if ref.start is not None else ""
        lines.append(f"    - “{md(ref.quote)}” — [{md(ref.interview_id)}]({ref.interview_id}.md){when}")
    if len(evidence.refs) > limit:
        lines.append(f"    - … and {len(evidence.refs) - limit} more")
    return lines


def synthesis_markdown(data: ReportData) -> str:
    syn = data.synthesis
    lines = [f"# Synthesis: {md(data.folder)}", "", f"{len(data.interviews)} interviews · generated {data.generated_at}", ""]
    if syn is None:
        return "\n".join(lines + ["No synthesis yet: run `jtbd run` on the folder.", ""])
    lines += ["## Job stories", ""]
    for s in syn.job_stories:
        lines += [f"- **When** {md(s.situation)}, **I want to** {md(s.motivation)}, **so I can** {md(s.expected_outcome)}. ({s.altitude})", *_evidence(s.evidence)]
    if syn.job_statements:
        lines += ["", "## Job statements", ""]
        for j in syn.job_statements:
            lines += [f"- {md(j.text)} ({j.altitude})", *_evidence(j.evidence, 1)]
    lines += ["", "## Outcomes by opportunity", "", "| # | Outcome | Importance | Satisfaction | Opportunity | Evidence |", "|---|---|---|---|---|---|"]
    for n, o in enumerate(sorted(syn.outcomes, key=lambda o: -o.opportunity), 1):
        est = " (est.)" if o.estimated else ""
        lines.append(f"| {n} | {md(o.statement)} | {o.importance:.1f} | {o.satisfaction:.1f} | **{o.opportunity:.1f}**{est} | {o.evidence.label} |")
    lines += ["", "## Objectives and key results", ""]
    for ob in syn.objectives:
        lines += [f"### {md(ob.text)}", "", f"Evidence: {ob.evidence.label}", ""]
        for kr in ob.key_results:
            lines += [f"- {md(kr.text)}", *_evidence(kr.evidence, 1)]
        lines.append("")
    lines += ["## Clusters", ""]
    for c in sorted(syn.clusters, key=lambda c: -len(c.evidence.participants)):
        kind = FORCE_STYLES[c.kind].label if c.kind in FORCE_STYLES else c.kind.replace("_", " ")
        lines += [f"- **{md(c.label)}** ({kind})", *_evidence(c.evidence)]
    return "\n".join(lines).rstrip() + "\n"


def write_markdown(data: ReportData, out: Path) -> list[Path]:
    paths = []
    for view in data.interviews:
        path = out / f"{view.id}.md"
        write_text_atomic(path, interview_markdown(view, data.include_all))
        paths.append(path)
    path = out / "synthesis.md"
    write_text_atomic(path, synthesis_markdown(data))
    return [*paths, path]

"""Synthesis -> a Markdown document a researcher can read and share."""
from __future__ import annotations

from schemas import Cluster, Evidence, Synthesis

KIND_TITLES = {
    "push": "Push of the situation", "pull": "Pull of the new solution", "anxiety": "Anxiety of the new solution",
    "habit": "Habit of the present", "struggling_moment": "Struggling moments", "desired_outcome": "Desired outcomes",
    "decision_criterion": "Decision criteria",
}
MAX_QUOTES = 3


def _quotes(evidence: Evidence, limit: int = MAX_QUOTES) -> list[str]:
    seen: set[str] = set()
    lines = []
    for ref in evidence.refs:  # one quote per participant first, so the spread shows
        if ref.interview_id in seen:
            continue
        seen.add(ref.interview_id)
        lines.append(f'  > "{ref.quote}" ({ref.interview_id}, turn {ref.turn})')
        if len(lines) == limit:
            break
    return lines


def _item(text: str, evidence: Evidence, extra: str = "") -> list[str]:
    return [f"- **{text}** ({evidence.label}{extra})", *_quotes(evidence)]


def render_markdown(synthesis: Synthesis) -> str:
    total = len(synthesis.interviews)
    out = [f"# Jobs-to-be-Done synthesis: {total} interview{'s' if total != 1 else ''}", ""]
    method = ", ".join(f"{k}: {v}" for k, v in synthesis.method.items() if v not in ("", None))
    out += [f"_Method: {method}_", ""]
    out += ["## Job stories", ""]
    for story in synthesis.job_stories:
        out += _item(story.text, story.evidence, f"; {story.altitude}; {story.writer}")
    out += ["", "## Job statements", ""]
    for statement in synthesis.job_statements:
        out += _item(statement.text, statement.evidence, f"; {statement.altitude}; {statement.writer}")
    out += ["", "## Desired outcomes and opportunity scores", "",
            "| # | Outcome | Baseline | Importance | Satisfaction | Opportunity | Participants |",
            "| --- | --- | --- | --- | --- | --- | --- |"]
    for n, o in enumerate(synthesis.outcomes, 1):
        est = " (est.)" if o.estimated else ""
        out.append(f"| {n} | {o.statement} | {o.baseline or '-'} | {o.importance}{est} | {o.satisfaction}{est} | "
                   f"**{o.opportunity}** | {o.evidence.label} |")
    out += [""]
    for o in synthesis.outcomes:
        out += _item(o.statement, o.evidence)
    out += ["", "## Objectives and key results", ""]
    for objective in synthesis.objectives:
        out += [f"### {objective.text}", f"_{objective.evidence.label}_", ""]
        for kr in objective.key_results:
            out += [f"- {kr.text} ({kr.evidence.label})"]
        out += [""]
    out += ["## Clusters", ""]
    for kind, title in KIND_TITLES.items():
        clusters = [c for c in synthesis.clusters if c.kind == kind]
        if clusters:
            out += [f"### {title}", ""] + [line for c in clusters for line in _cluster(c)] + [""]
    return "\n".join(out).rstrip() + "\n"


def _cluster(cluster: Cluster) -> list[str]:
    tag = " - single mention" if cluster.singleton else ""
    return [f"- **{cluster.label}** ({cluster.evidence.label}, {len(cluster.members)} quote{'s' if len(cluster.members) != 1 else ''}{tag})", *_quotes(cluster.evidence)]

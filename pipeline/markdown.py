"""Markdown for people: inert escaping, and the one synthesis.md renderer (run and export both use it).

Transcript strings are escaped for Markdown renderers, which pass raw HTML through: "<script>"
becomes "&lt;script&gt;" and emphasis/link characters get a backslash. Names, turn numbers and
times come from schemas.vocabulary, as in every other output.
"""
from __future__ import annotations

import re

from schemas import Cluster, Evidence, EvidenceRef, JobStory, Synthesis
from schemas.vocabulary import FORCE_STYLES, KIND_TITLES, clock, turn_ref

CLUSTER_TITLES = {**{t: s.long_label for t, s in FORCE_STYLES.items()}, **KIND_TITLES}
MAX_QUOTES = 3
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|])")


def md(text: object) -> str:
    """One line of inert Markdown: HTML escaped, Markdown syntax backslashed, whitespace collapsed."""
    text = " ".join(str(text).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def ref_line(ref: EvidenceRef) -> str:
    """Where a quote is: 'interview, turn 16, 3:05' (1-based turns, as on the review page and in the report)."""
    when = clock(ref.start)
    return ", ".join(p for p in (md(ref.interview_id), turn_ref(ref.turn), when) if p)


def _quotes(evidence: Evidence, limit: int = MAX_QUOTES) -> list[str]:
    seen: set[str] = set()
    lines = []
    for ref in evidence.refs:  # one quote per participant first, so the spread shows
        if ref.interview_id in seen:
            continue
        seen.add(ref.interview_id)
        lines.append(f"  > “{md(ref.quote)}” ({ref_line(ref)})")
        if len(lines) == limit:
            break
    return lines


def _item(text: str, evidence: Evidence, extra: str = "") -> list[str]:
    return [f"- **{md(text)}** ({evidence.label}{extra})", *_quotes(evidence)]


def render_markdown(synthesis: Synthesis) -> str:
    total = len(synthesis.interviews)
    out = [f"# Jobs-to-be-Done synthesis: {total} interview{'s' if total != 1 else ''}", ""]
    method = ", ".join(f"{k}: {v}" for k, v in synthesis.method.items() if v not in ("", None))
    out += [f"_Method: {md(method)}_", ""]
    out += ["## Job stories", "", _basis_line(synthesis), ""]
    for story in synthesis.job_stories:
        out += _story(story)
    out += ["", "## Job statements", ""]
    for statement in synthesis.job_statements:
        out += [f"- **{md(statement.text)}** ({statement.evidence.label}; {statement.altitude}; {statement.writer})"]
        out += [f"  - from: “{md(r.quote)}” ({ref_line(r)})" for r in statement.written_from]
        own = {r.interview_id for r in statement.written_from}
        out += _quotes(Evidence(refs=[r for r in statement.evidence.refs if r.interview_id not in own]), 2)
    out += ["", "## Desired outcomes and opportunity scores", ""]
    if synthesis.outcomes:
        out += ["| # | Outcome | Baseline | Importance | Satisfaction | Opportunity | Participants |",
                "| --- | --- | --- | --- | --- | --- | --- |"]
    else:
        out += ["_No desired outcome yet: no counted item could be worded as an outcome statement "
                "(\"Minimize the time it takes to …\") in the participant's own terms._"]
    for n, o in enumerate(synthesis.outcomes, 1):
        est = " (est.)" if o.estimated else ""
        out.append(f"| {n} | {md(o.statement)} | {md(o.baseline or '-')} | {o.importance}{est} | {o.satisfaction}{est} | "
                   f"**{o.opportunity}** | {o.evidence.label} |")
    out += [""]
    for o in synthesis.outcomes:
        out += _item(o.statement, o.evidence)
    out += ["", "## Objectives and key results", ""]
    if not synthesis.objectives:
        out += ["_No key result yet: key results are written from the desired outcomes above._", ""]
    for objective in synthesis.objectives:
        out += [f"### {md(objective.text)}", f"_{objective.evidence.label}_", ""]
        for kr in objective.key_results:
            out += [f"- {md(kr.text)} ({kr.evidence.label})"]
        out += [""]
    out += ["## Clusters", ""]
    for kind, title in CLUSTER_TITLES.items():
        clusters = [c for c in synthesis.clusters if c.kind == kind]
        if clusters:
            out += [f"### {title}", ""] + [line for c in clusters for line in _cluster(c)] + [""]
    return "\n".join(out).rstrip() + "\n"


PART_TITLES = {"situation": "When", "motivation": "I want to", "expected_outcome": "so I can"}


def _basis_line(synthesis: Synthesis) -> str:
    n = len(synthesis.counted)
    if synthesis.basis == "reviewed":
        return f"_Counts are of the {n} reviewed interview{'s' if n != 1 else ''} only: items the researcher accepted._"
    if synthesis.basis == "all":
        return f"_Counts are of all {n} interviews: accepted items of reviewed ones, drafts of the others._"
    return f"_Drafts: no interview is reviewed yet, so every extracted item counts ({n} interviews). Review in `jtbd review`._"


def _story(story: JobStory) -> list[str]:
    """The story, then each part with the quote it was written from (one voice), then who else shares the situation."""
    tag = "; scaffold for the workshop" if story.scaffold else ""
    lines = [f"- **{md(story.text)}** (situation shared by {story.evidence.label}; {story.altitude}; {story.writer}{tag})"]
    n = 0
    for part in story.parts:
        for ref in part.refs:
            n += 1
            lines.append(f"  {n}. {PART_TITLES[part.role]}: “{md(ref.quote)}” ({ref_line(ref)})")
    voice = {r.interview_id for p in story.parts for r in p.refs}
    others = [r for r in story.evidence.refs if r.interview_id not in voice]
    seen: set[str] = set()
    for ref in others:
        if ref.interview_id in seen or len(seen) == 2:
            continue
        seen.add(ref.interview_id)
        lines.append(f"  - also said: “{md(ref.quote)}” ({ref_line(ref)})")
    return lines


def _cluster(cluster: Cluster) -> list[str]:
    tag = " - single mention" if cluster.singleton else ""
    return [f"- **{md(cluster.label)}** ({cluster.evidence.label}, {len(cluster.members)} quote{'s' if len(cluster.members) != 1 else ''}{tag})", *_quotes(cluster.evidence)]

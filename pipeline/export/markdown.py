"""Markdown: one file per interview, and synthesis.md from the one synthesis renderer.

An interview's file lists every kind of item (forces by type, struggling moments, alternatives,
workarounds, decision criteria, desired outcomes), each with where it was said and the
researcher's note; the extractor's cue, when shown, is labelled as the machine's.
"""
from __future__ import annotations

from pathlib import Path

from schemas.vocabulary import CUE_LABEL, FORCE_STYLES, FORCE_TYPES, KIND_TITLES, KINDS, NOTE_LABEL, stage_label, turn_ref

from ..markdown import md, render_markdown
from ..report.data import InterviewView, ItemView, ReportData
from ..workspace import write_text_atomic

STATES = {"reviewed": "reviewed", "in_review": "in review ({decided} of {total} decided)", "new": "not reviewed yet"}


def _meta(v: ItemView) -> str:
    parts = [v.speaker, turn_ref(v.item.quote.turn), v.timestamp, stage_label(v.stage) if v.stage else ""]
    return ", ".join(md(p) for p in parts if p) + (" · **draft**" if v.draft else "")


def _item_lines(v: ItemView) -> list[str]:
    head = f"**{md(v.text)}**: " if v.kind != "force" and v.text != v.item.quote.text else ""
    lines = [f"- {head}“{md(v.item.quote.text)}” — {_meta(v)}"]
    if v.item.note:
        lines.append(f"  - {NOTE_LABEL}: {md(v.item.note)}")
    if v.draft and v.item.cue:
        lines.append(f"  - {CUE_LABEL}: _{md(v.item.cue)}_")
    return lines


def _section(title: str, views: list[ItemView], level: str = "##") -> list[str]:
    lines = [f"{level} {title} ({len(views)})", ""]
    lines += [line for v in views for line in _item_lines(v)] or ["- none"]
    return [*lines, ""]


def interview_markdown(view: InterviewView, include_all: bool) -> str:
    state = STATES[view.state].format(decided=view.decided, total=view.total)
    lines = [f"# {md(view.title)}", "", f"Source: {md(view.source)} · {len(view.transcript.turns)} turns · review: {state}", ""]
    if not view.reviewed:
        lines += ["> Not reviewed yet: " + ("the items below are the extractor's drafts." if include_all else
                  f"the extractor's {view.total} items appear here once accepted in `jtbd review` (export with --all to see them as drafts)."), ""]
    for kind in KINDS:
        if kind != "force":
            lines += _section(KIND_TITLES[kind], view.of_kind(kind))
            continue
        lines += [f"## {KIND_TITLES['force']} ({len(view.forces())})", ""]
        for force_type in FORCE_TYPES:
            lines += _section(FORCE_STYLES[force_type].long_label, view.forces(force_type), "###")
    return "\n".join(lines).rstrip() + "\n"


def synthesis_markdown(data: ReportData) -> str:
    if data.synthesis is None:
        return f"# Synthesis: {md(data.folder)}\n\nNo synthesis yet: run `jtbd run` on the folder.\n"
    return render_markdown(data.synthesis)


def write_markdown(data: ReportData, out: Path) -> list[Path]:
    paths = []
    for view in data.interviews:
        path = out / f"{view.id}.md"
        write_text_atomic(path, interview_markdown(view, data.include_all))
        paths.append(path)
    path = out / "synthesis.md"
    write_text_atomic(path, synthesis_markdown(data))
    return [*paths, path]

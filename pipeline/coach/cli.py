"""`jtbd coach FILE`: coach one interview file and render the report as text or JSON."""
from __future__ import annotations

from pathlib import Path

from schemas import CoachReport
from schemas.vocabulary import clock, stage_label, turn_ref

from ..extract import extract
from ..ingest import interview_for
from ..settings import Settings
from ..transcribe import transcribe_file
from . import coach


def coach_file(path: Path, settings: Settings, as_json: bool = False) -> str:
    """The file is extracted as `jtbd run` would, so the stages agree with the run's journey map."""
    transcript = transcribe_file(path, interview_for(path), settings)
    report = coach(transcript, settings, extract(transcript, settings))
    return report.model_dump_json(indent=2) if as_json else render_text(report)


def _stamp(seconds: float | None) -> str:
    return f" at {clock(seconds)}" if seconds is not None else ""


def render_text(report: CoachReport) -> str:
    talk = report.talk
    lines = [
        f"Interview coach: {report.interview_id}",
        f"Talk: participant {talk.participant_share:.0%} of words ({talk.participant_words} vs interviewer "
        f"{talk.interviewer_words}); longest interviewer turn {talk.longest_interviewer_monologue_words} words"
        f"{'' if talk.longest_interviewer_monologue_turn is None else f' ({turn_ref(talk.longest_interviewer_monologue_turn)})'}"
        f", not counting the script's intro; {talk.probe_count} 'why was that important'-style probes",
        "",
        f"Questions to rephrase ({len(report.flags)}):" if report.flags else "Questions: nothing to rephrase.",
    ]
    for flag in report.flags:
        lines += [f"  [{flag.kind}] {turn_ref(flag.turn)}{_stamp(flag.start)}: {flag.text}",
                  f"      why: {flag.reason}", f"      try: {flag.better}"]
    lines += ["", f"Explored stages: {', '.join(stage_label(s) for s in report.stages_explored) or 'none'}",
              f"Explored forces: {', '.join(report.forces_explored) or 'none'}"]
    if report.gaps:
        lines.append("Never reached, and what to ask next time:")
        for gap in report.gaps:
            lines.append(f"  {gap.kind} {gap.what}: {gap.follow_ups[0]}")
    return "\n".join(lines)

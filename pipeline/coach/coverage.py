"""Coverage: which timeline stages and forces the interview reached, and what to ask about the rest."""
from __future__ import annotations

from schemas import FORCE_TYPES, STAGES, Extraction, Gap, TalkStats, Transcript

from .rules import count_probes, lexicon, questions


def explored(transcript: Transcript, extraction: Extraction) -> tuple[list[str], list[str]]:
    """Stages and forces reached: asked about by the interviewer or evidenced by the participant."""
    lex = lexicon()
    asked = [q for t in transcript.turns if t.role == "interviewer" for q in questions(t)]
    # only spans a cue opened count: an uncued span is the extractor's default, not evidence
    stages = {s.stage for s in extraction.stages if s.cue}
    stages |= {stage for stage, pats in lex["stage_questions"].items() if any(p.search(q) for q in asked for p in pats)}
    forces = {f.type for f in extraction.forces}
    forces |= {force for force, pats in lex["force_questions"].items() if any(p.search(q) for q in asked for p in pats)}
    return [s for s in STAGES if s in stages], [f for f in FORCE_TYPES if f in forces]


def gaps(stages: list[str], forces: list[str]) -> list[Gap]:
    bank = lexicon()["bank"]
    out = [Gap(what=s, kind="stage", follow_ups=bank["stage"][s]) for s in STAGES if s not in stages]
    out += [Gap(what=f, kind="force", follow_ups=bank["force"][f]) for f in FORCE_TYPES if f not in forces]
    return out


def talk_stats(transcript: Transcript) -> TalkStats:
    words = {"interviewer": 0, "participant": 0}
    seconds: dict[str, float | None] = {"interviewer": 0.0, "participant": 0.0}
    longest, longest_turn = 0, None
    for turn in transcript.turns:
        n = len(turn.text.split())
        words[turn.role] += n
        if turn.start is None or turn.end is None:
            seconds[turn.role] = None
        elif seconds[turn.role] is not None:
            seconds[turn.role] += max(turn.end - turn.start, 0.0)
        if turn.role == "interviewer" and n > longest:
            longest, longest_turn = n, turn.index
    timed = all(v is not None for v in seconds.values()) and any(seconds.values())
    return TalkStats(
        participant_words=words["participant"], interviewer_words=words["interviewer"],
        participant_seconds=round(seconds["participant"], 1) if timed else None,
        interviewer_seconds=round(seconds["interviewer"], 1) if timed else None,
        longest_interviewer_monologue_words=longest, longest_interviewer_monologue_turn=longest_turn,
        probe_count=count_probes(transcript),
    )

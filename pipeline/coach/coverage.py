"""Coverage: which timeline stages and forces the interview reached, and what to ask about the rest.

Stages are the journey map's: the extraction's stage spans and the stages of its items, so the
coach and the report never disagree about where an interview went. Follow-up questions suit the
kind of story (the extraction's story_kind): only a switch interview gets purchase questions."""
from __future__ import annotations

from schemas import FORCE_TYPES, STAGES, Extraction, Gap, TalkStats, Transcript

from .lexicon import lexicon
from .rules import count_probes, questions
from .script import scripted_turns

DEFAULT_KIND = "switch"


def stage_bank(extraction: Extraction) -> dict[str, list[str]]:
    """Follow-up questions per stage for this kind of interview; stages that do not apply to it are absent."""
    banks = lexicon()["bank"]["stage"]
    return banks.get(extraction.story_kind or DEFAULT_KIND, banks[DEFAULT_KIND])


def explored(transcript: Transcript, extraction: Extraction) -> tuple[list[str], list[str]]:
    """Stages on the journey map, and forces evidenced by the participant or asked about."""
    stages = {s.stage for s in extraction.stages}
    stages |= {i.stage for i in extraction.items() if i.stage and i.verdict != "rejected"}
    asked = [q for t in transcript.turns if t.role == "interviewer" for q in questions(t)]
    forces = {f.type for f in extraction.forces if f.verdict != "rejected"}
    forces |= {force for force, pats in lexicon()["force_questions"].items() if any(p.search(q) for q in asked for p in pats)}
    return [s for s in STAGES if s in stages], [f for f in FORCE_TYPES if f in forces]


def gaps(stages: list[str], forces: list[str], extraction: Extraction) -> list[Gap]:
    bank = stage_bank(extraction)
    forces_bank = lexicon()["bank"]["force"]
    out = [Gap(what=s, kind="stage", follow_ups=bank[s]) for s in STAGES if s in bank and s not in stages]
    out += [Gap(what=f, kind="force", follow_ups=forces_bank[f]) for f in FORCE_TYPES if f not in forces]
    return out


def follow_up_at(extraction: Extraction):
    """A function: turn index -> a question for the stage the journey map puts that turn in."""
    bank = stage_bank(extraction)
    first = next(iter(bank.values()))[0]

    def question(turn: int) -> str:
        span = next((s for s in extraction.stages if s.start_turn <= turn <= s.end_turn), None)
        later = next((s for s in extraction.stages if s.start_turn > turn), None)
        stage = (span or later).stage if (span or later) else None
        return bank[stage][0] if stage in bank else first

    return question


def talk_stats(transcript: Transcript) -> TalkStats:
    """Words and seconds per role; the longest interviewer turn leaves out the script's intro."""
    words = {"interviewer": 0, "participant": 0}
    seconds: dict[str, float | None] = {"interviewer": 0.0, "participant": 0.0}
    longest, longest_turn = 0, None
    script = scripted_turns(transcript)
    for turn in transcript.turns:
        n = len(turn.text.split())
        words[turn.role] += n
        if turn.start is None or turn.end is None:
            seconds[turn.role] = None
        elif seconds[turn.role] is not None:
            seconds[turn.role] += max(turn.end - turn.start, 0.0)
        if turn.role == "interviewer" and n > longest and turn.index not in script:
            longest, longest_turn = n, turn.index
    timed = all(v is not None for v in seconds.values()) and any(seconds.values())
    return TalkStats(
        participant_words=words["participant"], interviewer_words=words["interviewer"],
        participant_seconds=round(seconds["participant"], 1) if timed else None,
        interviewer_seconds=round(seconds["interviewer"], 1) if timed else None,
        longest_interviewer_monologue_words=longest, longest_interviewer_monologue_turn=longest_turn,
        probe_count=count_probes(transcript),
    )

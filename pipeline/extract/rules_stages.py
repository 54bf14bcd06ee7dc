"""Timeline stages from interviewer questions (any stage, may recur) and participant cues (forward only)."""
from __future__ import annotations

from schemas import STAGES, StageSpan, Transcript

from .rules_patterns import Entry

DEFAULT_STAGE = "first_thought"  # a switch interview opens at the start of the timeline


def question_stage(hits: list[tuple[Entry, int, int]]) -> tuple[Entry, int, int] | None:
    """The interviewer's stage: the strongest cue for the interviewer, the last one on a tie
    (the actual question usually closes the turn)."""
    own = [h for h in hits if h[0].data.get("who", "any") in ("interviewer", "any")]
    if not own:
        return None
    return max(own, key=lambda h: (h[0].weight, h[1]))


def participant_stage(current: str, hits: list[tuple[Entry, int, int]]) -> str | None:
    """A participant cue moves the stage forward only; a backward cue is usually a side remark."""
    own = [h[0].group for h in hits if h[0].data.get("who", "any") in ("participant", "any")]
    ahead = [s for s in own if STAGES.index(s) > STAGES.index(current)]
    return min(ahead, key=STAGES.index) if ahead else None


def build_spans(transcript: Transcript, turn_stage: dict[int, str], cues: dict[int, str]) -> list[StageSpan]:
    """Contiguous runs of turns with one stage, in transcript order."""
    spans: list[StageSpan] = []
    for turn in transcript.turns:
        stage = turn_stage.get(turn.index)
        if stage is None:
            continue
        last = spans[-1] if spans else None
        if last and last.stage == stage and last.end_turn == turn.index - 1:
            last.end_turn = turn.index
            last.end = turn.end if turn.end is not None else last.end
            continue
        spans.append(StageSpan(stage=stage, start_turn=turn.index, end_turn=turn.index,
                               start=turn.start, end=turn.end, cue=cues.get(turn.index)))
    return spans

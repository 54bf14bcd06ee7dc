"""Interview coach: how well the interviewer ran the switch interview."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from .extraction import ForceType, Stage

FlagKind = Literal["leading", "hypothetical", "closed", "either_or", "pitch"]


class QuestionFlag(BaseModel):
    turn: int
    text: str = Field(description="The interviewer's line, verbatim.")
    kind: FlagKind
    reason: str
    better: str = Field(description="A better phrasing in the style of the codebook's timeline questions.")
    start: float | None = None


class Gap(BaseModel):
    what: str = Field(description="A stage or force name that was never explored.")
    kind: Literal["stage", "force"]
    follow_ups: list[str]


class TalkStats(BaseModel):
    participant_words: int
    interviewer_words: int
    participant_seconds: float | None = None
    interviewer_seconds: float | None = None
    longest_interviewer_monologue_words: int = 0
    longest_interviewer_monologue_turn: int | None = None
    probe_count: int = Field(default=0, description="'Why was that important' / 'how did that feel' style probes.")

    @property
    def participant_share(self) -> float:
        total = self.participant_words + self.interviewer_words
        return self.participant_words / total if total else 0.0


class CoachReport(BaseModel):
    schema_version: int = 1
    interview_id: str
    flags: list[QuestionFlag] = Field(default_factory=list)
    stages_explored: list[Stage] = Field(default_factory=list)
    forces_explored: list[ForceType] = Field(default_factory=list)
    gaps: list[Gap] = Field(default_factory=list)
    talk: TalkStats
    writer: Literal["rules", "llm"] = "rules"

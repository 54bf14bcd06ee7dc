"""Gold labels a researcher wrote for an interview (per ../shared/CODEBOOK.md), used by `jtbd eval`
and the coach benchmark. The same format serves `samples/gold` (demo data) and `evalsets/` (real
interviews the team labelled, with their source and licence)."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from .coach import FlagKind
from .extraction import ForceType, InterviewKind, Stage

QuestionKind = Literal["good", "leading", "hypothetical", "closed", "either_or"]


class GoldForce(BaseModel):
    type: ForceType
    quote: str = Field(description="Verbatim participant text from the transcript.")
    stage: Stage
    note: str | None = Field(default=None, description="Why, for a hard case (who feels it, about what).")


class GoldFlag(BaseModel):
    """A question the author planted on purpose (leading, hypothetical...)."""

    kind: FlagKind
    quote: str


class GoldQuestion(BaseModel):
    """One interviewer question of a real interview, labelled by the team."""

    kind: QuestionKind
    quote: str = Field(description="The question sentence, verbatim from an interviewer turn.")
    scripted: bool = Field(default=False, description="Boilerplate of the interview script (consent, intro, wrap-up).")


class GoldLabels(BaseModel):
    interview: str = Field(description="File name of the transcript this labels.")
    source: str | None = Field(default=None, description="Where the transcript comes from (repository, path, commit).")
    licence: str | None = None
    story_kind: InterviewKind | None = Field(default=None, description="What kind of story the interview tells.")
    forces: list[GoldForce] = Field(default_factory=list)
    planted_flags: list[GoldFlag] = Field(default_factory=list)
    questions: list[GoldQuestion] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list, description="Labeller's notes on hard cases in this interview.")

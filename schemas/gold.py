"""Gold labels a researcher wrote for a sample interview (per ../shared/CODEBOOK.md), used by `jtbd eval`."""
from __future__ import annotations

from pydantic import BaseModel, Field

from .coach import FlagKind
from .extraction import ForceType, Stage


class GoldForce(BaseModel):
    type: ForceType
    quote: str = Field(description="Verbatim participant text from the transcript.")
    stage: Stage


class GoldFlag(BaseModel):
    """A question the author planted on purpose (leading, hypothetical...)."""

    kind: FlagKind
    quote: str


class GoldLabels(BaseModel):
    interview: str = Field(description="File name of the sample transcript this labels.")
    forces: list[GoldForce] = Field(default_factory=list)
    planted_flags: list[GoldFlag] = Field(default_factory=list)

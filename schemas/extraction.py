"""Extraction: timeline stages, forces and the other codebook elements of one interview.

Every item carries a `Quote` that is located verbatim in the transcript (turn + character span).
"""
from __future__ import annotations

import hashlib
from typing import Literal

from pydantic import BaseModel, Field

ForceType = Literal["push", "pull", "anxiety", "habit"]
FORCE_TYPES: tuple[ForceType, ...] = ("push", "pull", "anxiety", "habit")

Stage = Literal[
    "first_thought",
    "passive_looking",
    "event_1",
    "active_looking",
    "deciding",
    "event_2",
    "buying",
    "consuming",
    "satisfaction",
]
STAGES: tuple[Stage, ...] = (
    "first_thought",
    "passive_looking",
    "event_1",
    "active_looking",
    "deciding",
    "event_2",
    "buying",
    "consuming",
    "satisfaction",
)

JobDimension = Literal["functional", "emotional", "social"]
# What kind of story an interview tells. Only a switch story walks the purchase timeline to the end;
# an adoption story (taking up a new way of working, e.g. AI tools) mostly sits in use and judging.
InterviewKind = Literal["switch", "adoption", "churn", "everyday_use"]
INTERVIEW_KINDS: tuple[InterviewKind, ...] = ("switch", "adoption", "churn", "everyday_use")
Extractor = Literal["rules", "classifier", "llm", "hybrid", "human"]
Verdict = Literal["pending", "accepted", "rejected"]
ItemKind = Literal[
    "force", "struggling_moment", "alternative", "workaround", "decision_criterion", "desired_outcome"
]


class Quote(BaseModel):
    """A verbatim span of one transcript turn: text == turn.text[start_char:end_char]."""

    text: str
    turn: int
    start_char: int
    end_char: int
    start: float | None = Field(default=None, description="Seconds; the turn's (or word's) start time when known.")
    end: float | None = None


def item_id(kind: str, quote: Quote) -> str:
    """Deterministic id from where the evidence sits, so re-runs give the same ids."""
    raw = f"{kind}:{quote.turn}:{quote.start_char}:{quote.end_char}"
    return hashlib.sha1(raw.encode()).hexdigest()[:12]


class Item(BaseModel):
    """Fields shared by every extracted element."""

    id: str = ""
    quote: Quote
    stage: Stage | None = None
    dimension: JobDimension | None = None
    extractor: Extractor = "rules"
    confidence: float = Field(default=0.5, ge=0.0, le=1.0)
    verdict: Verdict = Field(default="pending", description="Set by the review stage; rejected items never reach synthesis.")
    note: str | None = Field(default=None, description="The researcher's note (set in review only).")
    cue: str | None = Field(default=None, description="What the extractor read in the quote (its cue words or reading); never the researcher's.")


class Force(Item):
    kind: Literal["force"] = "force"
    type: ForceType


class StrugglingMoment(Item):
    kind: Literal["struggling_moment"] = "struggling_moment"
    description: str


class Alternative(Item):
    kind: Literal["alternative"] = "alternative"
    name: str
    category: Literal["product", "service", "workaround", "non_consumption", "other"] = "other"
    chosen: bool = False


class Workaround(Item):
    kind: Literal["workaround"] = "workaround"
    description: str


class DecisionCriterion(Item):
    kind: Literal["decision_criterion"] = "decision_criterion"
    criterion: str


class DesiredOutcome(Item):
    kind: Literal["desired_outcome"] = "desired_outcome"
    direction: Literal["minimize", "maximize"]
    metric: str = Field(description="What is measured, e.g. 'the time it takes to'.")
    object: str = Field(description="Object of control, e.g. 'compile the weekly status report'.")
    baseline: str | None = Field(default=None, description="A number the participant said, e.g. 'five hours a week'.")

    @property
    def statement(self) -> str:
        return f"{self.direction.capitalize()} {self.metric} {self.object}".strip()


class StageSpan(BaseModel):
    """A contiguous span of turns labelled with one timeline stage."""

    stage: Stage
    start_turn: int
    end_turn: int
    start: float | None = None
    end: float | None = None
    extractor: Extractor = "rules"
    cue: str | None = Field(default=None, description="The words that signalled the stage.")


class LLMUsage(BaseModel):
    model: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_calls: int = 0
    calls: int = 0
    dropped_quotes: int = Field(default=0, description="Quotes the LLM returned that were not found in the transcript.")
    repaired_quotes: int = 0
    incomplete_items: int = Field(default=0, description="Grounded items the LLM returned without the fields their kind needs (a force with no type).")
    error: str | None = Field(default=None, description="Why the LLM part failed; the items then come from the offline extractor alone.")
    set_aside: str | None = Field(default=None, description="Why the hybrid did not trust the LLM's answers on this interview (they were not used).")


class Extraction(BaseModel):
    schema_version: int = 1
    interview_id: str
    transcript_sha256: str = ""
    extractor: str = Field(default="rules", description="'rules', 'classifier', 'llm' or 'hybrid'.")
    story_kind: InterviewKind | None = Field(default=None, description="switch, adoption, churn or everyday_use: only a switch walks the purchase timeline.")
    stages: list[StageSpan] = Field(default_factory=list)
    forces: list[Force] = Field(default_factory=list)
    struggling_moments: list[StrugglingMoment] = Field(default_factory=list)
    alternatives: list[Alternative] = Field(default_factory=list)
    workarounds: list[Workaround] = Field(default_factory=list)
    decision_criteria: list[DecisionCriterion] = Field(default_factory=list)
    desired_outcomes: list[DesiredOutcome] = Field(default_factory=list)
    llm: LLMUsage | None = None

    def items(self) -> list[Item]:
        return [
            *self.forces,
            *self.struggling_moments,
            *self.alternatives,
            *self.workarounds,
            *self.decision_criteria,
            *self.desired_outcomes,
        ]

"""Synthesis across interviews: clusters, job statements, job stories, outcomes and OKRs, all with evidence."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Altitude = Literal["aspirational", "main", "functional"]


class EvidenceRef(BaseModel):
    """A pointer to one quote in one interview."""

    interview_id: str
    item_id: str
    quote: str
    turn: int
    start: float | None = None


Basis = Literal["drafts", "reviewed", "all"]


class Evidence(BaseModel):
    participants: list[str] = Field(default_factory=list, description="Interview ids that support the item.")
    total_participants: int = 0
    refs: list[EvidenceRef] = Field(default_factory=list)
    basis: Basis = Field(default="drafts", description="What was counted: drafts (nothing reviewed yet), reviewed interviews only, or all.")

    @property
    def label(self) -> str:
        who = "reviewed participants" if self.basis == "reviewed" else "participants"
        return f"{len(self.participants)} of {self.total_participants} {who}"


class Cluster(BaseModel):
    id: str
    kind: str = Field(description="Force type ('push', ...) or 'struggling_moment', 'desired_outcome', 'decision_criterion'.")
    label: str
    members: list[EvidenceRef]
    evidence: Evidence
    singleton: bool = False


class JobStatement(BaseModel):
    id: str
    verb: str
    object: str
    clarifier: str
    text: str
    altitude: Altitude = "main"
    evidence: Evidence
    written_from: list[EvidenceRef] = Field(default_factory=list, description="The quote(s) whose words the statement is.")
    writer: Literal["rules", "llm"] = "rules"


class StoryPart(BaseModel):
    """One part of a job story and the quotes it was written from (whose words they are)."""

    role: Literal["situation", "motivation", "expected_outcome"]
    text: str = Field(description="The clause as it reads in the story; a '[ … ]' scaffold when the evidence does not fill it.")
    refs: list[EvidenceRef] = Field(default_factory=list, description="The quotes this part was written from, or for the workshop to fill it from.")
    scaffold: bool = False

    @property
    def speakers(self) -> set[str]:
        return {r.interview_id for r in self.refs}


class JobStory(BaseModel):
    id: str
    situation: str
    motivation: str
    expected_outcome: str
    altitude: Altitude = "main"
    evidence: Evidence = Field(description="Who shares the story's situation: the participants of its theme.")
    parts: list[StoryPart] = Field(default_factory=list, description="Situation, motivation and outcome with the quotes each was written from.")
    voice: str | None = Field(default=None, description="The interview whose words the story is written from.")
    source_clusters: list[str] = Field(default_factory=list)
    writer: Literal["rules", "llm"] = "rules"

    @property
    def scaffold(self) -> bool:
        return any(p.scaffold for p in self.parts)

    @property
    def text(self) -> str:
        return f"When {self.situation}, I want to {self.motivation}, so I can {self.expected_outcome}."


class OutcomeScore(BaseModel):
    id: str
    direction: Literal["minimize", "maximize"]
    metric: str
    object: str
    statement: str
    baseline: str | None = None
    importance: float = Field(ge=1, le=10)
    satisfaction: float = Field(ge=1, le=10)
    opportunity: float
    estimated: bool = Field(description="True when importance/satisfaction are estimated from evidence, not a survey.")
    evidence: Evidence


class KeyResult(BaseModel):
    text: str
    direction: Literal["Increase", "Reduce"]
    metric: str
    baseline: str = Field(description="A number participants said, or an explicit '[baseline: to fill]' placeholder.")
    target: str
    date: str
    outcome_id: str | None = None
    evidence: Evidence


class Objective(BaseModel):
    id: str
    text: str
    key_results: list[KeyResult]
    evidence: Evidence


class Synthesis(BaseModel):
    schema_version: int = 2
    interviews: list[str]
    basis: Basis = Field(default="drafts", description="drafts: nothing reviewed yet, every draft item counts; reviewed: only accepted items of reviewed interviews; all: reviewed and draft interviews together.")
    counted: list[str] = Field(default_factory=list, description="The interviews the figures count (the denominator).")
    method: dict[str, str | float | int] = Field(default_factory=dict, description="Embedding model, threshold, writer.")
    clusters: list[Cluster] = Field(default_factory=list)
    job_statements: list[JobStatement] = Field(default_factory=list)
    job_stories: list[JobStory] = Field(default_factory=list)
    outcomes: list[OutcomeScore] = Field(default_factory=list)
    objectives: list[Objective] = Field(default_factory=list)

"""Review decisions a researcher made on one interview's extracted items; kept across re-runs."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from .extraction import ForceType, ItemKind, Quote, Stage, Verdict
from .redaction import RedactionDecision

ReviewState = Literal["new", "in_review", "reviewed"]


class Decision(BaseModel):
    """One decision, anchored to the quote it was made on so it can be re-matched after a re-run."""

    item_id: str
    kind: ItemKind = "force"
    anchor: Quote = Field(description="The item's quote when the decision was made.")
    verdict: Verdict = "pending"
    type: ForceType | None = Field(default=None, description="New force type when the researcher reclassified it.")
    stage: Stage | None = None
    quote: Quote | None = Field(default=None, description="Edited quote span, when changed.")
    note: str | None = None
    added: bool = Field(default=False, description="True for an item the researcher added by hand.")
    updated_at: str = ""


class Review(BaseModel):
    schema_version: int = 1
    interview_id: str
    state: ReviewState = "new"
    decisions: list[Decision] = Field(default_factory=list)
    redactions: list[RedactionDecision] = Field(default_factory=list, description="Redactions the researcher added or removed.")

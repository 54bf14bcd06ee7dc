"""Redaction of personal data in one interview: what was found, the placeholder it became, and the
researcher's own additions and removals. Holds the real words, so it stays in the workspace: it is
never exported and never sent to an LLM."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

SpanSource = Literal["detector", "context", "speaker", "repeat", "researcher"]
Where = Literal["text", "speaker"]


class RedactedSpan(BaseModel):
    """One stretch of a turn's text (or its speaker label) replaced by a placeholder."""

    turn: int
    where: Where = "text"
    start_char: int = Field(description="Offset in turn.text (or in the speaker label).")
    end_char: int
    text: str = Field(description="The real words: text == turn.text[start_char:end_char].")
    entity: str = Field(description="Entity type, e.g. PERSON, EMAIL_ADDRESS, PHONE_NUMBER.")
    placeholder: str = Field(description="What the LLM and shared outputs see, e.g. [PERSON_1].")
    source: SpanSource = "detector"
    score: float = 1.0
    recognizer: str = Field(default="", description="Which recognizer found it (Presidio's name or ours).")


class RedactionDecision(BaseModel):
    """The researcher's word on a value in one interview, made on the review page.
    Anchored to the words, not to offsets, so it holds after a re-transcription shifts the turns."""

    action: Literal["add", "remove"]
    text: str = Field(description="add: words to redact wherever they occur; remove: a value that is not personal data.")
    entity: str = Field(default="PERSON", description="Entity type for an added redaction.")
    updated_at: str = ""


class Redaction(BaseModel):
    schema_version: int = 1
    interview_id: str
    transcript_digest: str = Field(description="Hash of the turns' text and speakers this redaction is for.")
    fingerprint: str = Field(description="Detector version and redaction settings it was made with.")
    detector: str = ""
    detected: list[RedactedSpan] = Field(default_factory=list, description="What the detector found, before decisions.")
    spans: list[RedactedSpan] = Field(default_factory=list, description="What is redacted: detected, minus removals, plus additions.")
    decisions: list[RedactionDecision] = Field(default_factory=list, description="The researcher's decisions these spans include.")

    def placeholders(self) -> dict[str, str]:
        """Placeholder -> the real words it stands for (the first spelling seen)."""
        out: dict[str, str] = {}
        for span in self.spans:
            out.setdefault(span.placeholder, span.text)
        return out

    def for_turn(self, turn: int, where: Where = "text") -> list[RedactedSpan]:
        return sorted((s for s in self.spans if s.turn == turn and s.where == where), key=lambda s: s.start_char)

"""Interview and transcript: the output of ingest/transcription, the input of every later stage."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Role = Literal["interviewer", "participant"]
SourceKind = Literal["audio", "transcript"]


class Interview(BaseModel):
    """One interview found in the researcher's folder."""

    id: str = Field(description="Stable slug derived from the file name; the workspace folder name.")
    source: str = Field(description="Path of the source file relative to the interview folder.")
    kind: SourceKind
    sha256: str = Field(description="Content hash of the source file; drives incremental re-runs.")
    title: str | None = None


class Word(BaseModel):
    text: str
    start: float
    end: float
    probability: float | None = None


class Turn(BaseModel):
    """One uninterrupted stretch of speech by one speaker."""

    index: int
    speaker: str = Field(description="Speaker label: a name from the transcript or 'SPEAKER_1'-style for audio.")
    role: Role
    text: str
    start: float | None = Field(default=None, description="Seconds from the start of the recording; None when unknown.")
    end: float | None = None
    words: list[Word] = Field(default_factory=list)


class Transcript(BaseModel):
    """A typed, timestamped, speaker-attributed transcript of one interview."""

    schema_version: int = 1
    interview: Interview
    turns: list[Turn]
    language: str = "en"
    duration: float | None = None
    speakers: dict[str, Role] = Field(default_factory=dict, description="Role of each speaker label.")
    method: str = Field(default="", description="How the text was obtained, e.g. 'faster-whisper tiny.en' or 'import:vtt'.")
    role_method: str = Field(default="", description="How roles were assigned, e.g. 'questions', 'override', 'labels'.")
    warnings: list[str] = Field(default_factory=list, description="What was wrong with the input but did not stop it being read; one line each.")

    def participant_turns(self) -> list[Turn]:
        return [t for t in self.turns if t.role == "participant"]

    def turn(self, index: int) -> Turn:
        return self.turns[index]

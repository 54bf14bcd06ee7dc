"""Typed contracts between pipeline stages. Imports nothing from the rest of the project."""
from .coach import CoachReport, Gap, QuestionFlag, TalkStats
from .extraction import (
    FORCE_TYPES,
    INTERVIEW_KINDS,
    STAGES,
    Alternative,
    DecisionCriterion,
    DesiredOutcome,
    Extraction,
    Force,
    ForceType,
    InterviewKind,
    Item,
    LLMUsage,
    Quote,
    Stage,
    StageSpan,
    StrugglingMoment,
    Workaround,
    item_id,
)
from .gold import GoldFlag, GoldForce, GoldLabels, GoldQuestion
from .redaction import RedactedSpan, Redaction, RedactionDecision
from .review import Decision, Review
from .synthesis import (
    Cluster,
    Evidence,
    EvidenceRef,
    JobStatement,
    JobStory,
    KeyResult,
    Objective,
    OutcomeScore,
    StoryPart,
    Synthesis,
)
from .transcript import Interview, Role, Transcript, Turn, Word

__all__ = [name for name in dir() if not name.startswith("_")]

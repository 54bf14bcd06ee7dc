"""How things are named and written for people: the one table every output uses.

The review page, the report, synthesis.md, the Markdown and CSV exports and the cards all read
their stage names, force names and colours, item-kind names, turn numbers and times from here,
so a quote is "turn 16 · Trigger 1: starts looking" everywhere it is shown.
"""
from __future__ import annotations

from dataclasses import dataclass

from .extraction import FORCE_TYPES, STAGES

# Timeline stages in codebook order, in plain words (the codebook's ids stay in the files).
STAGE_LABELS: dict[str, str] = {
    "first_thought": "First thought",
    "passive_looking": "Passive looking",
    "event_1": "Trigger 1: starts looking",
    "active_looking": "Active looking",
    "deciding": "Deciding",
    "event_2": "Trigger 2: decides to buy",
    "buying": "Buying",
    "consuming": "Using it",
    "satisfaction": "Satisfaction",
}
STAGE_ORDER: dict[str, int] = {stage: n for n, stage in enumerate(STAGES)}
NO_STAGE = "No stage"


@dataclass(frozen=True)
class ForceStyle:
    label: str
    phrase: str  # "of the situation": label + phrase is the force's full name
    colour: str  # strokes, markers, bars
    tint: str  # light fills behind dark text
    shape: str  # marker shape, so print in grey still tells forces apart

    @property
    def long_label(self) -> str:
        return f"{self.label} {self.phrase}"


# Colour-blind-safe hues, each paired with a label and a shape (never colour alone).
FORCE_STYLES: dict[str, ForceStyle] = {
    "push": ForceStyle("Push", "of the situation", "#C0392B", "#FBE3E0", "triangle"),
    "pull": ForceStyle("Pull", "of the new way", "#00806A", "#DDF3EE", "circle"),
    "anxiety": ForceStyle("Anxiety", "about the new way", "#B8860B", "#FBF0D5", "diamond"),
    "habit": ForceStyle("Habit", "of the present", "#2E5E9E", "#E1EAF6", "square"),
}
assert tuple(FORCE_STYLES) == FORCE_TYPES and tuple(STAGE_LABELS) == STAGES

# Item kinds in the order every output lists them: singular label, plural title, Extraction field.
KIND_LABELS: dict[str, str] = {
    "force": "Force",
    "struggling_moment": "Struggling moment",
    "alternative": "Alternative",
    "workaround": "Workaround",
    "decision_criterion": "Decision criterion",
    "desired_outcome": "Desired outcome",
}
KIND_TITLES: dict[str, str] = {
    "force": "Forces",
    "struggling_moment": "Struggling moments",
    "alternative": "Alternatives considered",
    "workaround": "Workarounds",
    "decision_criterion": "Decision criteria",
    "desired_outcome": "Desired outcomes",
}
KIND_FIELDS: dict[str, str] = {
    "force": "forces",
    "struggling_moment": "struggling_moments",
    "alternative": "alternatives",
    "workaround": "workarounds",
    "decision_criterion": "decision_criteria",
    "desired_outcome": "desired_outcomes",
}
KINDS: tuple[str, ...] = tuple(KIND_FIELDS)

REVIEW_STATES: dict[str, str] = {"new": "Not reviewed", "in_review": "In review", "reviewed": "Reviewed"}
CUE_LABEL = "Extractor's cue"  # what the machine read in a quote; never shown as the researcher's note
NOTE_LABEL = "Researcher's note"


def stage_label(stage: str | None) -> str:
    return STAGE_LABELS.get(stage or "", NO_STAGE)


def turn_number(index: int) -> int:
    """Turns are stored 0-based; people see them 1-based, in every page, file and export."""
    return index + 1


def turn_ref(index: int) -> str:
    return f"turn {turn_number(index)}"


def clock(seconds: float | None) -> str:
    """m:ss, or h:mm:ss from an hour on; '' when the time is unknown."""
    if seconds is None:
        return ""
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def force_css() -> str:
    """CSS custom properties for the force colours, for pages that style with CSS."""
    return " ".join(f"--{t}: {s.colour}; --{t}-tint: {s.tint};" for t, s in FORCE_STYLES.items())


def item_label(item) -> str:
    """The one-line summary an item adds to its quote ('' for a force, whose summary is its quote)."""
    for name in ("description", "name", "criterion"):
        if hasattr(item, name):
            return str(getattr(item, name))
    return str(getattr(item, "statement", ""))

"""Speaker roles: which speaker is the interviewer, from what they say; and the researcher's overrides."""
from __future__ import annotations

import re

from schemas import Role, Transcript, Turn

_LABEL_HINTS = re.compile(r"\b(interviewer|moderator|researcher|host|assistant|ai|facilitator|q)\b", re.I)
_PARTICIPANT_HINTS = re.compile(r"\b(participant|interviewee|respondent|customer|user|guest|a|p\d*)\b", re.I)
_QUESTION_START = re.compile(
    r"^(what|why|how|when|where|who|which|tell me|can you|could you|would you|did you|do you|were you|was it|walk me|talk me|take me)\b",
    re.I,
)


def question_score(text: str) -> float:
    """How question-like a speaker's text is: share of sentences that ask something."""
    sentences = [s.strip() for s in re.split(r"(?<=[.?!])\s+", text) if s.strip()]
    if not sentences:
        return 0.0
    asks = sum(1 for s in sentences if s.endswith("?") or _QUESTION_START.match(s))
    return asks / len(sentences)


def infer_roles(turns: list[Turn]) -> tuple[dict[str, Role], str]:
    """Map each speaker to a role. Labels that say the role win; otherwise the most question-like
    speaker (ties: fewer words) is the interviewer and everyone else is a participant."""
    speakers = list(dict.fromkeys(t.speaker for t in turns))
    if not speakers:
        return {}, "none"
    by_label = {s: "interviewer" for s in speakers if _LABEL_HINTS.search(s)}
    if by_label and len(by_label) < len(speakers):
        return {s: by_label.get(s, "participant") for s in speakers}, "labels"
    by_label = {s: "participant" for s in speakers if _PARTICIPANT_HINTS.fullmatch(s.strip())}
    if len(speakers) == 2 and len(by_label) == 1:
        return {s: by_label.get(s, "interviewer") for s in speakers}, "labels"
    if len(speakers) == 1:
        return {speakers[0]: "participant"}, "single-speaker"
    text = {s: " ".join(t.text for t in turns if t.speaker == s) for s in speakers}
    words = {s: len(text[s].split()) for s in speakers}
    interviewer = max(speakers, key=lambda s: (question_score(text[s]), -words[s]))
    return {s: ("interviewer" if s == interviewer else "participant") for s in speakers}, "questions"


def assign_roles(turns: list[Turn]) -> tuple[list[Turn], dict[str, Role], str]:
    roles, method = infer_roles(turns)
    return [t.model_copy(update={"role": roles.get(t.speaker, "participant")}) for t in turns], roles, method


def apply_role_overrides(transcript: Transcript, overrides: dict[str, str]) -> Transcript:
    """The researcher's word beats inference. Unknown speaker names are ignored (they may be for another file)."""
    if not overrides:
        return transcript
    known = {k: v for k, v in overrides.items() if k in transcript.speakers}
    if not known:
        return transcript
    speakers = {**transcript.speakers, **known}  # type: ignore[dict-item]
    turns = [t.model_copy(update={"role": speakers[t.speaker]}) for t in transcript.turns]
    return transcript.model_copy(update={"turns": turns, "speakers": speakers, "role_method": "override"})

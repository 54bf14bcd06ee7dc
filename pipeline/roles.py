"""Speaker roles: which speaker is the interviewer, from what they say; and the researcher's overrides."""
from __future__ import annotations

import re

from schemas import Role, Transcript, Turn

from .errors import ConfigError

_LABEL_HINTS = re.compile(r"\b(interviewer|moderator|researcher|host|assistant|ai|facilitator|q)\b", re.I)
_PARTICIPANT_HINTS = re.compile(r"(participant|interviewee|respondent|customer|user|guest|a|p)(\s*\d+)?", re.I)
# Prompts that ask even without a question mark ("Tell me about the day you...").
_REQUEST_START = re.compile(r"^(tell me|walk me|talk me|take me|describe|can you|could you|would you|help me understand)\b", re.I)
# Question words also open answers ("When I write code, ..."), so without a '?' they count half.
_QUESTION_START = re.compile(r"^(what|why|how|when|where|who|which|did you|do you|have you|were you|was it|is it)\b", re.I)


def question_score(text: str) -> float:
    """How question-like a speaker's text is: share of sentences that ask something."""
    sentences = [s.strip() for s in re.split(r"(?<=[.?!])\s+", text) if s.strip()]
    if not sentences:
        return 0.0
    asks = sum(_ask(s) for s in sentences)
    return asks / len(sentences)


def _ask(sentence: str) -> float:
    if sentence.endswith("?") or _REQUEST_START.match(sentence):
        return 1.0
    return 0.5 if _QUESTION_START.match(sentence) else 0.0


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
        return {speakers[0]: "participant"}, f"single-speaker: only '{speakers[0]}' speaks, so every turn is the participant's"
    text = {s: " ".join(t.text for t in turns if t.speaker == s) for s in speakers}
    words = {s: len(text[s].split()) for s in speakers}
    interviewer = max(speakers, key=lambda s: (question_score(text[s]), -words[s]))
    return {s: ("interviewer" if s == interviewer else "participant") for s in speakers}, "questions"


def assign_roles(turns: list[Turn]) -> tuple[list[Turn], dict[str, Role], str]:
    roles, method = infer_roles(turns)
    return [t.model_copy(update={"role": roles.get(t.speaker, "participant")}) for t in turns], roles, method


def apply_role_overrides(transcript: Transcript, overrides: dict[str, str]) -> Transcript:
    """The researcher's word beats inference. Names match exactly, else ignoring case; unknown names are
    ignored (they may be for another file)."""
    if not overrides:
        return transcript
    by_folded = {s.casefold(): s for s in transcript.speakers}
    known: dict[str, Role] = {}
    for speaker, role in overrides.items():
        if role not in ("interviewer", "participant"):
            raise ConfigError(f"role for '{speaker}' must be 'interviewer' or 'participant', got '{role}'")
        name = speaker if speaker in transcript.speakers else by_folded.get(speaker.strip().casefold())
        if name:
            known[name] = role  # type: ignore[assignment]
    if not known:
        return transcript
    speakers = {**transcript.speakers, **known}
    turns = [t.model_copy(update={"role": speakers[t.speaker]}) for t in transcript.turns]
    return transcript.model_copy(update={"turns": turns, "speakers": speakers, "role_method": "override"})

"""The interview script's housekeeping: the consent intro ("Thank you for taking the time... this
should take about 10 minutes... Does that sound good?") and the wrap-up ("Before we wrap up, is
there anything else...?"). Every interview has them and the participant cannot answer them
wrongly, so they are no question to flag and no monologue to count against the interviewer."""
from __future__ import annotations

import re

from schemas import Transcript

from .lexicon import lexicon

INTRO_CUES = 2  # an intro turn names at least two of: thanks for the time, research, minutes, privacy, no wrong answers


def is_intro(text: str) -> bool:
    return sum(1 for p in lexicon()["intro"] if p.search(text)) >= INTRO_CUES


def scripted_turns(transcript: Transcript) -> set[int]:
    """Interviewer turns that are the script's consent intro or housekeeping, not interviewing."""
    return {t.index for t in transcript.turns if t.role == "interviewer" and is_intro(t.text)}


def scripted_question(sentence: str, in_intro: bool) -> bool:
    """A housekeeping question ('Any questions before we begin?'), or a yes/no one inside the intro."""
    lex = lexicon()
    if any(p.search(sentence) for p in lex["scripted"]):
        return True
    return in_intro and bool(lex["closed_start"].match(re.sub(r"^(and|so|but)\s+", "", sentence, flags=re.I)))

"""What kind of story an interview tells: a switch (the purchase timeline applies), an adoption of
a new way of working, a churn story, or everyday use with no change in it.

Read from the words of the whole interview, not one sentence: a switch story is full of buying
and moving ("we bought", "switched to", "migrated", "signed up", "the price"), an adoption story
of taking up and using a new way ("I started using", "I use it to", "AI tools"), a churn story of
leaving ("cancelled", "stopped using", "went back to").
"""
from __future__ import annotations

import re

from schemas import Transcript

_SWITCH = re.compile(
    r"\b(bought|buy(ing)?|purchas\w*|ordered|paid|pay(ing)? for|price[ds]?|pricing|cost(s|ed)?|subscri\w+|sign(ed)? up|"
    r"switch(ed|ing)? (to|from|over)|mov(ed|ing) (to|from|off|over)|migrat\w*|replac\w+|trial|demo|quote[ds]?|"
    r"salesperson|dealer\w*|store|shop(ped|ping)?|checkout|vendor|contract)\b", re.I)
_ADOPTION = re.compile(
    r"\b(start(ed)? using|began using|use (it|ai|them|these tools) (to|for)|using (ai|it|chatgpt|claude|copilot)|"
    r"ai tools?|chatgpt|claude|copilot|gemini|(the|an|using) ai\b|adopt\w*|integrat\w+ (it|ai)|workflow)\b", re.I)
_CHURN = re.compile(
    r"\b(cancel(l)?(ed|ing)?|stopped using|quit (using)?|gave up (on)?|went back to|uninstall\w*|unsubscrib\w+|"
    r"deleted (the|my) (app|account)|left (the|them)|churn\w*)\b", re.I)


def story_kind(transcript: Transcript) -> str:
    participant = " ".join(t.text for t in transcript.turns if t.role == "participant")
    asked = " ".join(t.text for t in transcript.turns if t.role == "interviewer")
    words = max(len(participant.split()), 1)
    switch = len(_SWITCH.findall(participant)) + 0.5 * len(_SWITCH.findall(asked))
    adoption = len(_ADOPTION.findall(participant)) + 0.5 * len(_ADOPTION.findall(asked))
    churn = len(_CHURN.findall(participant)) + 0.5 * len(_CHURN.findall(asked))
    per_k = 1000 / words
    if churn * per_k >= 2.5 and churn >= 0.6 * switch and churn >= 3:
        return "churn"
    if switch * per_k >= 4 and switch >= adoption:
        return "switch"
    if adoption * per_k >= 2 or adoption >= 4:
        return "adoption"
    return "switch" if switch * per_k >= 2 else "everyday_use"

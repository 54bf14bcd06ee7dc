"""Job stories in one voice: "When [situation], I want to [motivation], so I can [outcome]".

Every story is written from ONE participant: the situation from one of their push or struggling
moment quotes, the motivation and the outcome from their own pull or desired-outcome quotes
(nearest in the interview first), each part read out of its quote by parts.py. A part the
participant's words cannot fill is left as a scaffold ("[ … ]") with the quotes to fill it from,
for the workshop to complete; nothing is borrowed from another person and no stock phrase is
added. The story's evidence is its situation's theme: everyone who said the same thing.

Ranking: complete stories before scaffolds, then the themes more participants share; one story
per situation theme, and other participants before a second story from the same one.
"""
from __future__ import annotations

import hashlib
import re

from schemas import JobStory, StoryPart

from ..grounding import overlap
from . import language
from .collect import ClusterInfo, Member
from .parts import benefit_phrases, situation_phrases, verb_phrases

SITUATION_KINDS = ("struggling_moment", "push")
WANT_KINDS = ("pull", "desired_outcome")
STORIES = 8
NEAR_TURNS = 6  # a motivation said this close to the situation belongs to the same episode
EARLY_CHOICE = True  # stop reading themes once the best stories are settled (see job_stories)


def _hash(*parts: str) -> str:
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:8]


def _by_turn_distance(members: list[Member], turn: int) -> list[Member]:
    return sorted(members, key=lambda m: (abs(m.item.quote.turn - turn) > NEAR_TURNS, m.item.quote.turn < turn,
                                          abs(m.item.quote.turn - turn), m.item.quote.start_char))


def _first_phrase(members: list[Member], read, skip: set[str]) -> tuple[Member | None, str]:
    for m in members:
        if m.key in skip:
            continue
        phrases = read(m.item.quote.text)
        if phrases:
            return m, phrases[0]
    return None, ""


SCAFFOLD_LABELS = {"situation": "situation", "motivation": "what they want to do", "expected_outcome": "what it lets them do"}


def scaffold(role: str, refs: list) -> StoryPart:
    """A part for the workshop to write: "[what they want to do — see quotes 2, 3]"."""
    see = f" — see quote{'s' if len(refs) > 1 else ''} {', '.join(str(i + 1) for i in range(len(refs)))}" if refs else ""
    return StoryPart(role=role, text=f"[{SCAFFOLD_LABELS[role]}{see}]", refs=refs, scaffold=True)  # type: ignore[arg-type]


def _part(role: str, member: Member | None, phrase: str, fallback: list[Member]) -> StoryPart:
    if member is not None and phrase:
        return StoryPart(role=role, text=phrase, refs=[member.ref()])  # type: ignore[arg-type]
    return scaffold(role, [m.ref() for m in fallback[:2]])


def story_for(situation: Member, theme: ClusterInfo, own: list[Member], products: list[str]) -> JobStory:
    """The story of one participant's situation, its other parts from their own words only."""
    turn = situation.item.quote.turn
    # the situation's own words are not also what the participant wants (the same sentence typed twice)
    wants = _by_turn_distance([m for m in own if m.kind in WANT_KINDS and overlap(m.item.quote, situation.item.quote) < 0.5], turn)
    # A part must be the participant's words: one that names the product (which a job story leaves
    # out) is passed over rather than reworded ("have AI's help" is not "have a tool's help").
    def agnostic(read):
        return lambda quote: [p for p in read(quote) if language.strip_products(p, products) == p]

    phrases = agnostic(situation_phrases)(situation.item.quote.text)
    situation_text = phrases[0] if phrases else ""
    motivation_member, motivation = _first_phrase(wants, _not_restating(agnostic(verb_phrases), situation_text), set())
    outcome_member, outcome = _first_phrase(wants, agnostic(benefit_phrases), {motivation_member.key} if motivation_member else set())
    if outcome and motivation and outcome.lower() == motivation.lower():
        outcome_member, outcome = None, ""
    # A scaffold lists quotes to fill it from; two scaffolds never list the same ones.
    outcome_pool = wants[2:] if motivation_member is None else [m for m in wants if m.key != motivation_member.key]
    parts = [
        _part("situation", situation if situation_text else None, situation_text, [situation]),
        _part("motivation", motivation_member, motivation, wants),
        _part("expected_outcome", outcome_member, outcome, outcome_pool),
    ]
    situation_part, motivation_part, outcome_part = parts
    ids = [situation.item.id, *(r.item_id for p in parts[1:] for r in p.refs if not p.scaffold)]
    return JobStory(
        id=f"story-{_hash(situation.interview_id, *ids)}",
        situation=situation_part.text, motivation=motivation_part.text, expected_outcome=outcome_part.text,
        altitude=_altitude(situation, motivation_member), evidence=theme.cluster.evidence, parts=parts,
        voice=situation.interview_id, source_clusters=[theme.cluster.id],
    )


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z']+", text.lower()) if len(w) > 3}


def _not_restating(read, situation: str):
    """Phrases that say more than the situation: "figure out where the issue was originating with no
    success" after "I spend days trying to figure out where the issue is originating" is no wish."""
    said = _content_words(situation)

    def phrases(quote: str) -> list[str]:
        out = []
        for p in read(quote):
            words = _content_words(p)
            if not words or len(words & said) < 0.6 * len(words):
                out.append(p)
        return out
    return phrases


_WEAK_START = ("it", "that", "this", "they", "but", "and", "though", "so")


def _weak_quote(member: Member) -> int:
    """1 when the situation's quote cannot show the scene on a card: a fragment ("I get frustrated,
    push") or a sentence that points elsewhere ("It's not great at that.")."""
    words = member.item.quote.text.split()
    if not {w.lower().strip(",.;:!?'’\"“”") for w in words} & {"i", "i'm", "i’m", "i've", "i'd", "me", "my", "we", "our", "us"}:
        return 1  # nobody in it: not a scene the participant was in
    return int(len(words) < 6 or words[0].lower().strip(",'’") in _WEAK_START or words[0].lower().startswith(("it'", "it’", "that'")))


def _altitude(situation: Member, motivation: Member | None) -> str:
    dims = {m.item.dimension for m in (situation, motivation) if m is not None and m.item.dimension}
    if dims & {"emotional", "social"} or language.EMOTIONAL.search(situation.item.quote.text):
        return "aspirational"
    return "functional" if dims == {"functional"} else "main"


def job_stories(infos: list[ClusterInfo], products: list[str], limit: int = STORIES) -> list[JobStory]:
    by_interview: dict[str, list[Member]] = {}
    for info in infos:
        for m in info.members:
            by_interview.setdefault(m.interview_id, []).append(m)
    themes = [i for i in infos if i.cluster.kind in SITUATION_KINDS]
    # Themes are read in rank order (most participants first). Complete stories on plain quotes rank
    # first and arrive here in their final order, so once they alone fill the list no later theme
    # can change it: at scale most themes are never read.
    order = sorted(range(len(themes)), key=lambda r: (-len(themes[r].cluster.evidence.participants), r))
    candidates: list[tuple[tuple, JobStory]] = []
    first = _Chooser(limit)
    for rank in order:
        theme = themes[rank]
        for centrality, member in enumerate(theme.members[:6]):
            story = story_for(member, theme, by_interview.get(member.interview_id, []), products)
            key = (sum(p.scaffold for p in story.parts), _weak_quote(member), -len(theme.cluster.evidence.participants), rank, centrality)
            candidates.append((key, story))
            if key[:2] == (0, 0):
                first.offer(story, max_per_voice=1)
        if EARLY_CHOICE and first.full:
            break
    chooser = _Chooser(limit)
    for max_per_voice in (1, 2):
        for _, story in sorted(candidates, key=lambda c: c[0]):
            chooser.offer(story, max_per_voice)
    return chooser.chosen


class _Chooser:
    """Stories offered best first: one per theme, one per voice (two on a second pass), no repeated wish."""

    def __init__(self, limit: int):
        self.limit, self.chosen = limit, []
        self.said: set[str] = set()  # the same wish from the same person is one story, whatever the situation
        self.themes: set[str] = set()
        self.voices: dict[str, int] = {}

    @property
    def full(self) -> bool:
        return len(self.chosen) >= self.limit

    def offer(self, story: JobStory, max_per_voice: int) -> None:
        theme, voice = story.source_clusters[0], story.voice or ""
        if self.full or theme in self.themes or self.voices.get(voice, 0) >= max_per_voice:
            return
        if story.parts[0].scaffold and len(story.evidence.participants) < 2:
            return  # a situation left for the workshop to word must at least be a pattern
        wish = f"{voice}|{story.motivation.lower()}"
        if not story.parts[1].scaffold and wish in self.said:
            return
        self.said.add(wish)
        self.chosen.append(story)
        self.themes.add(theme)
        self.voices[voice] = self.voices.get(voice, 0) + 1

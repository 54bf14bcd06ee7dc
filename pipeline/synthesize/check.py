"""The synthesis checker: what a researcher would check before taking the job stories into a
workshop, counted. Used by the tests and by benchmarks/synthesis_quality.py.

- stories, scaffolds (a part left "[ … ]" for the workshop), filled parts;
- clean parts: read as English on their own (the situation a clause with a finite verb told by
  the participant, "I"/"my"/"we" in it; the motivation and outcome a base-form verb phrase; no dangling pronoun, no Markdown, no
  line break, balanced quote marks and brackets);
- grounded parts: the content words of the part are words of the quotes it lists (lemmas, 80%);
- one voice: every filled part of a story from the same interview;
- altered quotes: text inside quotation marks anywhere in the synthesis, and every evidence
  quote, that is not verbatim in the participant's transcript;
- stock phrases: a run of four words found in two or more stories but in none of their quotes.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass

from schemas import Synthesis, Transcript

from ..grounding import find_exact
from .language import parse
from .okr import lint_key_result
from .parts import reads_alone

GROUNDED_SHARE = 0.8
_QUOTED = re.compile(r"[\"“]([^\"“”]{3,})[\"”]")
_FIRST = {"i", "i'm", "i've", "i'd", "i'll", "we", "we're", "we've", "my", "our"}


@dataclass
class SynthesisCheck:
    stories: int = 0
    scaffolds: int = 0
    parts: int = 0
    filled_parts: int = 0
    clean_parts: int = 0
    grounded_parts: int = 0
    one_voice_stories: int = 0
    statements: int = 0
    grounded_statements: int = 0
    outcomes: int = 0
    key_results: int = 0
    bad_key_results: int = 0
    themes: int = 0
    bad_theme_labels: int = 0
    altered_quotes: int = 0
    stock_phrases: int = 0
    problems: list[str] | None = None

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if k != "problems"}


def _content(text: str) -> list[tuple[str, str]]:
    """(lemma, word) of the content words: what a part must share with its quotes."""
    return [(t.lemma_.lower(), t.lower_) for t in parse(text)
            if t.is_alpha and not t.is_stop and t.pos_ in ("NOUN", "VERB", "ADJ", "ADV", "PROPN", "NUM")]


def grounded_share(text: str, quotes: list[str]) -> float:
    """Share of the text's content words found in the quotes, as the same word or the same lemma
    (a part told in the present keeps the words of a quote told in the past)."""
    words = _content(text)
    if not words:
        return 0.0
    said = {form for q in quotes for pair in _content(q) for form in pair}
    return sum(lemma in said or word in said for lemma, word in words) / len(words)


def grounded(text: str, quotes: list[str]) -> bool:
    return grounded_share(text, quotes) >= GROUNDED_SHARE


PART_WORDS = {"situation": 32, "motivation": 25, "expected_outcome": 25}  # a long part is hard to read, not wrong


def clean_part(role: str, text: str) -> bool:
    if not reads_alone(text, PART_WORDS.get(role)):
        return False
    doc = parse(text)
    if role == "situation":
        finite = any(t.tag_ in ("VBD", "VBP", "VBZ", "MD") for t in doc)
        return finite and any(t.lower_ in _FIRST or t.lower_ in ("me", "us") for t in doc)
    framed = parse(f"I want to {text}")  # a bare verb phrase is tagged as it reads in the story
    return framed[3].tag_ == "VB" or framed[3].pos_ == "VERB"


def _verbatim(quote: str, transcript: Transcript | None) -> bool:
    return transcript is not None and bool(find_exact(transcript, quote, roles=("participant", "interviewer")))


def _texts(synthesis: Synthesis) -> list[str]:
    out = [s.text for s in synthesis.job_stories] + [s.text for s in synthesis.job_statements]
    out += [o.statement for o in synthesis.outcomes] + [c.label for c in synthesis.clusters]
    out += [o.text for o in synthesis.objectives] + [k.text for o in synthesis.objectives for k in o.key_results]
    return out


def check_synthesis(synthesis: Synthesis, transcripts: dict[str, Transcript]) -> SynthesisCheck:
    c = SynthesisCheck(problems=[])
    problems = c.problems
    for story in synthesis.job_stories:
        c.stories += 1
        c.scaffolds += story.scaffold
        voices = set()
        for part in story.parts:
            c.parts += 1
            if part.scaffold:
                continue
            c.filled_parts += 1
            voices |= part.speakers
            if clean_part(part.role, part.text):
                c.clean_parts += 1
            else:
                problems.append(f"not clean ({part.role}): {part.text}")
            if grounded(part.text, [r.quote for r in part.refs]):
                c.grounded_parts += 1
            else:
                problems.append(f"not grounded ({part.role}): {part.text}")
        c.one_voice_stories += len(voices) <= 1
    for statement in synthesis.job_statements:
        c.statements += 1
        c.grounded_statements += grounded(statement.text, [r.quote for r in statement.written_from])
    c.outcomes = len(synthesis.outcomes)
    for objective in synthesis.objectives:
        for kr in objective.key_results:
            c.key_results += 1
            if lint_key_result(kr.text):
                c.bad_key_results += 1
                problems.append(f"key result: {kr.text}")
    for cluster in synthesis.clusters:
        c.themes += 1
        if not re.search(r"[A-Za-z]{3}", cluster.label) or cluster.label.endswith("…") or cluster.label.count('"') % 2:
            c.bad_theme_labels += 1
            problems.append(f"theme label: {cluster.label!r}")
    everywhere = _texts(synthesis)
    for text in everywhere:
        for quoted in _QUOTED.findall(text):
            if not any(_verbatim(quoted, t) for t in transcripts.values()):
                c.altered_quotes += 1
                problems.append(f"quoted words nobody said: \"{quoted}\"")
    refs = [r for s in synthesis.job_stories for p in s.parts for r in p.refs] + [r for s in synthesis.job_statements for r in s.written_from]
    refs += [r for cl in synthesis.clusters for r in cl.members]
    for ref in {(r.interview_id, r.quote): r for r in refs}.values():
        if not _verbatim(ref.quote, transcripts.get(ref.interview_id)):
            c.altered_quotes += 1
            problems.append(f"evidence quote not verbatim in {ref.interview_id}: \"{ref.quote[:80]}\"")
    c.stock_phrases = len(_stock(synthesis))
    problems += [f"stock phrase: {p}" for p in _stock(synthesis)]
    return c


def _grams(text: str, n: int = 4) -> set[str]:
    words = re.findall(r"[a-z']+", text.lower())
    return {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}


def _stock(synthesis: Synthesis) -> list[str]:
    frame = _grams("when i want to so i can")  # the template itself is not a stock phrase
    counts: Counter[str] = Counter()
    for story in synthesis.job_stories:
        said = set().union(*(_grams(r.quote) for p in story.parts for r in p.refs)) if story.parts else set()
        counts.update(g for g in _grams(" ".join(p.text for p in story.parts if not p.scaffold)) - said - frame)
    return sorted(g for g, n in counts.items() if n >= 2)


def render_check(c: SynthesisCheck) -> str:
    lines = [f"stories {c.stories} (scaffolds {c.scaffolds}, one voice {c.one_voice_stories}); parts filled {c.filled_parts} of {c.parts}, "
             f"clean {c.clean_parts}, grounded {c.grounded_parts}",
             f"job statements {c.statements} (grounded {c.grounded_statements}); outcomes {c.outcomes}; key results {c.key_results} "
             f"(failing the lint {c.bad_key_results}); themes {c.themes} (bad labels {c.bad_theme_labels})",
             f"altered quotes {c.altered_quotes}; stock phrases repeated across stories {c.stock_phrases}"]
    return "\n".join(lines)

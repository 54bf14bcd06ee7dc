"""Load the rule data files in patterns/ and compile them into spaCy Matchers.

The phrase mini-language is described in patterns/README.md. Each compiled match id is the
index of its entry in the loaded list, so a match leads straight back to its weight and options.
"""
from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import ConfigError

PATTERN_DIR = Path(__file__).parent / "patterns"
FORCE_FILES = ("push", "pull", "anxiety", "habit")
NEGATIONS = ["not", "n't", "never", "no", "nt", "cannot"]
_SPECIAL: dict[str, dict[str, Any]] = {
    "NEG": {"LOWER": {"IN": NEGATIONS}},
    "~": {"POS": {"IN": ["ADV", "PART"]}, "LOWER": {"NOT_IN": NEGATIONS}, "OP": "{0,2}"},
    "*": {"IS_PUNCT": False, "IS_SENT_START": False, "OP": "{0,3}"},
}


@dataclass
class Entry:
    """One line of a pattern file."""

    group: str  # force type, stage, element kind or dimension
    data: dict[str, Any]
    source: str = ""

    @property
    def weight(self) -> float:
        return float(self.data.get("weight", 0.6))

    @property
    def negatable(self) -> bool:
        return bool(self.data.get("negatable", True))


@dataclass
class PatternSet:
    forces: list[Entry] = field(default_factory=list)
    stages: list[Entry] = field(default_factory=list)
    elements: list[Entry] = field(default_factory=list)
    dimensions: list[Entry] = field(default_factory=list)


def pattern_files() -> list[Path]:
    return sorted(p for p in PATTERN_DIR.iterdir() if p.suffix in (".jsonl", ".json", ".md"))


def patterns_hash() -> str:
    digest = hashlib.sha256()
    for path in pattern_files():
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise ConfigError(f"bad pattern line {n}: {exc}", str(path)) from None
    return rows


def load_patterns() -> PatternSet:
    sets = PatternSet()
    for force in FORCE_FILES:
        path = PATTERN_DIR / f"{force}.jsonl"
        sets.forces += [Entry(force, row, f"{force}.jsonl") for row in _read_jsonl(path)]
    sets.stages = [Entry(r["stage"], r, "stages.jsonl") for r in _read_jsonl(PATTERN_DIR / "stages.jsonl")]
    sets.elements = [Entry(r["kind"], r, "elements.jsonl") for r in _read_jsonl(PATTERN_DIR / "elements.jsonl")]
    sets.dimensions = [Entry(r["dimension"], r, "dimensions.jsonl") for r in _read_jsonl(PATTERN_DIR / "dimensions.jsonl")]
    return sets


def _slot_variants(slot: str, attr: str, tokenizer) -> list[list[dict[str, Any]]]:
    """One whitespace-separated slot ('a|b|/re/', 'NEG', '~', '*', 'word?') as token-pattern variants."""
    if slot in _SPECIAL:
        return [[dict(_SPECIAL[slot])]]
    optional = slot.endswith("?") and len(slot) > 1
    slot = slot[:-1] if optional else slot
    singles: list[str] = []
    variants: list[list[dict[str, Any]]] = []
    for alt in slot.split("|"):
        if alt.startswith("/") and alt.endswith("/") and len(alt) > 2:
            variants.append([{attr: {"REGEX": alt[1:-1]}}])
            continue
        toks = [t.text.lower() for t in tokenizer(alt)] if attr == "LOWER" else [alt]
        if len(toks) == 1:
            singles.append(toks[0])
        else:  # the tokenizer splits it ("co-worker"): keep the tokens together
            variants.append([{attr: t} for t in toks])
    if singles:
        variants.insert(0, [{attr: {"IN": singles}} if len(singles) > 1 else {attr: singles[0]}])
    if optional:
        variants = [[{**t, "OP": "?"} for t in v] if len(v) == 1 else v for v in variants]
    return variants


def compile_phrase(phrase: str, attr: str, tokenizer) -> list[list[dict[str, Any]]]:
    """A phrase like 'did NEG want to ~ switch|change' as one or more spaCy Matcher patterns."""
    slots = [_slot_variants(s, attr, tokenizer) for s in phrase.split()]
    return [[tok for part in combo for tok in part] for combo in itertools.product(*slots)]


def entry_patterns(entry: Entry, tokenizer) -> list[list[dict[str, Any]]]:
    out: list[list[dict[str, Any]]] = []
    for key, attr in (("phrase", "LOWER"), ("lemma", "LEMMA")):
        value = entry.data.get(key)
        for phrase in [value] if isinstance(value, str) else value or []:
            out += compile_phrase(phrase, attr, tokenizer)
    out += entry.data.get("patterns", [])  # raw spaCy Matcher patterns, for anything the phrases cannot say
    return out


def build_matcher(nlp, entries: list[Entry]):
    from spacy.matcher import Matcher

    matcher = Matcher(nlp.vocab)
    for i, entry in enumerate(entries):
        try:
            matcher.add(str(i), entry_patterns(entry, nlp.tokenizer))
        except (ValueError, KeyError) as exc:
            raise ConfigError(f"bad pattern '{entry.data.get('id', entry.group)}': {exc}", entry.source) from None
    return matcher


@dataclass
class Compiled:
    sets: PatternSet
    forces: Any
    stages: Any
    elements: Any
    dimensions: Any


@lru_cache(maxsize=1)
def compiled() -> Compiled:
    from ..nlp import load_nlp

    nlp = load_nlp()
    sets = load_patterns()
    return Compiled(sets, *(build_matcher(nlp, e) for e in (sets.forces, sets.stages, sets.elements, sets.dimensions)))


def matches(matcher, entries: list[Entry], doc) -> list[tuple[Entry, int, int]]:
    """(entry, start, end) for every match in a Doc; start/end are token indexes."""
    strings = doc.vocab.strings
    return [(entries[int(strings[mid])], s, e) for mid, s, e in matcher(doc)]

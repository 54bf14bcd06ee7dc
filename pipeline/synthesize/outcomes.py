"""Desired outcomes -> opportunity scores (ODI): opportunity = importance + max(importance - satisfaction, 0).

Importance and satisfaction (1-10) come from a survey CSV when one is given (docs/survey-csv.md),
otherwise they are estimated from the interviews and marked estimated=True:
- importance = 1 + 6 * frequency + up to 3 for intensity words, where frequency =
  log(1 + participants) / log(1 + participants of the most-said outcome)
  ("every", "hated", "last straw", a number of hours...), averaged over members;
- satisfaction = the mean over members of 8 when the person says the chosen solution solved it
  ("now", "instead of", "since then", "no longer"), 3 when they say it still hurts ("still",
  "want that at zero", "wish"), 5 when they say nothing either way.
"""
from __future__ import annotations

import csv
import io
import math
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

from schemas import Cluster, DesiredOutcome, OutcomeScore

from ..errors import BadInputError
from .collect import Member
from .language import strip_products
from .outcome_text import OutcomePhrase, phrase_outcome

SURVEY_HEADER = ["outcome_id", "respondent", "importance", "satisfaction"]
INTENSITY = re.compile(
    r"\b(every|always|never|hated?|hate[ds]?|killing|nightmare|last straw|fed up|whole|all day|terrible|awful|"
    r"huge|critical|really|so much|nearly lost|missed|lost|panic\w*|furious|exhausted|hours?)\b",
    re.I,
)
SOLVED = re.compile(r"\b(now|instead of|since then|since|no longer|anymore|any more|solved|fixed|saves? me|takes me about)\b", re.I)
UNSOLVED = re.compile(r"\b(still|at zero|wish|not yet|hasn't|haven't|doesn't|keeps?)\b", re.I)


def frequency(participants: int, most: int) -> float:
    """0-1: how often an outcome was said, relative to the most-said outcome, on a log scale, so the
    estimate means the same at 7 interviews and at 1,248 (where every share of the total is tiny)."""
    return math.log1p(participants) / math.log1p(max(most, participants, 1))


def estimate_importance(members: list[Member], share: float) -> float:
    intensity = [min(len(INTENSITY.findall(m.item.quote.text)), 3) for m in members]
    return _clamp(1 + 6 * share + (sum(intensity) / len(intensity) if intensity else 0))


def estimate_satisfaction(members: list[Member]) -> float:
    def one(member: Member) -> float:
        text = member.item.quote.text
        if UNSOLVED.search(text):
            return 3.0
        if SOLVED.search(text) or member.item.stage == "satisfaction":
            return 8.0
        return 5.0

    return _clamp(sum(one(m) for m in members) / len(members)) if members else 5.0


def _clamp(value: float) -> float:
    return round(min(max(value, 1.0), 10.0), 1)


def opportunity(importance: float, satisfaction: float) -> float:
    return round(importance + max(importance - satisfaction, 0.0), 1)


def phrased(members: list[Member]) -> list[tuple[Member, OutcomePhrase]]:
    """Members whose outcome can be said as a well-formed statement, most central first."""
    out = []
    for m in members:
        item = m.item
        if isinstance(item, DesiredOutcome):
            phrase = phrase_outcome(item.direction, item.metric, item.object, item.baseline, item.quote.text)
            if phrase:
                out.append((m, phrase))
    return out


def outcome_score(cluster: Cluster, members: list[Member], survey: dict[str, tuple[float, float]], most: int = 0,
                  products: list[str] = ()) -> OutcomeScore | None:
    """The cluster's outcome, worded from its most central well-formed member, with product names
    taken out (solution-agnostic); None when no member can be said well."""
    said = phrased(members)
    if not said:
        return None
    medoid = said[0][1]
    medoid = replace(medoid, object=strip_products(medoid.object, list(products)))
    outcome_id = cluster.id.replace("desired_outcome-", "outcome-")
    share = frequency(len(cluster.evidence.participants), most)
    if outcome_id in survey:
        importance, satisfaction = survey[outcome_id]
        estimated = False
    else:
        importance, satisfaction = estimate_importance(members, share), estimate_satisfaction(members)
        estimated = True
    return OutcomeScore(
        id=outcome_id, direction=medoid.direction, metric=medoid.metric, object=medoid.object,
        statement=medoid.statement, baseline=baseline_of([p for _, p in said], medoid),
        importance=importance, satisfaction=satisfaction, opportunity=opportunity(importance, satisfaction),
        estimated=estimated, evidence=cluster.evidence,
    )


def baseline_of(phrases: list[OutcomePhrase], medoid: OutcomePhrase) -> str | None:
    """The medoid's own number, else the number said most often with the same metric (ties: first in order)."""
    if medoid.baseline:
        return medoid.baseline
    said = Counter(p.baseline for p in phrases if p.baseline and p.metric == medoid.metric)
    return max(sorted(said), key=lambda b: said[b]) if said else None


def rank_outcomes(outcomes: list[OutcomeScore]) -> list[OutcomeScore]:
    """By opportunity; an estimated outcome only one participant said ranks below the patterns."""
    return sorted(outcomes, key=lambda o: (o.estimated and len(o.evidence.participants) < 2, -o.opportunity,
                                           -len(o.evidence.participants), -o.importance, o.id))


# survey CSV ------------------------------------------------------------------------------
def read_survey(path: str | Path) -> dict[str, tuple[float, float]]:
    """Mean importance and satisfaction per outcome id. Malformed input -> one-line BadInputError."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInputError(f"cannot read survey CSV: {exc.__class__.__name__}", str(path)) from None
    return parse_survey(text, str(path))


def parse_survey(text: str, where: str = "survey.csv") -> dict[str, tuple[float, float]]:
    rows = list(csv.reader(io.StringIO(text)))
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise BadInputError("survey CSV is empty; expected header " + ",".join(SURVEY_HEADER), where)
    header = [h.strip().lower() for h in rows[0]]
    if header != SURVEY_HEADER:
        raise BadInputError(f"survey CSV header must be '{','.join(SURVEY_HEADER)}', got '{','.join(rows[0])}'", where)
    scores: dict[str, list[tuple[int, int]]] = {}
    for line_no, row in enumerate(rows[1:], start=2):
        if len(row) != 4:
            raise BadInputError(f"survey CSV line {line_no}: expected 4 columns, got {len(row)}", where)
        outcome_id = row[0].strip()
        if not outcome_id:
            raise BadInputError(f"survey CSV line {line_no}: empty outcome_id", where)
        scores.setdefault(outcome_id, []).append((_score(row[2], "importance", line_no, where), _score(row[3], "satisfaction", line_no, where)))
    return {k: (round(sum(i for i, _ in v) / len(v), 1), round(sum(s for _, s in v) / len(v), 1)) for k, v in scores.items()}


def _score(cell: str, name: str, line_no: int, where: str) -> int:
    try:
        value = int(cell.strip())
    except ValueError:
        raise BadInputError(f"survey CSV line {line_no}: {name} '{cell}' is not an integer 1-10", where) from None
    if not 1 <= value <= 10:
        raise BadInputError(f"survey CSV line {line_no}: {name} {value} is outside 1-10", where)
    return value


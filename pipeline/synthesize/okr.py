"""Objectives and key results from the top outcomes, and the lint every key result must pass.

A key result reads "Increase/Reduce [metric] from [baseline] to [target] by [date]". The baseline
is a number a participant said ("four hours every Friday"); the target halves it (Reduce) or
doubles it (Increase, capped at 100%). Without a number, explicit placeholders are written.
"""
from __future__ import annotations

import datetime as dt
import re

from schemas import Cluster, KeyResult, Objective, OutcomeScore

from .collect import merge_evidence

BASELINE_PLACEHOLDER = "[baseline: measure]"
TARGET_PLACEHOLDER = "[target: set]"
TASK_VERBS = re.compile(
    r"^\s*(launch|build|ship|implement|release|create|develop|add|design|deploy|roll out|introduce|complete|deliver|"
    r"finish|migrate|integrate|write|set up|redesign|refactor|hire|run)\b",
    re.I,
)
KR_SHAPE = re.compile(r"^(Increase|Reduce)\s+(?P<metric>.+?)\s+from\s+(?P<base>.+?)\s+to\s+(?P<target>.+)\s+by\s+(?P<date>\S.*?)\.?$")
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "ninety": 90, "hundred": 100, "half": 0.5, "a couple of": 2, "a dozen": 12, "a thousand": 1000,
}
_WORD = "|".join(sorted((re.escape(w) for w in NUMBER_WORDS if w not in ("a", "an")), key=len, reverse=True))
# a whole number phrase: "about two hundred", "three hundred and forty", "forty-thousand", "2,500"
_NUM = re.compile(rf"\d+(?:[.,]\d+)?|\b(?:{_WORD})(?:(?:[\s-]+|\s+and\s+)(?:{_WORD}|thousand))*\b", re.I)


def lint_key_result(text: str) -> str | None:
    """None when `text` is an outcome-style key result; otherwise why it is not."""
    task = TASK_VERBS.match(text)
    if task:
        return f"a task, not an outcome: starts with '{task.group(1)}' (write what changes for the customer)"
    if not re.match(r"^(Increase|Reduce)\b", text):
        return "must start with 'Increase' or 'Reduce'"
    if re.match(r"^(Increase|Reduce)\s+(from|to|by)\b", text):
        return "no metric: say what is measured"
    shape = KR_SHAPE.match(text.strip())
    if not shape:
        return "needs 'from [baseline] to [target] by [date]'"
    metric = shape.group("metric")
    if len(re.findall(r"[A-Za-z]{3,}", metric)) < 2:
        return "no metric: say what is measured"
    if TASK_VERBS.match(metric):
        return f"metric '{metric}' is a task, not a measure"
    if shape.group("base").strip() == shape.group("target").strip() and BASELINE_PLACEHOLDER not in text:
        return "target equals baseline"
    return None


def default_date(today: dt.date | None = None) -> str:
    """The last day of the next calendar quarter."""
    today = today or dt.date.today()
    quarter = (today.month - 1) // 3 + 1
    year, quarter = (today.year + 1, 1) if quarter == 4 else (today.year, quarter + 1)
    last_month = quarter * 3
    first_after = dt.date(year + (last_month == 12), last_month % 12 + 1, 1)
    return (first_after - dt.timedelta(days=1)).isoformat()


def parse_number(text: str) -> tuple[float, re.Match] | None:
    """The first number in `text` and where it is: 'about two hundred pounds' -> 200."""
    match = _NUM.search(text)
    if not match:
        return None
    raw = match.group(0).lower().replace(",", "")
    if raw[0].isdigit():
        return float(raw), match
    return _words_value(raw), match


def _words_value(words: str) -> float:
    if words in NUMBER_WORDS:
        return float(NUMBER_WORDS[words])
    total, current = 0.0, 0.0
    for word in re.split(r"[\s-]+", words):
        if word == "and":
            continue
        if word == "hundred":
            current = (current or 1) * 100
        elif word == "thousand":
            total, current = total + (current or 1) * 1000, 0.0
        else:
            current += NUMBER_WORDS.get(word, 0)
    return total + current


def _fmt(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.1f}"


def target_for(baseline: str, direction: str) -> str | None:
    """Halve (Reduce) or double (Increase, max 100 for percentages) the number in the baseline phrase."""
    found = parse_number(baseline)
    if not found:
        return None
    value, match = found
    if value < 1 or re.match(r"\s*[-/–]\s*\d", baseline[match.end():]) or re.search(r"\bor\b", baseline):  # "half a day", "10/15 minutes": no one number
        return None
    percent = "%" in baseline or "percent" in baseline.lower()
    target = value / 2 if direction == "Reduce" else (min(value * 2, 100.0) if percent else value * 2)
    if direction == "Reduce" and target < 1 and not percent:
        target = 0  # "one missed deadline" -> zero
    if target == value:
        return None
    return baseline[: match.start()] + _fmt(target) + _agree(baseline[match.end() :], value, target)


def _agree(rest: str, value: float, target: float) -> str:
    """The noun after the number agrees with the new number: '2 days' -> '1 day', '1 deadline' -> '0 deadlines'."""
    word = re.match(r"(\s+(?:[a-z]+ed\s+)?)([a-z]+)\b", rest)  # skip one participle: "missed deadline"
    if not word:
        return rest
    noun = word.group(2)
    if target == 1 and noun.endswith("s") and not noun.endswith("ss"):
        noun = noun[:-1]
    elif value == 1 and target != 1 and not noun.endswith("s"):
        noun += "s"
    return word.group(1) + noun + rest[word.end() :]


def key_result(outcome: OutcomeScore, date: str) -> KeyResult | None:
    direction = "Reduce" if outcome.direction == "minimize" else "Increase"
    metric = kr_metric(outcome)
    baseline = (outcome.baseline or "").strip()
    target = target_for(baseline, direction) if baseline else None
    if not target:
        baseline, target = BASELINE_PLACEHOLDER, TARGET_PLACEHOLDER
    text = f"{direction} {metric} from {baseline} to {target} by {date}"
    if lint_key_result(text):
        return None
    return KeyResult(text=text, direction=direction, metric=metric, baseline=baseline, target=target, date=date,
                     outcome_id=outcome.id, evidence=outcome.evidence)


def kr_metric(outcome: OutcomeScore) -> str:
    metric = re.sub(r"\s+", " ", f"{outcome.metric} {outcome.object}").strip()
    return re.sub(r"^(?:minimi[sz]e|maximi[sz]e|reduce|increase)\s+", "", metric, flags=re.I)


def pain_key_result(cluster: Cluster, date: str, phrase: str) -> KeyResult | None:
    """A second-line KR when outcomes are few: fewer customers stuck in a struggle participants named.
    The struggle is named by its theme label, a paraphrase, so it never sits inside quotation marks."""
    metric = f"the share of customers who report {phrase[0].lower() + phrase[1:]}" if phrase else ""
    if not metric:
        return None
    text = f"Reduce {metric} from {BASELINE_PLACEHOLDER} to {TARGET_PLACEHOLDER} by {date}"
    if lint_key_result(text):
        return None
    return KeyResult(text=text, direction="Reduce", metric=metric, baseline=BASELINE_PLACEHOLDER, target=TARGET_PLACEHOLDER,
                     date=date, outcome_id=None, evidence=cluster.evidence)


def objective_text(outcome: OutcomeScore) -> str:
    """Customer-centric: what customers get to do, e.g. "Customers spend less time chasing people"."""
    from .wording import benefit

    return f"Customers {benefit(outcome, with_baseline=False)}"


def objectives(outcomes: list[OutcomeScore], pains: list[tuple[Cluster, str]], date: str, total: int,
               max_objectives: int = 3, max_krs: int = 3) -> list[Objective]:
    """1-3 objectives led by the top outcomes (by opportunity). Key results: the lead outcome, then
    unused outcomes sharing participants with it (most shared first), then (when still under 2) the
    struggle most of its participants named. Every KR passes lint_key_result."""
    result: list[Objective] = []
    used: set[str] = set()
    for lead in outcomes:
        if len(result) >= max_objectives or lead.id in used:
            continue
        people = set(lead.evidence.participants)
        related = sorted((o for o in outcomes if o.id != lead.id and o.id not in used and people & set(o.evidence.participants)),
                         key=lambda o: (-len(set(o.evidence.participants) & people), -o.opportunity, o.id))
        krs: list[tuple[str, KeyResult]] = []
        for outcome in [lead, *related]:
            kr = key_result(outcome, date)
            if kr and kr.text not in {k.text for _, k in krs}:
                krs.append((outcome.id, kr))
            if len(krs) == max_krs:
                break
        for pain, phrase in sorted((p for p in pains if people & set(p[0].evidence.participants) and p[0].id not in used),
                                   key=lambda p: (-len(set(p[0].evidence.participants) & people), p[0].id)):
            if len(krs) >= 2:
                break
            kr = pain_key_result(pain, date, phrase)
            if kr:
                krs.append((pain.id, kr))
        if len(krs) < 2:
            continue
        used |= {source for source, _ in krs}
        key_results = [k for _, k in krs]
        evidence = merge_evidence([k.evidence for k in key_results], total)
        result.append(Objective(id=f"objective-{len(result) + 1}", text=objective_text(lead), key_results=key_results, evidence=evidence))
    return result

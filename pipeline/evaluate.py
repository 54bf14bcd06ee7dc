"""`jtbd eval`: score an extractor's forces against researcher gold labels.

A predicted force matches a gold force when the types agree and the quotes overlap in the
transcript (greedy one-to-one, largest overlap first). Gold quotes that cannot be found in the
transcript are label errors, reported and left out of the scores.
"""
from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, Field

from schemas import FORCE_TYPES, Force, GoldForce, Quote, Transcript

from .errors import BadInputError
from .grounding import overlap
from .labelled import Labelled, load_labelled, load_transcript, locate_gold, transcript_for  # noqa: F401 - re-exported
from .settings import Settings

SAMPLES_DIR = Path(__file__).resolve().parents[1] / "samples"


class TypeScore(BaseModel):
    type: str
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: "TypeScore") -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn


class InterviewScore(BaseModel):
    interview: str
    gold: int
    predicted: int
    matched: int
    stage_correct: int
    by_type: dict[str, TypeScore]
    label_errors: list[str] = Field(default_factory=list, description="Gold quotes not found in the transcript.")
    confusion: dict[str, dict[str, int]] = Field(default_factory=dict, description="Sentence level: gold label -> predicted label -> count.")
    story_kind: str | None = Field(default=None, description="Gold story kind.")
    predicted_kind: str | None = None


class EvalReport(BaseModel):
    folder: str
    extractor: str
    folds: int = Field(default=0, description="K of the cross-validation by interview; 0 when the weights shipped were used.")
    interviews: list[InterviewScore] = Field(default_factory=list)
    skipped: list[str] = Field(default_factory=list, description="Gold files with no transcript to score, and why.")
    warnings: list[str] = Field(default_factory=list, description="Interviews the offline extractor scored for a failed LLM.")

    def by_type(self) -> dict[str, TypeScore]:
        total = {t: TypeScore(type=t) for t in FORCE_TYPES}
        for interview in self.interviews:
            for t, score in interview.by_type.items():
                total[t].add(score)
        return total

    @property
    def micro(self) -> TypeScore:
        total = TypeScore(type="micro")
        for score in self.by_type().values():
            total.add(score)
        return total

    @property
    def macro_f1(self) -> float:
        return sum(s.f1 for s in self.by_type().values()) / len(FORCE_TYPES)

    @property
    def kappa(self) -> float:
        """Cohen's kappa between gold and predicted labels (none/push/pull/anxiety/habit) per participant sentence."""
        labels = (NONE_LABEL, *FORCE_TYPES)
        table = {g: {p: 0 for p in labels} for g in labels}
        for interview in self.interviews:
            for g, row in interview.confusion.items():
                for p, n in row.items():
                    table[g][p] += n
        return cohen_kappa(table)

    @property
    def kind_accuracy(self) -> float | None:
        known = [i for i in self.interviews if i.story_kind]
        return sum(i.story_kind == i.predicted_kind for i in known) / len(known) if known else None

    @property
    def stage_accuracy(self) -> float:
        matched = sum(i.matched for i in self.interviews)
        return sum(i.stage_correct for i in self.interviews) / matched if matched else 0.0


NONE_LABEL = "none"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def cohen_kappa(table: dict[str, dict[str, int]]) -> float:
    total = sum(sum(row.values()) for row in table.values())
    if not total:
        return 0.0
    observed = sum(table[k][k] for k in table) / total
    gold = {k: sum(row.values()) / total for k, row in table.items()}
    pred = {k: sum(table[g][k] for g in table) / total for k in table}
    expected = sum(gold[k] * pred[k] for k in table)
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def sentence_spans(transcript: Transcript) -> list[Quote]:
    """Participant sentences, split at ., ! and ? (the same split whatever the extractor)."""
    out = []
    for turn in transcript.turns:
        if turn.role != "participant":
            continue
        pos = 0
        for part in _SENTENCE_END.split(turn.text):
            start = turn.text.find(part, pos)
            end = start + len(part)
            pos = end
            if part.strip():
                out.append(Quote(text=part, turn=turn.index, start_char=start, end_char=end))
    return out


def _label_at(sentence: Quote, labelled: list[tuple[str, Quote]]) -> str:
    best, share = NONE_LABEL, 0.0
    for label, quote in labelled:
        if quote.turn == sentence.turn:
            common = min(quote.end_char, sentence.end_char) - max(quote.start_char, sentence.start_char)
            if common > 0 and common > share:
                best, share = label, common
    return best


def sentence_confusion(transcript: Transcript, predicted: list[Force], gold: list[tuple[GoldForce, Quote]]) -> dict[str, dict[str, int]]:
    labels = (NONE_LABEL, *FORCE_TYPES)
    table = {g: {p: 0 for p in labels} for g in labels}
    pred = [(f.type, f.quote) for f in predicted]
    truth = [(g.type, q) for g, q in gold]
    for sentence in sentence_spans(transcript):
        table[_label_at(sentence, truth)][_label_at(sentence, pred)] += 1
    return table


def match_forces(predicted: list[Force], gold: list[tuple[GoldForce, Quote]]) -> list[tuple[int, int, float]]:
    """(predicted index, gold index, overlap) pairs: same type, overlapping quotes, greedy one-to-one."""
    pairs = [
        (overlap(p.quote, q), i, j)
        for i, p in enumerate(predicted)
        for j, (g, q) in enumerate(gold)
        if p.type == g.type and overlap(p.quote, q) > 0
    ]
    used_p: set[int] = set()
    used_g: set[int] = set()
    out = []
    for share, i, j in sorted(pairs, key=lambda x: (-x[0], x[1], x[2])):
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            out.append((i, j, share))
    return out


def score_interview(name: str, predicted: list[Force], gold: list[tuple[GoldForce, Quote]],
                    label_errors: list[str] | None = None) -> InterviewScore:
    pairs = match_forces(predicted, gold)
    by_type = {t: TypeScore(type=t) for t in FORCE_TYPES}
    for i, j, _ in pairs:
        by_type[predicted[i].type].tp += 1
    matched_p = {i for i, _, _ in pairs}
    matched_g = {j for _, j, _ in pairs}
    for i, p in enumerate(predicted):
        by_type[p.type].fp += i not in matched_p
    for j, (g, _) in enumerate(gold):
        by_type[g.type].fn += j not in matched_g
    stage_correct = sum(1 for i, j, _ in pairs if predicted[i].stage == gold[j][0].stage)
    return InterviewScore(interview=name, gold=len(gold), predicted=len(predicted), matched=len(pairs),
                          stage_correct=stage_correct, by_type=by_type, label_errors=label_errors or [])


def score_extraction(item: Labelled, extraction) -> InterviewScore:
    gold, errors = locate_gold(item.transcript, item.labels)
    score = score_interview(item.labels.interview, extraction.forces, gold, errors)
    score.confusion = sentence_confusion(item.transcript, extraction.forces, gold)
    score.story_kind = item.labels.story_kind
    score.predicted_kind = extraction.story_kind
    return score


def evaluate(folder: Path, settings: Settings, folds: int = 0, seed: int = 0, only: set[str] | None = None,
             cache_dir: Path | None = None, models: dict[str, object] | None = None) -> EvalReport:
    """Score the chosen extractor on every labelled interview of `folder` (or the file names in
    `only`). With folds >= 2 the trained classifier is re-trained K times on the other folds'
    interviews of the whole folder and scored only on the interviews it did not see
    (cross-validation by interview); `models` gives those fold models when already trained."""
    from .extract import chosen_extractor, extract, fallback_warning, uses_classifier

    items = load_labelled(Path(folder))
    report = EvalReport(folder=str(folder), extractor=chosen_extractor(settings), folds=folds if folds >= 2 else 0)
    if not items:
        raise BadInputError("no gold label file matches a transcript in the folder", str(Path(folder) / "gold"))
    if models is None:
        models = fold_models(items, folds, seed, cache_dir) if folds >= 2 and uses_classifier(settings) else {}
    for item in items:
        if only is not None and item.labels.interview not in only:
            continue
        extraction = extract(item.transcript, settings, cache_dir=cache_dir, model=models.get(item.labels.interview))
        if warning := fallback_warning(extraction):
            report.warnings.append(f"{item.labels.interview}: {warning}")
        report.interviews.append(score_extraction(item, extraction))
    return report


def fold_models(items: list[Labelled], folds: int, seed: int = 0, cache_dir: Path | None = None) -> dict[str, object]:
    """For each interview, a classifier trained on the interviews of the other folds (and on
    `samples/`, written by the team, which the shipped weights are trained on too)."""
    from .extract.train import featurise, folds_of, train

    data = featurise(items, cache_dir)
    extra = featurise(load_labelled(SAMPLES_DIR), cache_dir) if SAMPLES_DIR.is_dir() else []
    names = {d.name for d in data}
    extra = [d for d in extra if d.name not in names]
    out: dict[str, object] = {}
    for fold in folds_of([d.name for d in data], min(folds, len(data)), seed):
        model = train([d for d in data if d.name not in fold] + extra, seed=seed)
        out.update({name: model for name in fold})
    return out


def render_table(report: EvalReport) -> str:
    """A plain fixed-width table: per type, macro/micro, stage accuracy, then per interview."""
    how = f"cross-validated by interview, {report.folds} folds" if report.folds else "shipped weights" if "classifier" in report.extractor or report.extractor in ("hybrid", "auto") else "no training"
    lines = [f"extractor: {report.extractor}   interviews: {len(report.interviews)}   folder: {report.folder}   ({how})", ""]
    lines.append(f"{'force':<10}{'gold':>6}{'pred':>6}{'tp':>5}{'prec':>8}{'recall':>8}{'f1':>7}")
    for t, s in report.by_type().items():
        lines.append(f"{t:<10}{s.tp + s.fn:>6}{s.tp + s.fp:>6}{s.tp:>5}{s.precision:>8.2f}{s.recall:>8.2f}{s.f1:>7.2f}")
    m = report.micro
    lines.append(f"{'micro':<10}{m.tp + m.fn:>6}{m.tp + m.fp:>6}{m.tp:>5}{m.precision:>8.2f}{m.recall:>8.2f}{m.f1:>7.2f}")
    lines.append(f"{'macro F1':<10}{report.macro_f1:>40.2f}")
    lines.append(f"Cohen's kappa (participant sentences, none/push/pull/anxiety/habit): {report.kappa:.2f}")
    lines.append(f"stage accuracy (matched forces): {report.stage_accuracy:.2f}")
    if report.kind_accuracy is not None:
        lines.append(f"story kind accuracy: {report.kind_accuracy:.2f}")
    lines.append("")
    lines.append(f"{'interview':<28}{'gold':>6}{'pred':>6}{'match':>7}{'stage ok':>10}{'label err':>11}")
    for i in report.interviews:
        lines.append(f"{i.interview[:27]:<28}{i.gold:>6}{i.predicted:>6}{i.matched:>7}{i.stage_correct:>10}{len(i.label_errors):>11}")
    for i in report.interviews:
        for quote in i.label_errors:
            lines.append(f"label error: {i.interview}: gold quote not found: \"{quote[:70]}\"")
    for skipped in report.skipped:
        lines.append(f"skipped: {skipped}")
    lines += [f"warning: {w}" for w in report.warnings]
    return "\n".join(lines)

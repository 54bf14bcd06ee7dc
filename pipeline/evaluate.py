"""`jtbd eval`: score an extractor's forces against researcher gold labels.

A predicted force matches a gold force when the types agree and the quotes overlap in the
transcript (greedy one-to-one, largest overlap first). Gold quotes that cannot be found in the
transcript are label errors, reported and left out of the scores.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, Field

from schemas import FORCE_TYPES, Force, GoldForce, GoldLabels, Interview, Quote, Transcript

from .errors import BadInputError
from .grounding import locate, overlap
from .settings import Settings
from .workspace import TRANSCRIPT_EXTENSIONS, read_model, sha256_file, slug

SCRIPT_SUFFIX = ".script.txt"


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


class EvalReport(BaseModel):
    folder: str
    extractor: str
    interviews: list[InterviewScore] = Field(default_factory=list)
    skipped: list[str] = Field(default_factory=list, description="Gold files with no transcript to score, and why.")

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
    def stage_accuracy(self) -> float:
        matched = sum(i.matched for i in self.interviews)
        return sum(i.stage_correct for i in self.interviews) / matched if matched else 0.0


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


def locate_gold(transcript: Transcript, labels: GoldLabels) -> tuple[list[tuple[GoldForce, Quote]], list[str]]:
    found, errors = [], []
    for force in labels.forces:
        quote = locate(transcript, force.quote)
        if quote is None:
            errors.append(force.quote)
        else:
            found.append((force, quote))
    return found, errors


def transcript_for(folder: Path, interview: str) -> Path | None:
    """The transcript a gold file labels; a '.script.txt' (a script for recorded audio) needs a transcript of the same name."""
    if interview.endswith(SCRIPT_SUFFIX):
        stem = interview[: -len(SCRIPT_SUFFIX)]
        hits = [folder / f"{stem}{ext}" for ext in sorted(TRANSCRIPT_EXTENSIONS)]
        return next((p for p in hits if p.is_file()), None)
    path = folder / interview
    return path if path.is_file() and path.suffix.lower() in TRANSCRIPT_EXTENSIONS else None


def load_transcript(path: Path, roles: dict[str, dict[str, str]] | None = None) -> Transcript:
    """A transcript file as `jtbd run` reads it, with the folder's role overrides applied."""
    from .importers import import_transcript
    from .roles import apply_role_overrides

    interview = Interview(id=slug(path.stem), source=path.name, kind="transcript", sha256=sha256_file(path), title=path.stem)
    transcript = import_transcript(path, interview)
    return apply_role_overrides(transcript, (roles or {}).get(interview.id, {}))


@dataclass
class Labelled:
    """One gold file with the transcript it labels."""

    labels: GoldLabels
    transcript: Transcript
    path: Path


def load_labelled(folder: Path, skipped: list[str] | None = None) -> list[Labelled]:
    """Every gold/*.gold.json of `folder` with its transcript; the ones without are noted in `skipped`."""
    from .settings import load_settings

    folder = Path(folder)
    gold_dir = folder / "gold"
    if not gold_dir.is_dir():
        raise BadInputError("no gold/ folder with *.gold.json labels", str(folder))
    roles = load_settings(folder).roles
    out = []
    for gold_path in sorted(gold_dir.glob("*.gold.json")):
        labels = read_model(gold_path, GoldLabels)
        path = transcript_for(folder, labels.interview)
        if path is None:
            if skipped is not None:
                skipped.append(f"{gold_path.name}: no transcript '{labels.interview}' in {folder}")
            continue
        out.append(Labelled(labels, load_transcript(path, roles), path))
    return out


def evaluate(folder: Path, settings: Settings) -> EvalReport:
    from .extract import chosen_extractor, extract

    report = EvalReport(folder=str(folder), extractor=chosen_extractor(settings))
    for item in load_labelled(Path(folder), report.skipped):
        gold, errors = locate_gold(item.transcript, item.labels)
        extraction = extract(item.transcript, settings)
        report.interviews.append(score_interview(item.labels.interview, extraction.forces, gold, errors))
    if not report.interviews:
        raise BadInputError("no gold label file matches a transcript in the folder", str(Path(folder) / "gold"))
    return report


def render_table(report: EvalReport) -> str:
    """A plain fixed-width table: per type, macro/micro, stage accuracy, then per interview."""
    lines = [f"extractor: {report.extractor}   interviews: {len(report.interviews)}   folder: {report.folder}", ""]
    lines.append(f"{'force':<10}{'gold':>6}{'pred':>6}{'tp':>5}{'prec':>8}{'recall':>8}{'f1':>7}")
    for t, s in report.by_type().items():
        lines.append(f"{t:<10}{s.tp + s.fn:>6}{s.tp + s.fp:>6}{s.tp:>5}{s.precision:>8.2f}{s.recall:>8.2f}{s.f1:>7.2f}")
    m = report.micro
    lines.append(f"{'micro':<10}{m.tp + m.fn:>6}{m.tp + m.fp:>6}{m.tp:>5}{m.precision:>8.2f}{m.recall:>8.2f}{m.f1:>7.2f}")
    lines.append(f"{'macro F1':<10}{report.macro_f1:>40.2f}")
    lines.append(f"stage accuracy (matched forces): {report.stage_accuracy:.2f}")
    lines.append("")
    lines.append(f"{'interview':<28}{'gold':>6}{'pred':>6}{'match':>7}{'stage ok':>10}{'label err':>11}")
    for i in report.interviews:
        lines.append(f"{i.interview[:27]:<28}{i.gold:>6}{i.predicted:>6}{i.matched:>7}{i.stage_correct:>10}{len(i.label_errors):>11}")
    for i in report.interviews:
        for quote in i.label_errors:
            lines.append(f"label error: {i.interview}: gold quote not found: \"{quote[:70]}\"")
    for skipped in report.skipped:
        lines.append(f"skipped: {skipped}")
    return "\n".join(lines)

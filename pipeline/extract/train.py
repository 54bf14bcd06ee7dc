"""Training the force and stage classifiers from labelled real interviews (evalsets/real).

Every unit of a labelled interview gets the gold type of the gold quote that covers most of it
(or 'none'); force units also carry their gold stage. Models are scikit-learn logistic
regressions, exported to the numpy `Linear` of classifier.py. The decision is the most
likely class (balanced class weights); per-type thresholds tuned on out-of-fold predictions
measured worse. Same data and seed, same weights.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from schemas import FORCE_TYPES, STAGES

from ..labelled import Labelled, locate_gold
from .classifier import NONE, ForceModel, Linear
from .features import FEATURES_VERSION, encoder_name, stage_context, unit_matrix
from .story_kind import story_kind
from .units import Unit, build_units

MODEL_VERSION = "2"
FORCE_CLASSES = [NONE, *FORCE_TYPES]
COVER = 0.5  # a unit takes a gold type when the gold quote covers half of it, or it covers half of the quote
# Chosen by 5-fold cross-validation by interview on evalsets/real (benchmarks in the README):
# strong regularisation (C 0.005 beat 0.02-0.5), balanced classes, the most likely class.
DEFAULTS = {"c_force": 0.005, "c_stage": 0.5, "class_weight": "balanced"}


@dataclass
class InterviewData:
    """One labelled interview, featurised once."""

    name: str
    units: list[Unit]
    labels: list[str]
    stages: list[str | None]
    kind: str
    X_force: np.ndarray = field(repr=False, default=None)  # type: ignore[assignment]
    X_stage: np.ndarray = field(repr=False, default=None)  # type: ignore[assignment]


def unit_labels(units: list[Unit], gold) -> tuple[list[str], list[str | None]]:
    labels, stages = [], []
    for unit in units:
        q = unit.quote
        best, best_share = None, 0.0
        for g, gq in gold:
            if gq.turn != q.turn:
                continue
            common = max(0, min(q.end_char, gq.end_char) - max(q.start_char, gq.start_char))
            share = max(common / max(q.end_char - q.start_char, 1), common / max(gq.end_char - gq.start_char, 1))
            if share >= COVER and share > best_share:
                best, best_share = g, share
        labels.append(best.type if best else NONE)
        stages.append(best.stage if best else None)
    return labels, stages


def featurise(items: list[Labelled], cache_dir: Path | None = None) -> list[InterviewData]:
    from .rules import analyse

    out = []
    for item in items:
        analysis = analyse(item.transcript)
        units = build_units(item.transcript, analysis.sentences)
        gold, _ = locate_gold(item.transcript, item.labels)
        labels, stages = unit_labels(units, gold)
        kind = story_kind(item.transcript)
        data = InterviewData(item.labels.interview, units, labels, stages, kind)
        if units:
            matrix = unit_matrix(units, cache_dir)
            data.X_force = matrix.force_inputs()
            data.X_stage = matrix.stage_inputs(stage_context(units, kind))
        out.append(data)
    return [d for d in out if d.units]


def _fit_linear(X: np.ndarray, y: list[str], classes: list[str], c: float, class_weight, seed: int) -> Linear:
    from sklearn.linear_model import LogisticRegression

    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale < 1e-6] = 1.0
    model = LogisticRegression(C=c, max_iter=3000, class_weight=class_weight, random_state=seed)
    model.fit((X - mean) / scale, y)
    coef = np.zeros((len(classes), X.shape[1]), dtype=np.float32)
    intercept = np.full(len(classes), -30.0, dtype=np.float32)  # a class never seen is never predicted
    learned = list(model.classes_)
    if len(learned) == 2:  # binary: sklearn keeps one row for the second class
        coef[classes.index(learned[1])] = model.coef_[0]
        intercept[classes.index(learned[1])] = model.intercept_[0]
        intercept[classes.index(learned[0])] = 0.0
    else:
        for row, k in enumerate(learned):
            coef[classes.index(k)] = model.coef_[row]
            intercept[classes.index(k)] = model.intercept_[row]
    return Linear(classes, coef, intercept, mean.astype(np.float32), scale.astype(np.float32))


def _stack(data: list[InterviewData]) -> tuple[np.ndarray, list[str]]:
    return np.vstack([d.X_force for d in data]), [lab for d in data for lab in d.labels]


def fit_force(data: list[InterviewData], params: dict, seed: int) -> Linear:
    X, y = _stack(data)
    return _fit_linear(X, y, FORCE_CLASSES, params["c_force"], params["class_weight"], seed)


def fit_stage(data: list[InterviewData], params: dict, seed: int) -> Linear:
    rows = [(d.X_stage[i], st) for d in data for i, st in enumerate(d.stages) if st is not None]
    X = np.vstack([r for r, _ in rows])
    return _fit_linear(X, [st for _, st in rows], list(STAGES), params["c_stage"], None, seed)


def folds_of(names: list[str], k: int, seed: int) -> list[list[str]]:
    """Interviews dealt into k folds in a seeded order: no interview in two folds."""
    order = sorted(names, key=lambda n: hashlib.sha256(f"{seed}:{n}".encode()).hexdigest())
    return [order[i::k] for i in range(k)]


def train(data: list[InterviewData], params: dict | None = None, seed: int = 0, meta: dict | None = None) -> ForceModel:
    params = {**DEFAULTS, **(params or {})}
    model = ForceModel(
        force=fit_force(data, params, seed),
        stage=fit_stage(data, params, seed),
        thresholds={},
        meta={"version": MODEL_VERSION, "features": FEATURES_VERSION, "encoder": encoder_name(), "seed": seed, "params": params,
              "interviews": len(data), "units": sum(len(d.units) for d in data),
              "forces": sum(lab != NONE for d in data for lab in d.labels), **(meta or {})},
    )
    return model

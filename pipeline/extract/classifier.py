"""The trained offline extractor: linear models over unit features (features.py), their weights
a versioned JSON file built by `scripts/train_forces.py` from the labelled real interviews.

- Forces: a softmax over none/push/pull/anxiety/habit per unit; the most likely class wins
  (plain argmax measured better on held-out interviews than per-type thresholds; a threshold
  table stays in the weights file, empty in the shipped one).
- Stages: a softmax over the nine codebook stages per force, from what is said, what was asked,
  the rules' timeline position and the kind of story.
- Everything else (struggling moments, alternatives, workarounds, criteria, outcomes, stage
  spans) comes from the rules, built on the same parse.
Prediction is plain numpy: no scikit-learn at run time.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from schemas import FORCE_TYPES, Extraction, Force, Transcript, item_id

from .features import FEATURES_VERSION, stage_context, unit_matrix
from .story_kind import story_kind
from .units import Unit, build_units

WEIGHTS_PATH = Path(__file__).parent / "weights" / "forces.json"
NONE = "none"


@dataclass
class Linear:
    """A fitted softmax layer with the standardisation of its dense inputs."""

    classes: list[str]
    coef: np.ndarray  # (classes, features)
    intercept: np.ndarray
    mean: np.ndarray
    scale: np.ndarray

    def proba(self, x: np.ndarray) -> np.ndarray:
        z = ((x - self.mean) / self.scale) @ self.coef.T + self.intercept
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def to_json(self) -> dict:
        r = lambda a: np.round(np.asarray(a, dtype=np.float64), 5).tolist()  # noqa: E731
        return {"classes": self.classes, "coef": r(self.coef), "intercept": r(self.intercept), "mean": r(self.mean), "scale": r(self.scale)}

    @classmethod
    def from_json(cls, data: dict) -> "Linear":
        a = lambda k: np.asarray(data[k], dtype=np.float32)  # noqa: E731
        return cls(list(data["classes"]), a("coef"), a("intercept"), a("mean"), a("scale"))


@dataclass
class ForceModel:
    force: Linear
    stage: Linear
    thresholds: dict[str, float]
    meta: dict

    @property
    def version(self) -> str:
        return str(self.meta.get("version", "?"))

    def to_json(self) -> dict:
        return {"meta": self.meta, "thresholds": self.thresholds, "force": self.force.to_json(), "stage": self.stage.to_json()}

    @classmethod
    def from_json(cls, data: dict) -> "ForceModel":
        return cls(Linear.from_json(data["force"]), Linear.from_json(data["stage"]), dict(data["thresholds"]), dict(data.get("meta", {})))


@lru_cache(maxsize=1)
def load_model(path: Path = WEIGHTS_PATH) -> ForceModel:
    from ..errors import ConfigError

    try:
        return ForceModel.from_json(json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError) as exc:
        raise ConfigError(f"cannot load the force classifier weights: {exc}", str(path)) from None


def weights_fingerprint(path: Path = WEIGHTS_PATH) -> str:
    """Part of the extraction cache key: new weights redo every extraction."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
    except OSError:
        return "missing"


def decide(model: ForceModel, proba: np.ndarray) -> list[tuple[str, float]]:
    """(type, probability) per unit: the most likely class (trained with balanced class weights,
    which measured better than tuned per-type thresholds); 'none' when that is most likely, or
    when a threshold is set for the type and the probability does not clear it."""
    classes = model.force.classes
    out = []
    for row in proba:
        best = int(np.argmax(row))
        kind = classes[best]
        if kind != NONE and row[best] < model.thresholds.get(kind, 0.0):
            kind = NONE
        out.append((kind, float(row[best])))
    return out


def predict_units(model: ForceModel, units: list[Unit], kind: str, cache_dir: Path | None = None) -> list[tuple[str, float, str]]:
    """(force type or 'none', probability, stage) for every unit."""
    if not units:
        return []
    m = unit_matrix(units, cache_dir)
    decided = decide(model, model.force.proba(m.force_inputs()))
    stage_p = model.stage.proba(m.stage_inputs(stage_context(units, kind)))
    stages = [model.stage.classes[int(i)] for i in stage_p.argmax(axis=1)]
    return [(t, p, st) for (t, p), st in zip(decided, stages)]


def forces_from(units: list[Unit], predictions: list[tuple[str, float, str]], pats) -> list[Force]:
    forces = []
    for unit, (kind, p, stage) in zip(units, predictions):
        if kind == NONE or kind not in FORCE_TYPES:
            continue
        quote = unit.quote
        cues = sorted({unit.span.doc[a:b].text for e, a, b in unit.hits if e.group == kind})
        forces.append(Force(id=item_id("force", quote), type=kind, quote=quote, stage=stage, extractor="classifier",
                            confidence=round(min(p, 0.99), 3), cue=", ".join(cues) or None,
                            dimension=unit.sentence.dimension(pats, None)))
    return forces


def extract_classifier(transcript: Transcript, cache_dir: Path | None = None, model: ForceModel | None = None) -> Extraction:
    from .rules import analyse, build_from

    model = model or load_model()
    analysis = analyse(transcript)
    kind = story_kind(transcript)
    units = build_units(transcript, analysis.sentences)
    forces = forces_from(units, predict_units(model, units, kind, cache_dir), analysis.pats)
    extraction = build_from(analysis, forces, "classifier")
    extraction.story_kind = kind  # type: ignore[assignment]
    return extraction


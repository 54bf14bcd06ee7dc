"""Extraction stage: one transcript in, one `Extraction` out.

Extractors: `rules` (spaCy lexicons, the first offline version), `classifier` (the trained
offline extractor: linear models over MiniLM embeddings and the rules' cues, weights shipped in
weights/forces.json), `llm` (an OpenAI-compatible model, every quote grounded) and `hybrid`
(classifier and LLM together, see hybrid.py). `auto` means hybrid when an LLM is configured and
the classifier otherwise, so the offline default always produces a full result. When the LLM
fails for an interview (down, time-outs, 429s, never valid output) that interview falls back to
the classifier and `Extraction.llm.error` records why; the stage prints nothing: the run (and
`jtbd eval`) show `fallback_warning` as one line.
"""
from __future__ import annotations

import os
from pathlib import Path

from schemas import Extraction, LLMUsage, Transcript

from ..errors import LLMError
from ..settings import Settings


def chosen_extractor(settings: Settings) -> str:
    if settings.extractor != "auto":
        return settings.extractor
    return "hybrid" if settings.llm.configured else "classifier"


def uses_classifier(settings: Settings) -> bool:
    return chosen_extractor(settings) in ("classifier", "hybrid")


def extract(transcript: Transcript, settings: Settings, cache_dir: Path | None = None, model=None) -> Extraction:
    """`model`: a ForceModel to use instead of the shipped weights (cross-validation)."""
    kind = chosen_extractor(settings)
    if kind == "rules":
        from .rules import extract_rules

        return extract_rules(transcript)
    offline = _offline(transcript, cache_dir, model)
    if kind == "classifier":
        return offline
    from ..privacy import guard_extraction
    from .llm import extract_llm

    cache = cache_dir or default_cache_dir()
    try:  # the LLM sees the transcript with personal data masked; quotes come back on the real turns
        llm = guard_extraction(transcript, settings, cache, lambda t: extract_llm(t, settings, cache_dir=cache))
    except LLMError as exc:
        return offline_fallback(offline, transcript, settings, exc)
    if kind == "llm":
        llm.story_kind = offline.story_kind
        return llm
    from .hybrid import combine

    return combine(offline, llm)


def _offline(transcript: Transcript, cache_dir: Path | None, model) -> Extraction:
    from .classifier import extract_classifier

    return extract_classifier(transcript, cache_dir=cache_dir, model=model)


def default_cache_dir() -> Path:
    """Where LLM answers are cached outside a workspace (`jtbd eval`): $JTBD_CACHE_DIR or ~/.cache/jtbd."""
    return Path(os.environ.get("JTBD_CACHE_DIR") or Path.home() / ".cache" / "jtbd")


def offline_fallback(offline: Extraction, transcript: Transcript, settings: Settings, exc: LLMError) -> Extraction:
    """The offline extraction, marked with the LLM failure (see fallback_warning)."""
    offline.llm = LLMUsage(model=settings.llm.model or "", error=exc.reason)
    return offline


def fallback_warning(extraction: Extraction) -> str | None:
    """One line for the caller to show when the offline extractor stood in for a failed LLM."""
    if extraction.llm and extraction.llm.error:
        return f"{extraction.llm.error}; using the offline extractor for this interview"
    return None


def extraction_fingerprint(settings: Settings) -> str:
    """Everything that changes an extraction: the extractor, its rule data files, weights, the
    MiniLM vectors the classifier reads (int8 or fp32), prompts and model."""
    from .classifier import weights_fingerprint
    from .rules import RULES_VERSION

    kind = chosen_extractor(settings)
    if kind == "rules":
        return f"rules-{RULES_VERSION}"
    from .features import encoder_name

    offline = f"classifier-{RULES_VERSION}-{weights_fingerprint()}-{encoder_name()}"
    if kind == "classifier":
        return offline
    from .llm import llm_fingerprint

    return f"{kind}-{offline}-{llm_fingerprint(settings)}"

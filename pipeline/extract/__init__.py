"""Extraction stage: one transcript in, one `Extraction` out, by rules, LLM, or both.

`auto` means hybrid when an LLM is configured and rules otherwise, so the offline default
always produces a full result.
"""
from __future__ import annotations

from pathlib import Path

from schemas import Extraction, Transcript

from ..settings import Settings


def chosen_extractor(settings: Settings) -> str:
    if settings.extractor != "auto":
        return settings.extractor
    return "hybrid" if settings.llm.configured else "rules"


def extract(transcript: Transcript, settings: Settings, cache_dir: Path | None = None) -> Extraction:
    kind = chosen_extractor(settings)
    if kind == "rules":
        from .rules import extract_rules

        return extract_rules(transcript)
    from .llm import extract_with_llm

    return extract_with_llm(transcript, settings, cache_dir=cache_dir, hybrid=(kind == "hybrid"))


def extraction_fingerprint(settings: Settings) -> str:
    """Everything that changes an extraction: the extractor, its rule data files, prompts and model."""
    from .rules import RULES_VERSION

    kind = chosen_extractor(settings)
    if kind == "rules":
        return f"rules-{RULES_VERSION}"
    from .llm import llm_fingerprint

    return f"{kind}-{RULES_VERSION}-{llm_fingerprint(settings)}"

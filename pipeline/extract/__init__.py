"""Extraction stage: one transcript in, one `Extraction` out, by rules, LLM, or both.

`auto` means hybrid when an LLM is configured and rules otherwise, so the offline default
always produces a full result. When the LLM fails for an interview (down, time-outs, 429s,
never valid output) that interview falls back to the rules with a one-line warning, and
`Extraction.llm.error` records why: nothing is lost, and the report can say which ones.
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
    return "hybrid" if settings.llm.configured else "rules"


def extract(transcript: Transcript, settings: Settings, cache_dir: Path | None = None) -> Extraction:
    from .rules import extract_rules

    kind = chosen_extractor(settings)
    if kind == "rules":
        return extract_rules(transcript)
    from ..privacy import guard_extraction
    from .llm import extract_with_llm

    cache = cache_dir or default_cache_dir()
    try:  # the LLM sees the transcript with personal data masked; quotes come back on the real turns
        return guard_extraction(transcript, settings, cache, lambda t: extract_with_llm(t, settings, cache_dir=cache, hybrid=(kind == "hybrid")))
    except LLMError as exc:
        return rules_fallback(transcript, settings, exc)


def default_cache_dir() -> Path:
    """Where LLM answers are cached outside a workspace (`jtbd eval`): $JTBD_CACHE_DIR or ~/.cache/jtbd."""
    return Path(os.environ.get("JTBD_CACHE_DIR") or Path.home() / ".cache" / "jtbd")


def rules_fallback(transcript: Transcript, settings: Settings, exc: LLMError) -> Extraction:
    """The rules' extraction, marked with the LLM failure, and one warning line on the console."""
    from rich.markup import escape

    from ..ui import say
    from .rules import extract_rules

    line = f"{transcript.interview.source}: {exc.reason}; using the rules extractor for this interview"
    say(f"[yellow]warning[/yellow] {escape(line)}")
    result = extract_rules(transcript)
    result.llm = LLMUsage(model=settings.llm.model or "", error=exc.reason)
    return result


def extraction_fingerprint(settings: Settings) -> str:
    """Everything that changes an extraction: the extractor, its rule data files, prompts and model."""
    from .rules import RULES_VERSION

    kind = chosen_extractor(settings)
    if kind == "rules":
        return f"rules-{RULES_VERSION}"
    from .llm import llm_fingerprint

    return f"{kind}-{RULES_VERSION}-{llm_fingerprint(settings)}"

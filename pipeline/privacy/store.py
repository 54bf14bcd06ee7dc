"""Where an interview's redaction lives, when it is fresh, and when it applies at all.

The redaction of interview <id> is `cache/redaction/<id>.json` in the workspace: derived data
(transcript + settings + the researcher's decisions, which review.json keeps), so it sits with the
other caches and is rebuilt when any of them changes. It holds the real words: nothing reads it
into an export or an LLM request; only the placeholders leave.
"""
from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

from schemas import Redaction, RedactionDecision, Transcript

from ..errors import BadInputError
from ..settings import Settings
from ..workspace import read_model, write_model

DETECTOR_VERSION = "1"  # bump when detect.py or resolve.py changes what they find


def redacts_llm(settings: Settings) -> bool:
    """Is everything sent to the LLM endpoint redacted? (the default whenever one is configured)"""
    return settings.redact.level != "off" and settings.llm.configured


def redacts_outputs(settings: Settings) -> bool:
    """Are the report, the exports and synthesis.md redacted too?"""
    return settings.redact.level == "outputs"


def needed(settings: Settings) -> bool:
    return redacts_llm(settings) or redacts_outputs(settings)


def transcript_digest(transcript: Transcript) -> str:
    data = [(t.speaker, t.text) for t in transcript.turns]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()[:20]


def fingerprint(settings: Settings) -> str:
    """Detector, its model and the redaction settings: a change in any of them redoes the redaction."""
    from .engine import detector_name

    redact = settings.redact
    data = [DETECTOR_VERSION, detector_name(), sorted(redact.entities), sorted(a.casefold() for a in redact.allow), redact.phone_regions]
    return hashlib.sha256(json.dumps(data).encode()).hexdigest()[:16]


def redaction_path(cache_dir: Path, interview_id: str) -> Path:
    return Path(cache_dir) / "redaction" / f"{interview_id}.json"


def stored(cache_dir: Path, interview_id: str) -> Redaction | None:
    path = redaction_path(cache_dir, interview_id)
    try:
        return read_model(path, Redaction) if path.is_file() else None
    except BadInputError:
        return None  # a damaged cache file is rebuilt


def redaction_for(transcript: Transcript, settings: Settings, cache_dir: Path,
                  decisions: list[RedactionDecision] | None = None) -> Redaction:
    """This transcript's redaction under these settings, from the cache when it is fresh, else
    built and cached. `decisions` None: keep the decisions the stored one was made with."""
    interview_id = transcript.interview.id
    old = stored(cache_dir, interview_id)
    digest, key = transcript_digest(transcript), fingerprint(settings)
    wanted = decisions if decisions is not None else (old.decisions if old else [])
    if old and (old.transcript_digest, old.fingerprint) == (digest, key):
        if old.decisions == wanted:
            return old
        redaction = with_decisions(old, transcript, wanted, settings)
    else:
        redaction = build(transcript, settings, wanted, digest, key)
    write_model(redaction_path(cache_dir, interview_id), redaction)
    return redaction


def build(transcript: Transcript, settings: Settings, decisions: list[RedactionDecision], digest: str, key: str) -> Redaction:
    from .detect import detect
    from .engine import detector_name

    detected = detect(transcript, settings.redact)
    base = Redaction(interview_id=transcript.interview.id, transcript_digest=digest, fingerprint=key,
                     detector=detector_name(), detected=detected)
    return with_decisions(base, transcript, decisions, settings)


def with_decisions(redaction: Redaction, transcript: Transcript, decisions: list[RedactionDecision], settings: Settings) -> Redaction:
    """Cheap: no NLP, only the allow-list, the researcher's decisions and the numbering."""
    from .resolve import resolve

    spans = resolve(transcript, redaction.detected, decisions, settings.redact.allow)
    return redaction.model_copy(update={"spans": spans, "decisions": list(decisions)})


def timed_build(transcript: Transcript, settings: Settings) -> tuple[Redaction, float]:
    """A fresh redaction and the seconds it took (for benchmarks/redaction.py)."""
    started = time.perf_counter()
    redaction = build(transcript, settings, [], transcript_digest(transcript), "benchmark")
    return redaction, time.perf_counter() - started

"""Interview coach: what the interviewer missed and what to ask next time. Rules first, same schema always."""
from __future__ import annotations

import hashlib
from pathlib import Path

from schemas import CoachReport, Extraction, Transcript

from ..settings import Settings
from .coverage import explored, gaps, talk_stats
from .rules import flag_questions

COACH_VERSION = "1"


def coach(transcript: Transcript, settings: Settings | None = None, extraction: Extraction | None = None) -> CoachReport:
    """Flags, coverage gaps and talk ratio for one interview. Uses the rules extraction for what the
    participant actually talked about (pass one in to reuse it)."""
    if extraction is None:
        from ..extract.rules import extract_rules

        extraction = extract_rules(transcript)
    stages, forces = explored(transcript, extraction)
    return CoachReport(
        interview_id=transcript.interview.id,
        flags=flag_questions(transcript),
        stages_explored=stages,
        forces_explored=forces,
        gaps=gaps(stages, forces),
        talk=talk_stats(transcript),
    )


def coach_fingerprint(settings: Settings) -> str:
    here = Path(__file__).parent
    data = b"".join((here / name).read_bytes() for name in ("lexicon.json", "questions.json"))
    from ..extract.rules import RULES_VERSION

    return f"coach-{COACH_VERSION}-{hashlib.sha256(data).hexdigest()[:12]}-{RULES_VERSION}"

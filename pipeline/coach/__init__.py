"""Interview coach: what the interviewer missed and what to ask next time. Rules first, same schema always.

The coach reads the extraction the run made (its stages are the journey map's, its story_kind
picks the follow-up questions) and never extracts on its own."""
from __future__ import annotations

import hashlib

from schemas import CoachReport, Extraction, Transcript

from ..settings import Settings
from .coverage import explored, follow_up_at, gaps, talk_stats
from .lexicon import DATA_FILES, HERE
from .rules import flag_questions

COACH_VERSION = "2"


def coach(transcript: Transcript, settings: Settings, extraction: Extraction) -> CoachReport:
    """Flags, coverage gaps and talk ratio for one interview, given its extraction."""
    stages, forces = explored(transcript, extraction)
    return CoachReport(
        interview_id=transcript.interview.id,
        flags=flag_questions(transcript, follow_up_at(extraction)),
        stages_explored=stages,
        forces_explored=forces,
        gaps=gaps(stages, forces, extraction),
        talk=talk_stats(transcript),
    )


def coach_fingerprint(settings: Settings) -> str:
    data = b"".join((HERE / name).read_bytes() for name in DATA_FILES)
    return f"coach-{COACH_VERSION}-{hashlib.sha256(data).hexdigest()[:12]}"

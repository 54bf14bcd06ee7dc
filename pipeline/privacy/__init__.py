"""Privacy: personal data found with Presidio over the bundled spaCy model, replaced by consistent
per-interview placeholders ([PERSON_1], [EMAIL_1]) before anything reaches an LLM endpoint and,
at level `outputs`, in the report, exports and synthesis.md.

    detect.py      Presidio recognizers, speaker names, repeats of a value found once
    resolve.py     allow-list, the researcher's additions and removals, placeholder numbering
    masking.py     masked text with an offset map back to the real turn
    store.py       the redaction file (cache/redaction/<id>.json), its key, when redaction applies
    guard.py       the LLM edge: masked transcript in, quotes mapped back out; masked synthesis brief
    sharing.py     the shared outputs at level `outputs`
"""
from __future__ import annotations

import hashlib
import json

from schemas import Review, Transcript

from ..settings import Settings
from ..workspace import Workspace, read_model
from .guard import guard_extraction, guard_synthesis, scrub_texts
from .sharing import interview_redaction, shared_report_data, shared_synthesis
from .store import fingerprint, needed, redaction_for, redaction_path, redacts_llm, redacts_outputs, transcript_digest

__all__ = [
    "guard_extraction", "guard_synthesis", "scrub_texts", "interview_redaction", "shared_report_data", "shared_synthesis",
    "needed", "redaction_for", "redaction_path", "redacts_llm", "redacts_outputs", "stage_key",
]


def stage_key(ws: Workspace, transcript: Transcript, settings: Settings) -> str:
    """What the redaction of one interview depends on: its text, the settings and the researcher's decisions."""
    path = ws.review_path(transcript.interview.id)
    decisions = read_model(path, Review).redactions if path.is_file() else []
    data = [transcript_digest(transcript), fingerprint(settings), [d.model_dump(exclude={"updated_at"}) for d in decisions]]
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:20]

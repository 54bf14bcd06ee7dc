"""CSV for sticky-note import into Miro or FigJam: one short note per row, the note's text first.

Both importers turn the first column into the sticky's text and keep a few more as tags or
table columns, so the row is: the note (at most NOTE_CHARS characters, a job story STORY_CHARS, naming the participant
and the turn it came from, a long quote shortened with "…"), what kind of note it is, its stage,
the participant, a reference back (interview + turn, as in the report and the review page) and
the researcher's own note.

Encoding: UTF-8 *with* a byte-order mark. Miro's and FigJam's CSV importers and Google Sheets
read it as UTF-8 and drop the mark, and Excel (where people often tidy a CSV before a
workshop) needs it to show "€", "é" or "—" correctly instead of mojibake. Fields are quoted
by the csv module (commas, quotes and newlines survive a round trip); read it back with
encoding="utf-8-sig".
"""
from __future__ import annotations

import csv
import io
import textwrap
from pathlib import Path

from schemas import Evidence
from schemas.vocabulary import FORCE_STYLES, KIND_LABELS, stage_label, turn_ref

from ..report.data import ItemView, ReportData

COLUMNS = ["Note", "Type", "Stage", "Participant", "Reference", "Researcher note"]
ENCODING = "utf-8-sig"
NOTE_CHARS = 140  # a sticky holds about this much at a readable size
STORY_CHARS = 200  # a job story keeps its "When …, I want to …, so I can …" whole more often than not
RESEARCHER_NOTE_CHARS = 200


def shorten(text: str, width: int) -> str:
    return textwrap.shorten(" ".join(str(text).split()), width, placeholder=" …")


def _note(words: str, who: str, where: str) -> str:
    """'“quote …” — who, where', the quote shortened so the whole note fits NOTE_CHARS."""
    tail = f" — {who}, {where}"
    return f"“{shorten(words, max(NOTE_CHARS - len(tail) - 2, 20))}”{tail}"


def item_row(v: ItemView, participant: str) -> dict[str, str]:
    item = v.item
    kind = FORCE_STYLES[item.type].label if v.kind == "force" else KIND_LABELS[v.kind]  # type: ignore[attr-defined]
    where = turn_ref(item.quote.turn)
    return {
        "Note": _note(v.text, participant, where), "Type": kind + (" (draft)" if v.draft else ""),
        "Stage": stage_label(v.stage) if v.stage else "", "Participant": participant,
        "Reference": f"{participant}, {where}", "Researcher note": shorten(item.note, RESEARCHER_NOTE_CHARS) if item.note else "",
    }


def _synth_row(text: str, kind: str, evidence: Evidence, names: dict[str, str], width: int = NOTE_CHARS) -> dict[str, str]:
    refs = "; ".join(f"{names.get(r.interview_id, r.interview_id)}, {turn_ref(r.turn)}" for r in evidence.refs[:3])
    more = f" (+{len(evidence.refs) - 3} more)" if len(evidence.refs) > 3 else ""
    return {"Note": shorten(text, width), "Type": kind, "Stage": "", "Participant": evidence.label,
            "Reference": refs + more, "Researcher note": ""}


def synthesis_rows(data: ReportData) -> list[dict[str, str]]:
    """Job stories and outcomes as notes too: a workshop sorts them beside the raw quotes."""
    if data.synthesis is None:
        return []
    names = {view.id: view.title for view in data.interviews}  # the participant as the item rows name them
    rows = [_synth_row(story.text, "Job story", story.evidence, names, STORY_CHARS) for story in data.synthesis.job_stories]
    for outcome in sorted(data.synthesis.outcomes, key=lambda o: -o.opportunity):
        rows.append(_synth_row(f"{outcome.statement} (opportunity {outcome.opportunity:.1f})", "Outcome", outcome.evidence, names))
    return rows


def render_csv(data: ReportData) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, quoting=csv.QUOTE_MINIMAL)
    writer.writeheader()
    for view in data.interviews:
        for v in view.items:
            writer.writerow(item_row(v, view.title))
    writer.writerows(synthesis_rows(data))
    return buffer.getvalue()


def write_csv(data: ReportData, out: Path) -> list[Path]:
    path = out / "sticky-notes.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    # bytes, not text mode: the csv module's \r\n line ends must not be translated again on Windows
    tmp = path.with_suffix(".csv.tmp")
    tmp.write_bytes(render_csv(data).encode(ENCODING))
    tmp.replace(path)
    return [path]

"""CSV for sticky-note import into Miro or FigJam: one row per item, the note's text first.

Encoding: UTF-8 *with* a byte-order mark. Miro's and FigJam's CSV importers and Google Sheets
read it as UTF-8 and drop the mark, and Excel (where people often tidy a CSV before a
workshop) needs it to show "€", "é" or "—" correctly instead of mojibake. Fields are quoted
by the csv module (commas, quotes and newlines survive a round trip); read it back with
encoding="utf-8-sig".
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from ..report.data import ItemView, ReportData
from ..workspace import write_text_atomic

COLUMNS = ["text", "type", "force_type", "interview", "stage", "quote", "speaker", "timestamp", "turn",
           "extractor", "verdict", "confidence", "evidence", "score", "item_id"]
ENCODING = "utf-8-sig"


def item_row(v: ItemView) -> dict[str, str]:
    item = v.item
    return {
        "text": v.text, "type": v.kind, "force_type": getattr(item, "type", ""), "interview": v.interview_id,
        "stage": v.stage or "", "quote": item.quote.text, "speaker": v.speaker, "timestamp": v.timestamp,
        "turn": str(item.quote.turn + 1), "extractor": item.extractor, "verdict": item.verdict,
        "confidence": f"{item.confidence:.2f}", "evidence": "", "score": "", "item_id": item.id,
    }


def synthesis_rows(data: ReportData) -> list[dict[str, str]]:
    """Job stories and outcomes as notes too: a workshop sorts them beside the raw quotes."""
    if data.synthesis is None:
        return []
    rows = []
    for story in data.synthesis.job_stories:
        rows.append(_synth_row(story.text, "job_story", story.evidence, story.id, ""))
    for outcome in sorted(data.synthesis.outcomes, key=lambda o: -o.opportunity):
        rows.append(_synth_row(outcome.statement, "outcome", outcome.evidence, outcome.id, f"{outcome.opportunity:.1f}"))
    return rows


def _synth_row(text: str, kind: str, evidence, id_: str, score: str) -> dict[str, str]:
    first = evidence.refs[0] if evidence.refs else None
    row = dict.fromkeys(COLUMNS, "")
    row.update(text=text, type=kind, interview="; ".join(evidence.participants), quote=first.quote if first else "",
               evidence=evidence.label, score=score, item_id=id_, extractor="synthesis")
    return row


def render_csv(data: ReportData) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, quoting=csv.QUOTE_MINIMAL)
    writer.writeheader()
    for v in data.all_items():
        writer.writerow(item_row(v))
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

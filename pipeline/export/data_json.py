"""JSON export: the whole synthesis plus every visible item, for other tools. Quotes keep the
0-based `turn` index of the data files; `turn_number` is the 1-based turn people see elsewhere."""
from __future__ import annotations

import json
from pathlib import Path

from schemas.vocabulary import turn_number

from ..report.data import ReportData
from ..workspace import write_text_atomic

EXPORT_VERSION = 1


def export_dict(data: ReportData) -> dict:
    interviews = []
    for view in data.interviews:
        items = []
        for v in view.items:
            item = v.item.model_dump(mode="json")
            item.update(stage=v.stage, speaker=v.speaker, draft=v.draft, turn_number=turn_number(v.item.quote.turn))
            items.append(item)
        interviews.append({"id": view.id, "title": view.title, "source": view.source, "review_state": view.state, "items": items})
    return {
        "format": "jtbd-export",
        "version": EXPORT_VERSION,
        "generated_at": data.generated_at,
        "include_all": data.include_all,
        "interviews": interviews,
        "synthesis": data.synthesis.model_dump(mode="json") if data.synthesis else None,
    }


def write_json(data: ReportData, out: Path) -> list[Path]:
    path = out / "jtbd-export.json"
    write_text_atomic(path, json.dumps(export_dict(data), ensure_ascii=False, indent=2))
    return [path]

"""`jtbd export`: the workshop pack. Markdown to read, CSV for sticky notes (Miro/FigJam), JSON for
tools, and printable job-story cards. Same visibility rule as the report (see report.data)."""
from __future__ import annotations

from pathlib import Path

from ..errors import BadInputError
from ..report.data import load_report_data
from ..settings import Settings
from ..workspace import Workspace
from .cards import write_cards
from .data_json import write_json
from .markdown import write_markdown
from .stickies import write_csv

FORMATS = ("md", "csv", "json", "cards")
WRITERS = {"md": write_markdown, "csv": write_csv, "json": write_json, "cards": write_cards}

__all__ = ["export", "FORMATS"]


def export(ws: Workspace, settings: Settings, formats: list[str] | None = None, dest: Path | None = None,
           include_all: bool = False) -> list[Path]:
    """Write the chosen formats (None: all) into `dest` (default ws.exports_dir); return the files written."""
    unknown = sorted(set(formats or []) - set(FORMATS))
    if unknown:
        raise BadInputError(f"unknown export format(s) {', '.join(unknown)}; choose from {', '.join(FORMATS)}")
    if not ws.interview_ids():
        raise BadInputError("nothing to export yet: run `jtbd run` on this folder first", str(ws.folder))
    from ..privacy import shared_report_data

    data = shared_report_data(load_report_data(ws, include_all=include_all), ws, settings)  # masked at redact = "outputs"
    out = Path(dest) if dest else ws.exports_dir
    if out.exists() and not out.is_dir():
        raise BadInputError("export destination is a file, not a folder", str(out))
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for fmt in [f for f in FORMATS if formats is None or f in formats]:
        written += WRITERS[fmt](data, out)
    return written

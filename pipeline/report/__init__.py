"""`jtbd report`: one self-contained HTML file (inline CSS and SVG, no scripts, no URLs) that opens
offline from disk and prints cleanly."""
from __future__ import annotations

from pathlib import Path

from ..settings import Settings
from ..workspace import Workspace, write_text_atomic
from .data import ReportData, load_report_data, quote_anchor
from .render import render_report

__all__ = ["write_report", "render_report", "load_report_data", "ReportData", "quote_anchor"]


def write_report(ws: Workspace, settings: Settings, include_all: bool = False) -> Path:
    """Write ws.report_dir/index.html and return its path.

    Default: per interview only accepted items; with `include_all`, pending items too (marked as
    drafts). Rejected items never appear. At redact level `outputs` personal data is masked.
    While some interview is not reviewed, drafts.html beside it is the `include_all` page, which
    index.html links to (a first run's index counts nothing yet and says so)."""
    from ..privacy import shared_report_data

    data = shared_report_data(load_report_data(ws, include_all=include_all), ws, settings)  # masked at redact = "outputs"
    path = ws.report_path
    write_text_atomic(path, render_report(data))
    drafts = ws.drafts_report_path
    if not include_all and data.not_reviewed:  # the page index.html links to, for what is not reviewed yet
        write_text_atomic(drafts, render_report(shared_report_data(load_report_data(ws, include_all=True), ws, settings)))
    elif not include_all:
        drafts.unlink(missing_ok=True)  # every interview reviewed: the reviewed page says it all
    return path

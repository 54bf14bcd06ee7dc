"""Read a real folder's outputs as a researcher would, in Chromium: the first-run report, then one
interview reviewed on the review page, the same quote on the review page and in the report, the
job-story cards measured for overflow, and the sticky-note CSV.

    python benchmarks/workshop_outputs.py FOLDER INTERVIEW_ID [--out tests/artifacts]

FOLDER must already hold `jtbd run` results; it is copied first, so its own review.json files stay
as they are. Screenshots and cards-real-measured.json go to --out; the CSV's first rows and the
measurements are printed.
"""
from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from pipeline.export import export  # noqa: E402
from pipeline.report import quote_anchor, write_report  # noqa: E402
from pipeline.review.server import create_app  # noqa: E402
from pipeline.settings import Settings  # noqa: E402
from pipeline.workspace import Workspace  # noqa: E402
from schemas.vocabulary import STAGE_LABELS  # noqa: E402
from test_cards_browser import MEASURE  # noqa: E402

ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def serve(folder: Path) -> tuple[str, uvicorn.Server]:
    server = uvicorn.Server(uvicorn.Config(create_app(folder, Settings(progress=False)), host="127.0.0.1", port=8765, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return "http://127.0.0.1:8765", server


def review(url: str, interview_id: str) -> str:
    """A researcher's pass over one interview: accept what reads right, reject what does not, note one, mark reviewed.
    Returns the id of the force the screenshots centre on."""
    items = httpx.get(f"{url}/api/i/{interview_id}").json()["items"]
    for item in items:
        verdict = "accepted" if item["confidence"] >= 0.5 or item["kind"] != "force" else "rejected"
        httpx.post(f"{url}/api/i/{interview_id}/items/{item['id']}", json={"verdict": verdict}).raise_for_status()
    focus = next(i for i in items if i["kind"] == "force" and i["stage"] and i["confidence"] >= 0.5)
    httpx.post(f"{url}/api/i/{interview_id}/items/{focus['id']}", json={"note": "Ask which tool they tried first"}).raise_for_status()
    httpx.post(f"{url}/api/i/{interview_id}/state", json={"state": "reviewed"}).raise_for_status()
    return focus["id"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("interview")
    parser.add_argument("--out", type=Path, default=ROOT / "tests" / "artifacts")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp()) / args.folder.name
    shutil.copytree(args.folder, folder)
    ws = Workspace(folder)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(write_report(ws, Settings()).as_uri())
        page.locator("#overview").screenshot(path=str(args.out / "first-run-report.png"))

        url, server = serve(folder)
        focus = review(url, args.interview)
        write_report(ws, Settings())
        export(ws, Settings())
        page.goto(f"{url}/i/{args.interview}#{focus}")
        page.wait_for_selector("#inspector blockquote")
        page.wait_for_timeout(1300)
        facts = page.locator("#inspector .facts").inner_text()
        stage = page.locator("#inspector select[aria-label=Stage] option:checked").inner_text()
        page.screenshot(path=str(args.out / "consistency-review.png"))
        server.should_exit = True

        anchor = quote_anchor(args.interview, focus)
        page.goto(f"{ws.report_dir.joinpath('index.html').as_uri()}#{anchor}")
        meta = page.locator(f"#{anchor} .q-meta").inner_text()
        page.locator(f"#{anchor}").scroll_into_view_if_needed()
        page.screenshot(path=str(args.out / "consistency-report.png"))
        print(f"review page: {facts.split()[:2]} · stage {stage!r}\nreport:      {meta}")
        assert facts.split()[1] in meta and stage in STAGE_LABELS.values() and stage in meta

        measured = {}
        for paper in ("a4", "letter"):
            page.goto((ws.exports_dir / f"job-story-cards-{paper}.html").as_uri())
            measured[paper] = page.evaluate(MEASURE)
            if paper == "a4":
                page.screenshot(path=str(args.out / "cards-real-a4.png"), full_page=True)
        (args.out / "cards-real-measured.json").write_text(json.dumps(measured, indent=1), encoding="utf-8")
        for paper, cards in measured.items():
            worst = max(cards, key=lambda c: c["need_px"] - c["room_px"])
            bad = [c["id"] for c in cards if c["out"] or c["need_px"] > c["room_px"] + 1]
            print(f"cards {paper}: {len(cards)} cards, overflowing: {bad or 'none'}; tightest {worst['id']} needs {worst['need_px']} of {worst['room_px']} px")
        browser.close()

    with open(ws.exports_dir / "sticky-notes.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    print(f"\nsticky-notes.csv: {len(rows)} rows, {len(rows[0])} columns, longest note {max(len(r['Note']) for r in rows)} characters")
    print("| " + " | ".join(rows[0]) + " |\n|" + "---|" * len(rows[0]))
    for row in rows[:10]:
        print("| " + " | ".join(v.replace("|", "\\|") for v in row.values()) + " |")


if __name__ == "__main__":
    main()

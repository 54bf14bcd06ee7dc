"""The HTML report: self-contained, escaped, reviewed-in items only by default, and usable in a
real browser (quadrants, cards, heatmap, evidence links that land on their quote). The printed
job-story cards are tested here too, so one module holds this suite's browser."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from browser import ARTIFACTS
from pipeline.export import export
from pipeline.report import write_report
from pipeline.settings import Settings
from pipeline.workspace import Workspace, read_model, write_model
from schemas import Synthesis
from test_report_data import ITEMS, SCRIPT, build_workspace

ACCEPTED = [row for row in ITEMS if row[-1] == "accepted"]
PENDING_QUOTE = "We'd just order takeaway, that was our default. I was used to it, honestly."
REJECTED_QUOTE = "My boss approved it on a Monday."


@pytest.fixture
def report(tmp_path: Path) -> Path:
    return write_report(build_workspace(tmp_path), Settings())


def test_report_is_one_self_contained_file(report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    assert report.name == "index.html" and report.parent.name == "report"
    assert "http://" not in html and "https://" not in html  # no CDN, no fonts, not even a namespace URL
    assert not re.search(r"""(src|href)\s*=\s*["']?(//|[a-z]+:)""", html, re.I)  # only in-page #anchors
    assert "<link" not in html and "@import" not in html and "url(" not in html
    assert "<script" not in html.lower()  # content needs no JS, and transcript text is escaped
    assert "&lt;script&gt;alert(" in html
    assert "@media print" in html


def test_default_report_shows_only_accepted_items(report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    assert REJECTED_QUOTE not in html
    assert PENDING_QUOTE not in html
    assert "I spent every Friday chasing invoices." not in html.split('id="clusters"')[0]  # 03 is not reviewed
    assert 'id="not-reviewed"' in html and "jtbd review interviews" in html
    for interview_id, kind, turn, phrase, *_ in ACCEPTED:
        assert f"“{phrase.replace(chr(10), ' ')}”" in html.replace("\n", " ").replace("&#34;", '"').replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">")


def test_include_all_shows_drafts_marked_and_never_rejected(tmp_path: Path) -> None:
    html = write_report(build_workspace(tmp_path), Settings(), include_all=True).read_text(encoding="utf-8")
    assert PENDING_QUOTE.replace("'", "&#39;") in html
    assert REJECTED_QUOTE not in html
    drafts = re.findall(r'<blockquote class="[^"]*is-draft[^"]*"', html)
    assert len(drafts) == sum(1 for row in ITEMS if row[-1] == "pending")


def test_a_first_run_says_why_it_counts_nothing_and_links_the_drafts(tmp_path: Path) -> None:
    ws = build_workspace(tmp_path)
    for interview_id in ws.interview_ids():
        ws.review_path(interview_id).unlink(missing_ok=True)  # a first run: no review yet
    index = write_report(ws, Settings())
    html, text = index.read_text(encoding="utf-8"), lambda h: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", h))
    callout = text(html.split('id="first-run"')[1].split("</div>")[0])
    pushes = sum(1 for row in ITEMS if row[4] == "push")
    assert "Nothing reviewed yet: these are the extractor" in callout and "shows 0" in callout
    assert f"The drafts hold {pushes} push, " in callout and "1 struggling moment" in callout and "3 job stories" in callout
    assert 'href="drafts.html"' in html and f'data-drafts="push">{pushes} in the drafts' in html
    drafts = (index.parent / "drafts.html").read_text(encoding="utf-8")
    assert "incl. drafts" in drafts and len(re.findall(r'<blockquote class="[^"]*is-draft', drafts)) == len(ITEMS)
    assert "Every count and quote on this page is the machine" in text(drafts)
    (tmp_path / "done").mkdir()
    reviewed = write_report(build_workspace(tmp_path / "done"), Settings())  # some review done: no first-run line
    assert 'id="first-run"' not in reviewed.read_text(encoding="utf-8")


def test_report_without_synthesis_or_interviews_says_so(tmp_path: Path) -> None:
    html = write_report(build_workspace(tmp_path, synthesis=False), Settings()).read_text(encoding="utf-8")
    assert "No synthesis yet" in html and "jtbd run interviews" in html
    empty = tmp_path / "empty"
    empty.mkdir()
    html = write_report(Workspace(empty), Settings()).read_text(encoding="utf-8")
    assert "No interviews processed yet" in html


def test_cli_report_prints_the_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import cli

    ws = build_workspace(tmp_path)
    assert cli.main(["report", str(ws.folder), "--all"]) == 0
    out = capsys.readouterr().out.strip()
    assert out == str(ws.report_dir / "index.html") and Path(out).is_file()


# in a browser ------------------------------------------------------------------------------

def _open(page, report: Path) -> list[str]:  # noqa: F811
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(report.as_uri())
    return requests


def _shot(page, selector: str, name: str) -> Path:  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.locator(selector).screenshot(path=str(path))
    return path


@pytest.mark.browser
def test_report_in_browser(page, report: Path) -> None:  # noqa: F811
    from playwright.sync_api import expect

    requests = _open(page, report)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-overview.png"))
    expect(page.get_by_role("heading", name="Not reviewed yet")).to_be_visible()
    expect(page.locator("#not-reviewed")).to_contain_text("03-accounting")
    expect(page.get_by_role("heading", name="Read this first")).to_be_visible()

    forces = page.locator("#interview-01-project-tool figure.forces svg")
    for label in ("Push", "Pull", "Anxiety", "Habit"):
        expect(forces.locator("text", has_text=re.compile(f"^{label}$"))).to_be_visible()
    expect(forces.locator("text", has_text="2 quotes").first).to_be_visible()

    card = page.locator("#story-s1")
    expect(card).to_be_visible()
    expect(card).to_contain_text("When work slips through the cracks")
    expect(card).to_contain_text("3 of 3 participants")

    heat = page.locator("#heatmap svg")
    expect(heat).to_be_visible()
    push_first = sum(1 for r in ACCEPTED if r[1] == "force" and r[4] == "push" and r[5] == "first_thought")
    assert f"Push in First thought: {push_first} quotes from 2 interview(s)" in page.content()

    # nothing was fetched but the file itself
    assert requests and all(url.startswith("file://") for url in requests), requests
    assert not page.js_errors
    for selector, name in [("#heatmap", "report-heatmap.png"), ("#stories", "report-job-stories.png"),
                           ("#outcomes", "report-outcomes.png"), ("#interview-01-project-tool", "report-interview.png"),
                           ("#interview-01-project-tool figure.forces", "report-four-forces.png"),
                           ("#interview-01-project-tool .chart-figure >> nth=0", "report-journey-map.png")]:
        page.add_style_tag(content=".toc { position: static; }")  # keep the sticky bar out of element shots
        _shot(page, selector, name)


@pytest.mark.browser
def test_evidence_link_lands_on_its_quote(page, report: Path) -> None:  # noqa: F811
    from playwright.sync_api import expect

    _open(page, report)
    link = page.locator("#story-s1 a.ev-link").first
    href = link.get_attribute("href")
    quote = link.inner_text().strip("“”")
    link.click()
    page.wait_for_function("h => location.hash === h", arg=href)
    target = page.locator(href)
    expect(target).to_be_in_viewport()
    assert page.evaluate("document.querySelector(':target').id") == href[1:]
    expect(target).to_contain_text(quote)
    assert target.evaluate("e => e.closest('article').id") == "interview-01-project-tool"


@pytest.mark.browser
def test_journey_marker_links_to_its_quote_and_print_hides_navigation(page, report: Path) -> None:  # noqa: F811
    from playwright.sync_api import expect

    _open(page, report)
    marker = page.locator("#interview-02-meal-kit .chart-figure >> nth=0").locator("svg a").first
    href = marker.get_attribute("href")
    marker.click()
    page.wait_for_function("h => location.hash === h", arg=href)
    expect(page.locator(href)).to_be_in_viewport()
    expect(page.locator(href)).to_contain_text("spinach")  # first push in that interview
    page.emulate_media(media="print")
    expect(page.locator("nav.toc")).to_be_hidden()
    pdf = page.pdf(format="A4")
    assert pdf[:4] == b"%PDF" and len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 4  # overview, synthesis, interviews


@pytest.mark.browser
def test_script_in_transcript_stays_text_in_browser(page, report: Path) -> None:  # noqa: F811
    _open(page, report)
    assert page.evaluate("document.scripts.length") == 0
    body = page.inner_text("#interview-02-meal-kit")
    assert SCRIPT in body  # shown literally, as the participant's words


@pytest.mark.browser
def test_cards_print_six_a_sheet_on_a4_and_letter(page, tmp_path: Path) -> None:  # noqa: F811
    ws = build_workspace(tmp_path)
    synthesis = read_model(ws.synthesis_path, Synthesis)
    extra = [synthesis.job_stories[n % 3].model_copy(update={"id": f"x{n}"}) for n in range(4)]
    write_model(ws.synthesis_path, synthesis.model_copy(update={"job_stories": synthesis.job_stories + extra}))
    a4, letter = export(ws, Settings(), ["cards"], None, False)
    for path, (width, height) in ((a4, (595, 842)), (letter, (612, 792))):
        page.goto(path.as_uri())
        if path == a4:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "report-cards-a4.png"), full_page=True)
        assert page.locator(".card").count() == 7
        page.emulate_media(media="print")
        pdf = page.pdf(prefer_css_page_size=True)
        pages = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
        assert len(pages) == 2, f"{path.name}: 7 cards should fill two sheets, got {len(pages)}"
        assert all(abs(float(w) - width) < 2 and abs(float(h) - height) < 2 for w, h in pages)
        page.emulate_media(media="screen")

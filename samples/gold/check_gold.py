"""Check the gold labels in samples/gold/ against their transcripts.

Run from the repository root:  python samples/gold/check_gold.py

For every `<interview>.gold.json` it
- validates the file against `schemas.gold.GoldLabels`;
- finds the transcript (samples/<interview> or samples/gold/<interview>) and splits it into
  speaker segments: one turn per `**Name**: text` / `Name: text` line for .md/.txt, one cue or
  subtitle per segment for .vtt/.srt (so a quote can never span two cues);
- works out the interviewer (the speaker labelled "Interviewer", else the one whose segments are
  most often questions);
- checks that every force quote is a verbatim substring (whitespace normalised) of exactly one
  participant segment, that no two force quotes overlap, and that every planted-flag quote is a
  substring of an interviewer segment;
- lints the interviewer's questions: a good interview (no planted flags) must have none that look
  leading, hypothetical, closed or pitching; in a bad one every such question must be labelled;
- prints the spoken word count of each interview and its counts of forces and flags.

Uses only the standard library and pydantic. Exit status 1 when anything is wrong.
"""
from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

sys.dont_write_bytecode = True  # leave no __pycache__ in schemas/
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from pydantic import ValidationError  # noqa: E402

from schemas.gold import GoldLabels  # noqa: E402

GOLD_DIR = Path(__file__).resolve().parent
SAMPLES = GOLD_DIR.parent
TRANSCRIPT_EXT = {".md", ".txt", ".vtt", ".srt"}
FORCE_TYPES = ("push", "pull", "anxiety", "habit")
FLAG_KINDS = ("leading", "hypothetical", "closed", "pitch")

MD_TURN = re.compile(r"^\*\*(?P<name>[^*]+)\*\*\s*:\s*(?P<text>.*)$")
TXT_TURN = re.compile(r"^(?P<name>[A-Z][\w.' -]{0,40}?)\s*:\s+(?P<text>.+)$")
TIMING = re.compile(
    r"^(?P<a>\d{2}:\d{2}:\d{2}[.,]\d{3})\s+-->\s+(?P<b>\d{2}:\d{2}:\d{2}[.,]\d{3})(?:\s.*)?$"
)

# Interviewer question openings that a coach should flag (used only as a lint).
SUSPECT = [
    ("leading", re.compile(r"^(don't you|wouldn't you|isn't it|aren't you|doesn't it|you must|i assume|so the .* didn't it)", re.I)),
    ("leading", re.compile(r"(, right\?|, aren't you\?|, didn't it\?|, isn't it\?|, wasn't it\?)$", re.I)),
    ("hypothetical", re.compile(r"^(would you|what if|imagine|how likely would|if we)", re.I)),
    ("closed", re.compile(r"^(did|was|were|is|are|do|does|have|has|had|can|could|will)\b", re.I)),
    ("pitch", re.compile(r"^(our|we're|we are|we have|we've)\b", re.I)),
]


def norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def seconds(ts: str) -> float:
    h, m, rest = ts.replace(",", ".").split(":")
    return int(h) * 3600 + int(m) * 60 + float(rest)


class Segment:
    def __init__(self, speaker: str, text: str, where: str):
        self.speaker, self.text, self.where = speaker, text, where


def parse_lines(path: Path, pattern: re.Pattern, errors: list[str]) -> list[Segment]:
    segs: list[Segment] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        m = pattern.match(line)
        if m:
            segs.append(Segment(m["name"].strip(), m["text"].strip(), f"line {n}"))
        elif segs and not line.startswith("#"):
            segs[-1].text += " " + line.strip()  # continuation line of the previous turn
        # anything before the first turn (title, notes) is preamble
    if not segs:
        errors.append(f"{path.name}: no speaker turns found")
    return segs


def parse_cues(path: Path, errors: list[str]) -> list[Segment]:
    raw = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    blocks = [b for b in re.split(r"\n\s*\n", raw.strip()) if b.strip()]
    if path.suffix == ".vtt":
        if not blocks or not blocks[0].startswith("WEBVTT"):
            errors.append(f"{path.name}: missing WEBVTT header")
        blocks = blocks[1:]
    segs: list[Segment] = []
    last_end = 0.0
    for i, block in enumerate(blocks, 1):
        lines = block.splitlines()
        t = next((k for k, ln in enumerate(lines) if "-->" in ln), None)
        if t is None:
            errors.append(f"{path.name}: cue {i} has no timing line")
            continue
        m = TIMING.match(lines[t].strip())
        if not m:
            errors.append(f"{path.name}: cue {i} bad timing line {lines[t]!r}")
            continue
        sep_ok = ("." if path.suffix == ".vtt" else ",") in m["a"]
        if not sep_ok:
            errors.append(f"{path.name}: cue {i} uses the wrong millisecond separator for {path.suffix}")
        a, b = seconds(m["a"]), seconds(m["b"])
        if not (last_end <= a < b):
            errors.append(f"{path.name}: cue {i} timings not increasing ({m['a']} --> {m['b']})")
        last_end = b
        if path.suffix == ".srt" and (t == 0 or lines[0].strip() != str(i)):
            errors.append(f"{path.name}: subtitle {i} is not numbered {i}")
        text = norm(" ".join(lines[t + 1:]))
        sm = re.match(r"^(?P<name>[^:]{1,40}):\s+(?P<text>.+)$", text)
        if not sm:
            errors.append(f"{path.name}: cue {i} text has no 'Name: ' prefix")
            continue
        segs.append(Segment(sm["name"].strip(), sm["text"].strip(), f"cue {i} ({m['a']})"))
    return segs


def parse(path: Path, errors: list[str]) -> list[Segment]:
    if path.suffix == ".md":
        return parse_lines(path, MD_TURN, errors)
    if path.suffix == ".txt":
        return parse_lines(path, TXT_TURN, errors)
    return parse_cues(path, errors)


def interviewer_of(segs: list[Segment]) -> str:
    speakers = list(dict.fromkeys(s.speaker for s in segs))
    for sp in speakers:
        if sp.lower() == "interviewer":
            return sp

    def q_share(sp: str) -> float:
        mine = [s for s in segs if s.speaker == sp]
        return sum(s.text.rstrip().endswith("?") for s in mine) / len(mine)

    return max(speakers, key=q_share)


def questions(text: str) -> list[str]:
    """Question sentences of one interviewer turn (a sentence ends at . ! or ?)."""
    parts = re.findall(r"[^.!?]*\?", text)
    return [norm(p) for p in parts if p.strip()]


def spoken_words(segs: list[Segment]) -> tuple[int, int]:
    inter = interviewer_of(segs)
    iw = sum(len(s.text.split()) for s in segs if s.speaker == inter)
    pw = sum(len(s.text.split()) for s in segs if s.speaker != inter)
    return iw, pw


def find_transcript(name: str) -> Path | None:
    for folder in (SAMPLES, GOLD_DIR):
        p = folder / name
        if p.is_file():
            return p
    return None


def check(gold_path: Path, errors: list[str], warnings: list[str]) -> dict | None:
    label = gold_path.name
    try:
        gold = GoldLabels.model_validate(json.loads(gold_path.read_text(encoding="utf-8")))
    except (ValidationError, json.JSONDecodeError) as exc:
        errors.append(f"{label}: schema: {exc}")
        return None
    expected = gold_path.name[: -len(".gold.json")]
    if gold.interview != expected:
        errors.append(f"{label}: interview is {gold.interview!r}, expected {expected!r}")
    path = find_transcript(gold.interview)
    if path is None:
        errors.append(f"{label}: transcript {gold.interview!r} not found in samples/ or samples/gold/")
        return None
    segs = parse(path, errors)
    if not segs:
        return None
    inter = interviewer_of(segs)
    part = [s for s in segs if s.speaker != inter]
    inter_segs = [s for s in segs if s.speaker == inter]
    raw = norm(path.read_text(encoding="utf-8"))
    joined = norm(" ".join(s.text for s in segs))

    spans: dict[int, list[tuple[int, int, str]]] = {}
    for f in gold.forces:
        q = norm(f.quote)
        if f.quote != f.quote.strip() or q != f.quote:
            errors.append(f"{label}: force quote has stray whitespace: {f.quote!r}")
        hits = [(k, s) for k, s in enumerate(part) if q in norm(s.text)]
        if not hits:
            if any(q in norm(s.text) for s in inter_segs):
                where = "it is in an interviewer turn"
            elif q in joined:
                where = "it spans two turns, cues or subtitles"
            elif q in raw:
                where = "it is in the file but not in a speaker's text"
            else:
                where = "it is not in the transcript at all"
            errors.append(f"{label}: force quote is not inside one participant segment ({where}): {f.quote!r}")
            continue
        if len(hits) > 1 or norm(hits[0][1].text).count(q) > 1:
            warnings.append(f"{label}: force quote occurs more than once: {f.quote!r}")
        k, s = hits[0]
        start = norm(s.text).index(q)
        for a, b, other in spans.get(k, []):
            if start < b and a < start + len(q):
                errors.append(f"{label}: force quotes overlap in {s.where}: {other!r} / {f.quote!r}")
        spans.setdefault(k, []).append((start, start + len(q), f.quote))
        if len(re.findall(r"[.!?](?:\s|$)", q)) > 2:
            warnings.append(f"{label}: force quote longer than two sentences: {f.quote!r}")

    seen = Counter(norm(f.quote) for f in gold.forces)
    for q, n in seen.items():
        if n > 1:
            errors.append(f"{label}: force quote labelled {n} times: {q!r}")

    flagged: set[str] = set()
    for fl in gold.planted_flags:
        q = norm(fl.quote)
        if fl.quote != fl.quote.strip() or q != fl.quote:
            errors.append(f"{label}: flag quote has stray whitespace: {fl.quote!r}")
        if not any(q in norm(s.text) for s in inter_segs):
            errors.append(f"{label}: flag quote is not inside one interviewer segment: {fl.quote!r}")
        flagged.add(q)

    # Lint the interviewer's questions.
    for s in inter_segs:
        for qs in questions(s.text):
            kinds = [k for k, rx in SUSPECT if rx.search(qs)]
            is_flagged = any(qs in f or f in qs for f in flagged)
            if kinds and not is_flagged:
                msg = f"{label}: unlabelled interviewer question looks {'/'.join(dict.fromkeys(kinds))} ({s.where}): {qs!r}"
                (errors if not gold.planted_flags else warnings).append(msg)
    if not gold.planted_flags:
        probes = sum(bool(re.search(r"why was .* important", s.text, re.I)) for s in inter_segs)
        if probes == 0:
            warnings.append(f"{label}: good interview without a 'why was that important' probe")

    iw, pw = spoken_words(segs)
    return {
        "interview": gold.interview,
        "where": str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path),
        "interviewer": inter,
        "participant": ", ".join(dict.fromkeys(s.speaker for s in part)),
        "words": iw + pw,
        "participant_words": pw,
        "forces": Counter(f.type for f in gold.forces),
        "flags": Counter(f.kind for f in gold.planted_flags),
    }


def main() -> int:
    errors: list[str] = []
    warnings: list[str] = []
    rows = []
    gold_files = sorted(GOLD_DIR.glob("*.gold.json"))
    if not gold_files:
        errors.append("no *.gold.json files found")
    for g in gold_files:
        row = check(g, errors, warnings)
        if row:
            rows.append(row)

    labelled = {g.name[: -len(".gold.json")] for g in gold_files}
    for p in sorted(SAMPLES.iterdir()):
        if p.is_file() and p.suffix in TRANSCRIPT_EXT and p.name not in labelled and p.name.lower() != "readme.md":
            errors.append(f"{p.name}: transcript has no gold file")

    head = f"{'interview':<24} {'words':>5} {'partic.':>7}  " + " ".join(f"{t:>7}" for t in FORCE_TYPES) + "  " + " ".join(f"{k[:5]:>5}" for k in FLAG_KINDS)
    print(head)
    print("-" * len(head))
    for r in rows:
        print(
            f"{r['interview']:<24} {r['words']:>5} {r['participant_words']:>7}  "
            + " ".join(f"{r['forces'][t]:>7}" for t in FORCE_TYPES)
            + "  "
            + " ".join(f"{r['flags'][k]:>5}" for k in FLAG_KINDS)
        )
    print(f"\n{len(rows)} gold file(s); interviewer / participant: " + "; ".join(f"{r['interview']}: {r['interviewer']} / {r['participant']}" for r in rows))
    for w in warnings:
        print(f"WARNING {w}")
    for e in errors:
        print(f"ERROR {e}")
    print("OK" if not errors else f"{len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

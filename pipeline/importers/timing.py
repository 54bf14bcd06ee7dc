"""Caption cue timings ('00:01:02.500 --> 00:01:05.000'), read strictly enough to notice bad ones.

A timing that cannot be read, that names an impossible time (minute 99), that is past any
interview's length, or that ends before it starts, leaves its cue without a time; the cue's
words are always kept. Every such cue is counted in one warning line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# hours optional and of any width; minutes and seconds of one or two digits (Teams writes 0:0:5.3)
_TIME = re.compile(r"^(?:(?P<h>\d+):)?(?P<m>\d{1,2}):(?P<s>\d{1,2})(?:[.,](?P<f>\d{1,3}))?$")
_SIDES = re.compile(r"^\s*(?P<start>[^\s>]*?)\s*-+>\s*(?P<end>\S+)?")
LONGEST_SECONDS = 48 * 3600.0  # no recorded interview runs two days: later times are typos
SHOWN = 3  # bad cues named in the warning line; the rest are counted


@dataclass
class CueTiming:
    start: float | None
    end: float | None
    line: int
    text: str  # the timing line as written ('' when the cue has none)
    problem: str = ""


def read_timing(line: str | None, line_no: int) -> CueTiming:
    if line is None:
        return CueTiming(None, None, line_no, "", "no timing line")
    sides = _SIDES.match(line)
    if not sides:
        return CueTiming(None, None, line_no, line.strip(), "unreadable")
    (start, why_start), (end, why_end) = parse_time(sides["start"]), parse_time(sides["end"] or "")
    problems = [f"{sides['start'] or 'start'} {why_start}" if why_start else "", f"{sides['end'] or 'end'} {why_end}" if why_end else ""]
    if start is not None and end is not None and end < start:
        problems.append("ends before it starts")
    problem = "; ".join(p for p in problems if p)
    if problem:  # one bad side makes the other doubtful too: the cue keeps its words, not its time
        return CueTiming(None, None, line_no, line.strip(), problem)
    return CueTiming(start, end, line_no, line.strip())


def parse_time(text: str) -> tuple[float | None, str]:
    """(seconds, '') or (None, why not) for one 'hh:mm:ss.fff' time."""
    match = _TIME.match(text.strip())
    if not match:
        return None, "is not a time" if text else "is missing"
    hours, minutes, seconds = int(match["h"] or 0), int(match["m"]), int(match["s"])
    if seconds > 59 or (match["h"] is not None and minutes > 59):
        return None, "is not a time"
    value = hours * 3600 + minutes * 60 + seconds + (int(match["f"]) / 10 ** len(match["f"]) if match["f"] else 0.0)
    if value > LONGEST_SECONDS:
        return None, "is past any interview's length"
    return value, ""


def timing_warning(bad: list[CueTiming], cues: int) -> str:
    """One line naming the first few bad cues by line number and counting the rest."""
    shown = [f"line {t.line} {_quoted(t.text)}({t.problem})" for t in bad[:SHOWN]]
    more = f" and {len(bad) - SHOWN} more" if len(bad) > SHOWN else ""
    return (f"{len(bad)} of {cues} cues {'has' if len(bad) == 1 else 'have'} a timing that cannot be used: {', '.join(shown)}{more}; "
            "their words are kept without a time")


def _quoted(text: str) -> str:
    return f"'{text[:40]}' " if text else ""

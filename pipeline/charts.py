"""SVG charts for the report and the workshop pack: pure functions, data in, an SVG string out.

Made for paper as much as for screens: every colour is paired with a label or a shape (no
colour-only encoding), text is at least 11 px at the drawing's natural width, and every string
that came from a transcript is escaped. Links (`href`) point at quote anchors in the same page.
"""
from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from html import escape

from schemas.extraction import FORCE_TYPES, STAGES
from schemas.vocabulary import FORCE_STYLES, STAGE_LABELS, ForceStyle  # noqa: F401  (one table for every output)

INK = "#1F2933"
MUTED = "#52606D"
RULE = "#CBD2D9"
FONT = "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif\""


@dataclass(frozen=True)
class Marker:
    """One force on the journey map."""

    type: str
    stage: str
    title: str  # the quote, shown as a tooltip
    href: str | None = None
    draft: bool = False


@dataclass(frozen=True)
class Moment:
    """A struggling moment on the journey map."""

    stage: str
    title: str
    href: str | None = None


@dataclass(frozen=True)
class QuadrantQuote:
    text: str
    href: str | None = None


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    note: str = ""
    href: str | None = None


def esc(text: object) -> str:
    return escape(str(text), quote=True)


def wrap(text: str, width: int, max_lines: int | None = None) -> list[str]:
    """Word-wrap for SVG (which does not wrap); the last line ends with '…' when cut."""
    lines = textwrap.wrap(" ".join(str(text).split()), width=width) or [""]
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = textwrap.shorten(lines[-1] + " …", width=width, placeholder=" …")
        if not lines[-1].endswith("…"):
            lines[-1] += " …"
    return lines


def _svg(width: float, height: float, body: str, label: str) -> str:
    return (
        f'<svg viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="100%" role="img" aria-label="{esc(label)}" class="chart" {FONT}>'
        f"<title>{esc(label)}</title>{body}</svg>"
    )


def standalone(svg: str) -> str:
    """Charts are made for inline use in HTML (no namespace, so the page names no URL at all);
    add the namespace to save one as an .svg file."""
    return svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)


def _text(x: float, y: float, text: str, size: float = 12, anchor: str = "start", weight: str = "normal",
          fill: str = INK, style: str = "normal") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" font-weight="{weight}" '
        f'font-style="{style}" fill="{fill}">{esc(text)}</text>'
    )


def _lines(x: float, y: float, lines: list[str], size: float = 12, gap: float = 1.3, **kw: str) -> str:
    return "".join(_text(x, y + n * size * gap, line, size, **kw) for n, line in enumerate(lines))


def _link(inner: str, href: str | None, title: str | None = None) -> str:
    tip = f"<title>{esc(title)}</title>" if title else ""
    if not href:
        return f"<g>{tip}{inner}</g>"
    return f'<a href="{esc(href)}">{tip}{inner}</a>'


def shape(kind: str, cx: float, cy: float, r: float, fill: str, stroke: str = "none", dash: bool = False) -> str:
    """A marker shape centred on (cx, cy); `dash` draws drafts hollow with a dashed outline."""
    extra = f' stroke="{stroke}" stroke-width="1.5"' + (' stroke-dasharray="3 2"' if dash else "")
    fill_attr = "#FFFFFF" if dash else fill
    if kind == "circle":
        return f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r:.1f}" fill="{fill_attr}"{extra}/>'
    if kind == "square":
        s = r * 0.9
        return f'<rect x="{cx - s:.1f}" y="{cy - s:.1f}" width="{2 * s:.1f}" height="{2 * s:.1f}" fill="{fill_attr}"{extra}/>'
    if kind == "diamond":
        pts = f"{cx:.1f},{cy - r:.1f} {cx + r:.1f},{cy:.1f} {cx:.1f},{cy + r:.1f} {cx - r:.1f},{cy:.1f}"
    elif kind == "star":
        pts = " ".join(
            f"{cx + (r if k % 2 == 0 else r * 0.45) * math.sin(k * math.pi / 5):.1f},"
            f"{cy - (r if k % 2 == 0 else r * 0.45) * math.cos(k * math.pi / 5):.1f}"
            for k in range(10)
        )
    else:  # triangle pointing right: push moves things forward
        pts = f"{cx - r * 0.8:.1f},{cy - r:.1f} {cx + r:.1f},{cy:.1f} {cx - r * 0.8:.1f},{cy + r:.1f}"
    return f'<polygon points="{pts}" fill="{fill_attr}"{extra}/>'


def force_icon(force_type: str, size: int = 14) -> str:
    """A small inline SVG of a force's marker, for legends and headings in HTML."""
    st = FORCE_STYLES[force_type]
    half = size / 2
    return (
        f'<svg width="{size}" height="{size}" viewBox="0 0 {size} {size}" '
        f'aria-hidden="true" class="icon">{shape(st.shape, half, half, half - 1.5, st.colour, st.colour)}</svg>'
    )


# journey map -------------------------------------------------------------------------------

def journey_map(markers: list[Marker], moments: list[Moment], explored: dict[str, tuple[int, int]],
                label: str = "Journey map") -> str:
    """Timeline stages as columns (codebook order), one lane per force, markers linked to quotes.

    `explored` maps a stage to the turns it spans; unexplored stages are drawn greyed out.
    The two triggers (event_1, event_2) are highlighted columns; struggling moments are stars.
    """
    left, col, top, lane_h, per_row = 118.0, 98.0, 92.0, 50.0, 6
    width = left + col * len(STAGES) + 8
    lanes_bottom = top + lane_h * len(FORCE_TYPES)
    height = lanes_bottom + 64
    parts: list[str] = []
    # the arrow of time across the header
    parts.append(f'<line x1="{left}" y1="14" x2="{width - 14}" y2="14" stroke="{MUTED}" stroke-width="1.5"/>')
    parts.append(f'<polygon points="{width - 14},9 {width - 4},14 {width - 14},19" fill="{MUTED}"/>')
    parts.append(_text(left - 10, 18, "time", 11, "end", fill=MUTED, style="italic"))
    for n, stage in enumerate(STAGES):
        x = left + n * col
        seen = stage in explored
        trigger = stage in ("event_1", "event_2")
        bg = "#FFF6E0" if trigger else ("#F5F7FA" if n % 2 == 0 else "#FFFFFF")
        parts.append(f'<rect x="{x:.1f}" y="26" width="{col:.1f}" height="{height - 26:.1f}" fill="{bg}"/>')
        if trigger:
            parts.append(f'<rect x="{x + 1:.1f}" y="26" width="{col - 2:.1f}" height="{height - 27:.1f}" fill="none" '
                         f'stroke="#D69E2E" stroke-width="1.5" stroke-dasharray="5 3"/>')
        weight = "bold" if seen else "normal"
        colour = INK if seen else "#9AA5B1"
        parts.append(_lines(x + col / 2, 44, wrap(STAGE_LABELS[stage], 14, 2), 11.5, anchor="middle", weight=weight, fill=colour))
        turns = explored.get(stage)
        note = (f"turns {turns[0] + 1}–{turns[1] + 1}" if turns[0] != turns[1] else f"turn {turns[0] + 1}") if turns else "not explored"
        parts.append(_text(x + col / 2, 80, note, 10.5, "middle", fill=MUTED if seen else "#9AA5B1", style="normal" if seen else "italic"))
    for row, force_type in enumerate(FORCE_TYPES):
        st = FORCE_STYLES[force_type]
        y = top + row * lane_h
        parts.append(f'<line x1="4" y1="{y:.1f}" x2="{width - 4:.1f}" y2="{y:.1f}" stroke="{RULE}"/>')
        parts.append(shape(st.shape, 14, y + lane_h / 2, 6, st.colour, st.colour))
        parts.append(_text(26, y + lane_h / 2 + 4.5, st.label, 13, weight="bold", fill=INK))
        for n, stage in enumerate(STAGES):
            here = [m for m in markers if m.type == force_type and m.stage == stage]
            parts.append(_cell_markers(here, left + n * col, y, col, lane_h, per_row, st))
    parts.append(f'<line x1="4" y1="{lanes_bottom:.1f}" x2="{width - 4:.1f}" y2="{lanes_bottom:.1f}" stroke="{RULE}"/>')
    parts.append(shape("star", 14, lanes_bottom + 22, 8, "#6B46C1", "#6B46C1"))
    parts.append(_lines(26, lanes_bottom + 19, ["Struggling", "moment"], 11.5, weight="bold"))
    for n, stage in enumerate(STAGES):
        here = [m for m in moments if m.stage == stage]
        for k, moment in enumerate(here[:3]):
            cx = left + n * col + 18 + k * 26
            parts.append(_link(shape("star", cx, lanes_bottom + 22, 10, "#6B46C1", "#6B46C1"), moment.href, moment.title))
        if here:
            parts.append(_text(left + n * col + col / 2, lanes_bottom + 50, f"{len(here)} moment{'s' if len(here) > 1 else ''}", 10.5, "middle", fill=MUTED))
    return _svg(width, height, "".join(parts), label)


def _cell_markers(here: list[Marker], x: float, y: float, col: float, lane_h: float, per_row: int, st: ForceStyle) -> str:
    if not here:
        return ""
    out: list[str] = []
    shown = here[: per_row * 2 - 1] if len(here) > per_row * 2 else here
    step = (col - 16) / per_row
    in_row = min(len(here), per_row)
    first = x + col / 2 - (in_row - 1) * step / 2  # centre the group in its cell
    for k, marker in enumerate(shown):
        cx = first + (k % per_row) * step
        cy = y + lane_h / 2 - 10 + (k // per_row) * 20 if len(here) > per_row else y + lane_h / 2
        title = ("Draft (not reviewed): " if marker.draft else "") + f"{st.label}: {marker.title}"
        out.append(_link(shape(st.shape, cx, cy, 7, st.colour, st.colour, dash=marker.draft), marker.href, title))
    if len(shown) < len(here):
        cx = first + (len(shown) % per_row) * step
        out.append(_text(cx, y + lane_h / 2 + 14, f"+{len(here) - len(shown)}", 10.5, "middle", "bold"))
    return "".join(out)


# four forces ------------------------------------------------------------------------------

def forces_diagram(counts: dict[str, int], quotes: dict[str, list[QuadrantQuote]], label: str = "Four forces") -> str:
    """The classic four-forces diagram: push and pull point toward the new way (the switch),
    habit and anxiety point back against it. Each quadrant shows its count and strongest quotes."""
    width, mid, box_w, row_h, top, gap = 1000.0, 500.0, 400.0, 188.0, 40.0, 40.0
    height = top + 2 * row_h + gap + 34
    centre_y = top + row_h + gap / 2
    parts: list[str] = [
        _text(mid, 22, "Forces driving the switch  →", 13, "middle", "bold", MUTED),
        _text(mid, height - 8, "←  Forces holding it back", 13, "middle", "bold", MUTED),
        f'<line x1="{mid}" y1="{top - 8}" x2="{mid}" y2="{height - 28}" stroke="{INK}" stroke-width="2" stroke-dasharray="6 4"/>',
        f'<rect x="{mid - 36}" y="{centre_y - 13}" width="72" height="26" rx="13" fill="{INK}"/>',
        _text(mid, centre_y + 5, "SWITCH", 12, "middle", "bold", "#FFFFFF"),
        _lines(46, centre_y - 4, ["Old", "way"], 14, 1.2, anchor="middle", weight="bold", fill=MUTED),
        _lines(width - 46, centre_y - 4, ["New", "way"], 14, 1.2, anchor="middle", weight="bold", fill=MUTED),
    ]
    left_x, right_x = mid - 12 - box_w, mid + 12
    layout = {
        "push": (left_x, top, "right"),
        "pull": (right_x, top, "right"),
        "habit": (left_x, top + row_h + gap, "left"),
        "anxiety": (right_x, top + row_h + gap, "left"),
    }
    for force_type, (x, y, pointing) in layout.items():
        parts.append(_quadrant(force_type, x, y, box_w, row_h, pointing, counts.get(force_type, 0), quotes.get(force_type, [])))
    return _svg(width, height, "".join(parts), label)


def _arrow_box(x: float, y: float, w: float, h: float, pointing: str, tip: float = 24) -> str:
    if pointing == "right":
        return f"{x},{y} {x + w - tip},{y} {x + w},{y + h / 2} {x + w - tip},{y + h} {x},{y + h}"
    return f"{x + tip},{y} {x + w},{y} {x + w},{y + h} {x + tip},{y + h} {x},{y + h / 2}"


def _quadrant(force_type: str, x: float, y: float, w: float, h: float, pointing: str, count: int,
              quotes: list[QuadrantQuote]) -> str:
    st = FORCE_STYLES[force_type]
    pad, inner = (14, w - 44) if pointing == "right" else (32, w - 44)
    parts = [f'<polygon points="{_arrow_box(x, y, w, h, pointing)}" fill="{st.tint}" stroke="{st.colour}" stroke-width="2"/>']
    parts.append(shape(st.shape, x + pad + 8, y + 22, 8, st.colour, st.colour))
    parts.append(_text(x + pad + 24, y + 28, st.label, 18, weight="bold"))
    parts.append(_text(x + pad + 24, y + 44, st.phrase, 11.5, fill=MUTED))
    badge = f"{count} quote{'s' if count != 1 else ''}"
    badge_w = 7.4 * len(badge) + 18
    bx = x + pad + inner - badge_w
    parts.append(f'<rect x="{bx:.1f}" y="{y + 12}" width="{badge_w:.1f}" height="24" rx="12" fill="{st.colour}"/>')
    parts.append(_text(bx + badge_w / 2, y + 28.5, badge, 12.5, "middle", "bold", "#FFFFFF"))
    ty = y + 70
    if not quotes:
        parts.append(_text(x + pad, ty, "No quotes for this force.", 12.5, fill=MUTED, style="italic"))
    for q in quotes[:2]:
        lines = wrap(f"“{q.text}”", int(inner / 7.0), 3)
        parts.append(_link(_lines(x + pad, ty, lines, 13.5, 1.28, style="italic"), q.href, q.text))
        ty += len(lines) * 17.3 + 8
    return "".join(parts)


# heatmap -----------------------------------------------------------------------------------

def _mix(tint_hex: str, strength: float) -> str:
    """Blend white toward a colour; strength 0..1 (capped so dark text stays readable)."""
    r, g, b = (int(tint_hex[i:i + 2], 16) for i in (1, 3, 5))
    s = min(max(strength, 0.0), 1.0) * 0.55
    return "#" + "".join(f"{round(255 + (c - 255) * s):02X}" for c in (r, g, b))


def forces_heatmap(counts: dict[tuple[str, str], int], interviews: dict[tuple[str, str], int] | None = None,
                   label: str = "Forces by stage") -> str:
    """Rows: forces; columns: stages in codebook order plus a total; each cell its count.
    `interviews` (optional) gives how many interviews each cell's quotes come from."""
    left, col, top, row_h = 118.0, 86.0, 58.0, 46.0
    width = left + col * (len(STAGES) + 1) + 6
    height = top + row_h * len(FORCE_TYPES) + 30
    peak = max(counts.values(), default=0) or 1
    parts: list[str] = []
    for n, stage in enumerate([*STAGES, "total"]):
        x = left + n * col + col / 2
        name = STAGE_LABELS.get(stage, "Total")
        parts.append(_lines(x, 22, wrap(name, 14, 2), 11, anchor="middle", weight="bold"))
    for row, force_type in enumerate(FORCE_TYPES):
        st = FORCE_STYLES[force_type]
        y = top + row * row_h
        parts.append(shape(st.shape, 14, y + row_h / 2, 6, st.colour, st.colour))
        parts.append(_text(26, y + row_h / 2 + 4.5, st.label, 13, weight="bold"))
        for n, stage in enumerate(STAGES):
            value = counts.get((force_type, stage), 0)
            x = left + n * col
            fill = _mix(st.colour, value / peak) if value else "#FFFFFF"
            tip = f"{st.label} in {STAGE_LABELS[stage]}: {value} quote{'s' if value != 1 else ''}"
            if interviews and value:
                tip += f" from {interviews.get((force_type, stage), 0)} interview(s)"
            cell = (f'<rect x="{x + 2:.1f}" y="{y + 2:.1f}" width="{col - 4:.1f}" height="{row_h - 4:.1f}" rx="4" '
                    f'fill="{fill}" stroke="{RULE if not value else st.colour}" stroke-width="1"/>')
            cell += _text(x + col / 2, y + row_h / 2 + 5, str(value) if value else "–", 15 if value else 12,
                          "middle", "bold" if value else "normal", INK if value else "#9AA5B1")
            parts.append(f"<g><title>{esc(tip)}</title>{cell}</g>")
        total = sum(counts.get((force_type, s), 0) for s in STAGES)
        x = left + len(STAGES) * col
        parts.append(f'<rect x="{x + 2:.1f}" y="{y + 2:.1f}" width="{col - 4:.1f}" height="{row_h - 4:.1f}" rx="4" fill="#F0F2F5"/>')
        parts.append(_text(x + col / 2, y + row_h / 2 + 5, str(total), 15, "middle", "bold"))
    parts.append(_text(left, height - 8, "Numbers are quotes; darker = more. Hover a cell for how many interviews it comes from.", 11, fill=MUTED))
    return _svg(width, height, "".join(parts), label)


# opportunity bars --------------------------------------------------------------------------

def opportunity_bars(bars: list[Bar], threshold: float = 10.0, scale_max: float = 20.0,
                     label: str = "Opportunity scores") -> str:
    """Horizontal bars, best first as given; a dashed line marks the 'worth pursuing' threshold."""
    left, right, row_h, top = 330.0, 70.0, 40.0, 34.0
    width = 1000.0
    plot = width - left - right
    height = top + row_h * max(len(bars), 1) + 44
    x_of = lambda v: left + plot * min(max(v, 0.0), scale_max) / scale_max  # noqa: E731
    parts: list[str] = []
    for tick in range(0, int(scale_max) + 1, 5):
        x = x_of(tick)
        parts.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 40}" stroke="#E4E7EB"/>')
        parts.append(_text(x, height - 24, str(tick), 11, "middle", fill=MUTED))
    tx = x_of(threshold)
    parts.append(f'<line x1="{tx:.1f}" y1="{top - 12}" x2="{tx:.1f}" y2="{height - 40}" stroke="{INK}" stroke-width="1.5" stroke-dasharray="5 3"/>')
    parts.append(_text(tx + 6, top - 14, f"worth pursuing (≥ {threshold:g})", 11.5, weight="bold", fill=INK))
    parts.append(_text(left + plot / 2, height - 4, "opportunity score (0–20)", 11, "middle", fill=MUTED))
    for n, bar in enumerate(bars):
        y = top + n * row_h
        strong = bar.value >= threshold
        colour = "#2E5E9E" if strong else "#9AA5B1"
        lines = wrap(bar.label, 46, 2)
        text = _lines(left - 10, y + (row_h / 2 + 4 if len(lines) == 1 else row_h / 2 - 3), lines, 12, 1.15, anchor="end")
        body = text + (f'<rect x="{left:.1f}" y="{y + 8:.1f}" width="{max(x_of(bar.value) - left, 2):.1f}" '
                       f'height="{row_h - 16:.1f}" rx="3" fill="{colour}"/>')
        body += _text(x_of(bar.value) + 6, y + row_h / 2 + 4.5, f"{bar.value:.1f}{' ' + bar.note if bar.note else ''}", 12, weight="bold")
        parts.append(_link(body, bar.href, f"{bar.label}: {bar.value:.1f}"))
    if not bars:
        parts.append(_text(left, top + 20, "No outcomes scored yet.", 12, fill=MUTED, style="italic"))
    return _svg(width, height, "".join(parts), label)

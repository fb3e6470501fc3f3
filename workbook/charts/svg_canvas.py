"""The drawing primitives of the brief's SVG charts: axes, text, markers, a canvas.

Every label is escaped here; :mod:`workbook.charts.svg` lays a figure out with them.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass
from typing import Any

from workbook.render import escape
from workbook.theme import PALETTE

WIDTH = 760
"""Width of every picture, in SVG units (it scales to the page)."""

FONT = "system-ui,-apple-system,'Segoe UI',Roboto,sans-serif"
INK = PALETTE["ink"]
MUTED = PALETTE["muted"]
GRID = PALETTE["grid"]
AXIS = PALETTE["neutral"]
PAGE = PALETTE["page"]
DASHES = {"dot": "2,3", "dash": "6,4", "dashdot": "6,3,2,3", "longdash": "10,4"}

_TAG = re.compile(r"<[^>]*>")


def plain(text: object) -> str:
    """A plotly label as plain text: its markup tags dropped, its entities read."""
    if text is None:
        return ""
    return html.unescape(_TAG.sub(" ", str(text))).strip()


def esc(text: object) -> str:
    """Plain text escaped for SVG."""
    return escape(plain(text))


def text_width(text: str, size: float) -> float:
    """An estimate of how wide ``text`` is drawn at font ``size``."""
    return 0.56 * size * len(text)


def tick_label(value: float, tickformat: str | None, suffix: str = "") -> str:
    """A tick label as plotly's d3 format would write it, for the formats the charts use."""
    fmt = tickformat or ""
    if fmt.endswith("%"):
        digits = int(fmt[-2]) if fmt[-2:-1].isdigit() else 0
        return f"{value * 100:,.{digits}f}%" + suffix
    given = int(fmt[-2]) if fmt.endswith("f") and fmt[-2:-1].isdigit() else None
    if given is not None:
        digits = given
    else:
        digits = 0 if float(value).is_integer() else max(0, 2 - math.floor(math.log10(abs(value))))
        digits = min(digits, 4)
    text = f"{value:,.{digits}f}" if "," in fmt or abs(value) >= 10_000 else f"{value:.{digits}f}"
    return text.replace("-", "−") + suffix


def nice_ticks(low: float, high: float, count: int = 6) -> list[float]:
    """Round tick values covering ``low`` to ``high``."""
    if high <= low:
        return [low]
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step - 1e-9) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    return ticks


def seq(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str | int | float):
        return [value]
    return list(value)


def each(value: Any, n: int, default: Any = None) -> list[Any]:
    """A per-point attribute: a list as it is, a single value repeated."""
    if value is None:
        return [default] * n
    if isinstance(value, str | int | float):
        return [value] * n
    values = list(value)
    return (values + [default] * n)[:n]


@dataclass
class Axis:
    """One axis: numeric (``low``..``high``) or categorical (``categories``)."""

    categories: list[str] | None
    low: float
    high: float
    start: float  # pixel of low (or of the first category)
    end: float  # pixel of high (or of the last category)
    reversed: bool = False

    def pos(self, value: Any) -> float:
        """The pixel of a value on this axis."""
        if self.categories is not None:
            index = self.categories.index(str(value))
            n = len(self.categories)
            fraction = (index + 0.5) / n
        else:
            span = (self.high - self.low) or 1.0
            fraction = (float(value) - self.low) / span
        if self.reversed:
            fraction = 1 - fraction
        return self.start + fraction * (self.end - self.start)

    def band(self) -> float:
        """The pixels one category takes."""
        n = len(self.categories or [""])
        return abs(self.end - self.start) / n

    def domain(self, fraction: float) -> float:
        """The pixel at ``fraction`` of the axis length (plotly's "x domain")."""
        return self.start + fraction * (self.end - self.start)


class Canvas:
    def __init__(self) -> None:
        self.items: list[str] = []
        self.boxes: list[tuple[float, float, float, float]] = []

    def free(self, box: tuple[float, float, float, float]) -> bool:
        """Whether ``box`` (x0, y0, x1, y1) overlaps no label placed so far."""
        x0, y0, x1, y1 = box
        return all(x1 <= a or x0 >= c or y1 <= b or y0 >= d for a, b, c, d in self.boxes)

    def label(
        self,
        px: float,
        py: float,
        gap: float,
        text: str,
        *,
        below: bool,
        left: float,
        right: float,
        size: float = 11,
    ) -> None:
        """A point's label above it (or below), moved aside where it would cover another."""
        width = text_width(text, size)
        start = min(max(px - width / 2, left), right - width)
        spots = [
            (start, py + gap + size - 2) if below else (start, py - gap),
            (start, py - gap) if below else (start, py + gap + size - 2),
            (px + gap, py + size / 3),
            (px - gap - width, py + size / 3),
            (start, py - gap - size - 2),
            (start, py + gap + 2 * size),
        ]
        for sx, sy in spots:
            box = (sx, sy - size, sx + width, sy + 3)
            if self.free(box):
                break
        else:
            sx, sy = spots[0]
            box = (sx, sy - size, sx + width, sy + 3)
        self.boxes.append(box)
        self.text(sx, sy, text, size=size, is_plain=True)

    def add(self, item: str) -> None:
        self.items.append(item)

    def text(
        self,
        x: float,
        y: float,
        text: object,
        *,
        size: float = 11,
        anchor: str = "start",
        color: str = INK,
        weight: str = "normal",
        baseline: str = "auto",
        rotate: float | None = None,
        is_plain: bool = False,
    ) -> None:
        content = escape(text) if is_plain else esc(text)
        if not content:
            return
        transform = f" transform='rotate({rotate:g} {x:.1f} {y:.1f})'" if rotate else ""
        base = f" dominant-baseline='{baseline}'" if baseline != "auto" else ""
        bold = " font-weight='600'" if weight != "normal" else ""
        self.add(
            f"<text x='{x:.1f}' y='{y:.1f}' font-size='{size:g}' text-anchor='{anchor}' "
            f"fill='{esc(color)}'{bold}{base}{transform}>{content}</text>"
        )


def pick_color(value: Any, fallback: str) -> str:
    return str(value) if isinstance(value, str) and value else fallback


def draw_marker(
    canvas: Canvas, x: float, y: float, size: float, symbol: str, color: str, opacity: float
) -> None:
    r = max(size, 2) / 2
    fill = f"fill='{esc(color)}' fill-opacity='{opacity:g}'"
    stroke = f"stroke='{PAGE}' stroke-width='1'"
    if symbol == "diamond":
        points = f"{x},{y - r} {x + r},{y} {x},{y + r} {x - r},{y}"
        canvas.add(f"<polygon points='{points}' {fill} {stroke}/>")
    elif symbol == "square":
        canvas.add(
            f"<rect x='{x - r:.1f}' y='{y - r:.1f}' width='{2 * r:.1f}' height='{2 * r:.1f}' "
            f"{fill} {stroke}/>"
        )
    elif symbol == "star":
        pts = []
        for k in range(10):
            radius = r if k % 2 == 0 else r * 0.45
            angle = math.pi / 2 + k * math.pi / 5
            pts.append(f"{x + radius * math.cos(angle):.1f},{y - radius * math.sin(angle):.1f}")
        canvas.add(f"<polygon points='{' '.join(pts)}' {fill} {stroke}/>")
    elif symbol in ("x", "cross"):
        d = r * 0.8
        canvas.add(
            f"<path d='M{x - d:.1f},{y - d:.1f}L{x + d:.1f},{y + d:.1f}M{x - d:.1f},{y + d:.1f}"
            f"L{x + d:.1f},{y - d:.1f}' stroke='{esc(color)}' stroke-width='3' fill='none'/>"
        )
    elif symbol.startswith("line-ns"):
        canvas.add(
            f"<line x1='{x:.1f}' y1='{y - r:.1f}' x2='{x:.1f}' y2='{y + r:.1f}' "
            f"stroke='{esc(color)}' stroke-width='3'/>"
        )
    else:
        canvas.add(f"<circle cx='{x:.1f}' cy='{y:.1f}' r='{r:.1f}' {fill} {stroke}/>")

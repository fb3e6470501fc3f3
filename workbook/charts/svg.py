"""Static SVG pictures of the workbook's plotly figures, for the exported brief.

The brief's HTML carries its charts as inline SVG instead of the ~4.6 MB plotly.js: it
stays small, prints crisply and needs no script. This draws the part of plotly the
chart builders use (horizontal or vertical bars, grouped or stacked, scatter markers,
lines and labels, line and band shapes, annotations, a legend) from the same figure
the app shows, so a chart is defined once. Every label is escaped here.

>>> from workbook.charts.figure import Bar
>>> figure_svg(Figure(Bar(x=[1, 2], y=["a", "b"], orientation="h"))).startswith("<svg")
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from workbook.charts.figure import Figure
from workbook.charts.svg_canvas import (
    AXIS,
    DASHES,
    FONT,
    GRID,
    MUTED,
    PAGE,
    WIDTH,
    Axis,
    Canvas,
    draw_marker,
    each,
    esc,
    nice_ticks,
    pick_color,
    plain,
    seq,
    text_width,
    tick_label,
)
from workbook.render import escape
from workbook.theme import COLORWAY


def _is_category(values: Iterable[Any]) -> bool:
    return any(isinstance(v, str) for v in values)


def _categories(traces: Sequence[Any], attr: str) -> list[str]:
    seen: dict[str, None] = {}
    for trace in traces:
        for value in seq(getattr(trace, attr, None)):
            seen.setdefault(str(value), None)
    return list(seen)


def _numeric_extent(figure: Figure, attr: str, bar_value_axis: bool) -> tuple[float, float]:
    """The data range on a numeric axis, with bars reaching from their base."""
    values: list[float] = []
    stacks: dict[str, float] = {}
    stack = figure.layout.barmode == "stack"
    for trace in figure.data:
        data = [float(v) for v in seq(getattr(trace, attr, None)) if v is not None]
        if trace.type == "bar" and bar_value_axis:
            bases = each(trace.base, len(data), 0)
            cats = seq(trace.y if attr == "x" else trace.x)
            for i, v in enumerate(data):
                base = float(bases[i] or 0)
                if stack:
                    key = str(cats[i]) if i < len(cats) else str(i)
                    base = stacks.get(key, 0.0)
                    stacks[key] = base + v
                values += [base, base + v]
        else:
            values += data
    for shape in figure.layout.shapes or ():
        if getattr(shape, f"{attr}ref") in (attr, None):
            values += [float(getattr(shape, f"{attr}0")), float(getattr(shape, f"{attr}1"))]
    if not values:
        return 0.0, 1.0
    low, high = min(values), max(values)
    if low == high:
        low, high = low - 1, high + 1
    return low, high


def figure_svg(figure: Figure, width: int = WIDTH) -> str:
    """``figure`` as an inline SVG picture with a title, axes, marks and a legend."""
    layout = figure.layout
    traces = [t for t in figure.data if t.type in ("bar", "scatter")]
    height = int(layout.height or 320)
    raw = str(layout.title.text or "") if layout.title else ""
    title, *under = [plain(line) for line in re.split(r"<br\s*/?>", raw, flags=re.IGNORECASE)]
    subtitles = [line for line in under if line]  # plotly's lines after <br>: a subtitle
    canvas = Canvas()
    if title:
        canvas.text(0, 18, title, size=15, weight="bold")
    for k, line in enumerate(subtitles):
        canvas.text(0, 36 + 15 * k, line, size=12, color=MUTED)

    horizontal_bars = any(t.type == "bar" and t.orientation == "h" for t in traces)
    vertical_bars = any(t.type == "bar" and t.orientation != "h" for t in traces)
    y_cat = _is_category(v for t in traces for v in seq(t.y))
    x_cat = _is_category(v for t in traces for v in seq(t.x))
    xaxis, yaxis = layout.xaxis, layout.yaxis
    y_visible = yaxis.visible is not False

    # left margin: the widest y tick label
    y_labels: list[str]
    y_ticks: list[float] = []
    if y_cat:
        y_labels = [plain(c) for c in _categories(traces, "y")]
    else:
        y_low, y_high = (
            tuple(yaxis.range)
            if yaxis.range
            else _padded(*_numeric_extent(figure, "y", vertical_bars), vertical_bars)
        )
        y_ticks = list(yaxis.tickvals) if yaxis.tickvals else nice_ticks(y_low, y_high)
        y_labels = (
            [plain(t) for t in yaxis.ticktext]
            if yaxis.ticktext
            else [tick_label(v, yaxis.tickformat, yaxis.ticksuffix or "") for v in y_ticks]
        )
    label_width = max((text_width(t, 11) for t in y_labels), default=0) if y_visible else 0
    y_title = plain(yaxis.title.text) if yaxis.title and yaxis.title.text else ""
    room = width * 0.5 - 14 - (18 if y_title else 0)
    y_font = 11.0 if label_width <= room else max(7.0, 11 * room / label_width)
    left = 6 + min(label_width * y_font / 11, room) + 8 + (18 if y_title else 0)
    right = width - 16
    top = (34 if title else 10) + 15 * len(subtitles)

    legend_items = [
        t
        for t in traces
        if layout.showlegend is not False
        and t.showlegend is not False
        and t.name
        and (len(traces) > 1 or layout.showlegend)
    ]
    x_title = plain(xaxis.title.text) if xaxis.title and xaxis.title.text else ""
    bottom = height - 22 - (16 if x_title else 0) - (20 if legend_items else 0)

    # axes
    if x_cat:
        x = Axis(_categories(traces, "x"), 0, 1, left, right)
    else:
        x_low, x_high = (
            tuple(xaxis.range)
            if xaxis.range
            else _padded(*_numeric_extent(figure, "x", horizontal_bars), horizontal_bars)
        )
        x = Axis(None, x_low, x_high, left, right)
    if y_cat:
        y = Axis(
            _categories(traces, "y"), 0, 1, bottom, top, reversed=yaxis.autorange == "reversed"
        )
    else:
        y = Axis(None, y_low, y_high, bottom, top, reversed=yaxis.autorange == "reversed")

    # grid, ticks and axis titles
    if not x_cat:
        x_ticks = list(xaxis.tickvals) if xaxis.tickvals else nice_ticks(x.low, x.high, 7)
        x_text = (
            [plain(t) for t in xaxis.ticktext]
            if xaxis.ticktext
            else [tick_label(v, xaxis.tickformat, xaxis.ticksuffix or "") for v in x_ticks]
        )
        for value, label in zip(x_ticks, x_text, strict=False):
            if not x.low - 1e-9 <= value <= x.high + 1e-9:
                continue
            px = x.pos(value)
            canvas.add(
                f"<line x1='{px:.1f}' y1='{top:.1f}' x2='{px:.1f}' y2='{bottom:.1f}' "
                f"stroke='{GRID}'/>"
            )
            canvas.text(px, bottom + 15, label, size=11, anchor="middle", color=MUTED)
    else:
        for category in x.categories or []:
            canvas.text(x.pos(category), bottom + 15, category, size=11, anchor="middle")
    if y_visible:
        if y_cat:
            for category in y.categories or []:
                canvas.text(
                    left - 8,
                    y.pos(category),
                    category,
                    size=y_font,
                    anchor="end",
                    baseline="middle",
                )
        else:
            for value, label in zip(y_ticks, y_labels, strict=False):
                if not y.low - 1e-9 <= value <= y.high + 1e-9:
                    continue
                py = y.pos(value)
                canvas.add(
                    f"<line x1='{left:.1f}' y1='{py:.1f}' x2='{right:.1f}' y2='{py:.1f}' "
                    f"stroke='{GRID}'/>"
                )
                canvas.text(
                    left - 8, py, label, size=y_font, anchor="end", color=MUTED, baseline="middle"
                )
        canvas.add(
            f"<line x1='{left:.1f}' y1='{top:.1f}' x2='{left:.1f}' y2='{bottom:.1f}' "
            f"stroke='{AXIS}'/>"
        )
    canvas.add(
        f"<line x1='{left:.1f}' y1='{bottom:.1f}' x2='{right:.1f}' y2='{bottom:.1f}' "
        f"stroke='{AXIS}'/>"
    )
    if x_title:
        canvas.text((left + right) / 2, bottom + 32, x_title, size=11, anchor="middle", color=MUTED)
    if y_title:
        canvas.text(
            12, (top + bottom) / 2, y_title, size=11, anchor="middle", color=MUTED, rotate=-90
        )

    _shapes(canvas, figure, x, y, kind="rect")
    _bars(canvas, figure, traces, x, y)
    _shapes(canvas, figure, x, y, kind="line")
    _scatters(canvas, traces, x, y)
    _annotations(canvas, figure, x, y, left, right, top, bottom)
    if legend_items:
        _legend(canvas, legend_items, height - 8)
    label = escape(" · ".join([title, *subtitles]) if title else "chart")
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}' "
        f"width='{width}' height='{height}' role='img' aria-label='{label}' "
        f'font-family="{FONT}">' + "".join(canvas.items) + "</svg>"
    )


def _padded(low: float, high: float, from_zero: bool) -> tuple[float, float]:
    """A data range with some room around it; bars keep zero in view."""
    if from_zero:
        low, high = min(low, 0.0), max(high, 0.0)
    pad = (high - low) * 0.06 or 1.0
    return (low if from_zero and low == 0 else low - pad), (
        high if from_zero and high == 0 else high + pad
    )


def _bars(canvas: Canvas, figure: Figure, traces: Sequence[Any], x: Axis, y: Axis) -> None:
    bars = [t for t in traces if t.type == "bar"]
    if not bars:
        return
    stack = figure.layout.barmode == "stack"
    slots = 1 if stack or len(bars) == 1 else len(bars)
    stacks: dict[str, float] = {}
    for number, trace in enumerate(bars):
        horizontal = trace.orientation == "h"
        values = [float(v) for v in seq(trace.x if horizontal else trace.y)]
        cats = [str(c) for c in seq(trace.y if horizontal else trace.x)]
        cat_axis, val_axis = (y, x) if horizontal else (x, y)
        n = len(values)
        colors = each(trace.marker.color, n, COLORWAY[number % len(COLORWAY)])
        bases = each(trace.base, n, 0)
        texts = each(trace.text, n, None)
        opacity = trace.opacity if trace.opacity is not None else 1
        band = cat_axis.band() * 0.7
        thickness = band / slots
        for i, value in enumerate(values):
            base = float(bases[i] or 0)
            if stack:
                base = stacks.get(cats[i], 0.0)
                stacks[cats[i]] = base + value
            centre = cat_axis.pos(cats[i])
            offset = -band / 2 + thickness * (0 if slots == 1 else number)
            a, b = sorted((val_axis.pos(base), val_axis.pos(base + value)))
            c0 = centre + offset
            color = pick_color(colors[i], COLORWAY[number % len(COLORWAY)])
            if horizontal:
                canvas.add(
                    f"<rect x='{a:.1f}' y='{c0:.1f}' width='{b - a:.1f}' "
                    f"height='{thickness:.1f}' fill='{esc(color)}' fill-opacity='{opacity:g}'/>"
                )
            else:
                canvas.add(
                    f"<rect x='{c0:.1f}' y='{a:.1f}' width='{thickness:.1f}' "
                    f"height='{b - a:.1f}' fill='{esc(color)}' fill-opacity='{opacity:g}'/>"
                )
            label = plain(texts[i]) if texts[i] is not None else ""
            if label and horizontal:
                mid = c0 + thickness / 2
                if text_width(label, 11) + 8 < b - a:
                    canvas.text(
                        b - 5, mid, label, size=11, anchor="end", color=PAGE, baseline="middle"
                    )
                else:
                    canvas.text(b + 4, mid, label, size=11, baseline="middle")
            elif label:
                canvas.text(c0 + thickness / 2, a - 4, label, size=11, anchor="middle")


def _scatters(canvas: Canvas, traces: Sequence[Any], x: Axis, y: Axis) -> None:
    for number, trace in enumerate(t for t in traces if t.type == "scatter"):
        xs, ys = seq(trace.x), seq(trace.y)
        n = min(len(xs), len(ys))
        mode = trace.mode or "markers"
        default = COLORWAY[number % len(COLORWAY)]
        points = [(x.pos(xs[i]), y.pos(ys[i])) for i in range(n) if ys[i] is not None]
        if "lines" in mode and len(points) > 1:
            line = trace.line
            color = pick_color(line.color, default)
            dash = DASHES.get(line.dash or "", "")
            canvas.add(
                "<polyline points='"
                + " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
                + f"' fill='none' stroke='{esc(color)}' stroke-width='{line.width or 2:g}'"
                + (f" stroke-dasharray='{dash}'" if dash else "")
                + "/>"
            )
        if "markers" in mode:
            marker = trace.marker
            sizes = each(marker.size, n, 6)
            colors = each(marker.color, n, pick_color(trace.line.color, default))
            symbols = each(marker.symbol, n, "circle")
            opacity = marker.opacity if marker.opacity is not None else 1
            for i in range(n):
                if ys[i] is None:
                    continue
                draw_marker(
                    canvas,
                    x.pos(xs[i]),
                    y.pos(ys[i]),
                    float(sizes[i] or 6),
                    str(symbols[i] or "circle"),
                    pick_color(colors[i], default),
                    float(opacity),
                )
        if "text" in mode:
            texts = each(trace.text, n, "")
            sizes = each(trace.marker.size, n, 6)
            below = (trace.textposition or "").startswith("bottom")
            for i in range(n):
                if ys[i] is None or not texts[i]:
                    continue
                px, py = x.pos(xs[i]), y.pos(ys[i])
                gap = float(sizes[i] or 6) / 2 + 4
                canvas.label(px, py, gap, plain(texts[i]), below=below, left=x.start, right=x.end)


def _ref(ref: str | None, axis: Axis, value: float, paper: tuple[float, float]) -> float:
    if ref in ("paper",):
        return paper[0] + float(value) * (paper[1] - paper[0])
    if ref and ref.endswith("domain"):
        return axis.domain(float(value))
    return axis.pos(value)


def _shapes(canvas: Canvas, figure: Figure, x: Axis, y: Axis, *, kind: str) -> None:
    for shape in figure.layout.shapes or ():
        if shape.type != kind:
            continue
        x0 = _ref(shape.xref, x, shape.x0, (x.start, x.end))
        x1 = _ref(shape.xref, x, shape.x1, (x.start, x.end))
        y0 = _ref(shape.yref, y, shape.y0, (y.start, y.end))
        y1 = _ref(shape.yref, y, shape.y1, (y.start, y.end))
        line = shape.line
        color = pick_color(line.color, AXIS)
        if kind == "rect":
            fill = pick_color(shape.fillcolor, "none")
            opacity = shape.opacity if shape.opacity is not None else 1
            canvas.add(
                f"<rect x='{min(x0, x1):.1f}' y='{min(y0, y1):.1f}' width='{abs(x1 - x0):.1f}' "
                f"height='{abs(y1 - y0):.1f}' fill='{esc(fill)}' fill-opacity='{opacity:g}'/>"
            )
        else:
            dash = DASHES.get(line.dash or "", "")
            canvas.add(
                f"<line x1='{x0:.1f}' y1='{y0:.1f}' x2='{x1:.1f}' y2='{y1:.1f}' "
                f"stroke='{esc(color)}' stroke-width='{line.width or 1.5:g}'"
                + (f" stroke-dasharray='{dash}'" if dash else "")
                + "/>"
            )


def _annotations(
    canvas: Canvas,
    figure: Figure,
    x: Axis,
    y: Axis,
    left: float,
    right: float,
    top: float,
    bottom: float,
) -> None:
    for note in figure.layout.annotations or ():
        px = _ref(note.xref, x, note.x, (left, right))
        py = _ref(note.yref, y, note.y, (bottom, top))
        anchor = {"left": "start", "right": "end"}.get(note.xanchor or "", "middle")
        size = note.font.size or 11
        if note.yanchor == "top" or (note.yref == "paper" and note.y == 1):
            py += size + 2
        elif note.yanchor == "bottom" or (note.yref == "paper" and note.y == 0):
            py -= 4
        if anchor == "start":
            px += 4
        elif anchor == "end":
            px -= 4
        canvas.text(
            px, py, note.text, size=size, anchor=anchor, color=pick_color(note.font.color, MUTED)
        )


def _legend(canvas: Canvas, traces: Sequence[Any], baseline: float) -> None:
    px = 0.0
    for number, trace in enumerate(traces):
        name = plain(trace.name)
        if trace.type == "bar":
            color = pick_color(
                seq(trace.marker.color)[0] if trace.marker.color is not None else None,
                COLORWAY[number % len(COLORWAY)],
            )
            canvas.add(
                f"<rect x='{px:.1f}' y='{baseline - 9:.1f}' width='12' height='10' "
                f"fill='{esc(color)}' fill-opacity='{trace.opacity or 1:g}'/>"
            )
        elif "markers" in (trace.mode or "markers"):
            colors = seq(trace.marker.color)
            color = pick_color(colors[0] if colors else None, COLORWAY[number % len(COLORWAY)])
            symbols = seq(trace.marker.symbol)
            draw_marker(
                canvas, px + 6, baseline - 4, 9, str(symbols[0]) if symbols else "circle", color, 1
            )
        else:
            color = pick_color(trace.line.color, COLORWAY[number % len(COLORWAY)])
            dash = DASHES.get(trace.line.dash or "", "")
            canvas.add(
                f"<line x1='{px:.1f}' y1='{baseline - 4:.1f}' x2='{px + 12:.1f}' "
                f"y2='{baseline - 4:.1f}' stroke='{esc(color)}' stroke-width='2'"
                + (f" stroke-dasharray='{dash}'" if dash else "")
                + "/>"
            )
        canvas.text(px + 17, baseline, name, size=11)
        px += 17 + text_width(name, 11) + 18

"""Charts of the scenarios section."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from workbook.charts import PALETTE, categories, safe, shorten, styled
from workbook.charts.figure import Bar, Figure, Scatter

if TYPE_CHECKING:
    from workbook.analysis.scenarios import Disagreement, MoveExpectation, MoveFigures

QUANTITY_NAMES = {
    "gain": "gain",
    "cooperation_probability": "chance of cooperation",
    "cooperation_value": "value of cooperation",
    "retaliation_probability": "chance of retaliation",
    "retaliation_damage": "damage if they retaliate",
}


NAMED_MOVES = 12
"""Up to this many moves, each move is a numbered bubble of its own, named in the legend;
more are drawn as two groups, moves with a direct gain and with a loss, each bubble named on
hover: every trace is a group of the page's picture with its legend entry, and two hundred
of them took seconds to draw and a legend taller than the chart."""


def _bubble_hover(names: list[str], expected: Sequence[MoveExpectation]) -> dict[str, object]:
    return {
        "customdata": [
            [name, row.gain, row.net] for name, row in zip(names, expected, strict=True)
        ],
        "hovertemplate": "%{customdata[0]}<br>retaliation %{x:,.0f} · cooperation "
        "%{y:,.0f}<br>gain %{customdata[1]:,.0f} · net %{customdata[2]:,.0f}<extra></extra>",
    }


def quadrant_chart(expected: Sequence[MoveExpectation], currency: str) -> Figure:
    """Expected retaliation (x) against expected cooperation (y); bubble size is the gain.

    Up to :data:`NAMED_MOVES` moves, each bubble carries its move's number and the legend
    names the moves, so that names never collide with each other nor run off the plot; more
    moves are two groups (a direct gain, a loss) named on hover. The quadrants are captioned
    outside the plotting area.
    """
    scale = 40 / max(max(abs(row.gain) for row in expected), 1.0)
    figure = Figure()

    def marker(rows: Sequence[MoveExpectation], opacity: float) -> dict[str, object]:
        sizes = [22 + abs(row.gain) * scale for row in rows]
        colors = [PALETTE["good"] if row.gain >= 0 else PALETTE["bad"] for row in rows]
        return {
            "size": sizes if len(rows) > 1 else sizes[0],
            "color": colors if len(set(colors)) > 1 else colors[0],
            "opacity": opacity,
            "line": {"width": 1, "color": PALETTE["page"]},
        }

    if len(expected) <= NAMED_MOVES:
        for number, row in enumerate(expected, start=1):
            figure.add_trace(
                Scatter(
                    x=[row.retaliation],
                    y=[row.cooperation],
                    mode="markers+text",
                    name=f"{number} · {shorten(row.move, 60)}",
                    text=[str(number)],
                    textposition="middle center",
                    textfont={"color": PALETTE["page"], "size": 12},
                    cliponaxis=False,
                    marker=marker([row], 0.8),
                    **_bubble_hover([safe(row.move)], [row]),
                )
            )
    else:
        for label, gains in (("a direct gain", True), ("a direct loss", False)):
            rows = [row for row in expected if (row.gain >= 0) == gains]
            if not rows:
                continue
            figure.add_trace(
                Scatter(
                    x=[row.retaliation for row in rows],
                    y=[row.cooperation for row in rows],
                    mode="markers",
                    name=f"{len(rows)} move{'s' if len(rows) != 1 else ''} with {label}",
                    cliponaxis=False,
                    marker=marker(rows, 0.6),
                    **_bubble_hover([safe(row.move) for row in rows], rows),
                )
            )
    retaliation = [row.retaliation for row in expected]
    cooperation = [row.cooperation for row in expected]
    x_top = max(retaliation) * 1.25 or 1.0
    y_top = max(cooperation) * 1.25 or 1.0
    x_mid = float(np.median(retaliation))
    y_mid = float(np.median(cooperation))
    figure.add_vline(x=x_mid, line_dash="dot", line_color=PALETTE["neutral"])
    figure.add_hline(y=y_mid, line_dash="dot", line_color=PALETTE["neutral"])
    grey, ink = PALETTE["neutral"], PALETTE["ink"]
    for x, y, text, xanchor, yanchor, shift, size, color in (
        (0, 1, "↖ cooperation, little retaliation", "left", "bottom", 2, 11, grey),
        (1, 1, "cooperation, but provokes them ↗", "right", "bottom", 2, 11, grey),
        (1, 0, "provokes them, little cooperation ↘", "right", "top", -26, 11, grey),
        # the x axis title sits left, so that the caption on its right never covers it
        (0, 0, f"expected retaliation damage ({safe(currency)})", "left", "top", -26, 13, ink),
    ):
        figure.add_annotation(
            xref="paper",
            yref="paper",
            x=x,
            y=y,
            yshift=shift,
            text=text,
            showarrow=False,
            xanchor=xanchor,
            yanchor=yanchor,
            font={"size": size, "color": color},
        )
    return styled(
        figure,
        title="Retaliation against cooperation (bubble: direct gain)",
        height=440 + 22 * len(figure.data),
        margin={"t": 70, "b": 60},
        showlegend=True,
        legend={
            "orientation": "v",
            "itemsizing": "constant",
            "yref": "paper",
            "y": -0.16,
            "yanchor": "top",
        },
        xaxis={"tickformat": ",.0f", "range": [0, x_top]},
        yaxis={
            "title": f"expected cooperation value ({safe(currency)})",
            "tickformat": ",.0f",
            "range": [0, y_top],
        },
    )


def distinct_labels(names: Sequence[str], limit: int) -> list[str]:
    """Names shortened for an axis (:func:`shorten`), each drawn on a row of its own: names
    that would read the same keep their ends, and names still alike are numbered."""
    labels = [shorten(name, limit) for name in names]
    alike = Counter(labels)
    for i, name in enumerate(names):
        text = " ".join(str(name).split())
        if alike[labels[i]] > 1 and len(text) > limit:
            tail = limit // 3
            labels[i] = safe(text[: limit - tail - 1] + "…" + text[-tail:])
    seen: Counter[str] = Counter()
    for i, label in enumerate(labels):
        seen[label] += 1
        if seen[label] > 1:
            labels[i] = f"{label} ({seen[label]})"
    return labels


RANGED_MOVES = 15
"""The range chart draws at most this many moves, the best by their average: a row per move
at a readable height made a plan of 200 moves a chart 10,000 pixels tall."""


def range_chart(figures: Sequence[MoveFigures], currency: str, limit: int = RANGED_MOVES) -> Figure:
    """Net value per move from the bad case to the good case, the likely value and the average.

    The bad case is the 10th percentile (one outcome in ten is worse), the likely value the
    median, the good case the 90th percentile; the percentiles are named in the tooltips. Of
    more than ``limit`` moves, the ``limit`` best by their average are drawn and the title
    says so.
    """
    table = sorted(figures, key=lambda row: row.mean)[-limit:]
    names = distinct_labels([row.move for row in table], 36)
    labels = [
        f"{name} · {row.prob_loss:.0%} chance of a loss"
        for name, row in zip(names, table, strict=True)
    ]
    money = safe(currency)
    figure = Figure(
        [
            Bar(
                x=[row.p90 - row.p10 for row in table],
                base=[row.p10 for row in table],
                y=labels,
                orientation="h",
                name="bad case to good case",
                marker_color=PALETTE["ours"],
                opacity=0.35,
                customdata=[row.p90 for row in table],
                hovertemplate=f"bad case (P10: one outcome in ten is worse) %{{base:,.0f}} {money}"
                f"<br>good case (P90: one in ten is better) %{{customdata:,.0f}} {money}"
                "<extra></extra>",
            ),
            Scatter(
                x=[row.p50 for row in table],
                y=labels,
                mode="markers",
                name="likely",
                marker={
                    "symbol": "line-ns-open",
                    "size": 22,
                    "color": PALETTE["ours"],
                    "line": {"width": 3},
                },
                hovertemplate=f"likely (P50, the median) %{{x:,.0f}} {money}<extra></extra>",
            ),
            Scatter(
                x=[row.mean for row in table],
                y=labels,
                mode="markers",
                name="average",
                marker={"symbol": "diamond", "size": 10, "color": PALETTE["ink"]},
                hovertemplate=f"average %{{x:,.0f}} {money}<extra></extra>",
            ),
        ]
    )
    figure.add_vline(x=0, line_color=PALETTE["bad"], line_width=1)
    title = f"What each move may bring, {money}: bad case, likely, good case"
    more: dict[str, object] = {}
    if len(table) < len(figures):
        title += f"<br><sup>the {len(table)} best of {len(figures)} moves by their average</sup>"
        more["margin"] = {"t": 70}
    return styled(
        figure,
        title=title,
        height=140 + 52 * max(len(table), 1) + (22 if more else 0),
        xaxis={"tickformat": ",.0f"},
        yaxis=categories(labels),
        **more,
    )


def _value(quantity: str, value: float) -> str:
    return f"{value:.0%}" if quantity.endswith("probability") else f"{value:,.0f}"


def disagreement_chart(spread: Sequence[Disagreement], limit: int = 8) -> Figure:
    """The estimates the team disagrees on most, widest first, with who holds the extremes.

    Each bar is captioned on its own line above it, across the whole width, so that long move
    names and the two extremes never collide with the bars or run off the plot.
    """
    top = list(spread[:limit])[::-1]
    rows = list(range(len(top)))
    captions, hovers = [], []
    for row in top:
        what = QUANTITY_NAMES.get(row.quantity, row.quantity)
        what += f" · {shorten(row.competitor, 20)}" if row.competitor else ""
        low = f"{shorten(row.lowest, 22)} {_value(row.quantity, row.lowest_mean)}"
        high = f"{shorten(row.highest, 22)} {_value(row.quantity, row.highest_mean)}"
        captions.append(
            f"<b>{shorten(row.move, 36)}</b> · {what}<br>"
            f"<span style='color:{PALETTE['neutral']}'>{low} ↔ {high}</span>"
        )
        hovers.append(f"{safe(row.move)} · {what}<br>{low} ↔ {high}")
    figure = Figure(
        Bar(
            x=[row.spread for row in top],
            y=rows,
            orientation="h",
            width=0.34,
            marker_color=[
                PALETTE["warn"] if row.spread >= 0.25 else PALETTE["neutral"] for row in top
            ],
            customdata=hovers,
            hovertemplate="%{customdata}<br>spread %{x:.0%}<extra></extra>",
        )
    )
    for y, caption in zip(rows, captions, strict=True):
        figure.add_annotation(
            x=0,
            xref="paper",
            y=y,
            yshift=13,
            text=caption,
            showarrow=False,
            xanchor="left",
            yanchor="bottom",
            align="left",
            font={"size": 12},
        )
    return styled(
        figure,
        title="Where the team disagrees most: discuss these first",
        height=110 + 70 * max(len(top), 1),
        xaxis={
            "title": "how far apart the estimates are",
            "tickformat": ".0%",
            "range": [0, 1],
        },
        yaxis={"visible": False, "range": [-0.5, len(top) - 0.1]},
    )

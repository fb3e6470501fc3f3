"""Charts of the value proposition section."""

from __future__ import annotations

import math
from collections.abc import Sequence

from workbook.analysis.value import Coverage, DriverRow, ValueItemRow
from workbook.charts import PALETTE, categories, safe, shorten, styled
from workbook.charts.figure import Bar, Figure, Heatmap


def coverage_chart(cover: Coverage) -> Figure:
    """Which differentiator answers which pain; empty rows and columns are the gaps."""
    answers = list(cover.answers.values())
    z = [[int(a[i]) for a in answers] for i in range(len(cover.pains))]
    z = z if cover.pains and answers else [[0]]
    columns = [shorten(c, 26) for c in cover.answers] or [""]
    rows = [shorten(i, 40) for i in cover.pains] or [""]
    figure = Figure(
        Heatmap(
            z=z,
            x=columns,
            y=rows,
            colorscale=[[0, PALETTE["panel"]], [1, PALETTE["ours"]]],
            showscale=False,
            xgap=3,
            ygap=3,
            hovertemplate="%{y}<br>%{x}<extra></extra>",
            zmin=0,
            zmax=1,
        )
    )
    return styled(
        figure,
        title=f"Pains answered by our differentiators · {cover.score}%",
        height=140 + 36 * max(len(cover.pains), 1),
        yaxis=categories(rows, autorange="reversed"),
        xaxis=categories(columns, side="bottom", tickangle=-20),
    )


def driver_chart(drivers: Sequence[DriverRow], alternative: str) -> Figure:
    """Us and the alternative on each value driver, 0 to 10, most important on top."""
    table = list(drivers)[::-1]
    labels = [f"{shorten(r.driver, 30)} ({'★' * int(r.importance)})" for r in table]
    figure = Figure(
        [
            Bar(
                x=[r.alternative for r in table],
                y=labels,
                orientation="h",
                name=shorten(alternative or "Alternative", 40),
                marker_color=PALETTE["neutral"],
            ),
            Bar(
                x=[r.ours for r in table],
                y=labels,
                orientation="h",
                name="Us",
                marker_color=PALETTE["ours"],
            ),
        ]
    )
    return styled(
        figure,
        title="Us against the alternative, per value driver",
        height=140 + 46 * max(len(table), 1),
        barmode="group",
        xaxis={"range": [0, 10.2]},
        yaxis=categories(labels),
    )


def value_chart(items: Sequence[ValueItemRow], currency: str, payback: float | None) -> Figure:
    """Yearly value per benefit, largest first, coloured by kind."""
    table = sorted(items, key=lambda r: r.annual_value)
    colors = {
        "savings": PALETTE["ours"],
        "revenue": PALETTE["good"],
        "risk_avoided": PALETTE["warn"],
    }
    labels = [shorten(r.benefit, 36) for r in table]
    figure = Figure(
        Bar(
            x=[r.annual_value for r in table],
            y=labels,
            orientation="h",
            marker_color=[colors[r.kind] for r in table],
            customdata=[[safe(r.assumption)] for r in table],
            hovertemplate="%{y}: %{x:,.0f} " + safe(currency) + "<br>%{customdata[0]}"
            "<extra></extra>",
        )
    )
    total = math.fsum(r.annual_value for r in items)
    payback_text = f" · payback {payback:g} months" if payback else ""
    return styled(
        figure,
        title=f"Value per year: {currency} {total:,.0f}{payback_text}",
        height=110 + 36 * max(len(table), 1),
        xaxis={"tickformat": ",.0f"},
        yaxis=categories(labels),
    )

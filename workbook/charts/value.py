"""Charts of the value proposition section."""

from __future__ import annotations

import pandas as pd

from workbook.analysis.value import Coverage
from workbook.charts import PALETTE, categories, safe, shorten, styled
from workbook.charts.figure import Bar, Figure, Heatmap


def coverage_chart(cover: Coverage) -> Figure:
    """Which differentiator answers which pain; empty rows and columns are the gaps."""
    matrix = cover.matrix
    z = matrix.astype(int).to_numpy() if matrix.size else [[0]]
    columns = [shorten(c, 26) for c in matrix.columns] or [""]
    rows = [shorten(i, 40) for i in matrix.index] or [""]
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
        height=140 + 36 * max(len(matrix.index), 1),
        yaxis=categories(rows, autorange="reversed"),
        xaxis=categories(columns, side="bottom", tickangle=-20),
    )


def driver_chart(drivers: pd.DataFrame, alternative: str) -> Figure:
    """Us and the alternative on each value driver, 0 to 10, most important on top."""
    table = drivers.iloc[::-1]
    labels = [
        f"{shorten(d, 30)} ({'★' * int(i)})"
        for d, i in zip(table["driver"], table["importance"], strict=True)
    ]
    figure = Figure(
        [
            Bar(
                x=table["alternative"],
                y=labels,
                orientation="h",
                name=shorten(alternative or "Alternative", 40),
                marker_color=PALETTE["neutral"],
            ),
            Bar(
                x=table["ours"], y=labels, orientation="h", name="Us", marker_color=PALETTE["ours"]
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


def value_chart(items: pd.DataFrame, currency: str, payback: float | None) -> Figure:
    """Yearly value per benefit, largest first, coloured by kind."""
    table = items.sort_values("annual_value", kind="stable")
    colors = {
        "savings": PALETTE["ours"],
        "revenue": PALETTE["good"],
        "risk_avoided": PALETTE["warn"],
    }
    labels = [shorten(b, 36) for b in table["benefit"]]
    figure = Figure(
        Bar(
            x=table["annual_value"],
            y=labels,
            orientation="h",
            marker_color=[colors[k] for k in table["kind"]],
            customdata=[[safe(a)] for a in table["assumption"]],
            hovertemplate="%{y}: %{x:,.0f} " + safe(currency) + "<br>%{customdata[0]}"
            "<extra></extra>",
        )
    )
    total = float(items["annual_value"].sum())
    payback_text = f" · payback {payback:g} months" if payback else ""
    return styled(
        figure,
        title=f"Value per year: {currency} {total:,.0f}{payback_text}",
        height=110 + 36 * max(len(table), 1),
        xaxis={"tickformat": ",.0f"},
        yaxis=categories(labels),
    )

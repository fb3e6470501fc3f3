"""Charts of the strategy alignment section."""

from __future__ import annotations

from workbook.analysis.strategy import FitResult
from workbook.charts import PALETTE, categories, safe, shorten, styled
from workbook.charts.figure import Bar, Figure


def fit_chart(fit: FitResult) -> Figure:
    """How strongly the deal serves each strategic objective (0 none to 3 central)."""
    table = fit.table.iloc[::-1]
    colors = [
        PALETTE["good"] if s >= 2 else PALETTE["warn"] if s == 1 else PALETTE["neutral"]
        for s in table["strength"]
    ]
    labels = [shorten(t, 48) for t in table["objective"]]
    figure = Figure(
        Bar(
            x=table["strength"],
            y=labels,
            orientation="h",
            marker_color=colors,
            text=table["strength_label"],
            textposition="auto",
            customdata=[[safe(h)] for h in table["how"]],
            hovertemplate="%{y}<br>%{text}: %{customdata[0]}<extra></extra>",
        )
    )
    return styled(
        figure,
        title=f"Strategic fit per objective · {fit.score_text}",
        height=110 + 34 * max(len(table), 1),
        xaxis={
            "range": [0, 3.05],
            "tickvals": [0, 1, 2, 3],
            "ticktext": ["none", "weak", "clear", "central"],
        },
        yaxis=categories(labels),
    )

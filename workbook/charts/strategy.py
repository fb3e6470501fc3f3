"""Charts of the strategy alignment section."""

from __future__ import annotations

from workbook.analysis.strategy import FitResult
from workbook.charts import PALETTE, categories, safe, shorten, styled
from workbook.charts.figure import Bar, Figure


def fit_chart(fit: FitResult) -> Figure:
    """How strongly the deal serves each strategic objective (0 none to 3 central)."""
    table = fit.rows[::-1]
    colors = [
        PALETTE["good"]
        if r.strength >= 2
        else PALETTE["warn"]
        if r.strength == 1
        else PALETTE["neutral"]
        for r in table
    ]
    labels = [shorten(r.objective, 48) for r in table]
    figure = Figure(
        Bar(
            x=[r.strength for r in table],
            y=labels,
            orientation="h",
            marker_color=colors,
            text=[r.strength_label for r in table],
            textposition="auto",
            customdata=[[safe(r.how)] for r in table],
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

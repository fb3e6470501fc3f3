"""Charts of the scenarios section."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from workbook.charts import PALETTE, categories, safe, shorten, styled

QUANTITY_NAMES = {
    "gain": "gain",
    "cooperation_probability": "chance of cooperation",
    "cooperation_value": "value of cooperation",
    "retaliation_probability": "chance of retaliation",
    "retaliation_damage": "damage if they retaliate",
}


def quadrant_chart(expected: pd.DataFrame, currency: str) -> go.Figure:
    """Expected retaliation (x) against expected cooperation (y); bubble size is the gain."""
    gains = expected["gain"].abs()
    scale = 48 / max(float(gains.max()), 1.0)
    colors = [PALETTE["good"] if g >= 0 else PALETTE["bad"] for g in expected["gain"]]
    figure = go.Figure(
        go.Scatter(
            x=expected["retaliation"],
            y=expected["cooperation"],
            mode="markers+text",
            text=[shorten(m, 34) for m in expected["move"]],
            textposition="top center",
            marker={
                "size": [12 + g * scale for g in gains],
                "color": colors,
                "opacity": 0.7,
                "line": {"width": 1, "color": "white"},
            },
            customdata=list(zip(expected["gain"], expected["net"], strict=True)),
            hovertemplate="%{text}<br>retaliation %{x:,.0f} · cooperation %{y:,.0f}<br>"
            "gain %{customdata[0]:,.0f} · net %{customdata[1]:,.0f}<extra></extra>",
        )
    )
    x_top = float(expected["retaliation"].max()) * 1.3 or 1.0
    y_top = float(expected["cooperation"].max()) * 1.2 or 1.0
    x_mid = float(expected["retaliation"].median())
    y_mid = float(expected["cooperation"].median())
    figure.add_vline(x=x_mid, line_dash="dot", line_color=PALETTE["neutral"])
    figure.add_hline(y=y_mid, line_dash="dot", line_color=PALETTE["neutral"])
    for x, y, text, anchor in (
        (0, 1, "cooperation, little retaliation", "left"),
        (1, 1, "cooperation, but provokes them", "right"),
        (1, 0, "provokes them, little cooperation", "right"),
    ):
        figure.add_annotation(
            xref="paper",
            yref="paper",
            x=x,
            y=y,
            text=text,
            showarrow=False,
            xanchor=anchor,
            font={"size": 11, "color": PALETTE["neutral"]},
        )
    return styled(
        figure,
        title="Retaliation against cooperation (bubble: direct gain)",
        height=420,
        xaxis={
            "title": f"expected retaliation damage ({safe(currency)})",
            "tickformat": ",.0f",
            "range": [0, x_top],
        },
        yaxis={
            "title": f"expected cooperation value ({safe(currency)})",
            "tickformat": ",.0f",
            "range": [0, y_top],
        },
    )


def range_chart(figures: pd.DataFrame, currency: str) -> go.Figure:
    """Net value per move from the bad case to the good case, the likely value and the average.

    The bad case is the 10th percentile (one outcome in ten is worse), the likely value the
    median, the good case the 90th percentile; the percentiles are named in the tooltips.
    """
    table = figures.sort_values("mean", kind="stable")
    labels = [
        f"{shorten(m, 36)} · {p:.0%} chance of a loss"
        for m, p in zip(table["move"], table["prob_loss"], strict=True)
    ]
    money = safe(currency)
    figure = go.Figure(
        [
            go.Bar(
                x=table["p90"] - table["p10"],
                base=table["p10"],
                y=labels,
                orientation="h",
                name="bad case to good case",
                marker_color=PALETTE["ours"],
                opacity=0.35,
                customdata=table["p90"],
                hovertemplate=f"bad case (P10: one outcome in ten is worse) %{{base:,.0f}} {money}"
                f"<br>good case (P90: one in ten is better) %{{customdata:,.0f}} {money}"
                "<extra></extra>",
            ),
            go.Scatter(
                x=table["p50"],
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
            go.Scatter(
                x=table["mean"],
                y=labels,
                mode="markers",
                name="average",
                marker={"symbol": "diamond", "size": 10, "color": PALETTE["ink"]},
                hovertemplate=f"average %{{x:,.0f}} {money}<extra></extra>",
            ),
        ]
    )
    figure.add_vline(x=0, line_color=PALETTE["bad"], line_width=1)
    return styled(
        figure,
        title=f"What each move may bring, {money}: bad case, likely, good case",
        height=140 + 52 * max(len(table), 1),
        xaxis={"tickformat": ",.0f"},
        yaxis=categories(labels),
    )


def _value(quantity: str, value: float) -> str:
    return f"{value:.0%}" if quantity.endswith("probability") else f"{value:,.0f}"


def disagreement_chart(spread: pd.DataFrame, limit: int = 8) -> go.Figure:
    """The estimates the team disagrees on most, widest first, with who holds the extremes."""
    top = spread.head(limit).iloc[::-1]
    labels = [
        shorten(f"{m} · {QUANTITY_NAMES.get(q, q)}" + (f" · {c}" if c else ""), 64)
        for m, q, c in zip(top["move"], top["quantity"], top["competitor"], strict=True)
    ]
    extremes = [
        f"{safe(lo)} {_value(q, lo_v)} ↔ {safe(hi)} {_value(q, hi_v)}"
        for q, lo, lo_v, hi, hi_v in zip(
            top["quantity"],
            top["lowest"],
            top["lowest_mean"],
            top["highest"],
            top["highest_mean"],
            strict=True,
        )
    ]
    figure = go.Figure(
        go.Bar(
            x=top["spread"],
            y=labels,
            orientation="h",
            text=extremes,
            textposition="auto",
            marker_color=[
                PALETTE["warn"] if s >= 0.25 else PALETTE["neutral"] for s in top["spread"]
            ],
            hovertemplate="%{y}<br>%{text}<br>spread %{x:.0%}<extra></extra>",
        )
    )
    return styled(
        figure,
        title="Where the team disagrees most: discuss these first",
        height=130 + 40 * max(len(top), 1),
        xaxis={
            "title": "spread (share of the range the estimates cover)",
            "tickformat": ".0%",
            "rangemode": "tozero",
        },
        yaxis=categories(labels),
    )

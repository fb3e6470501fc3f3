"""Charts of the relationship and trust section."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from workbook.analysis.relationship import Balance
from workbook.charts import PALETTE, add_band, safe, styled


def stakeholder_map(players: pd.DataFrame) -> go.Figure:
    """Key players by stance (x) and influence (y); bubble size is our relationship."""
    players = players.assign(x=_spread(players["stance"], players["influence"]))
    figure = go.Figure()
    for side, color, name in (
        ("ours", PALETTE["ours"], "Our side"),
        ("theirs", PALETTE["theirs"], "Their side"),
    ):
        part = players[players["side"] == side]
        figure.add_trace(
            go.Scatter(
                x=part["x"],
                y=part["influence"],
                mode="markers+text",
                name=name,
                text=[safe(n) for n in part["name"]],
                textposition="top center",
                marker={
                    "size": 10 + 7 * part["relationship"],
                    "color": color,
                    "opacity": 0.75,
                    "line": {"width": 1, "color": "white"},
                },
                customdata=[
                    [safe(r), safe(o), k]
                    for r, o, k in zip(
                        part["role"], part["owner"], part["relationship"], strict=True
                    )
                ],
                hovertemplate="%{text}<br>%{customdata[0]}<br>relationship %{customdata[2]}/5, "
                "owner %{customdata[1]}<extra></extra>",
            )
        )
    figure.add_vline(x=0, line_color=PALETTE["grid"])
    return styled(
        figure,
        title="Key players: stance and influence",
        height=380,
        xaxis={
            "range": [-2.6, 2.6],
            "tickvals": [-2, -1, 0, 1, 2],
            "title": "stance",
            "ticktext": ["opposed", "sceptical", "neutral", "supportive", "champion"],
        },
        yaxis={"range": [0.4, 5.8], "tickvals": [1, 2, 3, 4, 5], "title": "influence"},
    )


def _spread(x: pd.Series, y: pd.Series, step: float = 0.22) -> list[float]:
    """x positions nudged apart where several players share one spot on the map."""
    seen: dict[tuple[float, float], int] = {}
    out = []
    for a, b in zip(x, y, strict=True):
        n = seen.get((a, b), 0)
        seen[(a, b)] = n + 1
        out.append(a + step * ((n + 1) // 2) * (1 if n % 2 else -1))
    return out


def balance_chart(balance: Balance, fair_share: float) -> go.Figure:
    """Our share of the relationship against the fair band around the middle."""
    share = (balance.share_ours or 0) * 100
    figure = go.Figure(
        go.Bar(
            x=[share, 100 - share],
            y=["", ""],
            orientation="h",
            marker_color=[PALETTE["ours"], PALETTE["theirs"]],
            text=["We give", "They give"],
            textposition="inside",
            hoverinfo="skip",
        )
    )
    low, high = (1 - fair_share) * 100, fair_share * 100
    add_band(figure, low, high, "fair band")
    figure.add_vline(x=share, line_color=PALETTE["ink"], line_width=2)
    return styled(
        figure,
        title=f"Reciprocity: we {share:.0f} / they {100 - share:.0f}",
        height=150,
        barmode="stack",
        showlegend=False,
        xaxis={"range": [0, 100], "ticksuffix": "%"},
        yaxis={"visible": False},
    )

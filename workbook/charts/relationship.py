"""Charts of the relationship and trust section."""

from __future__ import annotations

from collections.abc import Sequence

from workbook.analysis.relationship import Balance, PlayerRow
from workbook.charts import PALETTE, add_band, safe, shorten, styled
from workbook.charts.figure import Bar, Figure, Scatter


def stakeholder_map(players: Sequence[PlayerRow]) -> Figure:
    """Key players by stance (x) and influence (y); bubble size is our relationship.

    Players who share a spot are set side by side, their names alternately above and below
    their bubbles, so that names do not print over each other.
    """
    x, where, room = _spread([p.stance for p in players], [p.influence for p in players])
    figure = Figure()
    for side, color, name in (
        ("ours", PALETTE["ours"], "Our side"),
        ("theirs", PALETTE["theirs"], "Their side"),
    ):
        part = [i for i, p in enumerate(players) if p.side == side]
        figure.add_trace(
            Scatter(
                x=[x[i] for i in part],
                y=[players[i].influence for i in part],
                mode="markers+text",
                name=name,
                text=[shorten(players[i].name, room[i]) for i in part],
                textposition=[where[i] for i in part],
                cliponaxis=False,
                marker={
                    "size": [10 + 5 * players[i].relationship for i in part],
                    "color": color,
                    "opacity": 0.75,
                    "line": {"width": 1, "color": PALETTE["page"]},
                },
                customdata=[
                    [
                        safe(players[i].name),
                        safe(players[i].role),
                        safe(players[i].owner),
                        players[i].relationship,
                    ]
                    for i in part
                ],
                hovertemplate="%{customdata[0]}<br>%{customdata[1]}<br>relationship "
                "%{customdata[3]}/5, owner %{customdata[2]}<extra></extra>",
            )
        )
    figure.add_vline(x=0, line_color=PALETTE["grid"])
    return styled(
        figure,
        title="Key players: stance and influence",
        height=420,
        xaxis={
            "range": [-2.6, 2.6],
            "tickvals": [-2, -1, 0, 1, 2],
            "title": "stance",
            "ticktext": ["opposed", "sceptical", "neutral", "supportive", "champion"],
        },
        yaxis={"range": [0.3, 5.7], "tickvals": [1, 2, 3, 4, 5], "title": "influence"},
    )


def _spread(x: Sequence[float], y: Sequence[float]) -> tuple[list[float], list[str], list[int]]:
    """Where each player goes when several share a spot, and room for their names.

    A spot's players are set side by side; their names go above and below their bubbles in
    turn, so that neighbours' names never meet, and are shortened when three or more share
    the spot. Returns x positions, text positions and the characters each name may use.
    """
    spots: dict[tuple[float, float], list[int]] = {}
    for i, spot in enumerate(zip(x, y, strict=True)):
        spots.setdefault(spot, []).append(i)
    xs, where, room = [0.0] * len(x), ["top center"] * len(x), [22] * len(x)
    for (a, _b), members in spots.items():
        width = 0.36 if len(members) < 3 else 0.5
        for k, i in enumerate(members):
            xs[i] = a + width * (k - (len(members) - 1) / 2)
            where[i] = "top center" if k % 2 == 0 else "bottom center"
            room[i] = 22 if len(members) < 3 else 13
    return xs, where, room


def balance_chart(balance: Balance, fair_share: float) -> Figure:
    """Our share of the relationship against the fair band around the middle."""
    share = (balance.share_ours or 0) * 100
    figure = Figure(
        Bar(
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

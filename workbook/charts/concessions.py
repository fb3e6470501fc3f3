"""Charts of the concession planner and the live ledger."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from workbook.analysis.concessions import PackageView, Trade, Zopa
from workbook.analysis.ledger import LedgerRow
from workbook.analysis.packages import Frontier
from workbook.analysis.rehearsal_report import RehearsalReport
from workbook.charts import PALETTE, add_band, categories, safe, shorten, styled
from workbook.charts.figure import Figure, Scatter
from workbook.model import Plan

QUADRANT_COLORS = {
    "trade currency": PALETTE["good"],
    "throw-in": PALETTE["ours"],
    "bargaining chip": PALETTE["warn"],
    "transfer": PALETTE["neutral"],
    "avoid": PALETTE["bad"],
}


def trade_chart(trades: Sequence[Trade]) -> Figure:
    """Each possible concession: cost to us (x) against value to them (y), by quadrant."""
    figure = Figure()
    for quadrant, color in QUADRANT_COLORS.items():
        part = [t for t in trades if t.quadrant == quadrant]
        if not part:
            continue
        figure.add_trace(
            Scatter(
                x=[t.cost_to_us for t in part],
                y=[t.value_to_them for t in part],
                mode="markers",
                name=quadrant,
                marker={"size": 11, "color": color, "opacity": 0.85},
                text=[f"{shorten(t.variable, 30)}: {shorten(t.to_option, 30)}" for t in part],
                hovertemplate="%{text}<br>cost to us %{x:,.1f} · value to them %{y:,.1f}"
                "<extra></extra>",
            )
        )
    costs = [t.cost_to_us for t in trades]
    top = float(max(max(costs), max(t.value_to_them for t in trades), 1))
    figure.add_trace(
        Scatter(
            x=[0, top],
            y=[0, top],
            mode="lines",
            name="worth what it costs",
            line={"dash": "dot", "color": PALETTE["neutral"]},
            hoverinfo="skip",
        )
    )
    figure.add_vline(
        x=float(np.median(costs)),
        line_dash="dot",
        line_color=PALETTE["neutral"],
        annotation_text="median cost",
    )
    return styled(
        figure,
        title="Trade currency: cheap for us, worth more to them (top left)",
        height=360,
        xaxis={"title": "cost to us"},
        yaxis={"title": "value to them"},
    )


MARKED_FRONTIER = 300
"""The frontier's points are marked up to this many; a longer frontier is drawn as a line:
each marker is an element of the page's picture, and thousands take seconds to draw."""


DRAWN_PACKAGES = 1500
"""The package space is drawn with at most this many packages, as many as show its shape:
each is a marker of the page's picture, and 4,000 took a big plan's section a second to
draw."""


def _mark_packages(figure: Figure, size: int, *marks: tuple[str, Any, str, str]) -> None:
    """A marker for each package named in ``marks`` (label, package or None, symbol,
    colour), its options listed on hover."""
    for label, package, symbol, color in marks:
        if package is None:
            continue
        detail = "<br>".join(f"{safe(k)}: {safe(v)}" for k, v in package.options.items())
        figure.add_trace(
            Scatter(
                x=[package.ours],
                y=[package.theirs],
                mode="markers",
                name=label,
                marker={"size": size, "symbol": symbol, "color": color},
                hovertemplate=f"{label}<br>%{{x:,.1f}} · %{{y:,.1f}}<br>{detail}<extra></extra>",
            )
        )


def _mark_floors(figure: Figure, ours: float | None, theirs: float | None) -> None:
    """Dashed lines at our floor (a package score for us) and theirs, each when given."""
    if ours is not None:
        figure.add_vline(
            x=ours, line_dash="dash", line_color=PALETTE["ours"], annotation_text="our floor"
        )
    if theirs is not None:
        figure.add_hline(
            y=theirs, line_dash="dash", line_color=PALETTE["theirs"], annotation_text="their floor"
        )


def package_chart(view: PackageView) -> Figure:
    """The package space, its Pareto frontier, the Nash package, floors and the current offer."""
    space_ours, space_theirs = view.space_ours, view.space_theirs
    if len(space_ours) > DRAWN_PACKAGES:  # a fixed random pick: the same chart each time
        pick = np.random.default_rng(0).choice(len(space_ours), DRAWN_PACKAGES, replace=False)
        space_ours, space_theirs = space_ours[np.sort(pick)], space_theirs[np.sort(pick)]
    space_name = (
        f"packages (sample of {len(space_ours):,} of {view.total:,})"
        if len(space_ours) < view.total
        else f"packages ({view.total:,})"
    )
    frontier = view.pareto  # ours descending, each value once: drawn from the left
    figure = Figure(
        [
            Scatter(
                x=space_ours,
                y=space_theirs,
                mode="markers",
                name=space_name,
                marker={"size": 4, "color": PALETTE["neutral"], "opacity": 0.35},
                hoverinfo="skip",
            ),
            Scatter(
                x=frontier.ours[::-1],
                y=frontier.theirs[::-1],
                mode="lines+markers" if len(frontier) <= MARKED_FRONTIER else "lines",
                name=f"Pareto frontier ({len(frontier)})",
                line={"color": PALETTE["ours"], "width": 2},
                marker={"size": 5},
                hovertemplate="us %{x:,.1f} · them %{y:,.1f}<extra></extra>",
            ),
        ]
    )
    _mark_packages(
        figure,
        15,
        ("Nash package", view.nash_choice, "star", PALETTE["good"]),
        ("Best for us above their floor", view.best_choice, "diamond", PALETTE["theirs"]),
        ("Offer on the table", view.offer, "x", PALETTE["ink"]),
    )
    _mark_floors(figure, view.our_floor or None, view.their_floor or None)
    return styled(
        figure,
        title="Packages: value to us and to them",
        height=420,
        xaxis={"title": "value to us"},
        yaxis={"title": "value to them"},
    )


def zopa_chart(plan: Plan, zone: Zopa) -> Figure:
    """Both sides' opening, target and walk-away on one line, with the zone of agreement."""
    positions = plan.concessions.positions
    figure = Figure()
    for name, side, color in (
        ("Us", positions.ours, PALETTE["ours"]),
        ("Them", positions.theirs, PALETTE["theirs"]),
    ):
        points = [
            (k, v)
            for k, v in (
                ("opening", side.opening),
                ("target", side.target),
                ("walk-away", side.reservation),
                ("BATNA", side.batna_value),
            )
            if v is not None
        ]
        figure.add_trace(
            Scatter(
                x=[v for _, v in points],
                y=[name] * len(points),
                mode="markers+text",
                text=[k for k, _ in points],
                textposition="top center",
                name=name,
                marker={
                    "size": 13,
                    "color": color,
                    "symbol": [
                        {"opening": "circle", "target": "diamond", "walk-away": "square"}.get(
                            k, "x"
                        )
                        for k, _ in points
                    ],
                },
                hovertemplate="%{text}: %{x:,.0f}<extra>" + name + "</extra>",
            )
        )
    if positions.market_reference:
        figure.add_vline(
            x=positions.market_reference,
            line_dash="dot",
            line_color=PALETTE["neutral"],
            annotation_text="market",
        )
    if zone.exists and zone.low is not None and zone.high is not None:
        add_band(figure, zone.low, zone.high, "zone of agreement", position="bottom left")
    title = (
        "Positions and the zone of agreement"
        if zone.exists
        else ("Positions: no zone of agreement" if zone.exists is False else "Positions")
    )
    return styled(
        figure,
        title=title,
        height=240,
        showlegend=False,
        xaxis={"tickformat": ",.0f", "title": plan.currency},
        yaxis=categories(["Us", "Them"], range=[-0.6, 1.8]),
    )


def ledger_chart(status: Sequence[LedgerRow], currency: str = "") -> Figure:
    """What has moved so far: our concessions at their value to them, theirs at their
    value to us, concession by concession (information, not a target split)."""
    x = list(range(1, len(status) + 1))
    text = [shorten(r.description, 40) + (" (unanswered)" if r.unanswered else "") for r in status]
    colors = [PALETTE["bad"] if r.unanswered else PALETTE["ours"] for r in status]
    given = [r.given_to_them for r in status]
    received = [r.received_total for r in status]
    figure = Figure(
        [
            Scatter(
                x=x,
                y=given,
                mode="lines+markers",
                name="we gave (worth to them)",
                cliponaxis=False,
                line={"color": PALETTE["ours"], "width": 2},
                marker={"size": 10, "color": colors},
                text=text,
                hovertemplate="%{text}<br>given so far %{y:,.0f}<extra></extra>",
            ),
            Scatter(
                x=x,
                y=received,
                mode="lines+markers",
                name="we received (worth to us)",
                cliponaxis=False,
                line={"color": PALETTE["theirs"], "width": 2},
                marker={"size": 10},
                text=text,
                hovertemplate="%{text}<br>received so far %{y:,.0f}<extra></extra>",
            ),
        ]
    )
    highest = max(max(given), max(received))
    return styled(
        figure,
        title="Running totals: what each side has received",
        height=300,
        # one tick per concession, half a step of room at each end; markers at zero or at
        # the top are drawn whole (a single entry is no longer a dot on the frame)
        xaxis={"title": "concession", "tickvals": x, "range": [0.5, len(x) + 0.5]},
        yaxis={
            "title": currency,
            "tickformat": ",.0f",
            "range": [0, 1.15 * max(highest, 1.0)],
        },
        legend={"orientation": "h", "y": -0.3},
    )


def rehearsal_chart(
    front: Frontier, report: RehearsalReport, their_floor: float, our_floor: float | None
) -> Figure:
    """A rehearsal's moves against the Pareto frontier: our offers, their counter-offers, the
    Nash package and the deal, with both floors."""
    figure = Figure(
        [
            Scatter(
                x=front.ours[::-1],
                y=front.theirs[::-1],
                mode="lines+markers" if len(front) <= MARKED_FRONTIER else "lines",
                name=f"Pareto frontier ({len(front)})",
                line={"color": PALETTE["neutral"], "width": 2},
                marker={"size": 4},
                hovertemplate="us %{x:,.1f} · them %{y:,.1f}<extra></extra>",
            )
        ]
    )
    for side, label, color, symbol in (
        ("us", "our offers", PALETTE["ours"], "circle"),
        ("them", "their offers", PALETTE["theirs"], "square"),
    ):
        moves = [
            m
            for m in report.moves
            if m.side == side and m.kind in ("offer", "counter") and m.ours is not None
        ]
        if not moves:
            continue
        figure.add_trace(
            Scatter(
                x=[m.ours for m in moves],
                y=[m.theirs for m in moves],
                mode="lines+markers+text",
                name=label,
                text=[str(m.round) for m in moves],
                textposition="top center",
                line={"color": color, "width": 1, "dash": "dot"},
                marker={"size": 10, "color": color, "symbol": symbol},
                hovertemplate=f"{label}, round %{{text}}<br>us %{{x:,.1f}} · them %{{y:,.1f}}"
                "<extra></extra>",
            )
        )
    _mark_packages(
        figure,
        16,
        ("Nash package", report.nash, "star", PALETTE["good"]),
        ("Deal", report.deal, "x", PALETTE["ink"]),
    )
    _mark_floors(figure, our_floor or None, their_floor)
    return styled(
        figure,
        title="Rehearsal: each move against the frontier",
        height=400,
        xaxis={"title": "value to us"},
        yaxis={"title": "value to them"},
    )

"""Charts of a workshop's answers, for the facilitator's panel and the projector."""

from __future__ import annotations

from workbook.analysis.workshop import EstimateSummary, Summary, ValuesSummary, VoteSummary
from workbook.charts import PALETTE, TEMPLATE, categories, safe, shorten, styled
from workbook.charts.figure import Bar, Figure, Scatter, merged
from workbook.charts.scenarios import disagreement_chart
from workbook.theme import DARK

_DARK_AXIS = {
    "linecolor": DARK["neutral"],
    "tickcolor": DARK["neutral"],
    "gridcolor": DARK["grid"],
}
DARK_TEMPLATE = {
    "layout": {
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "font": {"color": DARK["ink"]},
        "xaxis": _DARK_AXIS,
        "yaxis": _DARK_AXIS,
    }
}
"""Laid over the workbook's template for dark screens: no background, light text."""


def vote_chart(summary: VoteSummary) -> Figure:
    """Votes per candidate priority, most voted on top; the top two stand out."""
    counts = summary.rows[::-1]
    top = set(summary.top)
    labels = [shorten(r.candidate, 48) for r in counts]
    votes = [r.votes for r in counts]
    figure = Figure(
        Bar(
            x=votes,
            y=labels,
            orientation="h",
            text=votes,
            textposition="auto",
            marker_color=[
                PALETTE["ours"] if r.candidate in top else PALETTE["neutral"] for r in counts
            ],
            hovertemplate="%{y}: %{x} votes<extra></extra>",
        )
    )
    return styled(
        figure,
        title=f"Votes for the top two priorities ({len(summary.participants)} voted)",
        height=120 + 44 * max(len(counts), 1),
        xaxis={"title": "votes", "dtick": 1, "rangemode": "tozero"},
        yaxis=categories(labels),
    )


def values_chart(summary: ValuesSummary) -> Figure:
    """Each participant's value for each option, with the median as a bar."""
    labels = [shorten(o.label, 28) for o in summary.prompt.options]
    figure = Figure(
        Bar(
            x=labels,
            y=[r.median for r in summary.rows],
            name="median",
            marker_color=PALETTE["theirs" if summary.prompt.side == "theirs" else "ours"],
            opacity=0.35,
            hovertemplate="%{x}: median %{y:,.4~g}<extra></extra>",
        )
    )
    for who, values in summary.answers.items():
        picked = [(lab, values[o.id]) for lab, o in zip(labels, summary.prompt.options, strict=True)
                  if o.id in values]  # fmt: skip
        figure.add_trace(
            Scatter(
                x=[p[0] for p in picked],
                y=[p[1] for p in picked],
                mode="markers",
                name=safe(who),
                showlegend=False,
                marker={"size": 11, "color": PALETTE["ink"], "opacity": 0.7},
                hovertemplate=f"{safe(who)}: %{{y:,.4~g}}<extra></extra>",
            )
        )
    whose = "to them" if summary.prompt.side == "theirs" else "to us"
    return styled(
        figure,
        title=f"What each option of {shorten(summary.prompt.variable, 40)} is worth {whose}",
        height=380,
        xaxis=categories(labels),
        yaxis={"title": "value", "rangemode": "tozero"},
    )


def summary_chart(summary: Summary, *, dark: bool = False, large: bool = False) -> Figure | None:
    """The chart of a prompt's answers (None while there is too little to draw).

    ``dark`` draws light text on no background, ``large`` uses type for a shared screen.
    """
    figure: Figure | None = None
    if isinstance(summary, VoteSummary) and summary.participants:
        figure = vote_chart(summary)
    elif isinstance(summary, ValuesSummary) and summary.participants:
        figure = values_chart(summary)
    elif isinstance(summary, EstimateSummary) and summary.disagreements:
        figure = disagreement_chart(summary.disagreements)
    if figure is None:
        return None
    if dark:
        figure.update_layout(template=merged(TEMPLATE, DARK_TEMPLATE))
    if large:
        figure.update_layout(
            font_size=17, title_font_size=22, height=int(figure.layout.height * 1.3)
        )
    return figure

"""HTML for the aggregate of answers and the agenda clock, in normal or large type."""

from __future__ import annotations

from workbook.analysis.workshop import (
    EstimateSummary,
    Summary,
    ValuesSummary,
    VoteSummary,
)
from workbook.content import WorkshopContent, load_content
from workbook.ui.forms import (
    format_number,
)
from workbook.ui.workshop.kit import ACCENT, QUANTITY_LABELS, WARN, _note, workshop_html
from workbook.workshop import (
    ClockReading,
    format_seconds,
)


def _amount(value: float, quantity: str) -> str:
    return f"{value:.0%}" if quantity.endswith("probability") else f"{value:,.0f}"


def summary_html(summary: Summary, currency: str, *, large: bool = False) -> str:
    """Key figures of a prompt's answers (user text escaped)."""
    count = len(summary.participants)
    if count == 0:
        return _note("No answers yet.", size="20px" if large else "13px")
    if isinstance(summary, EstimateSummary):
        pairs = [("Answers", str(count)), ("Disagreement", f"{summary.disagreement:.0%}")]
        if summary.expectations:
            net = summary.expectations[0].net
            pairs.append((f"Team's expected net value ({currency})", f"{net:,.0f}"))
        spread = ""
        if summary.disagreements:
            row = summary.disagreements[0]
            what = QUANTITY_LABELS.get(row.quantity, row.quantity)
            if row.competitor:
                what += f" ({row.competitor})"
            spread = (
                f"Furthest apart on {what}: {row.lowest} "
                f"{_amount(row.lowest_mean, row.quantity)} against {row.highest} "
                f"{_amount(row.highest_mean, row.quantity)}."
            )
        return workshop_html("summary", pairs=pairs, spread=spread, large=large)
    if isinstance(summary, ValuesSummary):
        rows = [
            [
                (r.option, False),
                (str(r.answers), False),
                (format_number(round(r.median, 2)) if r.answers else "—", False),
                (f"{format_number(r.low)} – {format_number(r.high)}" if r.answers else "—", False),
            ]
            for r in summary.rows
        ]
        head = ["Option", "Answers", "Median", "Lowest – highest"]
        return workshop_html(
            "summary", pairs=[("Answers", str(count))], head=head, rows=rows, large=large
        )
    assert isinstance(summary, VoteSummary)
    top = set(summary.top)
    rows = [[(r.candidate, r.candidate in top), (str(r.votes), False)] for r in summary.rows]
    return workshop_html(
        "summary", pairs=[("Voted", str(count))], head=["Priority", "Votes"], rows=rows, large=large
    )


def clock_html(reading: ClockReading, content: WorkshopContent, *, large: bool = False) -> str:
    """The agenda item, the time left and a quiet progress bar; amber when time is up."""
    if reading.item is None:
        return _note("Add sections to the agenda to run the timer.")
    titles = {k: c.title for k, c in load_content().items()}
    title = titles.get(reading.item.section, reading.item.section)
    over = reading.signal == "time_up"
    left = (
        f"{format_seconds(-reading.remaining)} over"
        if over
        else f"{format_seconds(reading.remaining)} left"
    )
    state = "" if reading.running else " · paused"
    return workshop_html(
        "clock",
        signal=reading.signal,
        where=f"Item {(reading.index or 0) + 1} of {reading.count} · {title} · "
        f"{reading.item.minutes} min{state}",
        left=left,
        tone=WARN if reading.signal else ACCENT,
        width=round(100 * reading.fraction),
        warning={"nearly": content.nearly, "time_up": content.time_up}.get(reading.signal, ""),
        large=large,
    )

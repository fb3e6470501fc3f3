"""HTML for the aggregate of answers and the agenda clock, in normal or large type."""

from __future__ import annotations

from collections.abc import Sequence

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
from workbook.ui.workshop.kit import ACCENT, INK, LINE, MUTED, QUANTITY_LABELS, WARN, _note, esc
from workbook.workshop import (
    ClockReading,
    format_seconds,
)


def _tiles(pairs: Sequence[tuple[str, str]], large: bool) -> str:
    size, label = ("30px", "15px") if large else ("17px", "11px")
    tiles = "".join(
        f"<div style='padding:4px 22px 4px 0'><div style='font-size:{label};color:{MUTED}'>"
        f"{esc(k)}</div><div style='font-size:{size};font-weight:600;color:{INK}'>{esc(v)}"
        "</div></div>"
        for k, v in pairs
    )
    return f"<div style='display:flex;flex-wrap:wrap;line-height:1.3'>{tiles}</div>"


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], large: bool) -> str:
    size = "20px" if large else "13px"
    cell = f"padding:3px 14px 3px 0;border-bottom:1px solid {LINE};text-align:left"
    top = "".join(f"<th style='{cell};color:{MUTED};font-weight:600'>{esc(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td style='{cell}'>{c}</td>" for c in row) + "</tr>" for row in rows
    )
    return (
        f"<table style='border-collapse:collapse;font-size:{size};color:{INK};"
        f"line-height:1.35;margin:4px 0'><tr>{top}</tr>{body}</table>"
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
        if len(summary.expected):
            net = float(summary.expected["net"].iloc[0])
            pairs.append((f"Team's expected net value ({currency})", f"{net:,.0f}"))
        text = _tiles(pairs, large)
        if len(summary.spread):
            row = summary.spread.iloc[0]
            what = QUANTITY_LABELS.get(row.quantity, row.quantity)
            if row.competitor:
                what += f" ({row.competitor})"
            text += _note(
                f"Furthest apart on {what}: {row.lowest} "
                f"{_amount(row.lowest_mean, row.quantity)} against {row.highest} "
                f"{_amount(row.highest_mean, row.quantity)}.",
                INK,
                "20px" if large else "13px",
            )
        return text
    if isinstance(summary, ValuesSummary):
        rows = [
            [
                esc(r.option),
                str(r.answers),
                esc(format_number(round(r.median, 2))) if r.answers else "—",
                esc(f"{format_number(r.low)} – {format_number(r.high)}") if r.answers else "—",
            ]
            for r in summary.table.itertuples()
        ]
        head = ["Option", "Answers", "Median", "Lowest – highest"]
        return _tiles([("Answers", str(count))], large) + _table(head, rows, large)
    assert isinstance(summary, VoteSummary)
    top = set(summary.top)
    rows = [
        [f"<b>{esc(c)}</b>" if c in top else esc(c), str(v)]
        for c, v in zip(summary.counts["candidate"], summary.counts["votes"], strict=True)
    ]
    return _tiles([("Voted", str(count))], large) + _table(["Priority", "Votes"], rows, large)


def clock_html(reading: ClockReading, content: WorkshopContent, *, large: bool = False) -> str:
    """The agenda item, the time left and a quiet progress bar; amber when time is up."""
    if reading.item is None:
        return _note("Add sections to the agenda to run the timer.")
    titles = {k: c.title for k, c in load_content().items()}
    title = titles.get(reading.item.section, reading.item.section)
    over = reading.signal == "time_up"
    color = WARN if reading.signal else ACCENT
    left = (
        f"{format_seconds(-reading.remaining)} over"
        if over
        else f"{format_seconds(reading.remaining)} left"
    )
    state = "" if reading.running else " · paused"
    note = {"nearly": content.nearly, "time_up": content.time_up}.get(reading.signal, "")
    big, small = ("56px", "22px") if large else ("26px", "13px")
    width = round(100 * reading.fraction)
    return (
        f"<div class='nw-clock nw-clock-{reading.signal or 'on-time'}' style='line-height:1.25'>"
        f"<div style='font-size:{small};color:{MUTED}'>Item {(reading.index or 0) + 1} of "
        f"{reading.count} · {esc(title)} · {reading.item.minutes} min{state}</div>"
        f"<div style='font-size:{big};font-weight:700;color:{color}'>{esc(left)}</div>"
        f"<div style='height:8px;background:{LINE};border-radius:4px;margin:6px 0'>"
        f"<div style='width:{width}%;height:8px;background:{color};border-radius:4px'>"
        f"</div></div>" + (_note(note, WARN, small) if note else "") + "</div>"
    )

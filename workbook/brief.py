"""The brief: one page a team takes into the room, as HTML.

Every text a user typed is escaped here; nothing in a plan can add markup to the page.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from workbook.model import Objective, Plan

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1f2933;
max-width:900px;margin:24px auto;padding:0 16px;line-height:1.45}
h1{font-size:22px;margin:0 0 4px 0} h2{font-size:16px;margin:18px 0 6px 0;
border-bottom:1px solid #d9dee5;padding-bottom:2px} .muted{color:#5f6b7a}
table{border-collapse:collapse;width:100%;font-size:13px} td,th{text-align:left;
padding:3px 6px;border-bottom:1px solid #eef1f4;vertical-align:top}
.flag{color:#b42318}
"""


def e(text: object) -> str:
    """Escape any value for HTML."""
    return html.escape(str(text), quote=True)


def _money(plan: Plan, value: float | None) -> str:
    if value is None:
        return "—"
    return f"{plan.currency} {value:,.0f}"


def _list(items: Iterable[str], empty: str = "—") -> str:
    rows = [f"<li>{e(i)}</li>" for i in items]
    return f"<ul>{''.join(rows)}</ul>" if rows else f"<p class='muted'>{e(empty)}</p>"


def _strategy_part(plan: Plan, objectives: Sequence[Objective] | None) -> str:
    from workbook.analysis.strategy import fit_check, objectives_from_links

    s = plan.strategy
    fit = fit_check(s, objectives if objectives is not None else objectives_from_links(s))
    color = "#1e7b4d" if fit.strategic else "#b42318"
    served = _list(
        f"{row.objective} ({row.strength_label}){': ' + row.how if row.how else ''}"
        for row in fit.table.itertuples()
        if row.strength > 0
    )
    flags = _list(
        (f"{f.subject}: {f.reason}" for f in fit.flags if f.severity == "problem"),
        "No problems flagged.",
    )
    return (
        f"<p style='color:{color}'><b>{e(fit.verdict)}</b></p>{served}"
        f"<p><b>We compete on:</b> {e('; '.join(s.compete_where) or '—')}<br>"
        f"<b>We do not compete on:</b> {e('; '.join(s.not_compete_where) or '—')}</p>"
        f"<p><b>Priorities:</b> {e('; '.join(p.text for p in s.priorities) or '—')}</p>"
        f"<p><b>To revisit:</b></p>{flags}"
    )


def _value_part(plan: Plan) -> str:
    from workbook.analysis.value import coverage, value_totals

    v = plan.value
    totals = value_totals(v)
    payback = totals.payback_months
    cover = coverage(v)
    framing = "".join(
        f"<tr><td>{e(f.name or f.role.replace('_', ' '))}</td><td>{e(f.statement)}</td></tr>"
        for f in v.framings
    )
    return (
        f"<p>Value per year {e(_money(plan, totals.annual))}, "
        f"over {totals.horizon_years} years {e(_money(plan, totals.over_horizon))}; payback "
        f"{e('never' if payback is None else f'{payback:g} months')}. "
        f"Alternative: {e(v.alternative.name or '—')}.</p>"
        f"<p>{e(cover.summary)}</p>"
        + (
            f"<table><tr><th>Stakeholder</th><th>How we frame it</th></tr>{framing}</table>"
            if framing
            else "<p class='muted'>No framing per stakeholder yet.</p>"
        )
    )


def brief_sections(
    plan: Plan, objectives: Sequence[Objective] | None = None
) -> list[tuple[str, str]]:
    """The brief's sections as (title, HTML body) pairs, in reading order.

    ``objectives`` are the company's strategic objectives; without them the objectives the
    plan links to are taken as the strategic plan.
    """
    c, r = plan.concessions, plan.relationship
    side = "We sell to" if plan.side == "sell" else "We buy from"
    header = (
        f"<p>{e(side)} <b>{e(plan.counterpart or '—')}</b> · "
        f"{e(_money(plan, plan.deal_value))} · {e(plan.date or 'date not set')}</p>"
        f"<p>{e(plan.summary)}</p>"
    )
    moves = _list(m.name for m in plan.scenarios.moves)
    steps = _list(f"If they give {st.if_they_give}, we give {st.we_give}" for st in c.steps)
    ours, theirs = c.positions.ours, c.positions.theirs
    positions = (
        "<table><tr><th></th><th>Opening</th><th>Target</th><th>Walk-away</th></tr>"
        f"<tr><td>Us</td><td>{e(_money(plan, ours.opening))}</td>"
        f"<td>{e(_money(plan, ours.target))}</td><td>{e(_money(plan, ours.reservation))}</td></tr>"
        f"<tr><td>Them</td><td>{e(_money(plan, theirs.opening))}</td>"
        f"<td>{e(_money(plan, theirs.target))}</td>"
        f"<td>{e(_money(plan, theirs.reservation))}</td></tr></table>"
        f"<p><b>Our BATNA:</b> {e(ours.batna or '—')}</p>"
    )
    relation = f"<p>Trust today: {r.trust_level}/5 · approach: {e(r.mode)}</p>" + _list(
        (d.text for d in r.disclosures if d.share_up_front), "Nothing to share up front."
    )
    questions = _list(
        (q.text for q in plan.workshop.parking_lot if not q.resolved), "No open questions."
    )
    return [
        ("The deal", header),
        ("Strategic fit", _strategy_part(plan, objectives)),
        ("Value proposition", _value_part(plan)),
        ("Moves under consideration", moves),
        ("Positions", positions),
        ("Concession plan", steps),
        ("Relationship plan", relation),
        ("Open questions", questions),
    ]


def brief_html(
    plan: Plan, *, standalone: bool = True, objectives: Sequence[Objective] | None = None
) -> str:
    """The brief as HTML: a whole document when ``standalone``, else a fragment."""
    body = f"<h1>{e(plan.name)}</h1>" + "".join(
        f"<h2>{e(title)}</h2>{content}" for title, content in brief_sections(plan, objectives)
    )
    if not standalone:
        return (
            f"<div class='nw-brief'><style>{_CSS.replace('body', '.nw-brief')}</style>{body}</div>"
        )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; img-src data:\">"
        f"<title>{e(plan.name)}</title><style>{_CSS}</style></head><body>{body}</body></html>"
    )

"""The brief: one page a team takes into the room, and its exports.

Each section contributes a :class:`Part` made of plain blocks (paragraphs, bullets,
tables, key figures, charts); the renderers turn the same parts into HTML or Markdown,
escaping every text a user typed. The HTML export is self-contained: it carries its
styles and plotly.js, opens offline, and a Content-Security-Policy lets only its own
scripts run.

>>> from workbook.store import example_plan
>>> "Strategic fit" in brief_markdown(example_plan())
True
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from workbook.model import Objective, Plan

# --- blocks -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Para:
    """A paragraph; ``tone`` is "good", "bad" or "" (plain)."""

    text: str
    tone: str = ""
    strong: bool = False


@dataclass(frozen=True)
class Bullets:
    """A bulleted list; ``empty`` is shown when there are no items."""

    items: list[str]
    empty: str = "—"


@dataclass(frozen=True)
class Table:
    """A small table of texts."""

    columns: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Figures:
    """Key figures as (label, value) pairs."""

    pairs: list[tuple[str, str]]


@dataclass(frozen=True)
class Chart:
    """A plotly figure, drawn only in the HTML export."""

    figure: Any


Block = Para | Bullets | Table | Figures | Chart


@dataclass
class Part:
    """One section of the brief."""

    title: str
    blocks: list[Block] = field(default_factory=list)


# --- the parts ----------------------------------------------------------------------------


def money(plan: Plan, amount: float | None) -> str:
    """An amount in the plan's currency, or a dash."""
    return "—" if amount is None else f"{plan.currency} {amount:,.0f}"


def _deal(plan: Plan, _ctx: BriefContext) -> Part:
    side = "We sell to" if plan.side == "sell" else "We buy from"
    return Part(
        "The deal",
        [
            Para(
                f"{side} {plan.counterpart or '—'} · {money(plan, plan.deal_value)} · "
                f"{plan.date.isoformat() if plan.date else 'date not set'}",
                strong=True,
            ),
            Para(plan.summary),
            Para(
                "Team: "
                + (
                    ", ".join(f"{m.name} ({m.role})" if m.role else m.name for m in plan.team)
                    or "—"
                )
            ),
        ],
    )


def _strategy(plan: Plan, ctx: BriefContext) -> Part:
    from workbook.analysis.strategy import fit_check, objectives_from_links

    s = plan.strategy
    objectives = ctx.objectives if ctx.objectives is not None else objectives_from_links(s)
    fit = fit_check(s, objectives)
    blocks: list[Block] = [
        Para(fit.verdict, "good" if fit.strategic else "bad", strong=True),
        Bullets(
            [
                f"{row.objective} ({row.strength_label})" + (f": {row.how}" if row.how else "")
                for row in fit.table.itertuples()
                if row.strength > 0
            ],
            "No objective served.",
        ),
        Para(
            f"We compete on: {'; '.join(s.compete_where) or '—'}. "
            f"We do not compete on: {'; '.join(s.not_compete_where) or '—'}."
        ),
        Para(f"Our priorities this time: {'; '.join(p.text for p in s.priorities) or '—'}."),
    ]
    problems = [f"{f.subject}: {f.reason}" for f in fit.flags if f.severity == "problem"]
    if problems:
        blocks.append(Bullets(problems))
    if ctx.charts and len(fit.table):
        from workbook.charts.strategy import fit_chart

        blocks.append(Chart(fit_chart(fit)))
    return Part("Strategic fit", blocks)


def _value(plan: Plan, ctx: BriefContext) -> Part:
    from workbook.analysis.value import coverage, value_items_frame, value_totals

    v = plan.value
    totals = value_totals(v)
    payback = totals.payback_months
    blocks: list[Block] = [
        Figures(
            [
                ("Value per year", money(plan, totals.annual)),
                (f"Over {totals.horizon_years} years", money(plan, totals.over_horizon)),
                ("Payback", "never" if payback is None else f"{payback:g} months"),
                ("Alternative", v.alternative.name or "—"),
            ]
        ),
        Para(coverage(v).summary),
    ]
    if v.framings:
        blocks.append(
            Table(
                ["Stakeholder", "How we frame it"],
                [[f.name or f.role.replace("_", " "), f.statement] for f in v.framings],
            )
        )
    if ctx.charts and v.value_items:
        from workbook.charts.value import value_chart

        blocks.append(Chart(value_chart(value_items_frame(v), plan.currency, payback)))
    return Part("Value proposition", blocks)


def _scenarios(plan: Plan, ctx: BriefContext) -> Part:
    from workbook.analysis import scenarios as sc

    try:
        figures = sc.simulate(plan.scenarios)
        table = sc.payoff_table(plan.scenarios)
    except sc.ScenarioInputError as exc:
        return Part(
            "Moves and their risks",
            [
                Bullets([m.name for m in plan.scenarios.moves], "No moves listed."),
                Para(str(exc), "bad"),
            ],
        )
    worst = sc.most_damaging_retaliation(plan.scenarios)
    best = sc.greatest_cooperation(plan.scenarios)
    blocks: list[Block] = [
        Table(
            ["Move", "P10", "P50", "P90", "Chance of a loss"],
            [
                [
                    row.move,
                    money(plan, row.p10),
                    money(plan, row.p50),
                    money(plan, row.p90),
                    f"{row.prob_loss:.0%}",
                ]
                for row in figures.sort_values("prob_loss", ascending=False).itertuples()
            ],
        ),
        Para(f"Least regret whatever competitors do: {sc.least_regret(table).move}."),
    ]
    if worst is not None:
        blocks.append(
            Para(
                f"Most damaging retaliation: {worst.move} "
                f"({worst.competitor or 'all competitors'})."
            )
        )
    if best is not None:
        blocks.append(Para(f"Greatest cooperation: {best.move}."))
    if ctx.charts:
        from workbook.charts.scenarios import quadrant_chart, range_chart

        blocks.append(Chart(quadrant_chart(sc.expected_values(plan.scenarios), plan.currency)))
        blocks.append(Chart(range_chart(figures, plan.currency)))
    return Part("Moves and their risks", blocks)


def _concessions(plan: Plan, ctx: BriefContext) -> Part:
    from workbook.analysis.concessions import plan_checks, trade_currency, zopa
    from workbook.analysis.ledger import ledger_status

    c = plan.concessions
    ours, theirs = c.positions.ours, c.positions.theirs
    zone = zopa(plan)
    trades = trade_currency(c, plan.side)
    currency = trades[trades["quadrant"] == "trade currency"]
    blocks: list[Block] = [
        Table(
            ["", "Opening", "Target", "Walk-away", "BATNA"],
            [
                [
                    "Us",
                    money(plan, ours.opening),
                    money(plan, ours.target),
                    money(plan, ours.reservation),
                    ours.batna or "—",
                ],
                [
                    "Them",
                    money(plan, theirs.opening),
                    money(plan, theirs.target),
                    money(plan, theirs.reservation),
                    theirs.batna or "—",
                ],
            ],
        ),
        Para(zone.statement, "good" if zone.exists else "bad" if zone.exists is False else ""),
        Para(
            "Trade currency (cheap for us, valuable to them): "
            + (
                "; ".join(f"{r.variable}: {r.to_option}" for r in currency.head(4).itertuples())
                or "—"
            )
        ),
        Para("Our conditional steps:", strong=True),
        Bullets(
            [f"If they give {st.if_they_give}, we give {st.we_give}" for st in c.steps],
            "No conditional steps planned.",
        ),
    ]
    if c.no_reciprocity.ask_for.strip():
        blocks.append(Para(f"If they do not answer: {c.no_reciprocity.ask_for}"))
    problems = [f"{f.subject}: {f.reason}" for f in plan_checks(plan) if f.severity == "problem"]
    status = ledger_status(plan.ledger)
    problems += [
        f"Unanswered in the ledger: {d}" for d in status[status["unanswered"]]["description"]
    ]
    if problems:
        blocks.append(Bullets(problems))
    if ctx.charts:
        from workbook.analysis.concessions import package_view
        from workbook.charts.concessions import package_chart, zopa_chart

        blocks.append(Chart(zopa_chart(plan, zone)))
        view = package_view(c, seed=plan.scenarios.seed)
        if view is not None:
            blocks.append(Chart(package_chart(view)))
    return Part("Positions and concession plan", blocks)


def _relationship(plan: Plan, ctx: BriefContext) -> Part:
    from workbook.analysis.relationship import (
        mode_advice,
        reciprocity_balance,
        sharing_ladder,
    )

    rel = plan.relationship
    balance = reciprocity_balance(rel)
    ladder = sharing_ladder(rel)
    blocks: list[Block] = [
        Para(balance.verdict, "good" if balance.fair else "bad"),
        Para(f"Trust today {rel.trust_level}/5. {mode_advice(rel)}"),
        Para("What we share, in order:", strong=True),
        Bullets(
            [
                f"{row.text} (risk {row.risk}{', up front' if row.up_front else ''})"
                for row in ladder.itertuples()
                if not row.keep_back
            ],
            "Nothing planned.",
        ),
        Para("Common ground: " + ("; ".join(g.text for g in rel.common_ground) or "—")),
    ]
    if rel.needs_from_them:
        blocks.append(Para("What we need from them: " + "; ".join(rel.needs_from_them)))
    if ctx.charts and balance.share_ours is not None:
        from workbook.charts.relationship import balance_chart

        blocks.append(Chart(balance_chart(balance, rel.fair_share)))
    return Part("Relationship plan", blocks)


def _questions(plan: Plan, _ctx: BriefContext) -> Part:
    return Part(
        "Open questions",
        [
            Bullets(
                [
                    q.text + (f" (raised by {q.raised_by})" if q.raised_by else "")
                    for q in plan.workshop.parking_lot
                    if not q.resolved
                ],
                "No open questions.",
            )
        ],
    )


@dataclass(frozen=True)
class BriefContext:
    """What the parts may use beyond the plan."""

    objectives: Sequence[Objective] | None = None
    charts: bool = False


PARTS: list[Callable[[Plan, BriefContext], Part]] = [
    _deal,
    _strategy,
    _value,
    _scenarios,
    _concessions,
    _relationship,
    _questions,
]
"""The brief's parts in reading order; a section adds its part here."""


def brief_parts(
    plan: Plan, objectives: Sequence[Objective] | None = None, *, charts: bool = False
) -> list[Part]:
    """Every part of the brief for ``plan``.

    ``objectives`` are the company's strategic objectives; without them, the objectives the
    plan links to stand in for the strategic plan.
    """
    ctx = BriefContext(objectives, charts)
    return [part(plan, ctx) for part in PARTS]


# --- HTML ---------------------------------------------------------------------------------

CSS = """
.nw-brief{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1f2933;
line-height:1.45;font-size:14px;max-width:900px}
.nw-brief h1{font-size:22px;margin:0 0 4px 0}
.nw-brief h2{font-size:16px;margin:18px 0 6px 0;border-bottom:1px solid #d9dee5;
padding-bottom:2px}
.nw-brief table{border-collapse:collapse;width:100%;font-size:13px;margin:4px 0}
.nw-brief td,.nw-brief th{text-align:left;padding:3px 6px;border-bottom:1px solid #eef1f4;
vertical-align:top}
.nw-brief .good{color:#1e7b4d}.nw-brief .bad{color:#b42318}
.nw-brief .figs{display:flex;flex-wrap:wrap;gap:4px 18px}
.nw-brief .figs small{display:block;color:#5f6b7a;font-size:11px}
.nw-brief .figs b{font-size:16px}
@media print{.nw-brief{max-width:none}.nw-chart{break-inside:avoid}}
"""


QUOTED_NONE = "'none'"


def e(text: object) -> str:
    """Escape any value for HTML."""
    return html.escape(str(text), quote=True)


def _block_html(block: Block, charts: list[str]) -> str:
    if isinstance(block, Para):
        if not block.text:
            return ""
        text = f"<b>{e(block.text)}</b>" if block.strong else e(block.text)
        return f"<p class='{block.tone}'>{text}</p>" if block.tone else f"<p>{text}</p>"
    if isinstance(block, Bullets):
        if not block.items:
            return f"<p style='color:#5f6b7a'>{e(block.empty)}</p>"
        return "<ul>" + "".join(f"<li>{e(i)}</li>" for i in block.items) + "</ul>"
    if isinstance(block, Table):
        head = "".join(f"<th>{e(c)}</th>" for c in block.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in block.rows
        )
        return f"<table><tr>{head}</tr>{body}</table>"
    if isinstance(block, Figures):
        tiles = "".join(f"<div><small>{e(k)}</small><b>{e(v)}</b></div>" for k, v in block.pairs)
        return f"<div class='figs'>{tiles}</div>"
    charts.append(json.dumps(json.loads(block.figure.to_json()), separators=(",", ":")))
    return f"<div class='nw-chart' id='nw-chart-{len(charts)}'></div>"


def brief_body(plan: Plan, parts: Sequence[Part], charts: list[str] | None = None) -> str:
    """The brief as an HTML fragment; chart specs are collected into ``charts``."""
    charts = [] if charts is None else charts
    out = [f"<h1>{e(plan.name)}</h1>"]
    for part in parts:
        out.append(f"<h2>{e(part.title)}</h2>")
        out += [_block_html(b, charts) for b in part.blocks]
    return "<div class='nw-brief'>" + "".join(out) + "</div>"


def brief_html(
    plan: Plan,
    *,
    standalone: bool = True,
    objectives: Sequence[Objective] | None = None,
    charts: bool | None = None,
) -> str:
    """The brief as HTML: a whole offline document when ``standalone``, else a fragment.

    A standalone document carries plotly.js and its charts unless ``charts`` is False.
    """
    with_charts = standalone if charts is None else charts
    parts = brief_parts(plan, objectives, charts=with_charts)
    specs: list[str] = []
    body = brief_body(plan, parts, specs)
    if not standalone:
        return f"<style>{CSS}</style>{body}"
    scripts = []
    if specs:
        from plotly.offline import get_plotlyjs

        scripts.append(get_plotlyjs())
        config = json.dumps({"displaylogo": False})
        for number, spec in enumerate(specs, start=1):
            safe = spec.replace("</", "<\\/")
            scripts.append(
                f"(function(){{var f={safe};Plotly.newPlot('nw-chart-{number}',f.data,"
                f"f.layout,{config});}})();"
            )
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in scripts
    )
    policy = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
        f"script-src {hashes or QUOTED_NONE}"
    )
    script_tags = "".join(f"<script>{s}</script>" for s in scripts)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<meta http-equiv='Content-Security-Policy' content=\"{policy}\">"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{e(plan.name)}</title><style>body{{margin:24px auto;max-width:920px;"
        f"padding:0 16px}}{CSS}</style></head><body>{body}{script_tags}</body></html>"
    )


# --- Markdown -----------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|~])")
_MD_LINE_START = re.compile(r"^(\d+)([.)])|^([-+>=])")


def md(text: object) -> str:
    """Escape a text for Markdown: its markup characters and any HTML in it."""
    escaped = _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))
    escaped = _MD_LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", escaped)
    return html.escape(escaped, quote=False)


def _block_markdown(block: Block) -> str:
    if isinstance(block, Para):
        if not block.text:
            return ""
        return f"**{md(block.text)}**" if block.strong else md(block.text)
    if isinstance(block, Bullets):
        return "\n".join(f"- {md(i)}" for i in block.items) if block.items else md(block.empty)
    if isinstance(block, Table):
        lines = [
            "| " + " | ".join(md(c) for c in block.columns) + " |",
            "|" + "---|" * len(block.columns),
        ]
        lines += ["| " + " | ".join(md(c) for c in row) + " |" for row in block.rows]
        return "\n".join(lines)
    if isinstance(block, Figures):
        return " · ".join(f"{md(k)}: **{md(v)}**" for k, v in block.pairs)
    return ""


def brief_markdown(plan: Plan, objectives: Sequence[Objective] | None = None) -> str:
    """The brief as Markdown (without charts)."""
    out = [f"# {md(plan.name)}"]
    for part in brief_parts(plan, objectives):
        out.append(f"## {md(part.title)}")
        out += [text for text in (_block_markdown(b) for b in part.blocks) if text]
    return "\n\n".join(out) + "\n"


# --- xlsx ---------------------------------------------------------------------------------


def brief_xlsx(plan: Plan, objectives: Sequence[Objective] | None = None) -> bytes:
    """A workbook with one sheet per table of the plan and of its analyses.

    Every text is written as text, so a value such as ``=HYPERLINK(...)`` stays inert.
    """
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    from workbook.tables import analysis_tables

    book = Workbook()
    book.remove(book.active)
    frames = {**plan.tables(), **analysis_tables(plan, objectives)}
    for name, frame in frames.items():
        sheet = book.create_sheet(name[:31])
        sheet.append([str(c) for c in frame.columns])
        for row in frame.itertuples(index=False):
            sheet.append([_cell(v) for v in row])
        for cell in (c for r in sheet.iter_rows(min_row=2) for c in r):
            if isinstance(cell.value, str):
                cell.data_type = "s"
        for index, column in enumerate(frame.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = min(
                60, max(10, len(str(column)) + 2)
            )
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(value: Any) -> Any:
    """A value openpyxl can write: lists become text, missing values blanks."""
    import datetime as dt

    if isinstance(value, list | tuple | set | dict):
        return json.dumps(value if not isinstance(value, set) else sorted(value), default=str)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    try:
        import pandas as pd

        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return None
    except (TypeError, ValueError):
        pass
    return value


EXPORT_FORMATS = ("html", "md", "xlsx", "json")
"""Formats of ``export_brief``."""


def export_brief(plan: Plan, fmt: str, objectives: Sequence[Objective] | None = None) -> bytes:
    """The plan exported in one of :data:`EXPORT_FORMATS`, as bytes."""
    if fmt == "html":
        return brief_html(plan, objectives=objectives).encode("utf-8")
    if fmt == "md":
        return brief_markdown(plan, objectives).encode("utf-8")
    if fmt == "xlsx":
        return brief_xlsx(plan, objectives)
    if fmt == "json":
        return (plan.model_dump_json(indent=2) + "\n").encode("utf-8")
    raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")

"""The brief: one page a team takes into the room, and its exports.

Each section contributes a :class:`~workbook.blocks.Part` made of plain blocks
(:mod:`workbook.blocks`: paragraphs, bullets, warnings, tables, key figures, charts).
Every format renders the same parts: HTML (:mod:`workbook.brief_html`), Markdown
(:mod:`workbook.brief_md`) and xlsx (:mod:`workbook.brief_xlsx`), each escaping user text
for its own medium. A new part is one function here (or, for the preparation parts, in
:mod:`workbook.brief_prep`), named by its section in :mod:`workbook.sections`; every
format shows it. What the parts share is in :mod:`workbook.brief_text`.

>>> from workbook.store import example_plan
>>> "Strategic fit" in brief_markdown(example_plan())
True
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath
from typing import Any

from workbook import brief_prep
from workbook.blocks import (
    Block,
    Bullets,
    Chart,
    Figures,
    Para,
    Part,
    Share,
    Table,
    Warnings,
)
from workbook.brief_prep import (
    _batna_work,
    _in_the_room,
    _member,
    _practice,
    _prepared_offers,
    _trading_rules,
)
from workbook.brief_text import (
    BriefContext,
    PartWriter,
    clause,
    money,
    proper_words,
    sentence,
)
from workbook.content import advice
from workbook.model import Objective, Plan, Relationship
from workbook.sections import SECTIONS, SectionError

# --- the parts ----------------------------------------------------------------------------


def _deal(plan: Plan, _ctx: BriefContext) -> Part:
    side = "We sell to" if plan.side == "sell" else "We buy from"
    return Part(
        "The deal",
        [
            Para(
                f"{side} {plan.counterpart or 'a counterpart not named yet'} · "
                f"{money(plan, plan.deal_value) if plan.deal_value else 'deal value not set yet'}"
                f" · {plan.date.isoformat() if plan.date else 'date not set yet'}",
                strong=True,
            ),
            Para(plan.summary),
        ],
        [
            Para("Team: " + (", ".join(_member(m) for m in plan.team) or "—")),
        ],
    )


def _strategy(plan: Plan, ctx: BriefContext) -> Part:
    from workbook.analysis.strategy import fit_check, objectives_from_links

    s = plan.strategy
    objectives = ctx.objectives if ctx.objectives is not None else objectives_from_links(s)
    fit = fit_check(s, objectives)
    blocks: list[Block] = [Para(fit.verdict, "good" if fit.strategic else "bad", strong=True)]
    details: list[Block] = [
        Bullets(
            [
                f"{row.objective} ({row.strength_label})" + (f": {row.how}" if row.how else "")
                for row in fit.rows
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
        blocks.append(Warnings(problems))
    if ctx.charts and fit.rows:
        from workbook.charts.strategy import fit_chart

        details.append(Chart(fit_chart(fit)))
    return Part("Strategic fit", blocks, details)


def _value(plan: Plan, ctx: BriefContext) -> Part:
    from workbook.analysis.value import coverage, value_items, value_totals

    v = plan.value
    totals = value_totals(v)
    payback = totals.payback_months
    if not v.value_items:
        return Part(
            "Value proposition",
            [
                Para(
                    "No benefits entered yet: list what the customer gains under Value "
                    "proposition (how many, which unit, what one is worth) to see the value "
                    "per year, the net and the payback."
                )
            ],
            [Para(coverage(v).summary)],
        )
    blocks: list[Block] = [
        Figures(
            [
                ("Benefits per year", money(plan, totals.annual)),
                ("Net to them per year", money(plan, totals.net_annual)),
                (f"Net over {totals.horizon_years} years", money(plan, totals.net)),
                ("Payback", "never" if payback is None else f"{payback:g} months"),
                ("Alternative", v.alternative.name or "—"),
            ]
        ),
    ]
    details: list[Block] = [Para(coverage(v).summary)]
    if v.framings:
        details.append(
            Table(
                ["Stakeholder", "How we frame it"],
                [[f.name or f.role.replace("_", " "), f.statement] for f in v.framings],
            )
        )
    if ctx.charts and v.value_items:
        from workbook.charts.value import value_chart

        details.append(Chart(value_chart(value_items(v), plan.currency, payback)))
    return Part("Value proposition", blocks, details)


def _scenarios(plan: Plan, ctx: BriefContext) -> Part:
    from workbook.analysis import scenarios as sc

    try:
        figures = sc.simulation(plan.scenarios)
        table = sc.payoffs(plan.scenarios)
    except sc.ScenarioInputError as exc:
        return Part(
            "Moves and their risks",
            [
                Bullets([m.name for m in plan.scenarios.moves], "No moves listed."),
                Para(sentence(str(exc)), "empty"),
            ],
        )
    worst = sc.most_damaging_retaliation(plan.scenarios)
    best = sc.greatest_cooperation(plan.scenarios)
    blocks: list[Block] = [
        Table(
            ["Move", "Bad case (P10)", "Likely (P50)", "Good case (P90)", "Chance of a loss"],
            [
                [
                    row.move,
                    money(plan, row.p10),
                    money(plan, row.p50),
                    money(plan, row.p90),
                    Share(row.prob_loss),
                ]
                for row in sorted(figures, key=lambda row: row.prob_loss, reverse=True)
            ],
        ),
        Para(f"Least regret whatever competitors do: {table.least_regret()[0]}."),
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

        details: list[Block] = [
            Chart(quadrant_chart(sc.expectations(plan.scenarios), plan.currency)),
            Chart(range_chart(figures, plan.currency)),
        ]
        return Part("Moves and their risks", blocks, details)
    return Part("Moves and their risks", blocks)


def _concessions(plan: Plan, ctx: BriefContext) -> Part:
    from workbook.analysis.concessions import plan_checks, trades, zopa
    from workbook.analysis.ledger import ledger_rows

    c = plan.concessions
    keep = proper_words(plan)
    ours, theirs = c.positions.ours, c.positions.theirs
    zone = zopa(plan)
    currency = [t for t in trades(c, plan.side) if t.quadrant == "trade currency"]
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
            + ("; ".join(_trade_currency(currency[:4])) or "—")
        ),
        Para("Our conditional steps:", strong=True),
        Bullets(
            [
                f"If you give {clause(st.if_they_give, keep)}, "
                f"then we give {clause(st.we_give, keep)}."
                for st in c.steps
            ],
            "No conditional steps planned.",
        ),
    ]
    if c.no_reciprocity.ask_for.strip():
        blocks.append(Para(f"If they do not answer: {c.no_reciprocity.ask_for}"))
    problems = [f"{f.subject}: {f.reason}" for f in plan_checks(plan) if f.severity == "problem"]
    problems += [
        advice("ledger.brief_unanswered", item=row.description)
        for row in ledger_rows(plan.ledger)
        if row.unanswered
    ]
    if problems:
        blocks.append(Warnings(problems))
    details: list[Block] = (
        _trading_rules(plan) + _prepared_offers(plan) + _batna_work(plan) + _practice(plan)
    )
    if ctx.charts:
        from workbook.analysis.concessions import package_view
        from workbook.charts.concessions import package_chart, zopa_chart

        details.append(Chart(zopa_chart(plan, zone)))
        view = package_view(c, seed=plan.scenarios.seed)
        if view is not None:
            details.append(Chart(package_chart(view)))
    return Part("Positions and concession plan", blocks, details)


def _trade_currency(rows: Sequence[Any]) -> list[str]:
    """Each variable once, with the options that are cheap for us and valuable to them."""
    options: dict[str, list[str]] = {}
    for row in rows:
        options.setdefault(row.variable, []).append(row.to_option)
    return [f"{variable}: {' or '.join(opts)}" for variable, opts in options.items()]


def trust_today(rel: Relationship) -> str:
    """``Trust today 4/5. `` once the team set it or entered anything else; else nothing.

    An untouched relationship still holds the default trust level, which is no answer.
    """
    fresh = Relationship()
    entered = rel.trust_level != fresh.trust_level or rel.model_dump(
        exclude={"trust_level"}
    ) != fresh.model_dump(exclude={"trust_level"})
    return f"Trust today {rel.trust_level}/5. " if entered else ""


def _relationship(plan: Plan, ctx: BriefContext) -> Part:
    from workbook.analysis.relationship import (
        ladder_steps,
        mode_advice,
        reciprocity_balance,
    )

    rel = plan.relationship
    balance = reciprocity_balance(rel)
    ladder = ladder_steps(rel)
    blocks: list[Block] = [
        Para(balance.verdict, "good" if balance.fair else "bad"),
        Para(f"{trust_today(rel)}{mode_advice(rel)}"),
    ]
    details: list[Block] = [
        Para("What we share, in order:", strong=True),
        Bullets(
            [
                f"{row.text} (risk {row.risk}{', up front' if row.up_front else ''})"
                for row in ladder
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

        details.append(Chart(balance_chart(balance, rel.fair_share)))
    return Part("Relationship plan", blocks, details)


def _checks(plan: Plan, _ctx: BriefContext) -> Part:
    """Every consistency check that fires, with the field to fix."""
    from workbook.analysis.checks import consistency_checks

    found = consistency_checks(plan)
    if not found:
        return Part(
            "Check before the meeting", [], [Para("The plan's figures agree with each other.")]
        )
    return Part("Check before the meeting", [Warnings([c.text for c in found])])


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


def _section_parts() -> list[PartWriter]:
    """The part of each section that names one in :data:`workbook.sections.SECTIONS`."""
    writers: list[PartWriter] = []
    for entry in SECTIONS:
        if entry.brief_part is None:
            continue
        writer = globals().get(entry.brief_part, getattr(brief_prep, entry.brief_part, None))
        if not callable(writer):
            raise SectionError(
                f"section {entry.key!r} names the brief part {entry.brief_part!r}, which "
                "neither workbook/brief.py nor workbook/brief_prep.py defines"
            )
        writers.append(writer)
    return writers


PARTS: list[PartWriter] = [*_section_parts(), _in_the_room, _checks, _questions]
"""The brief's parts in reading order: the sections' own (a section names its part in
:mod:`workbook.sections`), then the parts drawn from the whole plan."""


def brief_parts(
    plan: Plan, objectives: Sequence[Objective] | None = None, *, charts: bool = False
) -> list[Part]:
    """Every part of the brief for ``plan``.

    ``objectives`` are the company's strategic objectives; without them, the objectives the
    plan links to stand in for the strategic plan.
    """
    ctx = BriefContext(objectives, charts)
    return [part(plan, ctx) for part in PARTS]


# --- formats ------------------------------------------------------------------------------

EXPORT_FORMATS = ("html", "md", "xlsx", "json")
"""Formats of :func:`export_brief`."""

SUFFIXES = {
    ".html": "html",
    ".htm": "html",
    ".md": "md",
    ".markdown": "md",
    ".xlsx": "xlsx",
    ".json": "json",
}
"""File extensions that name a format."""


class ExportFormatError(ValueError):
    """A file name and a format that do not go together."""


def export_format(path: str | PurePath | None, fmt: str | None) -> str:
    """The format for writing to ``path``: ``fmt`` if given, else the one its extension names.

    ``fmt`` wins over an extension that names no format; a contradiction is an error.

    >>> export_format("brief.html", None), export_format("brief.txt", "md")
    ('html', 'md')
    """
    if fmt is not None and fmt not in EXPORT_FORMATS:
        raise ExportFormatError(
            f"unknown format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}"
        )
    if path is None:
        return fmt or "json"
    suffix = PurePath(path).suffix.lower()
    named = SUFFIXES.get(suffix)
    if fmt is None:
        if named is None:
            known = ", ".join(sorted(SUFFIXES))
            raise ExportFormatError(
                f"cannot tell the format from {PurePath(path).name!r}: name a file ending "
                f"in {known}, or add --format"
            )
        return named
    if named is not None and named != fmt:
        raise ExportFormatError(
            f"{PurePath(path).name!r} names the {named} format but --format says {fmt}: "
            f"drop one, or make them agree"
        )
    return fmt


def brief_html(
    plan: Plan,
    *,
    standalone: bool = True,
    objectives: Sequence[Objective] | None = None,
    charts: bool | None = None,
) -> str:
    """The brief as HTML: a whole offline document when ``standalone``, else a fragment.

    A standalone document carries its charts as inline SVG unless ``charts`` is False.
    """
    from workbook.brief_html import render_html

    with_charts = standalone if charts is None else charts
    parts = brief_parts(plan, objectives, charts=with_charts)
    return render_html(plan.name, parts, standalone=standalone)


def brief_markdown(plan: Plan, objectives: Sequence[Objective] | None = None) -> str:
    """The brief as Markdown (without charts)."""
    from workbook.brief_md import render_markdown

    return render_markdown(plan.name, brief_parts(plan, objectives))


def brief_xlsx(plan: Plan, objectives: Sequence[Objective] | None = None) -> bytes:
    """A workbook for a deal's finance lead: the brief's summary, then one sheet per table.

    Every text is written as text, so a value such as ``=HYPERLINK(...)`` stays inert.
    """
    from workbook.brief_xlsx import render_xlsx

    return render_xlsx(plan, brief_parts(plan, objectives), objectives)


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

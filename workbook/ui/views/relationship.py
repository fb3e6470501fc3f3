"""Relationship and trust: the panels its layout (relationship.toml) names."""

from __future__ import annotations

from workbook.analysis.relationship import (
    business_totals,
    ladder_steps,
    mode_advice,
    player_rows,
    reciprocity_balance,
    relationship_flags,
)
from workbook.charts.relationship import balance_chart, stakeholder_map
from workbook.content import advice
from workbook.ui.engine import Chart, Context, Part, panel
from workbook.ui.style import app_html, flags_html, hint_html, verdict_html


@panel("relationship.business", reads=("relationship.links", "currency"))
def business_panel(ctx: Context) -> str:
    """The existing business between the two companies, in one line."""
    totals = business_totals(ctx.plan.relationship)
    return hint_html(totals.summary(ctx.plan.currency), size="13px")


@panel("relationship.players", reads=("relationship.players",))
def players_panel(ctx: Context) -> Chart:
    """The key players on a map of influence and stance."""
    rows = player_rows(ctx.plan.relationship)
    figure = stakeholder_map(rows) if rows else None
    return Chart("players", figure, advice("relationship.players_chart_empty"))


@panel("relationship.balance", reads=("relationship.contributions", "relationship.fair_share"))
def balance_panel(ctx: Context) -> list[Part]:
    """What each side contributes, against the fair share."""
    rel = ctx.plan.relationship
    balance = reciprocity_balance(rel)
    known = balance.share_ours is not None
    return [
        verdict_html(balance.verdict, balance.fair) if known else "",
        Chart(
            "balance",
            balance_chart(balance, rel.fair_share) if known else None,
            advice("relationship.balance_chart_empty"),
        ),
    ]


@panel("relationship.ladder", reads=("relationship.disclosures", "relationship.trust_level"))
def ladder_panel(ctx: Context) -> str:
    """What to share first, step by step, and what to keep back."""
    rel = ctx.plan.relationship
    rows = ladder_steps(rel)
    steps = [
        (r.text, r.risk, r.up_front, r.shared, r.hope_to_learn, r.advice)
        for r in rows
        if not r.keep_back
    ]
    kept = [(r.text, r.risk) for r in rows if r.keep_back]
    if not (steps or kept):
        return hint_html(advice("relationship.ladder_empty"))
    return app_html("ladder", trust=rel.trust_level, steps=steps, kept=kept)


@panel("relationship.mode", reads=("relationship",))
def mode_panel(ctx: Context) -> str:
    """What the choice of relationship or transaction implies."""
    return hint_html(mode_advice(ctx.plan.relationship), size="13px")


@panel("relationship.flags", reads=("relationship", "concessions.steps"))
def flags_panel(ctx: Context) -> str:
    """What to revisit in the relationship."""
    return flags_html(relationship_flags(ctx.plan), advice("relationship.nothing_to_revisit"))

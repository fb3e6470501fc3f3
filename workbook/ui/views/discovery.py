"""Discovery and mandate: the panels its layout (discovery.toml) names."""

from __future__ import annotations

from workbook.analysis.preparation import (
    decision_flags,
    decision_process,
    discovery_flags,
    mandate_flags,
    tactic_flags,
    untested_figures,
)
from workbook.content import advice, choice_labels
from workbook.ui.engine import Context, Part, panel
from workbook.ui.style import app_html, empty_html, flags_html, hint_html
from workbook.ui.views import preparation as _lists  # noqa: F401  (the team's option list)


@panel(
    "discovery.untested",
    reads=("discovery", "concessions.variables", "concessions.positions.theirs", "currency"),
)
def untested_panel(ctx: Context) -> str:
    """The plan figures that rest on assumptions nobody has tested yet."""
    rows = untested_figures(ctx.plan)
    if not ctx.plan.discovery.assumptions:
        return empty_html(advice("discovery.untested_empty"))
    if not rows:
        return empty_html(advice("discovery.untested_none"))
    cells = [[r.figure, r.value, r.assumption] for r in rows]
    return app_html(
        "grid",
        title=advice("discovery.untested_lead"),
        columns=["Figure", "Value in the plan", "Rests on"],
        rows=cells,
    )


@panel("discovery.roles", reads=("team",))
def roles_panel(ctx: Context) -> str:
    """Who does what in the room, from the team list (set under The deal)."""
    labels = choice_labels("team[].room_role")
    team = ctx.plan.team
    if not team:
        return empty_html("Add the team under The deal first: every role belongs to a member.")
    pairs = [(f"{t.name}:", labels.get(t.room_role, t.room_role)) for t in team]
    return hint_html("Roles in the room are set in the team list under The deal.") + app_html(
        "labelled", pairs=pairs
    )


@panel("discovery.decision", reads=("relationship.players",))
def decision_panel(ctx: Context) -> str:
    """Who signs, vetoes and influences on their side, from the key players."""
    process = decision_process(ctx.plan)
    if not (process.signs or process.vetoes or process.influences):
        return empty_html(advice("discovery.decision_empty"))
    text = advice(
        "discovery.decision_summary",
        signs=", ".join(process.signs) or "—",
        vetoes=", ".join(process.vetoes) or "—",
        influences=", ".join(process.influences) or "—",
    )
    return hint_html(text, size="13px")


@panel("discovery.flags", reads=("discovery", "team", "relationship.players", "date"))
def flags_panel(ctx: Context) -> Part:
    """What to revisit in discovery, roles, mandate, decision process and tactics."""
    plan = ctx.plan
    found = discovery_flags(plan) + mandate_flags(plan) + decision_flags(plan) + tactic_flags(plan)
    return flags_html(found, advice("discovery.nothing_to_revisit"))

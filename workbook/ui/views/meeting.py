"""The meeting plan and the debrief: the panels and editors its layout (meeting.toml) names."""

from __future__ import annotations

import ipywidgets as W

from workbook.analysis.meeting import (
    debrief_comparison,
    debrief_flags,
    meeting_flags,
    opening_draft,
    planned_minutes,
)
from workbook.content import advice
from workbook.ui.engine import Context, editor, panel
from workbook.ui.style import app_html, empty_html, flags_html, hint_html
from workbook.ui.views.concessions import package_editor


@panel("meeting.time", reads=("meeting.issues", "meeting.length_minutes"))
def time_panel(ctx: Context) -> str:
    """The minutes planned against the meeting's length."""
    plan = ctx.plan
    planned, length = planned_minutes(plan), plan.meeting.length_minutes
    if length is None:
        return hint_html(advice("meeting.time_unknown", planned=planned))
    return hint_html(advice("meeting.time_fits", planned=planned, length=length))


@panel("meeting.lessons", reads=("meeting.previous_lessons", "counterpart"))
def lessons_panel(ctx: Context) -> str:
    """The lessons a new plan brought from earlier debriefs with the same counterpart."""
    plan = ctx.plan
    lessons = plan.meeting.previous_lessons
    if not lessons:
        return empty_html(advice("meeting.lessons_none"))
    title = advice("meeting.lessons_lead", counterpart=plan.counterpart or "them")
    return app_html("titled_list", title=title, items=lessons)


@editor("meeting.draft")
def draft_editor(ctx: Context) -> W.Widget:
    """The drafted opening, and a button that puts it in the opening field to edit."""
    text = W.HTML(layout=W.Layout(width="100%"))
    text.add_class("nw-opening-draft")

    def render() -> None:
        draft = opening_draft(ctx.plan)
        text.value = app_html("labelled", pairs=[(advice("meeting.draft_lead"), draft)])

    def use() -> str | None:
        return ctx.session.set(("meeting", "opening"), opening_draft(ctx.plan))

    for path in (("relationship",), ("meeting", "issues"), ("concessions", "nothing_agreed")):
        ctx.on(path, render)
    ctx.on(("name",), render)
    render()
    button = ctx.button(advice("meeting.use_draft"), "pencil", use, "nw-use-draft")
    return W.VBox([text, button], layout=W.Layout(width="100%"))


@editor("meeting.agreed")
def agreed_editor(ctx: Context) -> W.Widget:
    """The package agreed: one option per variable, as the offer on the table."""
    box = package_editor(
        ctx,
        ("meeting", "debrief", "agreed"),
        advice("meeting.agreed_not_offered"),
        "nw-agreed",
        empty=advice("meeting.agreed_no_variables"),
        lead=advice("meeting.agreed_lead"),
    )
    box.add_class("nw-agreed-editor")
    return box


@panel("meeting.comparison", reads=("meeting.debrief", "concessions", "ledger", "side", "currency"))
def comparison_panel(ctx: Context) -> str:
    """The outcome against the plan."""
    d = ctx.plan.meeting.debrief
    if d.outcome == "open" and d.held_on is None:
        return empty_html(advice("meeting.comparison_empty"))
    rows = [[r.measure, r.planned, r.outcome] for r in debrief_comparison(ctx.plan)]
    return app_html("grid", title="", columns=["", "Plan", "Outcome"], rows=rows)


@panel("meeting.improvements", reads=("meeting.debrief.agreed", "concessions.variables"))
def improvements_panel(ctx: Context) -> str:
    """What would have been better for both sides than the package agreed."""
    from workbook.analysis.rehearse import package_improvements
    from workbook.ui.views.rehearse import improvements_block

    words = {
        "none": advice("meeting.improvements_none"),
        "efficient": advice("meeting.improvements_efficient"),
        "lead": advice("meeting.improvements_lead"),
        "title": advice("meeting.improvements_title"),
        "more": advice("ledger.improvements_more"),
    }
    found = package_improvements(ctx.plan.concessions, ctx.plan.meeting.debrief.agreed)
    return improvements_block(found, words)


@panel("meeting.flags", reads=("meeting", "relationship", "concessions.nothing_agreed"))
def flags_panel(ctx: Context) -> str:
    """What to revisit in the meeting plan and the debrief."""
    found = meeting_flags(ctx.plan) + debrief_flags(ctx.plan)
    return flags_html(found, advice("meeting.nothing_to_revisit"))

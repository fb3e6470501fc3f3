"""The preparation parts of the concession planner (equivalent offers, prepared offers) and
the option lists the preparation sections share (the team, the prepared offers)."""

from __future__ import annotations

from typing import Any

import ipywidgets as W
from pydantic_core import to_json

from workbook import model as m
from workbook.analysis.packages import PackageInputError
from workbook.analysis.preparation import (
    describe_package,
    offer_differences,
    offers_target,
    package_scores,
    plan_offers,
)
from workbook.content import advice
from workbook.model import new_id
from workbook.ui.engine import Context, choices, editor, panel
from workbook.ui.forms import close_tree
from workbook.ui.style import app_html, empty_html, hint_html


@choices("team", follows=("team",))
def team_choices(plan: m.Plan) -> list[tuple[str, str | None]]:
    """The team members as (name, id) pairs, with a blank first: the one list of names."""
    return [("—", None), *[(t.name, t.id) for t in plan.team]]


@choices("prepared_offers", follows=("concessions.prepared_offers",))
def prepared_choices(plan: m.Plan) -> list[tuple[str, str | None]]:
    """The prepared offers as (name, id) pairs, with a blank first."""
    return [("—", None), *[(o.name, o.id) for o in plan.concessions.prepared_offers]]


@choices("own_options", follows=("concessions.variables",))
def own_option_choices(plan: m.Plan, own_id: str | None) -> list[tuple[str, str | None]]:
    """The options of the variable in this row, with a blank first."""
    var = next((v for v in plan.concessions.variables if v.id == own_id), None)
    return [("—", None), *[(o.label, o.id) for o in (var.options if var else [])]]


def offer_rows(plan: m.Plan, packages: list[Any]) -> list[list[str]]:
    """Each offer as table cells: its number, both scores, its options in words."""
    return [
        [str(n), f"{p.ours:g}", f"{p.theirs:g}", describe_package(plan, p.options)]
        for n, p in enumerate(packages, 1)
    ]


@editor("concessions.equivalent_offers")
def equivalent_offers_editor(ctx: Context) -> W.Widget:
    """The equivalent offers for the plan's value and tolerance, each with a pin button."""
    box = W.VBox(layout=W.Layout(width="100%"))
    box.add_class("nw-equivalent-offers")

    def pin(options: dict[str, str]) -> str | None:
        c = ctx.plan.concessions
        if any(o.options == options for o in c.prepared_offers):
            return advice("concessions.offers_pinned")
        name = f"Offer {chr(ord('A') + len(c.prepared_offers) % 26)}"
        offer = m.PreparedOffer(id=new_id(), name=name, options=options)
        rows = [*c.prepared_offers, offer]
        return ctx.session.set(("concessions", "prepared_offers"), rows)

    last: list[bytes] = []

    def render() -> None:
        plan = ctx.plan
        c = plan.concessions
        key = to_json(
            [
                c.variables,
                c.offers_value,
                c.offers_tolerance,
                c.positions.ours.package_floor,
                [o.options for o in c.prepared_offers],
            ]
        )
        if last and last[0] == key:
            return
        last[:] = [key]
        try:
            found = plan_offers(plan)
        except PackageInputError as exc:
            children: list[W.Widget] = [W.HTML(hint_html(str(exc)))]
        else:
            if found is None:
                children = [W.HTML(empty_html(advice("concessions.offers_need_value")))]
            else:
                packages, _spread, candidates, tolerance = found
                value = offers_target(plan) or 0.0
                if not packages:
                    text = advice("concessions.offers_none", tolerance=tolerance, value=value)
                    children = [W.HTML(empty_html(text))]
                else:
                    text = advice(
                        "concessions.offers_found",
                        count=len(packages),
                        value=value,
                        tolerance=tolerance,
                        candidates=candidates,
                    )
                    varying, common = offer_differences(plan, [p.options for p in packages])
                    if varying:
                        text += " " + advice(
                            "concessions.offers_differ",
                            varying=", ".join(varying),
                            common="; ".join(common) or "nothing in common",
                        )
                    children = [W.HTML(hint_html(text, size="13px"))]
                    for n, p in enumerate(packages, 1):
                        words = describe_package(plan, p.options)
                        line = W.HTML(
                            app_html(
                                "labelled",
                                pairs=[(f"{n}.", f"{words} (us {p.ours:g}, them {p.theirs:g})")],
                            ),
                            layout=W.Layout(width="100%"),
                        )
                        pinned = [o.name for o in c.prepared_offers if o.options == p.options]
                        button = (
                            W.HTML(hint_html(f"{advice('concessions.offers_pinned')}: {pinned[0]}"))
                            if pinned
                            else ctx.button(
                                advice("concessions.offers_pin"),
                                "thumb-tack",
                                lambda o=dict(p.options): pin(o),
                                "nw-pin-offer",
                            )
                        )
                        children.append(ctx.view.row(line, button, widths=["4fr", "1fr"]))
        for old in box.children:
            close_tree(old)
        box.children = children

    ctx.on(("concessions",), render)
    render()
    return box


@panel("concessions.prepared", reads=("concessions.prepared_offers", "concessions.variables"))
def prepared_panel(ctx: Context) -> str:
    """The pinned offers: each package in words, with both scores."""
    plan = ctx.plan
    rows = []
    for offer in plan.concessions.prepared_offers:
        scores = package_scores(plan, offer.options)
        us, them = ("—", "—") if scores is None else (f"{scores[0]:g}", f"{scores[1]:g}")
        rows.append([offer.name, us, them, describe_package(plan, offer.options)])
    if not rows:
        return empty_html(advice("concessions.prepared_empty"))
    return app_html("grid", title="", columns=["Offer", "Us", "Them", "Package"], rows=rows)

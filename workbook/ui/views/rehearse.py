"""Rehearsing against their side, and the packages that survive the team's disagreement:
the panels and editors the concession planner's layout (concessions.toml) names.

The rehearsal is kept in the plan (``concessions.rehearsals``); the editor only starts one
and sends our offers, and the panel replays the last one to show its turns, the rehearsal
ledger's checks and, once it is over, the debrief.
"""

from __future__ import annotations

import secrets
from collections.abc import Hashable, Mapping
from typing import Any

import ipywidgets as W
from pydantic import ValidationError

from workbook import model as m
from workbook.analysis import rehearse as r
from workbook.analysis.improve import describe, improvements
from workbook.analysis.packages import PackageInputError
from workbook.analysis.rehearsal_report import RehearsalReport
from workbook.charts.concessions import rehearsal_chart
from workbook.content import advice
from workbook.model.concessions import MAX_REHEARSAL_ROUNDS, MAX_REHEARSALS
from workbook.ui.engine import Chart, Context, Part, action_button, editor, panel
from workbook.ui.forms import FirstRows, close_tree, message_widget
from workbook.ui.forms.package import NOT_OFFERED, package_dropdown, package_row
from workbook.ui.style import (
    app_html,
    empty_html,
    figures_html,
    flags_html,
    hint_html,
    verdict_html,
)

STYLES = ("boulware", "conceder", "tit_for_tat", "random")


def style_name(style: str) -> str:
    """A style as the page names it."""
    names = {
        "boulware": advice("concessions.style_boulware"),
        "conceder": advice("concessions.style_conceder"),
        "tit_for_tat": advice("concessions.style_tit_for_tat"),
        "random": advice("concessions.style_random"),
    }
    return names[style]


def fresh_seed() -> int:
    """A new seed for a rehearsal (shown, so the same rehearsal can be played again)."""
    return secrets.randbelow(1_000_000)


def labelled(label: str, widget: W.Widget) -> W.Widget:
    """A small label over a widget."""
    return W.VBox([W.HTML(hint_html(label)), widget])


def _dumped(rows: list[Any]) -> list[dict[str, Any]]:
    return [row.model_dump() for row in rows]


@editor("concessions.rehearsal")
def rehearsal_editor(ctx: Context) -> W.Widget:
    """Start a rehearsal (their style, rounds, seed) and make offers, one pick per variable."""
    read_only = ctx.session.read_only
    style = W.Dropdown(
        options=[(style_name(s), s) for s in STYLES],
        value="boulware",
        disabled=read_only,
        layout=W.Layout(width="100%"),
    )
    style.add_class("nw-rehearsal-style")
    rounds = W.BoundedIntText(
        value=8, min=1, max=MAX_REHEARSAL_ROUNDS, disabled=read_only, layout=W.Layout(width="100%")
    )
    rounds.add_class("nw-rehearsal-rounds")
    seed = W.IntText(value=fresh_seed(), disabled=read_only, layout=W.Layout(width="100%"))
    seed.add_class("nw-rehearsal-seed")
    started = message_widget()
    offered = message_widget()
    picks: dict[str, str] = {}
    """The option picked per variable id, shown or not (of many variables the first are
    drawn, and a button draws the others, as in the offer editor)."""
    board = W.VBox()
    board.add_class("nw-rehearsal-offer")

    def start() -> None:
        planner = ctx.plan.concessions
        try:
            record = r.start_rehearsal(planner, style.value, int(rounds.value), int(seed.value))
        except (PackageInputError, ValidationError) as exc:
            started.say(_reason(exc))
            return
        kept = [*planner.rehearsals][-(MAX_REHEARSALS - 1) :]
        problem = ctx.session.set_structure(
            ("concessions", "rehearsals"), [*_dumped(kept), record.model_dump()]
        )
        started.say(problem or "")
        if not problem:
            offered.say("")

    def reseed() -> None:
        seed.value = fresh_seed()

    def offer() -> None:
        planner = ctx.plan.concessions
        if not planner.rehearsals:
            offered.say(advice("concessions.rehearsal_start_first"))
            return
        chosen = {vid: value for vid, value in picks.items() if value != NOT_OFFERED}
        try:
            record = r.play_round(planner, planner.rehearsals[-1], chosen)
        except PackageInputError as exc:
            offered.say(_reason(exc))
            return
        rows = [*_dumped(planner.rehearsals[:-1]), record.model_dump()]
        offered.say(ctx.session.set_structure(("concessions", "rehearsals"), rows) or "")

    def last_offer() -> Mapping[str, str]:
        planner = ctx.plan.concessions
        if planner.rehearsals and planner.rehearsals[-1].played:
            return planner.rehearsals[-1].played[-1].offer
        return planner.current_offer

    def pick(variable_id: str, change: dict[str, Any]) -> None:
        picks[variable_id] = change["new"]

    def render() -> None:
        variables = r.agenda(ctx.plan.concessions)
        previous = last_offer()
        before = dict(picks)
        picks.clear()
        for var in variables:
            value = before.get(var.id) or previous.get(var.id, NOT_OFFERED)
            picks[var.id] = value if value in {o.id for o in var.options} else NOT_OFFERED
        shown = first.shown(len(variables))
        rows = []
        for var in variables[:shown]:
            dropdown = package_dropdown(
                var, picks[var.id], "— pick an option —", "nw-rehearsal-pick", disabled=read_only
            )
            dropdown.observe(lambda c, v=var.id: pick(v, c), names="value")
            rows.append(package_row(var, dropdown, message_widget()))
        if shown < len(variables):
            rows.append(first.button(len(variables) - shown))
        for old in board.children:
            close_tree(old)
        board.children = rows or [ctx.view.note(advice("concessions.offer_no_variables"))]

    first = FirstRows(render, noun="variable")
    ctx.on(("concessions", "variables"), render)
    render()
    settings = ctx.view.row(
        labelled(advice("concessions.rehearsal_style_label"), style),
        labelled(advice("concessions.rehearsal_rounds_label"), rounds),
        labelled(advice("concessions.rehearsal_seed_label"), seed),
        widths=["2fr", "1fr", "1fr"],
    )
    start_button = action_button(
        advice("concessions.rehearsal_start"), "play", "nw-rehearsal-start", start, read_only
    )
    offer_button = action_button(
        advice("concessions.rehearsal_offer"), "paper-plane", "nw-rehearsal-send", offer, read_only
    )
    new_seed = action_button(
        advice("concessions.rehearsal_new_seed"), "random", "nw-rehearsal-reseed", reseed, read_only
    )
    return W.VBox(
        [
            settings,
            W.HBox([start_button, new_seed]),
            started,
            W.HTML(hint_html(advice("concessions.rehearsal_pick_hint"), size="13px")),
            board,
            W.HBox([offer_button]),
            offered,
        ]
    )


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        error = exc.errors()[0]
        field = ".".join(str(p) for p in error["loc"])
        return f"{field}: {error['msg']}"
    text = str(exc)
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _words(options: Mapping[Hashable, Hashable] | None) -> str:
    if options is None:
        return "—"
    return "; ".join(f"{k}: {v}" for k, v in options.items())


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f}"


ANSWERS = {"counter": "counter-offer", "accept": "accepts", "walk_away": "walks away"}


def _turns(report: RehearsalReport) -> str:
    """The rehearsal ledger: each move, what changed and whether it went unanswered."""
    rows = []
    for move in report.moves:
        who = "Us" if move.side == "us" else "Them"
        what = "offer" if move.kind == "offer" else ANSWERS.get(move.kind, move.kind)
        changed = move.changes or ("opening" if move.kind in ("offer", "counter") else "")
        if move.kind == "offer" and move.options is not None and not move.changes:
            changed = "same as before" if move.round > 1 else "our opening"
        if move.kind == "counter" and not move.changes:
            changed = "their opening" if move.round == 1 else "no move"
        if move.kind == "accept":
            changed = "accepts our offer"
        note = ""
        if move.concession == "given":
            note = f"we gave {move.value_theirs:,.1f} to them"
            note += " · unanswered" if move.unanswered else ""
        elif move.concession == "received":
            note = f"they gave {move.value_ours:,.1f} to us"
        rows.append(
            [str(move.round), who, what, _score(move.ours), _score(move.theirs), changed, note]
        )
    columns = ["Round", "Side", "Move", "Us", "Them", "What changed", "Concession"]
    return app_html("grid", title="", columns=columns, rows=rows, css="nw-rehearsal-turns")


def _debrief(plan: m.Plan, report: RehearsalReport, rows: Any) -> list[str]:
    """The debrief: the outcome against the frontier, the Nash package and our walk-away."""
    parts = []
    if report.outcome == "walked_away":
        parts.append(verdict_html(advice("concessions.debrief_walked_away"), False))
    else:
        good = report.above_walk_away is not False
        parts.append(verdict_html(advice("concessions.debrief_agreed", rounds=report.rounds), good))
    pairs = report.key_figures()
    parts.append(figures_html(pairs))
    lines = []
    if report.deal is not None:
        lines.append(
            advice("concessions.debrief_efficient")
            if report.efficient
            else advice("concessions.debrief_not_efficient", unclaimed=report.unclaimed or 0)
        )
        if report.above_walk_away is False:
            lines.append(advice("concessions.debrief_below_walk_away"))
        money = _deal_money(plan, report)
        if money:
            lines.append(money)
    if report.nash is not None and report.deal is not None:
        gap = report.deal.ours - report.nash.ours
        lines.append(advice("concessions.debrief_nash", gap=gap))
    if report.outcome == "walked_away":
        lines.append(r.walk_away_note(report))
    if report.unanswered:
        lines.append(advice("concessions.debrief_unanswered", items="; ".join(report.unanswered)))
    else:
        lines.append(advice("concessions.debrief_all_answered"))
    parts.append(app_html("titled_list", title="Debrief", items=lines, css="nw-rehearsal-debrief"))
    if report.deal is not None and not report.efficient:
        found = improvements(rows, report.deal, limit=3)
        parts.append(improvements_html(found.rows, "Better for both sides than the deal"))
    return parts


def _deal_money(plan: m.Plan, report: RehearsalReport) -> str:
    """The deal's price over the term against our target and walk-away, when the plan says
    which variable is the price and how many units over how many months."""
    from workbook.analysis.concessions import price_total

    planner = plan.concessions
    price = next((v for v in planner.variables if v.id == planner.price_variable_id), None)
    if price is None or report.deal is None or price.name not in report.deal.options:
        return ""
    label = report.deal.options[price.name]
    option = next((o for o in price.options if o.label == label), None)
    if option is None or option.amount is None:
        return ""
    total = price_total(planner, option.amount)
    ours = planner.positions.ours
    if total is None or (ours.target is None and ours.reservation is None):
        return ""
    parts = [f"The deal's price comes to {plan.currency} {total:,.0f} over the term"]
    if ours.target is not None:
        parts.append(f"{total - ours.target:+,.0f} against our target")
    if ours.reservation is not None:
        parts.append(f"{total - ours.reservation:+,.0f} against our walk-away")
    return "; ".join(parts) + "."


def improvements_html(rows: Any, title: str) -> str:
    """Improvements as a list: the gain to each side and what changes."""
    items = [
        f"us {row.gain_ours:+,.1f}, them {row.gain_theirs:+,.1f} (together "
        f"{row.joint_gain:+,.1f}): {describe(row.changes)}"
        for row in rows
    ]
    return app_html("titled_list", title=title, items=items, css="nw-improvements")


def improvements_block(found: Any, words: Mapping[str, str]) -> str:
    """Improvements of a package as the app shows them: an empty state (``words["none"]``)
    without a whole package, a green "already efficient" (``words["efficient"]``), or a lead
    and the list (``words["lead"]``, ``words["title"]``, ``words["more"]``)."""
    if found is None:
        return empty_html(words["none"])
    if found.efficient:
        return verdict_html(words["efficient"], True)
    return (
        hint_html(words["lead"], size="13px")
        + improvements_html(found.rows, words["title"])
        + (hint_html(words["more"]) if found.more else "")
    )


REHEARSAL_READS = (
    "concessions.rehearsals",
    "concessions.variables",
    "concessions.positions",
    "concessions.price_variable_id",
    "concessions.volume",
    "concessions.term_months",
    "currency",
)


@panel("concessions.rehearsal", reads=REHEARSAL_READS)
def rehearsal_panel(ctx: Context) -> list[Part]:
    """The last rehearsal: their opening, the turns, the live checks, the debrief, the chart,
    and the rehearsals kept before it."""
    plan = ctx.plan
    planner = plan.concessions
    if not planner.rehearsals:
        return [empty_html(advice("concessions.rehearsal_none"))]
    record = planner.rehearsals[-1]
    try:
        rows = r.agenda_rows(planner)
        them = r.replay(planner, record)
        report = r.debrief(plan, record)
    except PackageInputError as exc:
        return [verdict_html(advice("concessions.rehearsal_broken", reason=_reason(exc)), False)]
    floor_note = (
        advice("concessions.rehearsal_floor_default")
        if planner.positions.theirs.package_floor is None
        else advice("concessions.rehearsal_floor_plan")
    )
    played = style_name(them.style)
    if record.style == "random":
        played = (
            advice("concessions.rehearsal_random_style", style=played)
            if record.finished
            else advice("concessions.rehearsal_random_hidden")
        )
    header = advice(
        "concessions.rehearsal_header",
        number=len(planner.rehearsals),
        style=played,
        played=len(record.played),
        rounds=record.rounds,
        seed=record.seed,
        floor=record.their_floor,
        floor_note=floor_note,
    )
    opening = them.opening()
    parts: list[Part] = [
        hint_html(header, size="13px"),
        hint_html(
            advice(
                "concessions.rehearsal_opening",
                package=_words(opening.options),
                ours=opening.ours,
                theirs=opening.theirs,
            ),
            size="13px",
        ),
    ]
    if record.played:
        parts.append(_turns(report))
        parts.append(hint_html(report.balance.sentence(""), size="13px"))
        parts.append(flags_html(report.flags, advice("concessions.rehearsal_no_flags")))
    else:
        parts.append(empty_html(advice("concessions.rehearsal_first_offer")))
    if record.finished:
        parts += _debrief(plan, report, rows)
    elif record.played:
        left = record.rounds - len(record.played)
        parts.append(hint_html(advice("concessions.rehearsal_rounds_left", left=left), size="13px"))
    parts.append(
        Chart(
            "rehearsal",
            rehearsal_chart(
                them.frontier, report, record.their_floor, planner.positions.ours.package_floor
            ),
        )
    )
    if len(planner.rehearsals) > 1:
        parts.append(_compare(plan))
    return parts


def _compare(plan: m.Plan) -> str:
    """The rehearsals kept, newest first, to compare their outcomes."""
    rows = []
    planner = plan.concessions
    for number, record in reversed(list(enumerate(planner.rehearsals, 1))):
        try:
            report = r.debrief(plan, record)
        except PackageInputError:
            outcome, ours, theirs = "no longer replays", "—", "—"
        else:
            outcome = {"agreed": "agreed", "walked_away": "walked away", "open": "open"}[
                report.outcome
            ]
            ours = _score(report.deal.ours if report.deal else None)
            theirs = _score(report.deal.theirs if report.deal else None)
        rows.append(
            [
                str(number),
                record.at.strftime("%Y-%m-%d %H:%M"),
                style_name(record.style),
                str(record.seed),
                f"{len(record.played)} of {record.rounds}",
                outcome,
                ours,
                theirs,
            ]
        )
    columns = ["#", "Started", "Style", "Seed", "Rounds", "Outcome", "Us", "Them"]
    title = advice("concessions.rehearsal_history")
    return app_html("grid", title=title, columns=columns, rows=rows, css="nw-rehearsal-history")


# --- packages that survive disagreement ----------------------------------------------------


@editor("concessions.keep_estimate")
def keep_estimate_editor(ctx: Context) -> W.Widget:
    """Keep the values for them now in the planner as a team member's estimate; remove one."""
    name = W.Text(
        placeholder=advice("concessions.estimate_name_placeholder"), layout=W.Layout(width="100%")
    )
    name.add_class("nw-estimate-name")
    name.disabled = ctx.session.read_only
    message = message_widget()
    kept = W.VBox()

    def keep() -> None:
        who = " ".join(name.value.split())
        if not who:
            message.say(advice("concessions.estimate_name_missing"))
            return
        try:
            rows = r.keep_estimate(ctx.plan.concessions, who)
        except PackageInputError as exc:
            message.say(_reason(exc))
            return
        problem = ctx.session.set_structure(("concessions", "their_estimates"), rows)
        message.say(problem or "")
        if not problem:
            name.value = ""

    def remove(estimate_id: str) -> None:
        rows = [e.model_dump() for e in ctx.plan.concessions.their_estimates if e.id != estimate_id]
        message.say(ctx.session.set_structure(("concessions", "their_estimates"), rows) or "")

    def render() -> None:
        rows = []
        for estimate in ctx.plan.concessions.their_estimates:
            button = action_button(
                "Remove",
                "trash",
                "nw-estimate-remove",
                lambda i=estimate.id: remove(i),
                ctx.session.read_only,
            )
            count = len(estimate.values) + len(estimate.weights)
            text = hint_html(
                advice("concessions.estimate_row", name=estimate.name, count=count), size="13px"
            )
            rows.append(W.HBox([W.HTML(text), button]))
        for old in kept.children:
            close_tree(old)
        kept.children = rows

    ctx.on(("concessions", "their_estimates"), render)
    render()
    button = action_button(
        advice("concessions.estimate_keep"), "save", "nw-estimate-keep", keep, ctx.session.read_only
    )
    return W.VBox([kept, ctx.view.row(name, button, widths=["2fr", "1fr"]), message])


@panel(
    "concessions.robust",
    reads=("concessions.variables", "concessions.their_estimates", "concessions.positions"),
)
def robust_panel(ctx: Context) -> list[Part]:
    """Which packages are efficient under every estimate of their side, under most, and where
    the Nash package lands under each."""
    found = r.robust_packages(ctx.plan.concessions)
    if found is None:
        return [empty_html(advice("concessions.robust_empty"))]
    parts: list[Part] = [hint_html(r.summarise(found).text, size="13px")]
    columns = ["Efficient under", "Us", *(f"Them ({e})" for e in found.estimates), "Package"]
    shown, within = r.robust_offers(ctx.plan.concessions, found)
    table = [
        [
            "every estimate" if row.share == 1 else f"{row.share:.0%} of the estimates",
            _score(row.ours),
            *(_score(t) for t in row.theirs),
            _words(row.options),
        ]
        for row in shown
    ]
    if table:
        title = (
            advice("concessions.robust_offers_title")
            if within
            else advice("concessions.robust_offers_outside")
        )
        grid = app_html("grid", title=title, columns=columns, rows=table, css="nw-robust-packages")
        parts.append(grid)
    nash = [
        [str(name), _score(p.ours), _score(p.theirs), _words(p.options)]
        if p is not None
        else [str(name), "—", "—", advice("concessions.packages_no_nash")]
        for name, p in found.nash.items()
    ]
    parts.append(
        app_html(
            "grid",
            title="",
            columns=["Nash package under", "Us", "Them", "Package"],
            rows=nash,
            css="nw-robust-nash",
        )
    )
    moved = len({tuple(sorted(map(str, p.options.items()))) for p in found.nash.values() if p})
    parts.append(
        hint_html(
            advice("concessions.robust_nash_same")
            if moved <= 1
            else advice("concessions.robust_nash_moves", count=moved),
            size="13px",
        )
    )
    return parts

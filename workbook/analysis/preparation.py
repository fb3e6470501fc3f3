"""The preparation coaches expect: assumptions to test, mandate and roles, their decision
process and tactics, trading rules, BATNA work, equivalent offers, the meeting plan and the
debrief. Pure functions of the plan; the words are the content's (``[advice]``).

>>> from workbook.store import example_plan
>>> plan = example_plan()
>>> [q.asked_by for q in questions_to_ask(plan)][:1]
['Maria Keller']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from workbook.flags import Flag
from workbook.model import Plan, Variable

if TYPE_CHECKING:
    from workbook.analysis.packages import Package


def member_names(plan: Plan) -> dict[str, str]:
    """Team member id to name: the one list of names."""
    return {m.id: m.name for m in plan.team}


# --- interests and discovery --------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    """An open question to ask in the room, what it tests, and who asks it."""

    question: str
    tests: str
    asked_by: str


def questions_to_ask(plan: Plan) -> list[Question]:
    """The open questions of the assumptions not yet tested, in the team's order."""
    names = member_names(plan)
    return [
        Question(a.question, a.text, names.get(a.asked_by or "", ""))
        for a in plan.discovery.assumptions
        if a.question.strip() and not a.tested
    ]


@dataclass(frozen=True)
class FigureAtRisk:
    """A figure of the plan that rests on an assumption nobody has tested yet."""

    figure: str
    value: str
    assumption: str


def untested_figures(plan: Plan) -> list[FigureAtRisk]:
    """The plan figures that rest on untested assumptions: their option values, their
    weights, their walk-away, their BATNA, their deadline."""
    c, theirs = plan.concessions, plan.concessions.positions.theirs
    open_ = [a for a in plan.discovery.assumptions if not a.tested]
    found: list[FigureAtRisk] = []
    unit = plan.currency
    for a in open_:
        if a.about == "their_values":
            for v in c.variables:
                values = ", ".join(f"{o.label} {o.theirs:g}" for o in v.options)
                found.append(FigureAtRisk(f"Their value of {v.name}", values, a.text))
        elif a.about == "their_weights" and c.variables:
            weights = ", ".join(f"{v.name} {v.weight_theirs:g}" for v in c.variables)
            found.append(FigureAtRisk("Their weights", weights, a.text))
        elif a.about == "their_walk_away":
            value = "—" if theirs.reservation is None else f"{unit} {theirs.reservation:,.0f}"
            found.append(FigureAtRisk("Their walk-away", value, a.text))
            if theirs.package_floor is not None:
                found.append(
                    FigureAtRisk("Their package floor", f"{theirs.package_floor:g}", a.text)
                )
        elif a.about == "their_batna":
            value = "—" if theirs.batna_value is None else f"{unit} {theirs.batna_value:,.0f}"
            found.append(FigureAtRisk("Their BATNA", value, a.text))
        elif a.about == "their_deadline":
            for s in plan.discovery.stages:
                if s.side == "theirs" and s.deadline is not None:
                    found.append(
                        FigureAtRisk(f"Their deadline: {s.stage}", s.deadline.isoformat(), a.text)
                    )
    return found


def discovery_flags(plan: Plan) -> list[Flag]:
    """What the discovery part asks the team to do: interests, questions, who asks them."""
    d, flags = plan.discovery, []
    names = member_names(plan)
    if not any(i.side == "theirs" for i in d.interests):
        flags.append(Flag.of("warning", "Interests", "discovery.no_their_interests"))
    for i in d.interests:
        if not i.interest.strip():
            flags.append(Flag.of("warning", i.position, "discovery.interest_missing"))
    for a in d.assumptions:
        if not a.question.strip():
            flags.append(Flag.of("problem", a.text, "discovery.assumption_no_question"))
        elif a.asked_by not in names:
            flags.append(Flag.of("warning", a.text, "discovery.assumption_no_asker"))
    return flags


# --- roles and mandate, their decision process, tactics ----------------------------------


def mandate_flags(plan: Plan) -> list[Flag]:
    """Roles in the room, the mandate and the caucus signal."""
    flags: list[Flag] = []
    roles = [m.room_role for m in plan.team]
    if plan.team:
        if "lead" not in roles:
            flags.append(Flag.of("warning", "Roles", "discovery.no_lead"))
        if "spokesperson" not in roles:
            flags.append(Flag.of("warning", "Roles", "discovery.no_spokesperson"))
        if roles.count("spokesperson") > 1:
            flags.append(Flag.of("warning", "Roles", "discovery.two_spokespeople"))
    m = plan.discovery.mandate
    if not m.limits.strip():
        flags.append(Flag.of("warning", "Mandate", "discovery.no_limits"))
    elif not m.approver.strip():
        flags.append(Flag.of("problem", "Mandate", "discovery.no_approver"))
    if "decision_maker_absent" in roles and not m.approver.strip():
        flags.append(Flag.of("problem", "Mandate", "discovery.absent_decider"))
    if not m.caucus_signal.strip():
        flags.append(Flag.of("warning", "Caucus", "discovery.no_caucus_signal"))
    return flags


@dataclass(frozen=True)
class DecisionProcess:
    """Who signs, who can veto and who influences on their side (from the key players)."""

    signs: list[str]
    vetoes: list[str]
    influences: list[str]


def decision_process(plan: Plan) -> DecisionProcess:
    """Their decision roles, read from the relationship section's key players."""
    theirs = [p for p in plan.relationship.players if p.side == "theirs"]

    def who(role: str) -> list[str]:
        return [
            p.name + (f" ({p.role})" if p.role else "") for p in theirs if p.decision_role == role
        ]

    return DecisionProcess(who("signs"), who("vetoes"), who("influences"))


def decision_flags(plan: Plan) -> list[Flag]:
    """Who signs, the stages and deadlines, and who needs the deal more."""
    d, flags = plan.discovery, []
    process = decision_process(plan)
    if not process.signs:
        flags.append(Flag.of("problem", "Their decision", "discovery.no_signer"))
    if not d.stages:
        flags.append(Flag.of("warning", "Their decision", "discovery.no_stages"))
    if plan.date is not None:
        for s in d.stages:
            if s.side == "ours" and s.deadline is not None and s.deadline > plan.date:
                flags.append(
                    Flag.of(
                        "warning", s.stage, "discovery.our_stage_late", date=plan.date.isoformat()
                    )
                )
    if d.needs_more == "undecided":
        flags.append(Flag.of("warning", "Who needs it more", "discovery.needs_more_open"))
    elif not d.needs_more_why.strip():
        flags.append(Flag.of("warning", "Who needs it more", "discovery.needs_more_reason"))
    return flags


def tactic_flags(plan: Plan) -> list[Flag]:
    """Ploys without a prepared answer, and an accusation audit left empty or unanswered."""
    from workbook.content import choice_labels

    labels = choice_labels("discovery.tactics[].ploy")
    flags = [
        Flag.of("problem", labels.get(t.ploy, t.ploy), "discovery.tactic_no_counter", sign=t.sign)
        for t in plan.discovery.tactics
        if not t.counter.strip()
    ]
    if not plan.discovery.accusations:
        flags.append(Flag.of("warning", "Accusation audit", "discovery.no_accusations"))
    flags += [
        Flag.of("warning", a.claim, "discovery.accusation_no_answer")
        for a in plan.discovery.accusations
        if not a.answer.strip()
    ]
    return flags


# --- trading rules, deal-breakers, BATNA work, the first offer ----------------------------


def _option_value(var: Variable, option_id: str | None) -> float | None:
    opt = next((o for o in var.options if o.id == option_id), None)
    return None if opt is None else opt.ours


def rule_checks(plan: Plan) -> list[Flag]:
    """The concession plan against the deal-breakers, must-haves and trading rules."""
    c = plan.concessions
    variables = {v.id: v for v in c.variables}
    allowed: dict[str, set[str]] = {}
    for rule in c.trade_rules:
        if rule.variable_id in variables and rule.against_id in variables:
            allowed.setdefault(rule.variable_id, set()).add(rule.against_id)
    flags: list[Flag] = []
    for v in c.variables:
        if v.stance == "must_have" and _option_value(v, v.limit_option_id) is None:
            flags.append(Flag.of("warning", v.name, "concessions.must_have_no_limit"))
    for index, step in enumerate(c.steps, start=1):
        var = variables.get(step.our_variable_id or "")
        if var is None:
            continue
        subject = f"Step {index}"
        if var.stance == "deal_breaker":
            flags.append(
                Flag.of(
                    "problem", subject, "concessions.step_moves_deal_breaker", variable=var.name
                )
            )
        elif var.stance == "must_have":
            limit = _option_value(var, var.limit_option_id)
            to = _option_value(var, step.our_to_option_id)
            if limit is not None and to is not None and to < limit:
                flags.append(
                    Flag.of(
                        "problem", subject, "concessions.step_below_must_have", variable=var.name
                    )
                )
        against = allowed.get(var.id)
        if against is not None and step.their_variable_id not in against:
            names = " or ".join(sorted(variables[i].name for i in against))
            flags.append(
                Flag.of(
                    "problem",
                    subject,
                    "concessions.step_breaks_rule",
                    variable=var.name,
                    against=names,
                )
            )
    for offer in c.prepared_offers:
        for v in c.variables:
            limit = _option_value(v, v.limit_option_id) if v.stance == "must_have" else None
            chosen = _option_value(v, offer.options.get(v.id))
            if limit is not None and chosen is not None and chosen < limit:
                flags.append(
                    Flag.of(
                        "problem", offer.name, "concessions.offer_below_must_have", variable=v.name
                    )
                )
    if not c.nothing_agreed and c.steps:
        flags.append(Flag.of("warning", "Settings", "concessions.piecemeal"))
    return flags


def batna_flags(plan: Plan) -> list[Flag]:
    """BATNA work without owner or date, late, or not started; their BATNA untested."""
    c, flags = plan.concessions, []
    names = member_names(plan)
    ours, theirs = c.positions.ours, c.positions.theirs
    if ours.batna.strip() and not c.batna_actions:
        flags.append(Flag.of("warning", "Our BATNA", "concessions.batna_no_actions"))
    for a in c.batna_actions:
        if a.done:
            continue
        if a.owner not in names or a.due is None:
            flags.append(Flag.of("warning", a.action, "concessions.batna_action_no_owner"))
        elif plan.date is not None and a.due > plan.date:
            flags.append(
                Flag.of(
                    "warning", a.action, "concessions.batna_action_late", date=plan.date.isoformat()
                )
            )
    if theirs.batna.strip() and not theirs.batna_test.strip():
        flags.append(Flag.of("warning", "Their BATNA", "concessions.their_batna_untested"))
    return flags  # the walk-away against the BATNA: workbook.analysis.checks.batna_checks


def first_offer_flags(plan: Plan) -> list[Flag]:
    """Who opens and why, the opening figure or package, and the re-anchor."""
    first, flags = plan.concessions.positions.first_offer, []
    if first.who_opens == "undecided":
        flags.append(Flag.of("warning", "First offer", "concessions.first_offer_undecided"))
    elif not first.why.strip():
        flags.append(Flag.of("warning", "First offer", "concessions.first_offer_why"))
    if first.who_opens == "us" and first.our_figure is None and first.offer_id is None:
        flags.append(Flag.of("problem", "First offer", "concessions.first_offer_nothing"))
    if first.offer_id is not None and first.offer_id not in {
        o.id for o in plan.concessions.prepared_offers
    }:
        flags.append(Flag.of("problem", "First offer", "concessions.first_offer_gone"))
    if not first.re_anchor.strip():
        flags.append(Flag.of("warning", "First offer", "concessions.no_re_anchor"))
    return flags


def preparation_checks(plan: Plan) -> list[Flag]:
    """Every check of the concession planner's preparation parts."""
    return first_offer_flags(plan) + batna_flags(plan) + rule_checks(plan)


# --- equivalent offers --------------------------------------------------------------------


def offers_target(plan: Plan) -> float | None:
    """What the equivalent offers should be worth to us: the value set, else our package
    floor, else nothing."""
    c = plan.concessions
    return c.offers_value if c.offers_value is not None else c.positions.ours.package_floor


def agenda_rows(plan: Plan, within_limits: bool = False) -> list[tuple[str, str, float, float]]:
    """(variable id, option id, ours, theirs) of the variables on the agenda, weighted; with
    ``within_limits``, without the options below a must-have's least acceptable option."""
    rows = []
    for v in plan.concessions.variables:
        if not (v.on_agenda and v.options):
            continue
        limit = _option_value(v, v.limit_option_id) if v.stance == "must_have" else None
        for o in v.options:
            if within_limits and limit is not None and o.ours < limit:
                continue
            rows.append(
                (v.id, o.id, v.weight_ours * o.ours / 100, v.weight_theirs * o.theirs / 100)
            )
    return rows


def package_scores(plan: Plan, options: dict[str, str]) -> tuple[float, float] | None:
    """Our and their weighted score of a package (variable id to option id), or None when
    it leaves out a variable on the agenda."""
    ours = theirs = 0.0
    for v in plan.concessions.variables:
        if not (v.on_agenda and v.options):
            continue
        opt = next((o for o in v.options if o.id == options.get(v.id)), None)
        if opt is None:
            return None
        ours += v.weight_ours * opt.ours / 100
        theirs += v.weight_theirs * opt.theirs / 100
    return ours, theirs


def describe_package(plan: Plan, options: dict[str, str]) -> str:
    """A package in words: 'variable: option; ...'."""
    parts = []
    for v in plan.concessions.variables:
        opt = next((o for o in v.options if o.id == options.get(v.id)), None)
        if opt is not None:
            parts.append(f"{v.name}: {opt.label}")
    return "; ".join(parts)


def offer_differences(
    plan: Plan, packages: Sequence[dict[str, str]]
) -> tuple[list[str], list[str]]:
    """The variables on which the packages differ, and 'variable: option' for those all of
    them share (what their choice can, and cannot, tell us)."""
    varying, common = [], []
    for v in plan.concessions.variables:
        chosen = {p.get(v.id) for p in packages}
        if len(chosen) > 1:
            varying.append(v.name)
        elif chosen and None not in chosen:
            label = next((o.label for o in v.options if o.id in chosen), None)
            if label is not None:
                common.append(f"{v.name}: {label}")
    return varying, common


def plan_offers(plan: Plan, k: int = 3) -> tuple[list[Package], float, int, float] | None:
    """The equivalent offers for the plan's settings (ids as option keys), or None without
    a target value or variables; no offer goes below a must-have's least acceptable option."""
    from workbook.analysis.offers import equivalent_offer_set

    target, rows = offers_target(plan), agenda_rows(plan, within_limits=True)
    if target is None or not rows:
        return None
    result = equivalent_offer_set(rows, target, k, plan.concessions.offers_tolerance)
    return result.packages, result.spread, result.candidates, result.tolerance

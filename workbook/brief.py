"""The brief: one page a team takes into the room, and its exports.

Each section contributes a :class:`~workbook.blocks.Part` made of plain blocks
(:mod:`workbook.blocks`: paragraphs, bullets, warnings, tables, key figures, charts).
Every format renders the same parts: HTML (:mod:`workbook.brief_html`), Markdown
(:mod:`workbook.brief_md`) and xlsx (:mod:`workbook.brief_xlsx`), each escaping user text
for its own medium. A new part is one function here, named by its section in
:mod:`workbook.sections`; every format shows it.

>>> from workbook.store import example_plan
>>> "Strategic fit" in brief_markdown(example_plan())
True
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from workbook.blocks import (
    Block,
    Bullets,
    Chart,
    Figures,
    Money,
    Para,
    Part,
    Share,
    Table,
    Warnings,
)
from workbook.content import advice
from workbook.model import Objective, Plan, Relationship
from workbook.sections import SECTIONS, SectionError

# --- the parts ----------------------------------------------------------------------------


def money(plan: Plan, amount: float | None) -> Money:
    """An amount in the plan's currency, or a dash."""
    return Money(amount, plan.currency)


_MID_SENTENCE_CAPITAL = re.compile(r"(?<=[a-z0-9,;] )([A-Z][a-z]+)\b")


def proper_words(plan: Plan) -> frozenset[str]:
    """Capitalised words the plan uses in mid-sentence: names that keep their capital."""
    return frozenset(_MID_SENTENCE_CAPITAL.findall(plan.model_dump_json()))


def clause(text: str, keep: frozenset[str] = frozenset()) -> str:
    """``text`` made to continue a sentence: an ordinary first word loses its capital.

    Acronyms, names in ``keep`` and words with inner capitals keep theirs; a final full
    stop is dropped.

    >>> clause("A three-year term.", frozenset())
    'a three-year term'
    >>> clause("FleetSense matches it", frozenset())
    'FleetSense matches it'
    """
    text = " ".join(text.split()).rstrip(".")
    first = re.match(r"[A-Za-z][\w'-]*", text)
    if first is None:
        return text
    word = first.group(0)
    ordinary = word[0].isupper() and (word[1:] == word[1:].lower()) and word != "I"
    if ordinary and word not in keep and (len(word) > 1 or len(text) == 1 or text[1] == " "):
        return word[0].lower() + text[1:]
    return text


def sentence(text: str) -> str:
    """``text`` as a sentence: a capital first letter and a full stop.

    >>> sentence("there are no moves yet: add one")
    'There are no moves yet: add one.'
    """
    text = " ".join(text.split())
    if not text:
        return text
    return text[0].upper() + text[1:] + ("" if text[-1] in ".!?" else ".")


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


def _member(member: Any) -> str:
    """A team member with the deal role and the role in the room."""
    from workbook.content import choice_labels

    roles = [member.role] if member.role else []
    if member.room_role != "none":
        roles.append(choice_labels("team[].room_role").get(member.room_role, member.room_role))
    return f"{member.name} ({', '.join(roles)})" if roles else member.name


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


def _trading_rules(plan: Plan) -> list[Block]:
    """Deal-breakers, must-haves, the trading rules and the agreement setting."""
    c = plan.concessions
    names = {v.id: v.name for v in c.variables}
    lines = []
    for v in c.variables:
        if v.stance == "deal_breaker":
            lines.append(f"{v.name}: a deal-breaker, we do not move on it")
        elif v.stance == "must_have":
            limit = next((o.label for o in v.options if o.id == v.limit_option_id), "—")
            lines.append(f"{v.name}: a must-have; the least we accept is {limit}")
    against: dict[str, list[str]] = {}
    for rule in c.trade_rules:
        if rule.variable_id in names and rule.against_id in names:
            against.setdefault(names[rule.variable_id], []).append(names[rule.against_id])
    lines += [f"{k} moves only against {' or '.join(v)}" for k, v in against.items()]
    setting = (
        "Nothing is agreed until everything is agreed."
        if c.nothing_agreed
        else "Issues are closed one by one."
    )
    return [
        Para("Deal-breakers and trading rules:", strong=True),
        Bullets(lines, "None set."),
        Para(setting),
    ]


def _prepared_offers(plan: Plan) -> list[Block]:
    """The prepared offers, with both scores."""
    from workbook.analysis.preparation import describe_package, package_scores

    rows = []
    for offer in plan.concessions.prepared_offers:
        scores = package_scores(plan, offer.options)
        rows.append(
            [
                offer.name,
                describe_package(plan, offer.options),
                "—" if scores is None else f"{scores[0]:g}",
                "—" if scores is None else f"{scores[1]:g}",
                offer.note,
            ]
        )
    if not rows:
        return []
    return [
        Para("Prepared offers (put on the table together):", strong=True),
        Table(
            ["Offer", "Package", "Us (points)", "Them (points)", "What their choice tells us"], rows
        ),
    ]


def _batna_work(plan: Plan) -> list[Block]:
    """How we strengthen our BATNA, and how we test theirs."""
    c = plan.concessions
    names = {m.id: m.name for m in plan.team}
    lines = [
        f"{a.action} ({names.get(a.owner or '', 'no owner')}, "
        f"{a.due.isoformat() if a.due else 'no date'}{', done' if a.done else ''})"
        for a in c.batna_actions
    ]
    blocks: list[Block] = [
        Para("Strengthening our BATNA:", strong=True),
        Bullets(lines, "Nothing planned."),
    ]
    if c.positions.theirs.batna_test.strip():
        blocks.append(Para(f"Testing their BATNA: {c.positions.theirs.batna_test}"))
    return blocks


def _practice(plan: Plan) -> list[Block]:
    """What improves the offer on the table, the packages that survive the team's differing
    estimates of their side, and the last rehearsal's debrief (each only when there is one)."""
    from workbook.analysis import rehearse
    from workbook.analysis.packages import PackageInputError

    c = plan.concessions
    blocks: list[Block] = []
    found = rehearse.offer_improvements(c, limit=3)
    blocks += _improvements(
        found, advice("ledger.improvements_efficient"), advice("ledger.improvements_title")
    )
    robust = rehearse.robust_packages(c)
    if robust is not None:
        summary = rehearse.summarise(robust)
        blocks.append(
            Para(
                advice(
                    "concessions.robust_summary",
                    estimates=summary.estimates,
                    everywhere=summary.everywhere,
                    most=summary.most,
                    total=summary.total,
                )
            )
        )
        offers, within = rehearse.robust_offers(c, robust, limit=3)
        if offers and within:
            blocks.append(Para(advice("concessions.robust_offers_title") + ":", strong=True))
            blocks.append(Bullets([_options(row.options) for row in offers]))
        blocks.append(
            Table(
                ["Nash package under", "Us", "Them", "Package"],
                [
                    [str(name), f"{p.ours:,.1f}", f"{p.theirs:,.1f}", _options(p.options)]
                    if p is not None
                    else [str(name), "—", "—", "—"]
                    for name, p in robust.nash.items()
                ],
            )
        )
    last = next((r for r in reversed(c.rehearsals) if r.finished), None)
    if last is not None:
        try:
            report = rehearse.debrief(plan, last)
        except PackageInputError as exc:
            blocks.append(Para(f"The last rehearsal no longer replays: {exc}."))
            return blocks
        outcome = (
            f"they accepted in round {report.rounds}"
            if report.outcome == "agreed"
            else "they walked away"
        )
        blocks.append(
            Para(
                f"Last rehearsal ({last.style.replace('_', '-')}, seed {last.seed}, "
                f"{last.rounds} rounds): {outcome}.",
                strong=True,
            )
        )
        pairs = []
        if report.deal is not None:
            pairs.append(("Deal: us · them", _scores(report.deal)))
        if report.nash is not None:
            pairs.append(("Nash: us · them", _scores(report.nash)))
        if report.unclaimed is not None:
            pairs.append(("Left unclaimed", f"{report.unclaimed:,.1f}"))
        if report.our_walk_away is not None and report.deal is not None:
            pairs.append(("Against our floor", f"{report.deal.ours - report.our_walk_away:+,.1f}"))
        if pairs:
            blocks.append(Figures(pairs))
        if report.outcome == "walked_away":
            blocks.append(Para(rehearse.walk_away_note(report)))
        if report.unanswered:
            open_ = report.unanswered
            blocks.append(Warnings([f"Unanswered in the rehearsal: {x}" for x in open_]))
    return blocks


def _improvements(found: Any, efficient: str, title: str) -> list[Block]:
    """Improvements of a package: ``efficient`` when there is none, else ``title`` and each
    with its gains and what changes; nothing without a whole package (``found`` None)."""
    from workbook.analysis.improve import describe

    if found is None:
        return []
    if found.efficient:
        return [Para(efficient, "good")]
    items = [
        f"us {row.gain_ours:+,.1f}, them {row.gain_theirs:+,.1f}: {describe(row.changes)}"
        for row in found.rows
    ]
    return [Para(title + ":", strong=True), Bullets(items)]


def _scores(package: Any) -> str:
    return f"{package.ours:,.1f} · {package.theirs:,.1f}"


def _options(options: Any) -> str:
    return "; ".join(f"{k}: {v}" for k, v in options.items())


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


def _room_roles(plan: Plan) -> list[Block]:
    """Each member's role in the room, from the team list, once any is set."""
    from workbook.content import choice_labels

    labels = choice_labels("team[].room_role")
    roles = [
        f"{m.name}: {labels.get(m.room_role, m.room_role)}"
        for m in plan.team
        if m.room_role != "none"
    ]
    return [Para("Roles in the room: " + "; ".join(roles) + ".")] if roles else []


def _discovery(plan: Plan, _ctx: BriefContext) -> Part:
    """The questions to ask, the mandate, their decision process, tactics and interests."""
    from workbook.analysis.preparation import decision_process, questions_to_ask, untested_figures
    from workbook.content import choice_labels

    d = plan.discovery
    questions = [
        q.question
        + (f" ({q.asked_by} asks; tests: {q.tests})" if q.asked_by else f" (tests: {q.tests})")
        for q in questions_to_ask(plan)
    ]
    ask: list[Block] = [
        _mandate(plan),
        Para("Questions to ask:", strong=True),
        Bullets(questions, "No open questions."),
    ]
    untested = untested_figures(plan)
    if untested:
        ask.append(
            Para(
                f"{len(untested)} figures of the plan rest on guesses not tested yet: "
                "the questions above test them.",
                "bad",
            )
        )
    process = decision_process(plan)
    ploys = choice_labels("discovery.tactics[].ploy")
    needs = choice_labels("discovery.needs_more")
    details: list[Block] = [
        *ask,
        Para(
            f"Their decision: signs {', '.join(process.signs) or '—'}; "
            f"can veto {', '.join(process.vetoes) or '—'}; "
            f"influences {', '.join(process.influences) or '—'}."
        ),
        Table(
            ["Side", "Stage", "Deadline", "Note"],
            [
                [
                    "Theirs" if st.side == "theirs" else "Ours",
                    st.stage,
                    st.deadline.isoformat() if st.deadline else "—",
                    st.note,
                ]
                for st in d.stages
            ],
        )
        if d.stages
        else Para("No stages listed."),
        Para(
            f"Who needs the deal more: {needs.get(d.needs_more, d.needs_more)}"
            + (
                f", because {clause(d.needs_more_why, proper_words(plan))}"
                if d.needs_more_why.strip()
                else ""
            )
            + "."
        ),
        Para("Their likely tactics and our answers:", strong=True),
        Bullets(
            [f"{ploys.get(t.ploy, t.ploy)} ({t.sign}): {t.counter or '—'}" for t in d.tactics],
            "None prepared.",
        ),
        Para("What they may say about us, and our honest answer:", strong=True),
        Bullets([f"{a.claim}: {a.answer or '—'}" for a in d.accusations], "None listed."),
        Para("Figures resting on untested guesses:", strong=True),
        Bullets([f"{r.figure} ({r.value}): {r.assumption}" for r in untested], "None."),
        Para("Interests behind the positions:", strong=True),
        Bullets(
            [
                f"{'Theirs' if i.side == 'theirs' else 'Ours'}: {i.position}: {i.interest or '—'}"
                for i in d.interests
            ],
            "None listed.",
        ),
    ]
    return Part("Discovery and mandate", [], details)


def _meeting(plan: Plan, _ctx: BriefContext) -> Part:
    """The order of issues with their minutes, our opening, and the debrief once held."""
    from workbook.analysis.preparation import debrief_comparison
    from workbook.content import choice_labels

    mt = plan.meeting
    details: list[Block] = [
        _order_of_issues(plan),
        Para("Our first two minutes:", strong=True),
        Para(mt.opening.strip() or "Not written yet."),
    ]
    if mt.previous_lessons:
        details.append(Para("Lessons from earlier meetings: " + "; ".join(mt.previous_lessons)))
    d = mt.debrief
    if d.outcome != "open" or d.held_on is not None:
        outcome = choice_labels("meeting.debrief.outcome").get(d.outcome, d.outcome)
        when = f" on {d.held_on.isoformat()}" if d.held_on else ""
        details += [
            Para(f"Debrief: {outcome}{when}", strong=True),
            Table(
                ["", "Plan", "Outcome"],
                [[r.measure, r.planned, r.outcome] for r in debrief_comparison(plan)],
            ),
            Para(f"What went well: {d.went_well or '—'}"),
            Para(f"What to change: {d.change or '—'}"),
            Bullets(d.lessons, "No lessons written."),
        ]
        from workbook.analysis.rehearse import package_improvements

        details += _improvements(
            package_improvements(plan.concessions, d.agreed, limit=3),
            advice("meeting.improvements_efficient"),
            advice("meeting.improvements_title"),
        )
    return Part("Meeting plan", [], details)


def _mandate(plan: Plan) -> Para:
    """The team's mandate in one line: its limits, who approves beyond, the caucus signal."""
    m = plan.discovery.mandate
    parts = [
        m.limits.strip().rstrip(".") or "not set",
        f"Beyond it, approval from {m.approver.strip().rstrip('.')}" if m.approver.strip() else "",
        f"Caucus signal: {m.caucus_signal.strip().rstrip('.')}" if m.caucus_signal.strip() else "",
    ]
    return Para("Mandate: " + ". ".join(filter(None, parts)) + ".")


def _order_of_issues(plan: Plan) -> Para:
    """The meeting's order of issues with their minutes, in one line."""
    from workbook.analysis.preparation import planned_minutes

    mt = plan.meeting
    length = f" of {mt.length_minutes}" if mt.length_minutes is not None else ""
    order = " → ".join(f"{i.text} ({i.minutes})" for i in mt.issues) or "not set"
    return Para(f"Order of issues, in minutes ({planned_minutes(plan)}{length} in all): {order}.")


def _in_the_room(plan: Plan, _ctx: BriefContext) -> Part:
    """Who does what, the key players, our strengths, and the moves prepared for the room."""
    s, rel, c = plan.strategy, plan.relationship, plan.concessions
    first = c.positions.first_offer
    keep = proper_words(plan)
    details: list[Block] = [
        Para("Who does what in the room:", strong=True),
        Bullets([f"{x.member}: {x.contribution}" for x in s.contributions], "Not decided."),
        *_room_roles(plan),
        Para("Key players:", strong=True),
        Bullets(
            [
                f"{'Ours' if p.side == 'ours' else 'Theirs'}: {p.name}"
                + (f", {p.role}" if p.role else "")
                + f" (influence {p.influence}/5"
                + (f", relationship owned by {p.owner}" if p.owner and p.side == "theirs" else "")
                + ")"
                for p in sorted(rel.players, key=lambda p: (p.side != "theirs", -p.influence))
            ],
            "No key players named.",
        ),
        Para("Our strengths: " + ("; ".join(x.text for x in s.strengths) or "—")),
    ]
    if first.who_opens != "undecided" or first.our_figure is not None:
        who = {"us": "We open", "them": "They open", "undecided": "Who opens is open"}
        package = next((o for o in c.prepared_offers if o.id == first.offer_id), None)
        details.append(
            Para(
                f"First offer: {who[first.who_opens]}"
                + (f" at {money(plan, first.our_figure)}" if first.our_figure is not None else "")
                + (f" with the package {package.name}" if package is not None else "")
                + (f", because {first.criteria.strip()}" if first.criteria.strip() else "")
            )
        )
    if first.why.strip():
        details.append(
            Para(
                f"Why {'we' if first.who_opens == 'us' else 'they'} open: {clause(first.why, keep)}"
            )
        )
    if first.re_anchor.strip():
        details.append(Para(f"If their figure lands first: {first.re_anchor.strip()}"))
    if rel.pressure.present:
        details.append(
            Para(
                "Reciprocity pressure: "
                + (rel.pressure.decision.strip() or "not decided yet")
                + (
                    f" (decided by {rel.pressure.decision_owner})"
                    if rel.pressure.decision_owner
                    else ""
                )
            )
        )
    script = c.no_reciprocity
    steps = [
        ("Pause", script.pause),
        ("Check our BATNA", script.batna_check),
        ("Name it", script.name_it),
        ("Ask for", script.ask_for),
    ]
    details.append(Para("If they do not reciprocate:", strong=True))
    details.append(Bullets([f"{k}: {v}" for k, v in steps if v.strip()], "Not prepared."))
    details.append(Para("We step back when: " + (rel.step_back_when.strip() or "—")))
    # the one page is full: of the preparation for the room, it carries the mandate
    return Part("In the room", [_mandate(plan)], details)


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


@dataclass(frozen=True)
class BriefContext:
    """What the parts may use beyond the plan."""

    objectives: Sequence[Objective] | None = None
    charts: bool = False


PartWriter = Callable[[Plan, BriefContext], Part]


def _section_parts() -> list[PartWriter]:
    """The part of each section that names one in :data:`workbook.sections.SECTIONS`."""
    writers: list[PartWriter] = []
    for entry in SECTIONS:
        if entry.brief_part is None:
            continue
        writer = globals().get(entry.brief_part)
        if not callable(writer):
            raise SectionError(
                f"section {entry.key!r} names the brief part {entry.brief_part!r}, which "
                "workbook/brief.py does not define"
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

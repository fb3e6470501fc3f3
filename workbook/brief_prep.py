"""The brief's parts for the preparation coaches expect: discovery and mandate, the meeting
plan and its debrief, who does what in the room, and the concession planner's trading
rules, prepared offers, BATNA work and rehearsals (which :mod:`workbook.brief` adds to its
concessions part). The words a team reads are built from the plan; the layout is the
blocks' (:mod:`workbook.blocks`).
"""

from __future__ import annotations

from typing import Any

from workbook.blocks import Block, Bullets, Figures, Para, Part, Table, Warnings
from workbook.brief_text import BriefContext, clause, money, proper_words
from workbook.content import advice
from workbook.model import Plan


def _member(member: Any) -> str:
    """A team member with the deal role and the role in the room."""
    from workbook.content import choice_labels

    roles = [member.role] if member.role else []
    if member.room_role != "none":
        roles.append(choice_labels("team[].room_role").get(member.room_role, member.room_role))
    return f"{member.name} ({', '.join(roles)})" if roles else member.name


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
        blocks.append(Para(rehearse.summarise(robust).text))
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
        pairs = report.key_figures()
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


def _options(options: Any) -> str:
    return "; ".join(f"{k}: {v}" for k, v in options.items())


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
    from workbook.analysis.meeting import debrief_comparison
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
    from workbook.analysis.meeting import planned_minutes

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

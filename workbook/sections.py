"""Every section of the workbook, listed once, in the order the navigation shows them.

A section is found from its entry here: its words and its page are in
``workbook/content/<key>.toml`` (title, lead, guidance, questions, ``[[layout]]`` blocks),
its data is ``Plan.<attribute>`` in :mod:`workbook.model`, the panels and editors its layout
names are in the module ``workbook.ui.views.<view>`` (if it has any), its part of the
brief is the function named ``brief_part`` in :mod:`workbook.brief`, and its tables are the
names it lists in :func:`workbook.tables.plan_tables`. The completion checks are written
here. Every other list of sections (navigation, completion, brief, tables, workshop
prompts) is built from :data:`SECTIONS`; :func:`check_sections` refuses an entry that the
model or the content files do not match.

This module sits just above the model: the layers above it refer to it, never the other
way round, so the parts of a section that live higher up are named here, not imported.

>>> [s.key for s in SECTIONS][:3]
['deal', 'strategy', 'value']
>>> section("scenarios").attribute
'scenarios'
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from workbook.errors import WorkbookError
from workbook.model import SECTION_KEYS, Plan, SectionKey

Check = tuple[str, Callable[[Plan], bool]]
"""A completion check: the advice code of what to do ("deal.todo_set_the_date", its words
in the section's content), and whether the plan has done it."""


@dataclass(frozen=True)
class Section:
    """One section of the workbook and where each of its parts lives."""

    key: str
    """The section's key: its content file, its ``?section=`` address, its view module."""
    number: int
    """Its position in the navigation (0 is the deal)."""
    attribute: str | None
    """The field of :class:`~workbook.model.Plan` that holds it; None when the section has
    no part of its own (the deal edits the plan's header fields, the brief only reads)."""
    checks: tuple[Check, ...] = ()
    """What makes it complete, in the order listed to the team."""
    prepares: bool = False
    """Whether the brief counts it as a preparation section to complete."""
    brief_part: str | None = None
    """The name of the function in :mod:`workbook.brief` that writes its part."""
    tables: tuple[str, ...] = ()
    """Its tables, as named by :func:`workbook.tables.plan_tables` (and the xlsx sheets)."""
    prompts: tuple[str, ...] = ()
    """The kinds of workshop prompt whose answers feed it."""
    agenda: bool = True
    """Whether a workshop agenda may give time to it (the model's ``SectionKey``)."""
    view: str = ""
    """The module under ``workbook.ui.views`` of its panels and editors; empty: its key."""

    @property
    def view_module(self) -> str:
        """The full name of the module of its panels and editors."""
        return f"workbook.ui.views.{self.view or self.key}"


SECTIONS: tuple[Section, ...] = (
    Section(
        "deal",
        0,
        None,
        checks=(
            ("deal.todo_name_the_other_company", lambda p: bool(p.counterpart.strip())),
            ("deal.todo_give_the_deal_value", lambda p: p.deal_value > 0),
            ("deal.todo_set_the_date", lambda p: p.date is not None),
            ("deal.todo_summarise_the_deal", lambda p: bool(p.summary.strip())),
            ("deal.todo_list_the_team", lambda p: bool(p.team)),
        ),
        brief_part="_deal",
        tables=("team",),
        agenda=False,
    ),
    Section(
        "strategy",
        1,
        "strategy",
        checks=(
            ("strategy.todo_name_a_strength", lambda p: bool(p.strategy.strengths)),
            (
                "strategy.todo_back_every_strength_with",
                lambda p: (
                    bool(p.strategy.strengths)
                    and all(s.evidence.strip() for s in p.strategy.strengths)
                ),
            ),
            ("strategy.todo_choose_one_or_two", lambda p: bool(p.strategy.priorities)),
            ("strategy.todo_say_what_each_member", lambda p: bool(p.strategy.contributions)),
            (
                "strategy.todo_link_the_deal_to",
                lambda p: any(link.strength > 0 for link in p.strategy.objective_links),
            ),
            (
                "strategy.todo_say_where_we_compete",
                lambda p: bool(p.strategy.compete_where) and bool(p.strategy.not_compete_where),
            ),
            (
                "strategy.todo_anticipate_customer_and_competitor",
                lambda p: bool(p.strategy.anticipated),
            ),
        ),
        prepares=True,
        brief_part="_strategy",
        tables=(
            "strengths",
            "priorities",
            "contributions",
            "objectives_served",
            "justifications",
            "anticipated_moves",
        ),
        prompts=("priorities",),
    ),
    Section(
        "value",
        2,
        "value",
        checks=(
            ("value.todo_list_the_customer_s", lambda p: bool(p.value.pains)),
            (
                "value.todo_back_a_differentiator_with",
                lambda p: any(d.proof.strip() for d in p.value.differentiators),
            ),
            ("value.todo_quantify_the_value", lambda p: bool(p.value.value_items)),
            ("value.todo_name_the_alternative", lambda p: bool(p.value.alternative.name.strip())),
            ("value.todo_compare_on_value_drivers", lambda p: bool(p.value.drivers)),
            ("value.todo_frame_it_per_stakeholder", lambda p: bool(p.value.framings)),
        ),
        prepares=True,
        brief_part="_value",
        tables=("pains", "differentiators", "value_drivers", "value_items", "framings"),
    ),
    Section(
        "scenarios",
        3,
        "scenarios",
        checks=(
            ("scenarios.todo_name_the_competitors", lambda p: bool(p.scenarios.competitors)),
            ("scenarios.todo_list_our_candidate_moves", lambda p: bool(p.scenarios.moves)),
            (
                "scenarios.todo_estimate_every_move",
                lambda p: (
                    bool(p.scenarios.moves)
                    and all(any(e.finished for e in m.estimates) for m in p.scenarios.moves)
                ),
            ),
            (
                "scenarios.todo_collect_estimates_from_two",
                lambda p: len({e.participant for m in p.scenarios.moves for e in m.estimates}) >= 2,
            ),
        ),
        prepares=True,
        brief_part="_scenarios",
        tables=("competitors", "moves", "estimates"),
        prompts=("estimate",),
    ),
    Section(
        "concessions",
        4,
        "concessions",
        checks=(
            (
                "concessions.todo_list_the_variables_and",
                lambda p: sum(len(v.options) >= 2 for v in p.concessions.variables) >= 2,
            ),
            (
                "concessions.todo_set_our_target_and",
                lambda p: (
                    p.concessions.positions.ours.target is not None
                    and p.concessions.positions.ours.reservation is not None
                ),
            ),
            (
                "concessions.todo_estimate_their_walk_away",
                lambda p: p.concessions.positions.theirs.reservation is not None,
            ),
            (
                "concessions.todo_write_our_batna",
                lambda p: bool(p.concessions.positions.ours.batna.strip()),
            ),
            ("concessions.todo_plan_conditional_steps", lambda p: bool(p.concessions.steps)),
            (
                "concessions.todo_prepare_the_ask_for",
                lambda p: bool(p.concessions.no_reciprocity.ask_for.strip()),
            ),
        ),
        prepares=True,
        brief_part="_concessions",
        tables=(
            "options",
            "concession_steps",
            "rehearsals",
            "batna_actions",
            "trade_rules",
            "prepared_offers",
        ),
        prompts=("values",),
    ),
    Section(
        "relationship",
        5,
        "relationship",
        checks=(
            ("relationship.todo_map_existing_business", lambda p: bool(p.relationship.links)),
            ("relationship.todo_name_the_key_players", lambda p: len(p.relationship.players) >= 2),
            (
                "relationship.todo_weigh_what_both_sides",
                lambda p: {c.side for c in p.relationship.contributions} == {"ours", "theirs"},
            ),
            ("relationship.todo_plan_what_to_share", lambda p: bool(p.relationship.disclosures)),
            ("relationship.todo_note_common_ground", lambda p: bool(p.relationship.common_ground)),
            (
                "relationship.todo_choose_relationship_or_transaction",
                lambda p: p.relationship.mode != "undecided",
            ),
        ),
        prepares=True,
        brief_part="_relationship",
        tables=(
            "business_links",
            "players",
            "relationship_contributions",
            "disclosures",
            "common_ground",
            "relationship_issues",
        ),
    ),
    Section(
        "discovery",
        6,
        "discovery",
        checks=(
            (
                "discovery.todo_name_their_interests",
                lambda p: any(
                    i.side == "theirs" and i.interest.strip() for i in p.discovery.interests
                ),
            ),
            (
                "discovery.todo_list_what_we_do_not_know",
                lambda p: (
                    bool(p.discovery.assumptions)
                    and all(a.question.strip() and a.asked_by for a in p.discovery.assumptions)
                ),
            ),
            (
                "discovery.todo_give_everyone_a_role",
                lambda p: bool(p.team) and all(m.room_role != "none" for m in p.team),
            ),
            (
                "discovery.todo_set_the_mandate",
                lambda p: (
                    bool(p.discovery.mandate.limits.strip())
                    and bool(p.discovery.mandate.approver.strip())
                ),
            ),
            (
                "discovery.todo_map_their_decision",
                lambda p: (
                    any(
                        pl.side == "theirs" and pl.decision_role == "signs"
                        for pl in p.relationship.players
                    )
                    and bool(p.discovery.stages)
                ),
            ),
            (
                "discovery.todo_prepare_for_their_tactics",
                lambda p: (
                    bool(p.discovery.tactics)
                    and all(t.counter.strip() for t in p.discovery.tactics)
                ),
            ),
        ),
        prepares=True,
        brief_part="_discovery",
        tables=("interests", "assumptions", "decision_stages", "tactics", "accusations"),
    ),
    Section(
        "meeting",
        7,
        "meeting",
        checks=(
            ("meeting.todo_order_the_issues", lambda p: bool(p.meeting.issues)),
            ("meeting.todo_write_the_opening", lambda p: bool(p.meeting.opening.strip())),
            ("meeting.todo_set_the_length", lambda p: p.meeting.length_minutes is not None),
        ),
        prepares=True,
        brief_part="_meeting",
        tables=("meeting_issues",),
    ),
    Section(
        "ledger",
        8,
        "ledger",
        checks=(("ledger.todo_log_the_first_concession", lambda p: bool(p.ledger.entries)),),
        tables=("ledger",),
    ),
    Section("brief", 9, None),
)
"""Every section, in navigation order."""

WORKSHOP_TABLES = ("agenda", "parking_lot")
"""The plan's tables that belong to the workshop, which is a mode of the app, not a section."""


class SectionError(WorkbookError):
    """The list of sections disagrees with the model or the content files."""


def section(key: str) -> Section:
    """The section with ``key``."""
    for entry in SECTIONS:
        if entry.key == key:
            return entry
    raise SectionError(f"there is no section {key!r}; the sections are {', '.join(keys())}")


def keys(sections: Iterable[Section] = SECTIONS) -> list[str]:
    """The sections' keys, in navigation order."""
    return [s.key for s in sections]


def check_sections(
    sections: Iterable[Section] = SECTIONS, content_keys: Iterable[str] | None = None
) -> None:
    """Refuse a list of sections that the model (or, given, the content files) does not match.

    >>> check_sections(SECTIONS + (Section("pricing", 8, "pricing"),))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    workbook.sections.SectionError: section 'pricing' keeps its answers in Plan.pricing, ...
    """
    sections = tuple(sections)
    problems: list[str] = []
    seen: set[str] = set()
    for entry in sections:
        if entry.key in seen:
            problems.append(f"section {entry.key!r} is listed twice")
        seen.add(entry.key)
        if entry.attribute is not None and entry.attribute not in Plan.model_fields:
            problems.append(
                f"section {entry.key!r} keeps its answers in Plan.{entry.attribute}, which the "
                f"plan model does not have: add a field `{entry.attribute}` to Plan in "
                "workbook/model/plan.py"
            )
    agenda = {s.key for s in sections if s.agenda}
    literal = set(typing.get_args(SectionKey))
    for key in sorted(agenda - literal):
        problems.append(
            f"section {key!r} may be on a workshop agenda, but SectionKey in "
            "workbook/model/fields.py does not list it: add it there (and to SECTION_KEYS)"
        )
    for key in sorted(literal - agenda):
        problems.append(
            f"SectionKey in workbook/model/fields.py lists {key!r}, which is no section"
        )
    if set(SECTION_KEYS) != literal:
        problems.append(
            "SECTION_KEYS and SectionKey in workbook/model/fields.py list different keys"
        )
    if content_keys is not None:
        given = set(content_keys)
        for key in keys(sections):
            if key not in given:
                problems.append(f"section {key!r} has no content (workbook/content/{key}.toml)")
        for key in sorted(given - seen):
            problems.append(f"content is given for {key!r}, which is no section")
    if problems:
        raise SectionError("; ".join(problems))


check_sections()

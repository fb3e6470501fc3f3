"""The sheets of the brief's Excel workbook, one per table of the plan and its analyses:
each sheet's title, its column headers, number formats and choice labels.

A new table of the plan gets a readable sheet by one entry in :data:`SHEETS`; a table
without one still gets a sheet, with headers made from its column names
(:mod:`workbook.brief_xlsx`).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SheetSpec:
    """How one table becomes a sheet: its title, header names and number formats.

    ``formats`` maps a column to "money", "percent", "score" or "when"; columns not
    named get a header made from their name and Excel's general format. ``choices`` maps
    a choice column to its field path in the content, whose labels (the words the app
    shows) replace the stored codes.
    """

    title: str
    headers: dict[str, str] = field(default_factory=dict)
    formats: dict[str, str] = field(default_factory=dict)
    choices: dict[str, str] = field(default_factory=dict)


HEADERS = {
    "value_ours": "Value to us",
    "value_theirs": "Value to them",
    "weight_ours": "Weight for us",
    "weight_theirs": "Weight for them",
    "ours": "Us",
    "theirs": "Them",
    "at": "When",
    "share_up_front": "Share up front",
    "up_front": "Up front",
    "on_agenda": "On the agenda",
    "raised_by": "Raised by",
    "hope_to_learn": "What we hope to learn",
}
"""Headers that read better than the column name (for every sheet)."""

SHEETS: dict[str, SheetSpec] = {
    "team": SheetSpec("Team"),
    "strengths": SheetSpec("Our strengths", {"text": "Strength"}),
    "priorities": SheetSpec("Priorities", {"text": "Priority"}),
    "contributions": SheetSpec("Contributions"),
    "objectives_served": SheetSpec(
        "Objectives served", {"title": "Objective", "strength": "Strength (0-3)"}
    ),
    "justifications": SheetSpec("Why strategic", {"text": "Reason given"}),
    "anticipated_moves": SheetSpec(
        "Anticipated moves",
        {"actor_kind": "Actor is"},
        {"likelihood": "percent"},
        {"actor_kind": "strategy.anticipated[].actor_kind"},
    ),
    "pains": SheetSpec("Customer pains", {"text": "Pain"}),
    "differentiators": SheetSpec(
        "Differentiators", {"text": "Differentiator", "answers": "Answers pains"}
    ),
    "value_drivers": SheetSpec(
        "Value drivers", {"ours": "Us (0-10)", "alternative": "Them (0-10)"}
    ),
    "value_items": SheetSpec(
        "Value items",
        {"name": "Benefit", "unit_value": "Value per unit"},
        {"unit_value": "money", "probability": "percent"},
        {"kind": "value.value_items[].kind"},
    ),
    "framings": SheetSpec(
        "Framings",
        {"name": "Stakeholder", "lead_drivers": "Lead drivers"},
        choices={"role": "value.framings[].role"},
    ),
    "competitors": SheetSpec("Competitors"),
    "moves": SheetSpec("Moves", {"estimates": "Estimates given"}),
    "estimates": SheetSpec(
        "Scenario estimates", formats={"low": "money", "likely": "money", "high": "money"}
    ),
    "estimate_chances": SheetSpec(
        "Scenario chances", formats={"low": "percent", "likely": "percent", "high": "percent"}
    ),
    "options": SheetSpec(
        "Concession options",
        {
            "value_ours": "Value to us (0-100)",
            "value_theirs": "Value to them (0-100)",
            "ours": "Weighted for us",
            "theirs": "Weighted for them",
        },
        {"value_ours": "score", "value_theirs": "score", "ours": "score", "theirs": "score"},
    ),
    "concession_steps": SheetSpec(
        "Conditional steps",
        {
            "if_they_give": "If they give",
            "their_variable": "Their variable",
            "we_give": "Then we give",
            "our_variable": "Our variable",
            "our_cost": "Cost to us",
            "their_value": "Value to them",
        },
        {"our_cost": "money", "their_value": "money"},
        {"reason_kind": "concessions.steps[].reason_kind"},
    ),
    "batna_actions": SheetSpec("BATNA actions", {"due": "By"}, {"due": "when"}),
    "trade_rules": SheetSpec(
        "Trading rules", {"variable": "We move on", "against": "Only against"}
    ),
    "prepared_offers": SheetSpec(
        "Prepared offers",
        {"ours": "Us (points)", "theirs": "Them (points)", "note": "What their choice tells us"},
        {"ours": "score", "theirs": "score"},
    ),
    "interests": SheetSpec("Interests", choices={"side": "discovery.interests[].side"}),
    "assumptions": SheetSpec(
        "Assumptions",
        {"text": "What we assume"},
        choices={"about": "discovery.assumptions[].about"},
    ),
    "decision_stages": SheetSpec(
        "Decision stages",
        {"deadline": "Deadline"},
        {"deadline": "when"},
        {"side": "discovery.stages[].side"},
    ),
    "tactics": SheetSpec(
        "Their tactics",
        {"sign": "How it would show", "counter": "Our answer"},
        choices={"ploy": "discovery.tactics[].ploy"},
    ),
    "accusations": SheetSpec(
        "Accusation audit", {"claim": "What they may say", "answer": "Our honest answer"}
    ),
    "meeting_issues": SheetSpec("Meeting order", {"text": "Issue"}),
    "business_links": SheetSpec(
        "Existing business",
        {"annual_value": "Value per year"},
        {"annual_value": "money"},
        {"direction": "relationship.links[].direction", "quality": "relationship.links[].quality"},
    ),
    "players": SheetSpec(
        "Key players",
        choices={
            "side": "relationship.players[].side",
            "stance": "relationship.players[].stance",
        },
    ),
    "relationship_contributions": SheetSpec(
        "Relationship give and take", choices={"side": "relationship.contributions[].side"}
    ),
    "relationship_issues": SheetSpec(
        "Relationship issues", {"text": "Issue"}, choices={"kind": "relationship.issues[].kind"}
    ),
    "disclosures": SheetSpec("What we share", {"text": "What"}),
    "common_ground": SheetSpec("Common ground", {"text": "Common ground"}),
    "ledger": SheetSpec(
        "Concession ledger",
        {"answers": "Answers"},
        {"value_ours": "money", "value_theirs": "money", "at": "when"},
        {"direction": "ledger.entries[].direction"},
    ),
    "agenda": SheetSpec("Workshop agenda"),
    "parking_lot": SheetSpec("Parking lot", {"text": "Question"}),
    "fit": SheetSpec(
        "Strategic fit",
        {"strength": "Strength (0-3)", "strength_label": "Strength", "score": "Score (of 100)"},
    ),
    "fit_flags": SheetSpec("Strategic fit checks"),
    "coverage": SheetSpec("Pains and differentiators", {"answers": "Answers it"}),
    "value_per_year": SheetSpec(
        "Value per year",
        {"unit_value": "Value per unit", "annual_value": "Value per year"},
        {"unit_value": "money", "annual_value": "money", "probability": "percent"},
        {"kind": "value.value_items[].kind"},
    ),
    "drivers_vs_alternative": SheetSpec(
        "Drivers vs alternative", {"ours": "Us", "weighted_gap": "Weighted gap"}
    ),
    "sharing_ladder": SheetSpec("Sharing ladder", {"text": "What"}),
    "relationship_flags": SheetSpec("Relationship checks"),
}
"""Every table's sheet; a table not listed here gets a sheet named after its key."""

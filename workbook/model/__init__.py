"""The plan model: one pydantic model per workbook section, and the Plan that holds them.

This package is the single source of truth for what a plan contains: one module per
section (``strategy``, ``value``, ``scenarios``, ``concessions``, ``relationship``,
``ledger``), the shared field types and base models in ``fields``, the workshop's agenda
in ``workshop`` and the plan itself, with loading and migration, in ``plan``. Everything
is imported from here (``from workbook.model import Plan``). Every field has a
type, bounds where a number has them, and a one-line description; the UI reads labels
and limits from here, the store saves what validates here, and imported files are
checked against it.

>>> plan = Plan(name="Fleet renewal", counterpart="Northwind")
>>> plan.side
'sell'
"""

from __future__ import annotations

from workbook.model.concessions import (
    NOTHING_IN_RETURN,
    ConcessionPlanner,
    ConcessionStep,
    FirstOffer,
    NoReciprocityPlan,
    Option,
    Positions,
    RehearsalRecord,
    RehearsalRound,
    SidePosition,
    TheirEstimate,
    Variable,
)
from workbook.model.fields import (
    FAIR_SHARE_DEFAULT,
    MAX_OPTIONS,
    MAX_ROWS,
    RANGE_PARTS,
    SCHEMA_VERSION,
    SECTION_KEYS,
    Amount,
    AmountRange,
    Currency,
    LongText,
    Model,
    Money,
    Name,
    Probability,
    ProbabilityRange,
    Range,
    Row,
    RowId,
    Score5,
    SectionKey,
    ShortText,
    Weight,
    new_id,
)
from workbook.model.ledger import (
    Ledger,
    LedgerEntry,
)
from workbook.model.plan import (
    MIGRATIONS,
    Migration,
    Plan,
    SchemaVersionError,
    TeamMember,
    load_plan,
    migrate,
)
from workbook.model.relationship import (
    BusinessLink,
    CommonGround,
    Disclosure,
    Player,
    ReciprocityPressure,
    Relationship,
    RelationshipContribution,
    RelationshipIssue,
)
from workbook.model.scenarios import (
    Competitor,
    Estimate,
    Move,
    MoveEstimate,
    RetaliationEstimate,
    Scenarios,
)
from workbook.model.strategy import (
    AnticipatedMove,
    Contribution,
    ImprovementPriority,
    Justification,
    Objective,
    ObjectiveLink,
    StrategicPlan,
    StrategyAlignment,
    Strength,
)
from workbook.model.value import (
    Alternative,
    Differentiator,
    Pain,
    StakeholderFraming,
    ValueDriver,
    ValueItem,
    ValueProposition,
)
from workbook.model.workshop import (
    AgendaItem,
    ParkingItem,
    Workshop,
)

__all__ = [
    "FAIR_SHARE_DEFAULT",
    "MAX_OPTIONS",
    "MAX_ROWS",
    "MIGRATIONS",
    "NOTHING_IN_RETURN",
    "RANGE_PARTS",
    "SCHEMA_VERSION",
    "SECTION_KEYS",
    "AgendaItem",
    "Alternative",
    "Amount",
    "AmountRange",
    "AnticipatedMove",
    "BusinessLink",
    "CommonGround",
    "Competitor",
    "ConcessionPlanner",
    "ConcessionStep",
    "Contribution",
    "Currency",
    "Differentiator",
    "Disclosure",
    "Estimate",
    "FirstOffer",
    "ImprovementPriority",
    "Justification",
    "Ledger",
    "LedgerEntry",
    "LongText",
    "Migration",
    "Model",
    "Money",
    "Move",
    "MoveEstimate",
    "Name",
    "NoReciprocityPlan",
    "Objective",
    "ObjectiveLink",
    "Option",
    "Pain",
    "ParkingItem",
    "Plan",
    "Player",
    "Positions",
    "Probability",
    "ProbabilityRange",
    "Range",
    "ReciprocityPressure",
    "RehearsalRecord",
    "RehearsalRound",
    "Relationship",
    "RelationshipContribution",
    "RelationshipIssue",
    "RetaliationEstimate",
    "Row",
    "RowId",
    "Scenarios",
    "SchemaVersionError",
    "Score5",
    "SectionKey",
    "ShortText",
    "SidePosition",
    "StakeholderFraming",
    "StrategicPlan",
    "StrategyAlignment",
    "Strength",
    "TeamMember",
    "TheirEstimate",
    "ValueDriver",
    "ValueItem",
    "ValueProposition",
    "Variable",
    "Weight",
    "Workshop",
    "load_plan",
    "migrate",
    "new_id",
]

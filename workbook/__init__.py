"""Strategic Negotiation Workbook: plans, their tables and analyses, the brief, and the app.

Everything an analyst needs is importable from here; the widgets live in ``workbook.ui``.

>>> import workbook
>>> store = workbook.PlanStore(":memory:")
>>> plan = store.load(store.ensure_example()).plan
>>> workbook.pareto_frontier(workbook.planner_options(plan.concessions)).shape[0] > 0
True
"""

from workbook.analysis.completion import completion
from workbook.analysis.concessions import package_view, plan_checks, trade_currency, zopa
from workbook.analysis.ledger import ledger_flags, ledger_status
from workbook.analysis.packages import (
    PackageInputError,
    best_package,
    nash_package,
    package_count,
    pareto_frontier,
    planner_options,
)
from workbook.analysis.portfolio import load_plans, portfolio
from workbook.analysis.relationship import (
    business_totals,
    reciprocity_balance,
    relationship_flags,
    sharing_ladder,
)
from workbook.analysis.scenarios import (
    ScenarioInputError,
    best_responses,
    disagreement,
    expected_values,
    greatest_cooperation,
    least_regret,
    most_damaging_retaliation,
    payoff_table,
    simulate,
)
from workbook.analysis.strategy import fit_check, scenario_prompts
from workbook.analysis.value import coverage, draft_statement, driver_comparison, value_totals
from workbook.brief import brief_html, brief_markdown, brief_xlsx, export_brief
from workbook.errors import (
    ConflictError,
    PlanFileError,
    PlanNotFound,
    ReadOnlyError,
    WorkbookError,
)
from workbook.model import SCHEMA_VERSION, Plan, StrategicPlan, load_plan
from workbook.store import PlanStore, example_plan, parse_plan_file
from workbook.tables import analysis_tables, plan_tables

__version__ = "0.1.0"

__all__ = [
    "SCHEMA_VERSION",
    "ConflictError",
    "PackageInputError",
    "Plan",
    "PlanFileError",
    "PlanNotFound",
    "PlanStore",
    "ReadOnlyError",
    "ScenarioInputError",
    "StrategicPlan",
    "WorkbookError",
    "__version__",
    "analysis_tables",
    "best_package",
    "best_responses",
    "brief_html",
    "brief_markdown",
    "brief_xlsx",
    "business_totals",
    "completion",
    "coverage",
    "disagreement",
    "draft_statement",
    "driver_comparison",
    "example_plan",
    "expected_values",
    "export_brief",
    "fit_check",
    "greatest_cooperation",
    "least_regret",
    "ledger_flags",
    "ledger_status",
    "load_plan",
    "load_plans",
    "most_damaging_retaliation",
    "nash_package",
    "package_count",
    "package_view",
    "pareto_frontier",
    "parse_plan_file",
    "payoff_table",
    "plan_checks",
    "plan_tables",
    "planner_options",
    "portfolio",
    "reciprocity_balance",
    "relationship_flags",
    "scenario_prompts",
    "sharing_ladder",
    "simulate",
    "trade_currency",
    "value_totals",
    "zopa",
]

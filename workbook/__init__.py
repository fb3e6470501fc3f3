"""Strategic Negotiation Workbook: plans, their tables and analyses, the brief, and the app.

Everything an analyst needs is importable from here; the widgets live in ``workbook.ui``.

>>> import workbook
>>> store = workbook.PlanStore(":memory:")
>>> plan = store.load(store.ensure_example()).plan
>>> workbook.pareto_frontier(workbook.planner_options(plan.concessions)).shape[0] > 0
True
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names as static tools see them; at run time see __getattr__
    from workbook.analysis.checks import checks_for, consistency_checks
    from workbook.analysis.completion import completion
    from workbook.analysis.concessions import package_view, plan_checks, trade_currency, zopa
    from workbook.analysis.improve import improvements
    from workbook.analysis.ledger import answered_by, ledger_balance, ledger_flags, ledger_status
    from workbook.analysis.meeting import debriefs
    from workbook.analysis.offers import equivalent_offers
    from workbook.analysis.packages import (
        PackageInputError,
        best_package,
        nash_package,
        package_count,
        pareto_frontier,
        planner_options,
    )
    from workbook.analysis.rehearsal import Counterpart, Rehearsal
    from workbook.analysis.rehearsal_report import rehearsal_report
    from workbook.analysis.relationship import (
        business_totals,
        reciprocity_balance,
        relationship_flags,
        sharing_ladder,
    )
    from workbook.analysis.robust import robust_frontier
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
    from workbook.compare import load_plans, portfolio
    from workbook.errors import (
        ConflictError,
        NotAllowed,
        PlanFileError,
        PlanNotFound,
        ReadOnlyError,
        WorkbookError,
    )
    from workbook.merge import plan_diff
    from workbook.model import SCHEMA_VERSION, Plan, StrategicPlan, load_plan
    from workbook.store import PlanStore, example_plan, parse_plan_file
    from workbook.tables import analysis_tables, plan_tables

from workbook import tables as _shims  # noqa: F401  sets plan.tables() and to_frame() (one release)

_LAZY = {
    "ConflictError": "workbook.errors",
    "Counterpart": "workbook.analysis.rehearsal",
    "NotAllowed": "workbook.errors",
    "PackageInputError": "workbook.analysis.packages",
    "Plan": "workbook.model",
    "PlanFileError": "workbook.errors",
    "PlanNotFound": "workbook.errors",
    "PlanStore": "workbook.store",
    "ReadOnlyError": "workbook.errors",
    "Rehearsal": "workbook.analysis.rehearsal",
    "SCHEMA_VERSION": "workbook.model",
    "ScenarioInputError": "workbook.analysis.scenarios",
    "StrategicPlan": "workbook.model",
    "WorkbookError": "workbook.errors",
    "analysis_tables": "workbook.tables",
    "answered_by": "workbook.analysis.ledger",
    "checks_for": "workbook.analysis.checks",
    "consistency_checks": "workbook.analysis.checks",
    "ledger_balance": "workbook.analysis.ledger",
    "best_package": "workbook.analysis.packages",
    "best_responses": "workbook.analysis.scenarios",
    "brief_html": "workbook.brief",
    "brief_markdown": "workbook.brief",
    "brief_xlsx": "workbook.brief",
    "business_totals": "workbook.analysis.relationship",
    "completion": "workbook.analysis.completion",
    "plan_diff": "workbook.merge",
    "coverage": "workbook.analysis.value",
    "debriefs": "workbook.analysis.meeting",
    "disagreement": "workbook.analysis.scenarios",
    "draft_statement": "workbook.analysis.value",
    "driver_comparison": "workbook.analysis.value",
    "equivalent_offers": "workbook.analysis.offers",
    "example_plan": "workbook.store",
    "expected_values": "workbook.analysis.scenarios",
    "export_brief": "workbook.brief",
    "fit_check": "workbook.analysis.strategy",
    "greatest_cooperation": "workbook.analysis.scenarios",
    "improvements": "workbook.analysis.improve",
    "least_regret": "workbook.analysis.scenarios",
    "ledger_flags": "workbook.analysis.ledger",
    "ledger_status": "workbook.analysis.ledger",
    "load_plan": "workbook.model",
    "load_plans": "workbook.compare",
    "most_damaging_retaliation": "workbook.analysis.scenarios",
    "nash_package": "workbook.analysis.packages",
    "package_count": "workbook.analysis.packages",
    "package_view": "workbook.analysis.concessions",
    "pareto_frontier": "workbook.analysis.packages",
    "parse_plan_file": "workbook.store",
    "payoff_table": "workbook.analysis.scenarios",
    "plan_checks": "workbook.analysis.concessions",
    "plan_tables": "workbook.tables",
    "planner_options": "workbook.analysis.packages",
    "portfolio": "workbook.compare",
    "reciprocity_balance": "workbook.analysis.relationship",
    "rehearsal_report": "workbook.analysis.rehearsal_report",
    "relationship_flags": "workbook.analysis.relationship",
    "robust_frontier": "workbook.analysis.robust",
    "scenario_prompts": "workbook.analysis.strategy",
    "sharing_ladder": "workbook.analysis.relationship",
    "simulate": "workbook.analysis.scenarios",
    "trade_currency": "workbook.analysis.concessions",
    "value_totals": "workbook.analysis.value",
    "zopa": "workbook.analysis.concessions",
}
"""Where each public name lives; modules are imported on first use (PEP 562)."""


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use, so ``import workbook`` stays light."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'workbook' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__version__ = "0.1.0"

__all__ = [
    "SCHEMA_VERSION",
    "ConflictError",
    "Counterpart",
    "NotAllowed",
    "PackageInputError",
    "Plan",
    "PlanFileError",
    "PlanNotFound",
    "PlanStore",
    "ReadOnlyError",
    "Rehearsal",
    "ScenarioInputError",
    "StrategicPlan",
    "WorkbookError",
    "__version__",
    "analysis_tables",
    "answered_by",
    "best_package",
    "best_responses",
    "brief_html",
    "brief_markdown",
    "brief_xlsx",
    "business_totals",
    "checks_for",
    "completion",
    "consistency_checks",
    "coverage",
    "debriefs",
    "disagreement",
    "draft_statement",
    "driver_comparison",
    "equivalent_offers",
    "example_plan",
    "expected_values",
    "export_brief",
    "fit_check",
    "greatest_cooperation",
    "improvements",
    "least_regret",
    "ledger_balance",
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
    "plan_diff",
    "plan_tables",
    "planner_options",
    "portfolio",
    "reciprocity_balance",
    "rehearsal_report",
    "relationship_flags",
    "robust_frontier",
    "scenario_prompts",
    "sharing_ladder",
    "simulate",
    "trade_currency",
    "value_totals",
    "zopa",
]

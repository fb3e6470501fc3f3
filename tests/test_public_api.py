"""``workbook.__all__`` is the public API: it changes only on purpose."""

from __future__ import annotations

import subprocess
import sys

import workbook

PUBLIC = {
    # the plan and its store
    "SCHEMA_VERSION",
    "Plan",
    "StrategicPlan",
    "load_plan",
    "PlanStore",
    "equivalent_offers",
    "debriefs",
    "example_plan",
    "parse_plan_file",
    "plan_tables",
    "analysis_tables",
    "completion",
    "plan_diff",
    # errors
    "WorkbookError",
    "ConflictError",
    "PlanFileError",
    "PlanNotFound",
    "NotAllowed",
    "ReadOnlyError",
    "PackageInputError",
    "ScenarioInputError",
    # strategy and value
    "fit_check",
    "scenario_prompts",
    "coverage",
    "value_totals",
    "driver_comparison",
    "draft_statement",
    # scenarios
    "expected_values",
    "simulate",
    "payoff_table",
    "best_responses",
    "least_regret",
    "disagreement",
    "most_damaging_retaliation",
    "greatest_cooperation",
    # packages and the concession planner
    "pareto_frontier",
    "nash_package",
    "best_package",
    "package_count",
    "improvements",
    "robust_frontier",
    "Counterpart",
    "Rehearsal",
    "rehearsal_report",
    "planner_options",
    "trade_currency",
    "zopa",
    "package_view",
    "plan_checks",
    "ledger_status",
    "ledger_flags",
    "ledger_balance",
    "answered_by",
    # consistency checks of any plan
    "consistency_checks",
    "checks_for",
    # relationship, portfolio, brief
    "reciprocity_balance",
    "sharing_ladder",
    "relationship_flags",
    "business_totals",
    "load_plans",
    "portfolio",
    "brief_html",
    "brief_markdown",
    "brief_xlsx",
    "export_brief",
    "__version__",
}


def test_all_is_the_public_api():
    assert set(workbook.__all__) == PUBLIC
    assert len(workbook.__all__) == len(set(workbook.__all__))


def test_every_public_name_exists_and_is_documented():
    for name in workbook.__all__:
        value = getattr(workbook, name)
        if callable(value):
            assert (value.__doc__ or "").strip(), name


def test_importing_the_package_does_not_load_the_widgets():
    code = "import sys, workbook; print('ipywidgets' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "False"

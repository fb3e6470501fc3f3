"""Strategic Negotiation Workbook: plans, their tables and analyses, and the app.

>>> import workbook
>>> store = workbook.PlanStore(":memory:")
>>> plan_id = store.ensure_example()
>>> store.load(plan_id).plan.tables()["moves"].shape[0] > 0
True
"""

from workbook.errors import (
    ConflictError,
    PlanFileError,
    PlanNotFound,
    ReadOnlyError,
    WorkbookError,
)
from workbook.model import SCHEMA_VERSION, Plan, StrategicPlan, load_plan
from workbook.store import PlanStore, example_plan, parse_plan_file
from workbook.tables import plan_tables

__version__ = "0.1.0"

__all__ = [
    "SCHEMA_VERSION",
    "ConflictError",
    "Plan",
    "PlanFileError",
    "PlanNotFound",
    "PlanStore",
    "ReadOnlyError",
    "StrategicPlan",
    "WorkbookError",
    "__version__",
    "example_plan",
    "load_plan",
    "parse_plan_file",
    "plan_tables",
]

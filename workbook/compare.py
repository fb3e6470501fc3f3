"""Compare every plan in a store: the store-reading front of :mod:`workbook.analysis.portfolio`.

The comparisons themselves take plans; this module reads them from a store, above both.

>>> from workbook.store import PlanStore
>>> store = PlanStore(":memory:"); _ = store.ensure_example()
>>> list(portfolio(store))
['plans', 'reciprocity', 'moves', 'concession_plans']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbook.analysis.portfolio import compare_plans
from workbook.model import Plan
from workbook.store import PlanStore

if TYPE_CHECKING:
    import pandas as pd


def load_plans(store: PlanStore) -> list[Plan]:
    """The latest revision of every plan in the store."""
    return [store.load(summary.id).plan for summary in store.list_plans()]


def portfolio(store: PlanStore) -> dict[str, pd.DataFrame]:
    """Every comparison for the plans in a store, keyed by name, after the plan list."""
    return {"plans": store.plans_frame(), **compare_plans(load_plans(store))}

"""PlanStore: plans in SQLite or PostgreSQL, every save a new revision, JSON import and export.

A path (or ``":memory:"``) names an SQLite file; a ``postgresql://`` address names a
PostgreSQL database (see :mod:`workbook.store_pg`). Both run the same SQL and keep the
same contract. The package has one module per concern: ``location`` (which store, and
SQLite's connection), ``schema`` (the tables and their versions), ``records`` (what the
store hands out), ``files`` (plan files and the worked example), ``plans`` (:class:`PlanStore`)
and ``workshops`` (:class:`WorkshopStore`, reached as ``store.workshops``).

>>> from workbook.model import Plan
>>> store = PlanStore(":memory:")
>>> saved = store.create(Plan(name="Fleet renewal"), author="ana")
>>> saved.revision
1
"""

from __future__ import annotations

from workbook.store.files import (
    MAX_IMPORT_BYTES,
    example_plan,
    example_strategic_plan,
    parse_plan_file,
    read_plan_file,
)
from workbook.store.location import (
    DB_ENV,
    READ_ONLY_ENV,
    SERVE_IP_ENV,
    USER_ENV,
    SQLiteBackend,
    default_db_path,
    store_location,
    store_path,
)
from workbook.store.plans import PlanStore
from workbook.store.records import PlanSummary, Presence, RevisionInfo, StoredPlan
from workbook.store.schema import (
    EVERYONE,
    EXAMPLE_AUTHOR,
    LOCAL_USER,
    PRESENCE_TTL,
    ROLES,
    SCHEMA,
    company_key,
)
from workbook.store.workshops import WorkshopStore

__all__ = [
    "DB_ENV",
    "EVERYONE",
    "EXAMPLE_AUTHOR",
    "LOCAL_USER",
    "MAX_IMPORT_BYTES",
    "PRESENCE_TTL",
    "READ_ONLY_ENV",
    "ROLES",
    "SCHEMA",
    "SERVE_IP_ENV",
    "USER_ENV",
    "PlanStore",
    "PlanSummary",
    "Presence",
    "RevisionInfo",
    "SQLiteBackend",
    "StoredPlan",
    "WorkshopStore",
    "company_key",
    "default_db_path",
    "example_plan",
    "example_strategic_plan",
    "parse_plan_file",
    "read_plan_file",
    "store_location",
    "store_path",
]

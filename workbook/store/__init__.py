"""PlanStore: plans in SQLite or PostgreSQL, every save a new revision, JSON import and export.

A path (or ``":memory:"``) names an SQLite file; a ``postgresql://`` address names a
PostgreSQL database. Both run the same SQL and keep the same contract. The package has one
module per concern:

- where the store is and how it is reached: ``location`` (the file or address named),
  ``address`` (a PostgreSQL address, never shown with its password), ``backend`` (what
  the store asks of a database), ``sqlite`` and ``postgres`` (the two backends),
  ``row_security`` (PostgreSQL's per-member rights), ``database`` (opening, schema
  checks and migration, write transactions), ``schema`` (the tables and their versions);
- what it keeps: ``plan_store`` (:class:`PlanStore`, the one object its users hold, which
  hands each call to a part), ``access`` (the acting user and what they reach), ``plans``
  (the plans and their saves), ``members``, ``revisions`` (history),
  ``strategies`` (each company's objectives), ``presence`` (who is here) and
  ``workshops`` (:class:`WorkshopStore`, reached as ``store.workshops``);
- what it hands out and reads: ``records`` and ``files`` (plan files, the worked example).

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
    default_db_path,
    store_location,
    store_path,
)
from workbook.store.plan_store import PlanStore
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
from workbook.store.sqlite import SQLiteBackend
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

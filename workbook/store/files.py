"""Plan files: parsing and checking a JSON plan, and the worked example that ships."""

from __future__ import annotations

import json
import os
from importlib import resources

from pydantic import ValidationError

from workbook.errors import (
    PlanFileError,
    describe,
)
from workbook.model import Plan, SchemaVersionError, StrategicPlan, load_plan

MAX_IMPORT_BYTES = 5_000_000
"""Plan files larger than this are refused before parsing."""


def parse_plan_file(text: str | bytes) -> Plan:
    """Parse and validate a plan file; PlanFileError names each field and its problem."""
    if len(text) > MAX_IMPORT_BYTES:
        raise PlanFileError(f"the file is larger than {MAX_IMPORT_BYTES // 1_000_000} MB")
    try:
        data = json.loads(text)
    except UnicodeDecodeError:
        raise PlanFileError("the file is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise PlanFileError(
            f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except RecursionError:
        raise PlanFileError("not a plan: the JSON is nested too deeply") from None
    except ValueError:  # e.g. an integer longer than Python converts (4,300 digits)
        raise PlanFileError("not a plan: a number in it is far too long") from None
    try:
        return load_plan(data)
    except SchemaVersionError as exc:
        raise PlanFileError(str(exc)) from None
    except ValidationError as exc:
        raise PlanFileError(describe(exc)) from None
    except RecursionError:
        raise PlanFileError("not a plan: the JSON is nested too deeply") from None


def read_plan_file(path: str | os.PathLike[str]) -> bytes:
    """A plan file's bytes, its size checked before it is read: a file larger than
    :data:`MAX_IMPORT_BYTES` raises PlanFileError without being read whole."""
    with open(path, "rb") as file:
        size = os.fstat(file.fileno()).st_size
        data = file.read(MAX_IMPORT_BYTES + 1)
    if max(size, len(data)) > MAX_IMPORT_BYTES:
        raise PlanFileError(f"the file is larger than {MAX_IMPORT_BYTES // 1_000_000} MB")
    return data


def example_plan() -> Plan:
    """The worked example plan that ships with the workbook."""
    text = resources.files("workbook.data").joinpath("example_plan.json").read_text("utf-8")
    return parse_plan_file(text)


def example_strategic_plan() -> StrategicPlan:
    """The strategic objectives of the worked example's company."""
    path = resources.files("workbook.data").joinpath("example_strategy.json")
    return StrategicPlan.model_validate_json(path.read_text("utf-8"))

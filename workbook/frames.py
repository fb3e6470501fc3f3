"""Plan data as pandas DataFrames, with plain column names: one row per row of the plan.

These helpers read the model only; the tables that also draw on an analysis (and the
whole set of a plan's tables) are in :mod:`workbook.tables`.

>>> from workbook.store import example_plan
>>> list(moves_frame(example_plan().scenarios).columns)[:3]
['move_id', 'move', 'description']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pydantic import BaseModel

from workbook.model import LedgerEntry

if TYPE_CHECKING:
    import pandas as pd

    from workbook.model import ConcessionPlanner, Ledger, Scenarios


def records_frame(rows: Sequence[Sequence[object]], columns: Sequence[str]) -> pd.DataFrame:
    """Plain rows (tuples or NamedTuples, their values in ``columns`` order) as a DataFrame:
    how an analysis's plain result becomes the frame an analyst asks for."""
    import pandas as pd

    return pd.DataFrame([tuple(row) for row in rows], columns=list(columns))


def rows_frame(rows: Sequence[BaseModel], model: type[BaseModel], **extra: object) -> pd.DataFrame:
    """One row per model instance, one column per field; nested models are flattened."""
    import pandas as pd

    columns = list(extra) + list(model.model_fields)
    records = [{**extra, **row.model_dump(mode="python")} for row in rows]
    frame = pd.json_normalize(records, sep="_") if records else pd.DataFrame(columns=columns)
    return frame


def estimates_frame(scenarios: Scenarios) -> pd.DataFrame:
    """Every participant's ranges in long form: one row per move, participant and quantity."""
    import pandas as pd

    names = {c.id: c.name for c in scenarios.competitors}
    records = []
    for move in scenarios.moves:
        for est in move.estimates:
            base = {"move_id": move.id, "move": move.name, "participant": est.participant}
            parts = [
                ("gain", "", est.gain),
                ("cooperation_probability", "", est.cooperation_probability),
                ("cooperation_value", "", est.cooperation_value),
            ]
            for ret in est.retaliation:
                competitor = names.get(ret.competitor_id, ret.competitor_id)
                parts.append(("retaliation_probability", competitor, ret.probability))
                parts.append(("retaliation_damage", competitor, ret.damage))
            for quantity, competitor, rng in parts:
                records.append(
                    {
                        **base,
                        "quantity": quantity,
                        "competitor": competitor,
                        "low": rng.low,
                        "likely": rng.likely,
                        "high": rng.high,
                    }
                )
    columns = ["move_id", "move", "participant", "quantity", "competitor", "low", "likely", "high"]
    return pd.DataFrame(records, columns=columns)


def options_frame(planner: ConcessionPlanner) -> pd.DataFrame:
    """Every option of every variable with its raw and weighted values for both sides."""
    import pandas as pd

    records = []
    for var in planner.variables:
        for opt in var.options:
            records.append(
                {
                    "variable_id": var.id,
                    "variable": var.name,
                    "on_agenda": var.on_agenda,
                    "option_id": opt.id,
                    "option": opt.label,
                    "value_ours": opt.ours,
                    "value_theirs": opt.theirs,
                    "weight_ours": var.weight_ours,
                    "weight_theirs": var.weight_theirs,
                    "ours": var.weight_ours * opt.ours / 100,
                    "theirs": var.weight_theirs * opt.theirs / 100,
                }
            )
    columns = [
        "variable_id",
        "variable",
        "on_agenda",
        "option_id",
        "option",
        "value_ours",
        "value_theirs",
        "weight_ours",
        "weight_theirs",
        "ours",
        "theirs",
    ]
    return pd.DataFrame(records, columns=columns)


def ledger_frame(ledger: Ledger) -> pd.DataFrame:
    """The concession log, oldest first."""
    frame = rows_frame(ledger.entries, LedgerEntry)
    return frame.sort_values("at", kind="stable").reset_index(drop=True) if len(frame) else frame


def moves_frame(scenarios: Scenarios) -> pd.DataFrame:
    """One row per candidate move, with the number of estimates given for it."""
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "move_id": mv.id,
                "move": mv.name,
                "description": mv.description,
                "estimates": len(mv.estimates),
            }
            for mv in scenarios.moves
        ],
        columns=["move_id", "move", "description", "estimates"],
    )

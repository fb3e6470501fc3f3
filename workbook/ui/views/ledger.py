"""Section 6: the live negotiation ledger."""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as W

from workbook import model as m
from workbook.ui.forms import Column
from workbook.ui.views.base import SectionView
from workbook.ui.views.concessions import variable_choices


def given_choices(plan: m.Plan) -> list[tuple[str, str | None]]:
    """Concessions we gave, as (description, id) pairs, with a blank first."""
    given = [(e.description, e.id) for e in plan.ledger.entries if e.direction == "given"]
    return [("—", None), *given]


class View(SectionView):
    """Every concession given and received."""

    def build(self) -> Sequence[W.Widget]:
        return [
            self.table(
                ("ledger", "entries"),
                m.LedgerEntry,
                [
                    Column("at", width="130px"),
                    Column("direction", width="110px"),
                    Column("variable_id", label="Variable", width="1fr", choices=variable_choices),
                    Column("description", width="2fr"),
                    Column("value_ours", width="90px"),
                    Column("value_theirs", width="90px"),
                    Column("answers", width="1.2fr", choices=given_choices),
                ],
                add_label="Log concession",
            ),
            self.field(("ledger", "fair_share")),
            *self.custom_questions(),
        ]

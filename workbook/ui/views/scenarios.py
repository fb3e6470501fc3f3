"""Section 3: scenarios of competitor retaliation and customer cooperation."""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as W

from workbook import model as m
from workbook.ui.forms import Column
from workbook.ui.views.base import SectionView

RANGE = ("low", "likely", "high")


def competitor_choices(plan: m.Plan) -> list[tuple[str, str]]:
    """The plan's competitors as (name, id) pairs."""
    return [(c.name, c.id) for c in plan.scenarios.competitors]


class View(SectionView):
    """Competitors, moves and each participant's ranges."""

    def build(self) -> Sequence[W.Widget]:
        s = ("scenarios",)
        return [
            self.table(
                (*s, "competitors"),
                m.Competitor,
                [Column("name", width="1fr"), Column("notes", width="3fr")],
                add_label="Add competitor",
            ),
            self.table(
                (*s, "moves"),
                m.Move,
                [Column("name", width="2fr"), Column("description", width="3fr")],
                add_label="Add move",
                detail=self._estimates,
            ),
            *self.custom_questions(),
        ]

    def _estimates(self, index: int) -> W.Widget:
        path = ("scenarios", "moves", index, "estimates")
        columns = [Column("participant", width="1.2fr")]
        for part, label in (
            ("gain", "Gain"),
            ("cooperation_probability", "Coop. chance"),
            ("cooperation_value", "Coop. value"),
        ):
            columns += [Column(f"{part}.{r}", label=f"{label} {r}", width="1fr") for r in RANGE]
        table = self.table(
            path,
            m.MoveEstimate,
            columns,
            question=False,
            add_label="Add estimate",
            detail=lambda i: self._retaliation(index, i),
            empty_text="No estimates for this move yet.",
        )
        return W.VBox([table], layout=W.Layout(margin="0 0 8px 24px"))

    def _retaliation(self, move: int, estimate: int) -> W.Widget:
        path = ("scenarios", "moves", move, "estimates", estimate, "retaliation")
        columns = [
            Column("competitor_id", label="Competitor", width="1.2fr", choices=competitor_choices)
        ]
        for part, label in (("probability", "Chance"), ("damage", "Damage")):
            columns += [Column(f"{part}.{r}", label=f"{label} {r}", width="1fr") for r in RANGE]
        table = self.table(
            path,
            m.RetaliationEstimate,
            columns,
            question=False,
            add_label="Add retaliation",
            reorder=False,
            empty_text="No retaliation estimated.",
        )
        return W.VBox([table], layout=W.Layout(margin="0 0 6px 24px"))

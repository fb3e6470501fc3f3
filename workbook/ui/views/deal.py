"""The deal: name, counterpart, side, value, date, summary and team."""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as W

from workbook.model import TeamMember
from workbook.ui.forms import Column
from workbook.ui.views.base import SectionView


class View(SectionView):
    """Header fields of the plan and the negotiating team."""

    def build(self) -> Sequence[W.Widget]:
        return [
            self.row(self.field(("name",)), self.field(("counterpart",))),
            self.row(self.field(("company",)), W.HBox()),
            self.row(
                self.field(("side",)),
                self.field(("deal_value",)),
                self.field(("currency",)),
                self.field(("date",)),
                widths=["1fr", "1fr", "90px", "1fr"],
            ),
            self.field(("summary",)),
            self.table(
                ("team",), TeamMember, [Column("name"), Column("role")], add_label="Add member"
            ),
            *self.custom_questions(),
        ]

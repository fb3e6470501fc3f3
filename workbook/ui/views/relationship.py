"""Section 5: relationship and trust."""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as W

from workbook import model as m
from workbook.ui.forms import Column
from workbook.ui.views.base import SectionView


class View(SectionView):
    """Existing business, players, reciprocity, balance, trust and sharing."""

    def build(self) -> Sequence[W.Widget]:
        r = ("relationship",)
        p = (*r, "pressure")
        return [
            self.table(
                (*r, "links"),
                m.BusinessLink,
                [
                    Column("direction", width="1.2fr"),
                    Column("description", width="2fr"),
                    Column("annual_value", width="1fr"),
                    Column("quality", width="90px"),
                ],
                add_label="Add business",
            ),
            self.table(
                (*r, "players"),
                m.Player,
                [
                    Column("name", width="1.2fr"),
                    Column("side", width="90px"),
                    Column("role", width="1.2fr"),
                    Column("influence", width="70px"),
                    Column("stance", width="110px"),
                    Column("relationship", width="70px"),
                    Column("owner", width="1fr"),
                ],
                add_label="Add player",
            ),
            self.heading("Reciprocity pressure"),
            self.field((*p, "present")),
            self.row(self.field((*p, "who")), self.field((*p, "decision_owner"))),
            self.row(self.field((*p, "description")), self.field((*p, "decision"))),
            self.row(self.field((*p, "tell_losing_bidder")), self.field((*p, "tell_colleagues"))),
            self.heading("Balance"),
            self.table(
                (*r, "contributions"),
                m.RelationshipContribution,
                [
                    Column("side", width="110px"),
                    Column("what", width="3fr"),
                    Column("value", width="90px"),
                ],
                add_label="Add contribution",
            ),
            self.field((*r, "needs_from_them")),
            self.field((*r, "step_back_when")),
            self.heading("Trust"),
            self.field((*r, "trust_level")),
            self.table(
                (*r, "disclosures"),
                m.Disclosure,
                [
                    Column("kind", width="110px"),
                    Column("category", width="110px"),
                    Column("text", width="2fr"),
                    Column("risk", width="70px"),
                    Column("hope_to_learn", width="1.5fr"),
                    Column("share_up_front", width="70px"),
                    Column("shared", width="60px"),
                ],
                add_label="Add item",
            ),
            self.table(
                (*r, "common_ground"),
                m.CommonGround,
                [Column("text")],
                add_label="Add common ground",
            ),
            self.table(
                (*r, "issues"),
                m.RelationshipIssue,
                [
                    Column("text", width="2fr"),
                    Column("kind", width="120px"),
                    Column("handling", width="2fr"),
                ],
                add_label="Add issue",
            ),
            self.heading("Relationship or transaction"),
            self.row(
                self.field((*r, "mode")),
                self.field((*r, "mode_implications")),
                widths=["1fr", "2fr"],
            ),
            *self.custom_questions(),
        ]

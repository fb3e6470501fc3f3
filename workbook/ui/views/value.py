"""Section 2: value proposition."""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as W

from workbook import model as m
from workbook.ui.forms import Column
from workbook.ui.views.base import SectionView


def pain_choices(plan: m.Plan) -> list[tuple[str, str]]:
    """The plan's pains as (text, id) pairs."""
    return [(p.text, p.id) for p in plan.value.pains]


def driver_choices(plan: m.Plan) -> list[tuple[str, str]]:
    """The plan's value drivers as (name, id) pairs."""
    return [(d.name, d.id) for d in plan.value.drivers]


class View(SectionView):
    """Pains, differentiators, quantified value, the alternative and framing."""

    def build(self) -> Sequence[W.Widget]:
        v = ("value",)
        return [
            self.table(
                (*v, "pains"),
                m.Pain,
                [
                    Column("text", width="3fr"),
                    Column("priority", width="90px"),
                    Column("stakeholder", width="1fr"),
                ],
                add_label="Add pain",
            ),
            self.table(
                (*v, "differentiators"),
                m.Differentiator,
                [
                    Column("text", width="2fr"),
                    Column("proof", width="2fr"),
                    Column("answers", width="1.5fr", kind="multi", choices=pain_choices),
                ],
                add_label="Add differentiator",
            ),
            self.table(
                (*v, "value_items"),
                m.ValueItem,
                [
                    Column("name", width="1.6fr"),
                    Column("kind", width="110px"),
                    Column("quantity", width="100px"),
                    Column("unit", width="90px"),
                    Column("unit_value", width="100px"),
                    Column("probability", width="80px"),
                    Column("assumption", width="2fr"),
                ],
                add_label="Add benefit",
            ),
            self.row(self.field((*v, "investment")), self.field((*v, "horizon_years"))),
            self.row(
                self.field((*v, "alternative", "name")),
                self.field((*v, "alternative", "annual_cost")),
            ),
            self.field((*v, "alternative", "description")),
            self.table(
                (*v, "drivers"),
                m.ValueDriver,
                [
                    Column("name", width="2fr"),
                    Column("ours", width="90px"),
                    Column("alternative", width="110px"),
                    Column("importance", width="110px"),
                ],
                add_label="Add driver",
            ),
            self.table(
                (*v, "framings"),
                m.StakeholderFraming,
                [
                    Column("role", width="140px"),
                    Column("name", width="1fr"),
                    Column("lead_drivers", width="1fr", kind="multi", choices=driver_choices),
                    Column("statement", width="2fr"),
                ],
                add_label="Add stakeholder",
            ),
            *self.custom_questions(),
        ]

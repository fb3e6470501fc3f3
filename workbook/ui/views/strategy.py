"""Section 1: strategy alignment."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ipywidgets as W

from workbook import model as m
from workbook.ui.forms import Column
from workbook.ui.views.base import SectionView


class View(SectionView):
    """Strengths, priorities, contributions, objectives served, where to compete."""

    def objective_choices(self, _plan: m.Plan | None = None) -> list[tuple[str, Any]]:
        """The company's objectives, as (title, id) pairs."""
        objectives = self.ctx.store.load_strategic_plan().objectives
        return [(o.title, o.id) for o in objectives]

    def _with_title(self, row: dict[str, Any]) -> dict[str, Any]:
        titles = {value: label for label, value in self.objective_choices()}
        return {**row, "title": titles.get(row.get("objective_id"), "")}

    def build(self) -> Sequence[W.Widget]:
        s = ("strategy",)
        return [
            self.table(
                (*s, "strengths"),
                m.Strength,
                [Column("text", width="2fr"), Column("evidence", width="3fr")],
                add_label="Add strength",
            ),
            self.table(
                (*s, "priorities"),
                m.ImprovementPriority,
                [Column("text", width="2fr"), Column("why", width="3fr")],
                add_label="Add priority",
            ),
            self.table(
                (*s, "contributions"),
                m.Contribution,
                [Column("member", width="1fr"), Column("contribution", width="3fr")],
                add_label="Add contribution",
            ),
            self.table(
                (*s, "objective_links"),
                m.ObjectiveLink,
                [
                    Column("objective_id", width="2fr", choices=self.objective_choices),
                    Column("strength", width="120px"),
                    Column("how", width="2fr"),
                ],
                add_label="Link objective",
                prepare=self._with_title,
                empty_text="No objective linked yet.",
            ),
            self.table(
                (*s, "justifications"),
                m.Justification,
                [
                    Column("text", width="2fr"),
                    Column(
                        "objective_id",
                        width="2fr",
                        choices=lambda p: [("— none —", None), *self.objective_choices(p)],
                    ),
                ],
                add_label="Add reason",
            ),
            self.row(self.field((*s, "compete_where")), self.field((*s, "not_compete_where"))),
            self.table(
                (*s, "anticipated"),
                m.AnticipatedMove,
                [
                    Column("actor_kind", width="120px"),
                    Column("actor", width="1fr"),
                    Column("move", width="2fr"),
                    Column("likelihood", width="110px"),
                ],
                add_label="Add move",
            ),
            *self.custom_questions(),
        ]

"""Section 5: relationship and trust."""

from __future__ import annotations

import html
from collections.abc import Sequence

import ipywidgets as W

from workbook import model as m
from workbook.analysis.relationship import (
    business_totals,
    mode_advice,
    players_frame,
    reciprocity_balance,
    relationship_flags,
    sharing_ladder,
)
from workbook.charts.relationship import balance_chart, stakeholder_map
from workbook.ui.forms import Column
from workbook.ui.session import Subscriptions
from workbook.ui.style import COLORS, flags_html, hint_html, verdict_html
from workbook.ui.views.base import SectionView


class View(SectionView):
    """Existing business, players, reciprocity, balance, trust and sharing."""

    def build(self) -> Sequence[W.Widget]:
        r = ("relationship",)
        p = (*r, "pressure")
        self.business = W.HTML()
        self.map = self.chart("players")
        self.balance_text = W.HTML()
        self.balance = self.chart("balance")
        self.ladder = W.HTML()
        self.mode_text = W.HTML()
        self.flags = W.HTML()
        self.on_change(r, self._refresh)
        self.on_change(("concessions", "steps"), self._refresh)
        self._refresh()
        return [
            self.table(
                (*r, "links"),
                m.BusinessLink,
                [
                    Column("direction", width="1.3fr"),
                    Column("description", width="2fr"),
                    Column("annual_value", width="1fr"),
                    Column("quality", width="90px"),
                ],
                add_label="Add business",
            ),
            self.business,
            self.table(
                (*r, "players"),
                m.Player,
                [
                    Column("name", width="1.2fr"),
                    Column("side", width="90px"),
                    Column("role", width="1.2fr"),
                    Column("influence", width="70px"),
                    Column("stance", width="120px"),
                    Column("relationship", width="80px"),
                    Column("owner", width="1fr"),
                ],
                add_label="Add player",
            ),
            self.panel(self.map),
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
                    Column("side", width="120px"),
                    Column("what", width="3fr"),
                    Column("value", width="90px"),
                ],
                add_label="Add contribution",
            ),
            self.panel(self.balance_text, self.balance),
            self.field((*r, "fair_share")),
            self.field((*r, "needs_from_them")),
            self.field((*r, "step_back_when")),
            self.heading("Trust"),
            self.field((*r, "trust_level")),
            self.table(
                (*r, "disclosures"),
                m.Disclosure,
                [
                    Column("kind", width="120px"),
                    Column("category", width="120px"),
                    Column("text", width="2fr"),
                    Column("risk", width="80px"),
                    Column("share_up_front", width="70px"),
                    Column("shared", width="60px"),
                ],
                add_label="Add item",
                detail=self._hope,
            ),
            self.panel(self.ladder),
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
                    Column("kind", width="130px"),
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
            self.mode_text,
            self.heading("To revisit"),
            self.flags,
            *self.custom_questions(),
        ]

    def _hope(self, index: int, subs: Subscriptions) -> W.Widget:
        return self.detail_fields(
            subs,
            ("relationship", "disclosures", index),
            [
                Column("hope_to_learn", label="What we hope to learn in return"),
                Column("share_anyway", label="High risk: share anyway, because …"),
            ],
            labels=False,
        )

    def _refresh(self) -> None:
        plan = self.session.plan
        rel = plan.relationship
        totals = business_totals(rel)
        self.business.value = hint_html(totals.summary(plan.currency), size="13px")
        players = players_frame(rel)
        self.map.show(
            stakeholder_map(players) if len(players) else None,
            "Add the key players to see the map.",
        )
        balance = reciprocity_balance(rel)
        known = balance.share_ours is not None
        self.balance_text.value = verdict_html(balance.verdict, balance.fair) if known else ""
        self.balance.show(
            balance_chart(balance, rel.fair_share) if known else None,
            "List what each side contributes to see the balance.",
        )
        ladder = sharing_ladder(rel)
        steps = "".join(
            f"<li><b>{html.escape(row.text)}</b> "
            f"<span style='color:{COLORS['muted']}'>(risk {row.risk}"
            f"{', up front' if row.up_front else ''}{', shared' if row.shared else ''})</span>"
            + (f" · learn: {html.escape(row.hope_to_learn)}" if row.hope_to_learn else "")
            + (
                f" <span style='color:{COLORS['warn']}'>▲ {html.escape(row.advice)}</span>"
                if row.advice
                else ""
            )
            + "</li>"
            for row in ladder.itertuples()
            if not row.keep_back
        )
        kept = "".join(
            f"<li>{html.escape(row.text)} (risk {row.risk})</li>"
            for row in ladder.itertuples()
            if row.keep_back
        )
        self.ladder.value = (
            "<div style='font-size:13px;line-height:1.45'><b>Sharing ladder</b> "
            f"(trust {rel.trust_level}/5)<ol style='margin:2px 0'>{steps}</ol>"
            + (f"<b>Kept back</b> (high risk)<ul style='margin:2px 0'>{kept}</ul>" if kept else "")
            + "</div>"
            if steps or kept
            else hint_html("Add what we may share to build the ladder.")
        )
        self.mode_text.value = hint_html(mode_advice(rel), size="13px")
        self.flags.value = flags_html(relationship_flags(plan), "Nothing to revisit.")

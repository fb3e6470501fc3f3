"""Relationship and trust: existing business, players, reciprocity, balance and sharing.

A fair relationship is never exactly even; somewhere around 60/40 is healthy, and the
two sides will read the split differently, so the plan's fair share (``fair_share``, one
setting per plan) is a tolerance, not a target: a split a little beyond it is worth a
conversation, and only a clearly lopsided one (``LOPSIDED_MARGIN`` beyond it) calls the
kind of relationship into question. Information is shared step by step when trust is low,
starting with what would do little harm if misused; high-risk items stay back unless the
team writes down why it shares them anyway.

>>> from workbook.store import example_plan
>>> balance = reciprocity_balance(example_plan().relationship)
>>> balance.share_ours, balance.fair
(0.62, True)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from workbook.content import advice
from workbook.flags import Flag, Params
from workbook.model import Disclosure, Plan, Relationship

if TYPE_CHECKING:
    import pandas as pd

LOPSIDED_MARGIN = 0.15
"""How far beyond the plan's fair share a split must go before it counts as lopsided."""

LOW_TRUST = 2
"""Trust at or below this level (1-5) calls for sharing in small, low-risk steps."""

HIGH_RISK = 4
"""Items at or above this risk (1-5) are kept back unless the team says why to share them."""

CONCESSION_WORDS = re.compile(
    r"\b(discount|price|rebate|cheaper|concession|free|credit|give (them|away)|lower (the )?"
    r"(price|fee|rate))\b",
    re.IGNORECASE,
)
"""Words that show a relationship problem being handled with a business concession."""

NEGATION = re.compile(r"\b(not|no|never|without|instead of)\b[\w\s,]{0,20}$", re.IGNORECASE)


def mentions_concession(text: str) -> bool:
    """Whether ``text`` proposes a business concession (a negated mention does not count)."""
    return any(
        not NEGATION.search(text[max(0, m.start() - 30) : m.start()])
        for m in CONCESSION_WORDS.finditer(text)
    )


STANCE_NAMES = {-2: "opposed", -1: "sceptical", 0: "neutral", 1: "supportive", 2: "champion"}


@dataclass(frozen=True)
class BusinessTotals:
    """Yearly business each way between the companies."""

    they_buy: float
    we_buy: float

    def summary(self, currency: str = "") -> str:
        """One sentence, amounts in ``currency``."""
        if not (self.they_buy or self.we_buy):
            return "No existing business recorded between the two companies."
        unit = f"{currency} " if currency else ""
        return (
            f"They buy {unit}{self.they_buy:,.0f} a year from us; we buy "
            f"{unit}{self.we_buy:,.0f} a year from them."
        )


def business_totals(rel: Relationship) -> BusinessTotals:
    """Sum the existing business per direction."""
    they = sum(link.annual_value for link in rel.links if link.direction == "they_buy")
    we = sum(link.annual_value for link in rel.links if link.direction == "we_buy")
    return BusinessTotals(they, we)


@dataclass(frozen=True)
class Balance:
    """What each side contributes to the relationship, against a fair split."""

    ours: float
    theirs: float
    share_ours: float | None
    fair: bool
    status: str = "unknown"
    """"balanced", "leaning_us" / "leaning_them" (a little beyond the fair share),
    "lopsided_us" / "lopsided_them" (clearly beyond it), or "unknown"."""
    fair_share: float = 0.6

    @property
    def split(self) -> str:
        """Our share against theirs, in percent: "70/30"."""
        if self.share_ours is None:
            return ""
        return f"{round(self.share_ours * 100)}/{100 - round(self.share_ours * 100)}"

    @property
    def code(self) -> str:
        """The advice code of the verdict."""
        return BALANCE_ADVICE[self.status]

    @property
    def params(self) -> Params:
        """The values the verdict is filled with: the split and the fair band."""
        band = f"{round(self.fair_share * 100)}/{100 - round(self.fair_share * 100)}"
        return (("split", self.split), ("band", band))

    @property
    def verdict(self) -> str:
        """One sentence on the balance, in the content's words."""
        return advice(self.code, **dict(self.params))


BALANCE_ADVICE = {
    "unknown": "relationship.balance_unknown",
    "balanced": "relationship.balance_fair",
    "leaning_us": "relationship.balance_leaning_us",
    "leaning_them": "relationship.balance_leaning_them",
    "lopsided_us": "relationship.balance_lopsided_us",
    "lopsided_them": "relationship.balance_lopsided_them",
}
"""The verdict's advice code for each status of the balance."""


def reciprocity_balance(rel: Relationship, fair_share: float | None = None) -> Balance:
    """Our share of all contributions, read against the plan's fair share as a tolerance.

    ``fair`` is False only for a clearly lopsided split (beyond the fair share by more than
    ``LOPSIDED_MARGIN``); a split just past it is "leaning" and worth a conversation.
    """
    edge = rel.fair_share if fair_share is None else fair_share
    ours = sum(c.value for c in rel.contributions if c.side == "ours")
    theirs = sum(c.value for c in rel.contributions if c.side == "theirs")
    total = ours + theirs
    if not total:
        return Balance(ours, theirs, None, False, "unknown", edge)
    share = round(ours / total, 2)
    high = max(share, 1 - share)
    who = "us" if share > 0.5 else "them"
    if high <= edge:
        status = "balanced"
    elif high <= edge + LOPSIDED_MARGIN:
        status = f"leaning_{who}"
    else:
        status = f"lopsided_{who}"
    return Balance(
        ours, theirs, share, status not in ("lopsided_us", "lopsided_them"), status, edge
    )


class PlayerRow(NamedTuple):
    """A key player with their position on the stakeholder map."""

    name: str
    side: str
    role: str
    influence: int
    stance: int
    stance_label: str
    relationship: int
    owner: str


def player_rows(rel: Relationship) -> list[PlayerRow]:
    """Key players with their position on the stakeholder map."""
    return [
        PlayerRow(
            p.name,
            p.side,
            p.role,
            p.influence,
            p.stance,
            STANCE_NAMES[p.stance],
            p.relationship,
            p.owner,
        )
        for p in rel.players
    ]


def players_frame(rel: Relationship) -> pd.DataFrame:
    """Key players with their position on the stakeholder map."""
    from workbook.frames import records_frame

    return records_frame(player_rows(rel), PlayerRow._fields)


class LadderStep(NamedTuple):
    """One item of the sharing ladder (a row of :func:`sharing_ladder`)."""

    step: int | None
    text: str
    kind: str
    category: str
    risk: int
    up_front: bool
    shared: bool
    hope_to_learn: str
    keep_back: bool
    advice: str
    advice_code: str


def ladder_steps(rel: Relationship) -> list[LadderStep]:
    """:func:`sharing_ladder` as plain rows, in the order to share."""

    def kept(d: Disclosure) -> bool:
        return d.risk >= HIGH_RISK and not d.share_anyway.strip()

    low_trust = rel.trust_level <= LOW_TRUST
    items = sorted(
        rel.disclosures,
        key=lambda d: (
            kept(d),
            not (low_trust and d.risk == 1),
            not d.share_up_front,
            d.risk,
            d.kind != "constraint",
        ),
    )
    rows = []
    step = 0
    for d in items:
        keep_back = kept(d)
        if keep_back:
            code = "relationship.ladder_keep_back"
        elif d.share_up_front and d.risk >= HIGH_RISK:
            code = "relationship.ladder_risky_up_front"
        elif low_trust and d.risk > 1 and not d.shared:
            code = "relationship.ladder_low_trust"
        elif d.kind == "information" and not d.hope_to_learn.strip():
            code = "relationship.ladder_learn"
        else:
            code = ""
        if not keep_back:
            step += 1
        rows.append(
            LadderStep(
                None if keep_back else step,
                d.text,
                d.kind,
                d.category,
                d.risk,
                d.share_up_front,
                d.shared,
                d.hope_to_learn,
                keep_back,
                advice(code) if code else "",
                code,
            )
        )
    return rows


def sharing_ladder(rel: Relationship) -> pd.DataFrame:
    """What we share, in order: up-front constraints first, then from low risk to high.

    A high-risk item (risk 4-5) is kept back, whatever the trust, unless the team wrote
    why it shares it anyway; kept-back items get no step (``step`` is None) and come last.
    When trust is low the ladder starts with the risk-1 items.

    Columns: step, text, kind, category, risk, up_front, shared, hope_to_learn, keep_back,
    advice and its code (``advice_code``).
    """
    from workbook.frames import records_frame

    frame = records_frame(ladder_steps(rel), LadderStep._fields)
    return frame.astype({"step": "Int64", "keep_back": bool})


def relationship_flags(plan: Plan) -> list[Flag]:
    """What to look at again in the relationship homework."""
    rel = plan.relationship
    flags: list[Flag] = []
    if not rel.links:
        flags.append(Flag.of("warning", "Existing business", "relationship.no_links"))
    if not any(p.side == "theirs" for p in rel.players):
        flags.append(Flag.of("warning", "Key players", "relationship.no_players"))
    for p in rel.players:
        if p.influence >= 4 and not p.owner.strip():
            flags.append(Flag.of("warning", p.name, "relationship.player_no_owner"))
    pressure = rel.pressure
    if pressure.present:
        if not pressure.decision_owner.strip():
            flags.append(
                Flag.of("problem", "Reciprocity pressure", "relationship.pressure_no_decider")
            )
        if not pressure.tell_losing_bidder.strip():
            flags.append(
                Flag.of("warning", "Reciprocity pressure", "relationship.pressure_losing_bidder")
            )
        if not pressure.tell_colleagues.strip():
            flags.append(
                Flag.of("warning", "Reciprocity pressure", "relationship.pressure_colleagues")
            )
    balance = reciprocity_balance(rel)
    if balance.status in ("lopsided_us", "lopsided_them"):
        flags.append(Flag("warning", "Balance", balance.code, balance.params))
    if balance.status in ("leaning_us", "lopsided_us") and not rel.needs_from_them:
        flags.append(Flag.of("problem", "What we need from them", "relationship.no_needs"))
    for issue in rel.issues:
        if issue.kind == "relationship" and mentions_concession(issue.handling):
            flags.append(Flag.of("problem", issue.text, "relationship.issue_concession"))
    for row in ladder_steps(rel):
        if row.advice and not row.keep_back:
            flags.append(Flag.of("warning", str(row.text), str(row.advice_code)))
    if not any(d.kind == "constraint" and d.share_up_front for d in rel.disclosures):
        flags.append(Flag.of("warning", "Constraints", "relationship.constraints_late"))
    if rel.mode == "undecided":
        flags.append(
            Flag.of("warning", "Relationship or transaction", "relationship.mode_undecided")
        )
    return flags


def mode_advice(rel: Relationship) -> str:
    """What the relationship-or-transaction choice means for the concession plan."""
    if rel.mode == "relationship":
        return advice("relationship.mode_relationship")
    if rel.mode == "transaction":
        return advice("relationship.mode_transaction")
    return advice("relationship.mode_choose")

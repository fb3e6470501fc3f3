"""Value proposition: coverage of the customer's pains, quantified value, the alternative.

>>> from workbook.store import example_plan
>>> totals = value_totals(example_plan().value)
>>> round(totals.annual), totals.payback_months
(945680, 10.1)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from workbook.content import advice
from workbook.flags import Flag
from workbook.model import Plan, StakeholderFraming, ValueProposition

if TYPE_CHECKING:
    import pandas as pd

ROLE_NAMES = {
    "economic_buyer": "the economic buyer",
    "user": "the users",
    "technical": "the technical team",
    "procurement": "procurement",
    "legal": "legal",
    "other": "this stakeholder",
}


class PainGap(NamedTuple):
    """A pain that no differentiator answers."""

    pain: str
    priority: int
    stakeholder: str


@dataclass(frozen=True)
class Coverage:
    """Which pains our differentiators answer, and what is left over on each side.

    ``pains`` are the pains' texts; ``answers`` maps each differentiator's text to whether
    it answers each pain (``matrix`` as a DataFrame); ``gaps`` are the pains nothing
    answers, highest priority first (``unanswered`` as a DataFrame).
    """

    pains: list[str]
    answers: dict[str, list[bool]]
    gaps: list[PainGap]
    unneeded: list[str]
    score: int

    @property
    def matrix(self) -> pd.DataFrame:
        """One row per pain (its text), one column per differentiator, True where it answers."""
        import pandas as pd

        return pd.DataFrame(self.answers, index=pd.Index(self.pains, name="pain"), dtype=bool)

    @property
    def unanswered(self) -> pd.DataFrame:
        """``gaps`` as a DataFrame: pain, priority, stakeholder."""
        from workbook.frames import records_frame

        frame = records_frame(self.gaps, PainGap._fields)
        return frame.sort_values("priority", ascending=False, kind="stable", ignore_index=True)

    @property
    def summary(self) -> str:
        """One sentence on the gaps."""
        if not self.pains:
            return advice("value.coverage_empty")
        parts = [advice("value.coverage_score", score=self.score)]
        if self.gaps:
            parts.append(advice("value.coverage_unanswered", pains=_count(len(self.gaps), "pain")))
        if self.unneeded:
            parts.append(
                advice(
                    "value.coverage_unneeded",
                    differentiators=_count(len(self.unneeded), "differentiator"),
                )
            )
        return "; ".join(parts) + "."


def _count(n: int, noun: str) -> str:
    """``1 pain``, ``2 pains``."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def coverage(value: ValueProposition) -> Coverage:
    """Pains against differentiators.

    ``matrix`` has one row per pain (its text) and one column per differentiator, True where
    the differentiator answers the pain. ``score`` is the share of pain priority answered.
    """
    pains = value.pains
    answers = {d.id: set(d.answers) for d in value.differentiators}
    matrix = {d.text: [p.id in answers[d.id] for p in pains] for d in value.differentiators}
    answered = {pid for ids in answers.values() for pid in ids}
    gaps = [PainGap(p.text, p.priority, p.stakeholder) for p in pains if p.id not in answered]
    pain_ids = {p.id for p in pains}
    unneeded = [d.text for d in value.differentiators if not (set(d.answers) & pain_ids)]
    total = sum(p.priority for p in pains)
    covered = sum(p.priority for p in pains if p.id in answered)
    score = round(100 * covered / total) if total else 0
    ranked = sorted(gaps, key=lambda gap: gap.priority, reverse=True)
    return Coverage([p.text for p in pains], matrix, ranked, unneeded, score)


class ValueItemRow(NamedTuple):
    """One benefit with its annual value (a row of :func:`value_items_frame`)."""

    benefit: str
    kind: str
    quantity: float
    unit: str
    unit_value: float
    probability: float
    annual_value: float
    assumption: str


def value_items(value: ValueProposition) -> list[ValueItemRow]:
    """Each benefit with its annual value: quantity × value per unit × likelihood."""
    return [
        ValueItemRow(
            i.name,
            i.kind,
            i.quantity,
            i.unit,
            i.unit_value,
            i.probability,
            i.quantity * i.unit_value * i.probability,
            i.assumption,
        )
        for i in value.value_items
    ]


def value_items_frame(value: ValueProposition) -> pd.DataFrame:
    """Each benefit with its annual value: quantity × value per unit × likelihood."""
    from workbook.frames import records_frame

    return records_frame(value_items(value), ValueItemRow._fields)


@dataclass(frozen=True)
class ValueTotals:
    """The customer's case: benefits, what they pay us, what the alternative would cost.

    Per year the customer nets the benefits, minus our yearly price, plus the yearly cost
    of the alternative they no longer pay (``net_annual``). Over the horizon they net that
    times the years, minus our one-off price (``net``). Payback is the one-off price over
    the yearly net; ROI is the net over everything they pay us in the horizon.
    """

    savings: float
    revenue: float
    risk_avoided: float
    investment: float
    horizon_years: int
    annual_price: float = 0.0
    alternative_cost: float = 0.0

    @property
    def annual(self) -> float:
        """Benefits per year, before anything is paid."""
        return self.savings + self.revenue + self.risk_avoided

    @property
    def over_horizon(self) -> float:
        """Benefits over the horizon, before anything is paid."""
        return self.annual * self.horizon_years

    @property
    def net_annual(self) -> float:
        """Benefits per year minus our yearly price plus the alternative's yearly cost."""
        return self.annual - self.annual_price + self.alternative_cost

    @property
    def paid(self) -> float:
        """Everything the customer pays us over the horizon, one-off and yearly."""
        return self.investment + self.annual_price * self.horizon_years

    @property
    def net(self) -> float:
        """The customer's net benefit over the horizon, after paying us."""
        return self.net_annual * self.horizon_years - self.investment

    @property
    def payback_months(self) -> float | None:
        """Months until the yearly net repays the one-off price; None when it never does
        or when nothing is quantified yet; 0 when there is no one-off price."""
        if not (self.annual or self.paid):
            return None
        if self.net_annual <= 0:
            return None
        if self.investment <= 0:
            return 0.0
        return round(12 * self.investment / self.net_annual, 1)

    @property
    def roi(self) -> float | None:
        """The net benefit as a multiple of what they pay us; None when they pay nothing."""
        return round(self.net / self.paid, 2) if self.paid > 0 else None


def value_totals(value: ValueProposition) -> ValueTotals:
    """Sum the quantified benefits by kind, with our price and the alternative's cost."""
    items = value_items(value)
    by_kind = {
        kind: math.fsum(i.annual_value for i in items if i.kind == kind)
        for kind in ("savings", "revenue", "risk_avoided")
    }
    return ValueTotals(
        by_kind["savings"],
        by_kind["revenue"],
        by_kind["risk_avoided"],
        value.investment,
        value.horizon_years,
        value.annual_price,
        value.alternative.annual_cost,
    )


class DriverRow(NamedTuple):
    """Us against the alternative on one value driver (a row of :func:`driver_comparison`)."""

    driver: str
    ours: float
    alternative: float
    gap: float
    importance: int
    weighted_gap: float


def driver_rows(value: ValueProposition) -> list[DriverRow]:
    """:func:`driver_comparison` as plain rows, most important first (then largest gap)."""
    rows = [
        DriverRow(
            d.name,
            d.ours,
            d.alternative,
            d.ours - d.alternative,
            d.importance,
            (d.ours - d.alternative) * d.importance,
        )
        for d in value.drivers
    ]
    return sorted(rows, key=lambda r: (r.importance, r.gap), reverse=True)


def driver_comparison(value: ValueProposition) -> pd.DataFrame:
    """Us against the alternative on each value driver, most important first.

    Columns: driver, ours, alternative, gap (ours - alternative), importance, weighted_gap.
    """
    from workbook.frames import records_frame

    frame = records_frame(driver_rows(value), DriverRow._fields)
    return frame.sort_values(
        ["importance", "gap"], ascending=[False, False], kind="stable", ignore_index=True
    )


def overall_advantage(value: ValueProposition) -> float | None:
    """Importance-weighted average gap to the alternative (points out of 10), or None."""
    weight = sum(d.importance for d in value.drivers)
    if not weight:
        return None
    return round(sum((d.ours - d.alternative) * d.importance for d in value.drivers) / weight, 2)


def value_flags(value: ValueProposition) -> list[Flag]:
    """Claims without proof, figures without assumptions, gaps in coverage."""
    flags = [
        Flag.of("warning", d.text, "value.no_proof")
        for d in value.differentiators
        if not d.proof.strip()
    ]
    flags += [
        Flag.of("warning", i.name, "value.no_assumption")
        for i in value.value_items
        if not i.assumption.strip()
    ]
    cover = coverage(value)
    flags += [
        Flag.of("problem", str(row.pain), "value.pain_unanswered")
        for row in cover.gaps
        if row.priority >= 4
    ]
    if value.drivers and not value.alternative.name.strip():
        flags.append(Flag.of("warning", "Alternative", "value.no_alternative"))
    return flags


def _money(plan: Plan, amount: float) -> str:
    if abs(amount) >= 1e6:
        return f"{plan.currency} {amount / 1e6:,.1f} million"
    return f"{plan.currency} {amount:,.0f}"


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def draft_statement(plan: Plan, framing: StakeholderFraming) -> str:
    """A framing statement assembled from the section's answers, for the team to edit."""
    value = plan.value
    drivers = {d.id: d for d in value.drivers}
    lead = [drivers[i] for i in framing.lead_drivers if i in drivers]
    who = framing.name.split(",")[0].strip() or ROLE_NAMES[framing.role]
    sentences = []
    if lead:
        names = _join([d.name.lower() for d in lead])
        sentences.append(f"For {who}, what matters most is {names}.")
        ahead = [d for d in lead if d.ours > d.alternative]
        if ahead and value.alternative.name.strip():
            sentences.append(
                f"On {_join([d.name.lower() for d in ahead])} we score ahead of "
                f"{value.alternative.name.strip()}."
            )
    pains = {p.id: p for p in value.pains}
    proven = [d for d in value.differentiators if d.proof.strip() and d.answers]
    if proven:
        best = max(
            proven,
            key=lambda d: max((pains[a].priority for a in d.answers if a in pains), default=0),
        )
        sentences.append(f"{best.text}: {best.proof.strip().rstrip('.')}.")
    totals = value_totals(value)
    if totals.annual > 0:
        line = f"The value comes to about {_money(plan, totals.annual)} a year"
        if totals.payback_months:
            line += f", paying back in about {totals.payback_months:g} months"
        sentences.append(line + ".")
    return " ".join(sentences) or "Answer the questions above first: pains, drivers and value."

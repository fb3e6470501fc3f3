"""The blocks a brief is made of: paragraphs, bullets, warnings, tables, figures, charts.

:mod:`workbook.brief` writes them; each format (:mod:`workbook.brief_html`,
:mod:`workbook.brief_md`, :mod:`workbook.brief_xlsx`) renders them, escaping user text
for its own medium. They sit below both, so a format never imports the brief.

>>> Money(4200, "EUR"), Share(0.81)
('EUR 4,200', '81%')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Para:
    """A paragraph; ``tone`` is "good", "bad", "empty" (nothing there yet) or "" (plain)."""

    text: str
    tone: str = ""
    strong: bool = False


@dataclass(frozen=True)
class Bullets:
    """A bulleted list; ``empty`` is shown when there are no items."""

    items: list[str]
    empty: str = "—"


@dataclass(frozen=True)
class Warnings:
    """Things to check before the meeting, shown as warnings apart from the plan itself."""

    items: list[str]


@dataclass(frozen=True)
class Table:
    """A small table of texts."""

    columns: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Figures:
    """Key figures as (label, value) pairs."""

    pairs: list[tuple[str, str]]


@dataclass(frozen=True)
class Chart:
    """A plotly figure, drawn only in the HTML export (as a static picture)."""

    figure: Any


Block = Para | Bullets | Warnings | Table | Figures | Chart


class Money(str):
    """An amount shown as text (``EUR 4,200``) that keeps its number for spreadsheets."""

    amount: float | None
    currency: str

    def __new__(cls, amount: float | None, currency: str) -> Money:
        text = "—" if amount is None else f"{currency} {amount:,.0f}"
        obj = super().__new__(cls, text)
        obj.amount, obj.currency = amount, currency
        return obj


class Share(str):
    """A share shown as a percentage (``81%``) that keeps its fraction for spreadsheets."""

    fraction: float

    def __new__(cls, fraction: float) -> Share:
        obj = super().__new__(cls, f"{fraction:.0%}")
        obj.fraction = fraction
        return obj


@dataclass
class Part:
    """One section of the brief: ``blocks`` make the one-page brief, ``details`` follow it.

    Printed, the blocks of every part fit the first page; the details (longer lists,
    tables and charts) come on the pages after it.
    """

    title: str
    blocks: list[Block] = field(default_factory=list)
    details: list[Block] = field(default_factory=list)

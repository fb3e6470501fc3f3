"""The brief as HTML: one self-contained, offline page that prints as a one-page brief.

The page is a Jinja2 template with autoescaping on, so every text is escaped unless it
is marked safe; only the charts are, and they are SVG built by :mod:`workbook.charts.svg`
with every label escaped there. The document carries its styles and pictures, loads
nothing from anywhere, and its Content-Security-Policy runs no script at all.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from importlib.resources import files

from markupsafe import Markup

from workbook.blocks import (
    Block,
    Bullets,
    Chart,
    Figures,
    Money,
    Para,
    Part,
    Share,
    Table,
    Warnings,
)
from workbook.render import render
from workbook.theme import css_variables

POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'none'"
"""What the exported page may load and run: its own styles and data: pictures, no script."""


def stylesheet() -> str:
    """The brief's styles, screen and print: the palette's variables, then the rules."""
    rules = files("workbook").joinpath("templates/brief.css").read_text(encoding="utf-8")
    return f".nw-brief{{{css_variables()}}}\n{rules}"


_KINDS: dict[type, str] = {
    Para: "para",
    Bullets: "bullets",
    Warnings: "warnings",
    Table: "table",
    Figures: "figures",
    Chart: "chart",
}


def _kind(block: Block | str) -> str:
    """The template's name for a block, or "number" for an amount or a share."""
    if isinstance(block, Money | Share):
        return "number"
    return _KINDS.get(type(block), "text")


def _chart(block: Chart) -> Markup:
    from workbook.charts.svg import figure_svg

    return Markup(figure_svg(block.figure))  # every label is escaped there


PAGE_LINES = 64
"""Lines of print text the first page holds at the normal print size (A4 or Letter)."""
LINE_CHARS = 118
"""Characters on one printed line at the normal print size."""


def one_page_lines(parts: Sequence[Part]) -> float:
    """An estimate of the printed lines the one-page brief takes at the normal print size."""
    lines = 2.0  # the title
    for part in parts:
        if not part.blocks:  # not on the one page (see brief.html.j2)
            continue
        lines += 1.7  # the part's heading
        for block in part.blocks:
            if isinstance(block, Para) and block.text:
                lines += math.ceil(len(block.text) / LINE_CHARS)
            elif isinstance(block, Bullets | Warnings):
                items = block.items or [getattr(block, "empty", "")]
                lines += sum(math.ceil((len(i) + 4) / LINE_CHARS) for i in items)
                lines += 1.3 if isinstance(block, Warnings) else 0
            elif isinstance(block, Table):
                share = LINE_CHARS // max(len(block.columns), 1)
                lines += 1 + sum(
                    max(
                        math.ceil(len(str(c)) / max(12, share * (2 if i == len(row) - 1 else 1)))
                        for i, c in enumerate(row)
                    )
                    for row in block.rows
                )
            elif isinstance(block, Figures):
                lines += 2.4
    return lines


def density(parts: Sequence[Part]) -> str:
    """The print size that keeps the one-page brief on one page: "", "dense" or "denser".

    A smaller type holds about (9.2 / size)² as many lines as the normal 9.2 pt.
    """
    lines = one_page_lines(parts)
    if lines <= PAGE_LINES:
        return ""
    return "dense" if lines <= PAGE_LINES * 1.19 else "denser"


def render_html(title: str, parts: Sequence[Part], *, standalone: bool = True) -> str:
    """The parts as a whole HTML document, or as a fragment for the app's brief section."""
    return render(
        "brief.html.j2",
        kind=_kind,
        chart=_chart,
        title=title,
        parts=parts,
        standalone=standalone,
        policy=Markup(POLICY),  # our own constant, quotes and all
        css=Markup(stylesheet()),  # our own file
        has_details=any(part.details for part in parts),
        density=density(parts),
    )

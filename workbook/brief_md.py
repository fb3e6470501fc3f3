"""The brief as Markdown, with user text escaped for Markdown (not for HTML).

A Markdown renderer reads some characters as markup: emphasis, code, links and images,
HTML tags and entities, and at the start of a line headings, lists and quotes. User
text keeps those characters inert with a backslash where they would act, and nowhere
else, so ``R&D`` stays ``R&D`` and ``7.2 months`` stays as typed.

>>> md("Fees & <b>bold</b> *claims*")
'Fees & \\\\<b>bold\\\\</b> \\\\*claims\\\\*'
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from workbook.blocks import Block, Bullets, Chart, Figures, Para, Part, Table, Warnings

_ALWAYS = re.compile(r"([\\`*\[\]<~])")
"""Characters that act anywhere: escapes, code, emphasis, links, HTML tags, strikethrough."""
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
"""An ampersand that starts an entity such as ``&amp;``; any other ``&`` is plain text."""
_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
"""An underscore that can open or close emphasis (not one inside a word like snake_case)."""
_LINE_START = re.compile(r"^(\d{1,9})([.)])(?=\s|$)|^([-+])(?=[\s+-]|$)|^(#+(?=\s|$)|>)")
"""What a line may start with to become a list item, a heading, a quote or a rule."""
_CLOSING_HASHES = re.compile(r"(\s)(#+)$")
"""Trailing hashes that a heading would swallow."""


def md(text: object, *, line_start: bool = True, cell: bool = False) -> str:
    """``text`` on one line, escaped so that a Markdown renderer shows it as typed.

    ``line_start``: the text begins a line (a paragraph, a list item, a heading), where
    ``- `` or ``1. `` would make a list. ``cell``: it sits in a table, where ``|`` ends it.
    """
    escaped = _ALWAYS.sub(r"\\\1", " ".join(str(text).split()))
    escaped = _ENTITY.sub(r"\\&", escaped)
    escaped = _UNDERSCORE.sub(r"\\_", escaped)
    if cell:
        escaped = escaped.replace("|", "\\|")
    if line_start:
        escaped = _LINE_START.sub(_escape_marker, escaped)
        escaped = _CLOSING_HASHES.sub(r"\1\\\2", escaped)
    return escaped


def _escape_marker(match: re.Match[str]) -> str:
    if match[1]:
        return f"{match[1]}\\{match[2]}"
    return "\\" + (match[3] or match[4])


def _block(block: Block) -> str:
    if isinstance(block, Para):
        if not block.text:
            return ""
        return f"**{md(block.text, line_start=False)}**" if block.strong else md(block.text)
    if isinstance(block, Bullets):
        return "\n".join(f"- {md(i)}" for i in block.items) if block.items else md(block.empty)
    if isinstance(block, Warnings):
        return "\n>\n".join(f"> ⚠ **Warning:** {md(i, line_start=False)}" for i in block.items)
    if isinstance(block, Table):
        lines = [
            "| " + " | ".join(md(c, line_start=False, cell=True) for c in block.columns) + " |",
            "|" + "---|" * len(block.columns),
        ]
        lines += [
            "| " + " | ".join(md(c, line_start=False, cell=True) for c in row) + " |"
            for row in block.rows
        ]
        return "\n".join(lines)
    if isinstance(block, Figures):
        return " · ".join(
            f"{md(k, line_start=i == 0)}: **{md(v, line_start=False)}**"
            for i, (k, v) in enumerate(block.pairs)
        )
    if isinstance(block, Chart):
        return ""
    raise TypeError(f"no Markdown for {type(block).__name__}")


def render_markdown(title: str, parts: Sequence[Part]) -> str:
    """The parts as one Markdown document: each part's brief, then its details."""
    out = [f"# {md(title)}"]
    for part in parts:
        out.append(f"## {md(part.title)}")
        out += [text for text in (_block(b) for b in [*part.blocks, *part.details]) if text]
    return "\n\n".join(out) + "\n"

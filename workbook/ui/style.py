"""Colours and small text helpers shared by the views (no stylesheet: widget styles only)."""

from __future__ import annotations

import html

COLORS = {
    "ink": "#1f2933",
    "muted": "#5f6b7a",
    "accent": "#1f5fa8",
    "ok": "#1e7b4d",
    "warn": "#a15c00",
    "error": "#b42318",
    "panel": "#f4f6f9",
    "line": "#d9dee5",
}
"""The palette: text, muted text, accent, and the three states of a check."""


def hint_html(text: str, color: str = COLORS["muted"], size: str = "12px") -> str:
    """A short escaped text in a compact block (widget HTML has a tall default line)."""
    return (
        f"<div style='line-height:1.35;font-size:{size};color:{color};margin:1px 0 3px 0'>"
        f"{text_html(text)}</div>"
    )


def text_html(text: str) -> str:
    """User or content text as safe HTML (escaped; line breaks kept)."""
    return html.escape(text).replace("\n", "<br>")


def paragraphs_html(text: str) -> str:
    """Content text with blank-line paragraphs and '- ' bullets as safe HTML."""
    blocks: list[str] = []
    for block in text.strip().split("\n\n"):
        lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
        if not lines:
            continue
        if all(line.startswith("- ") for line in lines):
            items = "".join(f"<li>{html.escape(line[2:])}</li>" for line in lines)
            blocks.append(f"<ul style='padding-left:18px;margin:4px 0'>{items}</ul>")
        else:
            blocks.append(f"<p style='margin:4px 0 8px 0'>{html.escape(' '.join(lines))}</p>")
    return "".join(blocks)

"""The brief: the page a team takes into the room, and its downloads (brief.toml)."""

from __future__ import annotations

import base64
import re

import ipywidgets as W

from workbook.brief import EXPORT_FORMATS, brief_html, export_brief
from workbook.content import advice
from workbook.model import Objective
from workbook.ui.engine import Context, editor, panel
from workbook.ui.style import app_html, hint_html

MIME = {
    "html": "text/html",
    "md": "text/markdown",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
"""Each export's media type."""


def download_label(fmt: str) -> str:
    """The link text of an export, from the content."""
    return {
        "html": advice("brief.download_html"),
        "md": advice("brief.download_md"),
        "xlsx": advice("brief.download_xlsx"),
        "json": advice("brief.download_json"),
    }[fmt]


def file_stem(name: str) -> str:
    """A safe file name from a plan name."""
    stem = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()
    return (stem or "plan")[:60]


def objectives(ctx: Context) -> list[Objective]:
    """The company's objectives as stored now."""
    return ctx.store.load_strategic_plan(ctx.plan.company).objectives


@panel("brief.page", reads=("",))
def page_panel(ctx: Context) -> str:
    """The one-page brief, redrawn after every change."""
    return brief_html(ctx.plan, standalone=False, objectives=objectives(ctx))


def download_links(ctx: Context) -> str:
    """Every export of the plan as it is now, as links the browser downloads."""
    plan = ctx.plan
    found = objectives(ctx)
    stem = file_stem(plan.name)
    links = []
    for fmt in EXPORT_FORMATS:
        data = export_brief(plan, fmt, found)
        mime, label = MIME[fmt], download_label(fmt)
        url = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
        links.append((fmt, f"{stem}.{fmt}", url, label, f"{len(data) / 1024:,.0f}"))
    return app_html("downloads", links=links) + hint_html(advice("brief.downloads_current"))


@editor("brief.downloads")
def downloads(ctx: Context) -> W.Widget:
    """A button that prepares every export, and the links it gives (dropped after changes)."""
    prepare = W.Button(
        description="Prepare downloads",
        icon="download",
        layout=W.Layout(width="auto", flex="0 0 auto"),
    )
    prepare.add_class("nw-prepare-downloads")
    links = W.HTML()
    links.add_class("nw-download-links")
    prepare.on_click(lambda _b: setattr(links, "value", download_links(ctx)))
    ctx.on((), lambda: setattr(links, "value", ""))
    return W.HBox([prepare, links], layout=W.Layout(align_items="center"))

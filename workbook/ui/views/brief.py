"""Section 7: the brief, a page the team takes into the room, and its downloads."""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Sequence

import ipywidgets as W

from workbook.brief import EXPORT_FORMATS, brief_html, export_brief
from workbook.model import Objective
from workbook.ui.style import COLORS, hint_html
from workbook.ui.views.base import SectionView

MIME = {
    "html": ("text/html", "Brief (HTML: opens offline, prints as one page plus details)"),
    "md": ("text/markdown", "Brief (Markdown)"),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Summary and every table (Excel)",
    ),
    "json": ("application/json", "The plan (JSON, to import elsewhere)"),
}


def file_stem(name: str) -> str:
    """A safe file name from a plan name."""
    stem = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()
    return (stem or "plan")[:60]


class View(SectionView):
    """The one-page brief, redrawn after every change, and buttons to download it."""

    def build(self) -> Sequence[W.Widget]:
        self.page = W.HTML(layout=W.Layout(width="100%"))
        self.prepare = W.Button(
            description="Prepare downloads",
            icon="download",
            layout=W.Layout(width="auto", flex="0 0 auto"),
        )
        self.prepare.add_class("nw-prepare-downloads")
        self.links = W.HTML()
        self.links.add_class("nw-download-links")
        self.prepare.on_click(lambda _b: self._prepare())
        self.on_change((), self._render)
        self._render()
        return [
            W.HBox([self.prepare, self.links], layout=W.Layout(align_items="center")),
            self.page,
        ]

    def _objectives(self) -> list[Objective]:
        return self.ctx.store.load_strategic_plan(self.session.plan.company).objectives

    def _render(self) -> None:
        self.page.value = brief_html(
            self.session.plan, standalone=False, objectives=self._objectives()
        )
        self.links.value = ""

    def _prepare(self) -> None:
        """Build every export and offer it as a link the browser downloads."""
        plan = self.session.plan
        objectives = self._objectives()
        stem = file_stem(plan.name)
        links = []
        for fmt in EXPORT_FORMATS:
            data = export_brief(plan, fmt, objectives)
            mime, label = MIME[fmt]
            encoded = base64.b64encode(data).decode("ascii")
            links.append(
                "<span style='white-space:nowrap;margin-right:18px;display:inline-block'>"
                f"<a download='{html.escape(stem)}.{fmt}' href='data:{mime};base64,{encoded}' "
                f"class='nw-download-{fmt}' style='margin-right:6px'>{html.escape(label)}</a>"
                f"<span style='color:{COLORS['muted']};font-size:11px'>"
                f"{len(data) / 1024:,.0f} kB</span>"
                "</span>"
            )
        self.links.value = (
            "<div style='line-height:1.6;font-size:13px'>"
            + "".join(links)
            + "</div>"
            + hint_html("Links reflect the plan as it is now; prepare again after changes.")
        )

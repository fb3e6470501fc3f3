"""Section 7: the brief, a page the team takes into the room."""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as W

from workbook.brief import brief_html
from workbook.ui.views.base import SectionView


class View(SectionView):
    """The one-page brief, redrawn after every change."""

    def build(self) -> Sequence[W.Widget]:
        self.page = W.HTML(layout=W.Layout(width="100%"))
        self._render()
        self.on_change((), self._render)
        return [self.page]

    def _render(self) -> None:
        objectives = self.ctx.store.load_strategic_plan().objectives
        self.page.value = brief_html(self.session.plan, standalone=False, objectives=objectives)

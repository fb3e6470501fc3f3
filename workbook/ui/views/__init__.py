"""One view per section. A view only binds plan fields to widgets and shows analyses."""

from __future__ import annotations

from workbook.ui.engine import SectionView, ViewContext

__all__ = ["SectionView", "ViewContext", "view_class"]


def view_class(key: str) -> type[SectionView]:
    """The view class of a section, imported only when the section is first shown: the
    layout engine's, once the module of the section's panels and editors is imported."""
    from workbook.ui.engine import LayoutView, import_panels

    return getattr(import_panels(key), "View", LayoutView)

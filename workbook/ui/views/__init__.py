"""Each section's panels and irregular editors, registered by name for its layout."""

from __future__ import annotations

from workbook.ui.engine import SectionView, ViewContext

__all__ = ["SectionView", "ViewContext", "view_class"]


def view_class(key: str) -> type[SectionView]:
    """The view of a section: the layout engine's, once the module of the section's panels
    and editors is imported (only when the section is first shown)."""
    from workbook.ui.engine import LayoutView, import_panels

    import_panels(key)
    return LayoutView

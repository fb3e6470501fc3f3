"""One view per section. A view only binds plan fields to widgets and shows analyses."""

from __future__ import annotations

from workbook.sections import section
from workbook.ui.engine import SectionView, ViewContext

__all__ = ["SectionView", "ViewContext", "view_class"]


def view_class(key: str) -> type[SectionView]:
    """The view class of a section, imported only when the section is first shown: the
    layout engine's, once the module of the section's panels and editors is imported."""
    import importlib

    from workbook.ui.engine import LayoutView, known_names

    known_names()  # imports every section's panels and editors
    try:
        module = importlib.import_module(section(key).view_module)
    except ModuleNotFoundError:
        return LayoutView
    return getattr(module, "View", LayoutView)

"""One view per section. A view only binds plan fields to widgets and shows analyses."""

from __future__ import annotations

from workbook.sections import section
from workbook.ui.views.base import SectionView, ViewContext

__all__ = ["SectionView", "ViewContext", "view_class"]


def view_class(key: str) -> type[SectionView]:
    """The view class of a section, imported only when the section is first shown."""
    import importlib

    module = importlib.import_module(section(key).view_module)
    return module.View

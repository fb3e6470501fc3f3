"""The ipywidgets app: ``launch()`` for the whole workbook, ``section_app()`` for one section."""

from workbook.ui.app import WorkbookApp, launch, section_app

__all__ = ["WorkbookApp", "launch", "section_app"]

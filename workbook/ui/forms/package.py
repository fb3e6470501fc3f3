"""A package picked in the app: one dropdown per variable, its options and a blank.

The offer on the table and a rehearsal's offer are both picked this way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ipywidgets as W

from workbook.render import escape
from workbook.ui.forms.widgets import grid_template

if TYPE_CHECKING:
    from workbook.model import Variable

NOT_OFFERED = ""
"""The dropdown value of a variable left out of a package (a Dropdown shows None as blank)."""


def package_dropdown(
    var: Variable, value: str | None, blank: str, css: str, *, disabled: bool = False
) -> W.Dropdown:
    """One variable's pick in a package: a blank (``blank``, the value ``NOT_OFFERED``) and
    each of its options; ``value`` is the option id picked (blank when it is not one)."""
    options = [(blank, NOT_OFFERED), *((o.label, o.id) for o in var.options)]
    dropdown = W.Dropdown(
        options=options,
        value=value if value in [v for _, v in options] else NOT_OFFERED,
        disabled=disabled,
        layout=W.Layout(width="100%"),
    )
    dropdown.add_class(css)
    return dropdown


def package_row(var: Variable, dropdown: W.Dropdown, message: Any) -> W.Widget:
    """A variable's name beside its pick, with the message line under the pick."""
    return W.GridBox(
        [W.HTML(escape(var.name)), W.VBox([dropdown, message])],
        layout=W.Layout(
            grid_template_columns=grid_template(["1fr", "2fr"]), grid_gap="0 16px", width="100%"
        ),
    )

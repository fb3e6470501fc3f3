"""Widgets bound to plan fields: one field, a table of rows, a low / likely / high range.

One factory makes every field's widget (:func:`new_widget`), bound through one
:class:`Binding` or in a table's add form; one editor takes every range
(:class:`RangeRow`). When the model refuses a value, the message appears under the field
and the widget shows the last good value again (text that was emptied is left as typed,
so that the user can keep typing, while the plan keeps its last good text).
"""

from __future__ import annotations

from workbook.paths import FieldSpec, Kind, field_spec, pattern
from workbook.ui.forms.binding import (
    FULL_ROW,
    Binding,
    ClashNotice,
    Codec,
    MessageLine,
    bindings_under,
    css_class,
    message_widget,
)
from workbook.ui.forms.ranges import (
    UNFINISHED_RANGE,
    RangeRow,
    RangeValues,
    range_grid,
    range_unit,
    read_range,
)
from workbook.ui.forms.table import ACTIONS_WIDTH, FIRST_ROWS, FirstRows, RowTable
from workbook.ui.forms.text import (
    ParseError,
    format_datetime,
    format_number,
    now_text,
    parse_datetime,
    parse_number,
)
from workbook.ui.forms.widgets import (
    FULL,
    ChoiceList,
    Choices,
    Column,
    close_tree,
    field,
    follow_choices,
    grid_template,
    make_widget,
    new_widget,
    question_header,
)

__all__ = [
    "ACTIONS_WIDTH",
    "FIRST_ROWS",
    "FULL",
    "FULL_ROW",
    "UNFINISHED_RANGE",
    "Binding",
    "ChoiceList",
    "Choices",
    "ClashNotice",
    "Codec",
    "Column",
    "FieldSpec",
    "FirstRows",
    "Kind",
    "MessageLine",
    "ParseError",
    "RangeRow",
    "RangeValues",
    "RowTable",
    "bindings_under",
    "close_tree",
    "css_class",
    "field",
    "field_spec",
    "follow_choices",
    "format_datetime",
    "format_number",
    "grid_template",
    "make_widget",
    "message_widget",
    "new_widget",
    "now_text",
    "parse_datetime",
    "parse_number",
    "pattern",
    "question_header",
    "range_grid",
    "range_unit",
    "read_range",
]

"""The brief as an Excel workbook, for a deal's finance lead.

The first sheet is the brief's summary (every part, as the other formats show it); then
one sheet per table of the plan and of its analyses, with readable sheet names and
headers, names instead of identifiers, lists written out as text, money and percentage
formats, a frozen header row and columns as wide as their content.

Every text is written as text: a value such as ``=HYPERLINK(...)`` stays inert.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from workbook.blocks import Bullets, Chart, Figures, Money, Para, Part, Share, Table, Warnings
from workbook.brief_sheets import HEADERS, SHEETS, SheetSpec
from workbook.content import choice_labels
from workbook.theme import xlsx

if TYPE_CHECKING:
    import pandas as pd
    from openpyxl.worksheet.worksheet import Worksheet

    from workbook.model import Objective, Plan

PERCENT = "0%"
SCORE = "0.##"
WHEN = "yyyy-mm-dd hh:mm"
HEADER_FILL = xlsx("header")
MAX_WIDTH = 60
SUMMARY_WIDTHS = (34, 18, 18, 18, 18, 40)


def money_format(currency: str, cents: bool = False) -> str:
    """An Excel number format for amounts in ``currency``: ``#,##0 "EUR"``."""
    code = re.sub(r"[^A-Z]", "", currency.upper())[:3] or "EUR"
    digits = "#,##0.00" if cents else "#,##0"
    return f'{digits} "{code}";-{digits} "{code}"'


_ENUM = re.compile(r"^[a-z]+(_[a-z]+)+$")


def humanize(name: str) -> str:
    """A column or key as words: ``their_variable`` → ``Their variable``."""
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def id_names(plan: Plan, objectives: Iterable[Objective] = ()) -> dict[str, str]:
    """Every row id in the plan (and the strategic objectives) with the name people know."""
    names: dict[str, str] = {}

    def walk(value: Any) -> None:
        if isinstance(value, BaseModel):
            linked, title = getattr(value, "objective_id", None), getattr(value, "title", None)
            if isinstance(linked, str) and isinstance(title, str) and title.strip():
                names.setdefault(linked, title)  # a link names the objective it points to
            row_id = getattr(value, "id", None)
            if isinstance(row_id, str) and value is not plan:
                for attr in ("name", "label", "title", "text", "description"):
                    text = getattr(value, attr, None)
                    if isinstance(text, str) and text.strip():
                        names.setdefault(row_id, text)
                        break
            for name in type(value).model_fields:
                walk(getattr(value, name))
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(plan)
    for objective in objectives:
        names.setdefault(objective.id, objective.title)
    return names


def readable_frame(
    key: str, frame: pd.DataFrame, names: dict[str, str]
) -> tuple[pd.DataFrame, dict[str, str]]:
    """``frame`` for people: ids dropped or named, headers readable; with its formats.

    Returns the new frame and the number format kind of each of its columns.
    """
    spec = SHEETS.get(key, SheetSpec(humanize(key)))
    out: dict[str, list[Any]] = {}
    formats: dict[str, str] = {}
    columns = list(frame.columns)
    for column in columns:
        values = list(frame[column])
        if column == "id":
            continue
        column_name = column[:-3] if column.endswith("_id") else column
        if column_name != column and (
            column_name in columns or _named_alongside(column_name, columns)
        ):
            continue  # the name sits next to it
        if column_name != column or _holds_ids(values, names):
            values = [_names(v, names) for v in values]
        if column in spec.choices:
            labels = choice_labels(spec.choices[column])
            values = [labels.get(_code(v), v) if _present(v) else None for v in values]
        header = spec.headers.get(column_name) or HEADERS.get(column_name) or humanize(column_name)
        if header in out:
            header = f"{header} ({humanize(column)})"
        out[header] = [_value(v) for v in values]
        kind = spec.formats.get(column_name) or spec.formats.get(column)
        if kind:
            formats[header] = kind
    import pandas as pd

    readable = pd.DataFrame(out)
    if key in ("estimates", "estimate_chances") and len(readable):
        from workbook.charts.scenarios import QUANTITY_NAMES

        readable["Quantity"] = [humanize(QUANTITY_NAMES.get(q, q)) for q in frame["quantity"]]
    return readable, formats


def split_estimates(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The scenario estimates as amounts and as chances, so that each column holds one unit."""
    chance = frame["quantity"].astype(str).str.endswith("probability")
    return frame[~chance].reset_index(drop=True), frame[chance].reset_index(drop=True)


def _code(value: Any) -> str:
    """A stored choice as its key in the content: ``-1.0`` → ``-1``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _named_alongside(base: str, columns: Sequence[str]) -> bool:
    """Whether a column next to ``base``_id already carries its name."""
    return base in ("objective",) and "title" in columns


def _holds_ids(values: Sequence[Any], names: dict[str, str]) -> bool:
    """Whether a column holds row ids (alone or in lists), such as a differentiator's pains."""
    seen = False
    for value in values:
        items = value if isinstance(value, list | tuple | set) else [value]
        for item in items:
            if item is None or (isinstance(item, float) and math.isnan(item)):
                continue
            if not isinstance(item, str) or item not in names:
                return False
            seen = True
    return seen


def _names(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, list | tuple | set):
        return "; ".join(names.get(str(v), str(v)) for v in value)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return names.get(str(value), value)


def _value(value: Any) -> Any:
    """A value a finance lead reads: yes/no, words for codes, text for lists, no blanks as NaN."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple | set):
        return "; ".join(str(_value(v)) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_value(v)}" for k, v in value.items())
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if value.tzinfo is not None else value
    if hasattr(value, "to_pydatetime"):
        moment = value.to_pydatetime()
        return moment.replace(tzinfo=None) if moment.tzinfo is not None else moment
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        import pandas as pd

        if not isinstance(value, str) and pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, str) and _ENUM.match(value):
        return value.replace("_", " ")
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _number_format(kind: str, currency: str) -> str:
    return {"money": money_format(currency), "percent": PERCENT, "score": SCORE, "when": WHEN}[kind]


def _font(**style: Any) -> Any:
    """A font in the workbook's own typeface, so every reader's spreadsheet shows the same."""
    from openpyxl.styles import Font

    return Font(name="Calibri", size=style.pop("size", 11), **style)


def _fit_to_width(sheet: Worksheet, landscape: bool) -> None:
    """Printed, the sheet is one page wide, as many pages long as it needs."""
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.print_title_rows = "1:1"


def _style_header(sheet: Worksheet, width: int) -> None:
    from openpyxl.styles import Alignment, Border, PatternFill, Side

    for cell in sheet[1][:width]:
        cell.font = _font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.border = Border(bottom=Side(style="thin", color=xlsx("neutral")))
        cell.alignment = Alignment(vertical="top", wrap_text=True)


def _display_width(value: Any, kind: str | None) -> int:
    if value is None:
        return 0
    if isinstance(value, int | float) and not isinstance(value, bool):
        if kind == "money":
            return len(f"{value:,.0f}") + 7
        if kind == "percent":
            return len(f"{value:.0%}")
        return len(f"{value:,.2f}".rstrip("0").rstrip("."))
    if isinstance(value, dt.datetime):
        return 16
    return max((len(line) for line in str(value).splitlines()), default=0)


def _table_sheet(
    sheet: Worksheet, frame: pd.DataFrame, formats: dict[str, str], currency: str
) -> None:
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    columns = list(frame.columns)
    sheet.append(columns)
    for number, row in enumerate(frame.itertuples(index=False)):
        sheet.append(list(row))
        for index, column in enumerate(columns):
            cell = sheet.cell(row=number + 2, column=index + 1)
            kind = formats.get(column)
            value = cell.value
            if kind and isinstance(value, int | float | dt.datetime):
                whole = isinstance(value, int | float) and float(value).is_integer()
                cell.number_format = (
                    money_format(currency, cents=True)
                    if kind == "money" and not whole
                    else _number_format(kind, currency)
                )
            elif _big_whole(value):
                cell.number_format = "#,##0"
    _text_as_text(sheet)
    for index, column in enumerate(columns, start=1):
        kind = formats.get(column)
        widest = max([len(str(column)) + 2, *(_display_width(v, kind) + 2 for v in frame[column])])
        width = max(8, min(MAX_WIDTH, widest))
        sheet.column_dimensions[get_column_letter(index)].width = width
        if widest > MAX_WIDTH:
            for cell in sheet[get_column_letter(index)][1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    _style_header(sheet, len(columns))
    sheet.freeze_panes = "A2"
    total = sum(
        sheet.column_dimensions[get_column_letter(i)].width for i in range(1, len(columns) + 1)
    )
    _fit_to_width(sheet, landscape=total > 100)
    if columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(sheet.max_row, 1)}"


def _big_whole(value: Any) -> bool:
    """A whole number large enough to want thousands separators."""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    return number and float(value).is_integer() and abs(value) >= 10_000


def _text_as_text(sheet: Worksheet) -> None:
    """Every string cell stays a string: ``=cmd|...`` is never a formula."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"


def _summary_sheet(sheet: Worksheet, title: str, parts: Sequence[Part], currency: str) -> None:
    """The brief on one sheet: each part's title, then its texts, figures and tables."""
    from openpyxl.styles import Alignment, PatternFill
    from openpyxl.utils import get_column_letter

    span = len(SUMMARY_WIDTHS)
    for index, width in enumerate(SUMMARY_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    total_width = sum(SUMMARY_WIDTHS)
    wrap = Alignment(wrap_text=True, vertical="top")

    def line(text: str, *, font: Any = None, fill: Any = None) -> None:
        sheet.append([text])
        row = sheet.max_row
        if len(text) > SUMMARY_WIDTHS[0]:
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=span)
            sheet.row_dimensions[row].height = 15 * max(1, math.ceil(len(text) / total_width))
        cell = sheet.cell(row=row, column=1)
        cell.alignment = wrap
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill

    def value(v: Any) -> Any:
        if isinstance(v, Money):
            return v.amount
        if isinstance(v, Share):
            return v.fraction
        return str(v)

    def formatted(row: int, values: Sequence[Any]) -> None:
        """Number formats for amounts and shares; a last text cell runs to the right edge."""
        widths = list(SUMMARY_WIDTHS[: len(values)])
        if 0 < len(values) < span and not isinstance(values[-1], Money | Share):
            sheet.merge_cells(start_row=row, start_column=len(values), end_row=row, end_column=span)
            widths[-1] = sum(SUMMARY_WIDTHS[len(values) - 1 :])
        for column, v in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column)
            if isinstance(v, Money) and v.amount is not None:
                cell.number_format = money_format(currency)
            elif isinstance(v, Share):
                cell.number_format = PERCENT
            cell.alignment = wrap
        lines = max(
            (
                math.ceil(len(str(v)) / (width * 1.1))
                for v, width in zip(values, widths, strict=False)
                if not isinstance(v, Money | Share)
            ),
            default=1,
        )
        if lines > 1:  # Excel does not grow a row to fit wrapped text by itself
            sheet.row_dimensions[row].height = 15 * lines

    sheet.append([title])
    sheet.cell(row=1, column=1).font = _font(bold=True, size=14)
    heading_fill = PatternFill("solid", fgColor=HEADER_FILL)
    for part in parts:
        sheet.append([])
        line(part.title, font=_font(bold=True, size=12), fill=heading_fill)
        for block in [*part.blocks, *part.details]:
            if isinstance(block, Para) and block.text:
                color = {"good": xlsx("ok"), "bad": xlsx("error")}.get(block.tone)
                line(block.text, font=_font(bold=block.strong, color=color))
            elif isinstance(block, Bullets):
                for item in block.items or [block.empty]:
                    line(f"• {item}" if block.items else item)
            elif isinstance(block, Warnings):
                for item in block.items:
                    line(f"⚠ Warning: {item}", font=_font(color=xlsx("warn_ink"), bold=True))
            elif isinstance(block, Figures):
                for label, figure in block.pairs:
                    sheet.append([label, value(figure)])
                    formatted(sheet.max_row, [label, figure])
                    sheet.cell(row=sheet.max_row, column=1).font = _font(color=xlsx("muted"))
            elif isinstance(block, Table):
                sheet.append([str(c) for c in block.columns])
                for cell in sheet[sheet.max_row]:
                    cell.font = _font(bold=True)
                formatted(sheet.max_row, block.columns)
                for row in block.rows:
                    sheet.append([value(v) for v in row])
                    formatted(sheet.max_row, row)
            elif isinstance(block, Chart):
                continue
    _text_as_text(sheet)
    sheet.freeze_panes = "A2"
    _fit_to_width(sheet, landscape=False)


def render_xlsx(
    plan: Plan, parts: Sequence[Part], objectives: Sequence[Objective] | None = None
) -> bytes:
    """The workbook: the brief's summary first, then one sheet per table."""
    from openpyxl import Workbook

    from workbook.tables import analysis_tables, plan_tables

    book = Workbook()
    summary = book.active
    summary.title = "Summary"
    _summary_sheet(summary, plan.name, parts, plan.currency)
    names = id_names(plan, objectives or ())
    frames = {**plan_tables(plan), **analysis_tables(plan, objectives)}
    if "estimates" in frames:
        frames["estimates"], frames["estimate_chances"] = split_estimates(frames["estimates"])
    used = {"Summary"}
    for key, frame in frames.items():
        readable, formats = readable_frame(key, frame, names)
        title = _sheet_title(SHEETS.get(key, SheetSpec(humanize(key))).title, used)
        _table_sheet(book.create_sheet(title), readable, formats, plan.currency)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str, used: set[str]) -> str:
    """A sheet name Excel accepts (31 characters, no []:*?/\\), unique in the workbook."""
    clean = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:31] or "Sheet"
    candidate, n = clean, 2
    while candidate.lower() in {u.lower() for u in used}:
        suffix = f" {n}"
        candidate, n = clean[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate)
    return candidate

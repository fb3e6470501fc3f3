"""A section's layout as data: the blocks of its page, top to bottom, checked against the model.

Each ``[[layout]]`` entry of a section's TOML file is one block, of exactly one kind:

- ``field = "value.investment"``: a question with its bound widget (``kind``, ``choices``,
  ``label``, ``width`` optional);
- ``row = ["value.investment", "value.annual_price"]``: blocks side by side (a plain string
  is a field; ``widths`` sets the columns);
- ``table = "value.pains"``: a table of rows with ``columns`` (each ``field``, ``width``,
  ``label``, ``kind``, ``choices``), an ``add`` label, optional add-form ``form`` columns and
  ``detail`` blocks shown under each row (their paths are relative to the row);
- ``heading`` and ``note``: a sub-heading, a paragraph of guidance;
- ``panel = "value.coverage"``: analysis output, drawn by a registered panel;
- ``editor = "scenarios.estimate"``: an irregular editor, a registered Python function
  (``args`` are passed to it);
- ``stack`` (blocks top to bottom, under an optional ``title``) and ``fold`` (blocks folded
  away under a title).

Field paths, table columns and row details are checked here against the plan model when a
file is read; the names of panels, editors, choice lists and row hooks are checked by the
UI, which registers them, with :func:`check_names`. Either way a bad block is refused with
its file name and block number.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from workbook.model import Plan
from workbook.paths import Kind, field_spec, parse_path, row_model

Width = Annotated[
    str,
    StringConstraints(
        pattern=r"^(\d+(\.\d+)?(fr|px|%)|auto|minmax\(\d+px, *\d+(\.\d+)?(fr|px)\))$"
    ),
]
Short = Annotated[str, StringConstraints(max_length=200)]
Name = Annotated[str, StringConstraints(pattern=r"^([a-z_]+(\.[a-z_]+)*)?$", max_length=80)]

BLOCK_KINDS = ("field", "row", "table", "heading", "note", "panel", "editor", "stack", "fold")
"""The kinds of block; each block sets exactly one of these keys."""

NameKind = Literal["panel", "editor", "choices", "prepare"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ColumnSpec(_Strict):
    """One column of a table (or one field of a row's detail): a field of the row."""

    field: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    width: Width = "1fr"
    label: Short = ""
    kind: Kind | None = None
    choices: Name = Field("", description="A named list of options that follows the plan.")
    may_be_empty: bool = Field(
        False, description="In the add form, a number that may be left empty (None)."
    )
    start_blank: bool = Field(
        False, description="In the add form, a box that starts empty, never at the default."
    )


class Block(_Strict):
    """One block of a section's page (see the module's documentation)."""

    field: str = ""
    row: list[str | Block] = Field(default_factory=list)
    table: str = ""
    heading: Short = ""
    note: Annotated[str, StringConstraints(max_length=2000)] = ""
    panel: Name = ""
    editor: Name = ""
    stack: list[str | Block] = Field(default_factory=list)
    fold: Short = ""

    kind: Kind | None = None
    choices: Name = ""
    label: Short = ""
    width: Width = "100%"
    widths: list[Width] = Field(default_factory=list)
    title: Short = ""
    blocks: list[str | Block] = Field(default_factory=list)
    columns: list[ColumnSpec] = Field(default_factory=list)
    form: list[ColumnSpec] = Field(default_factory=list)
    detail: list[str | Block] = Field(default_factory=list)
    labels: bool = True
    add: Short = "Add"
    empty: Short = "Nothing here yet."
    prepare: Name = ""
    reorder: bool = True
    question: bool = True
    frame: bool = True
    css: Annotated[str, StringConstraints(pattern=r"^(nw-[a-z0-9-]+)?$")] = ""
    args: dict[str, str | int | float | bool] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_kind(self) -> Block:
        given = [k for k in BLOCK_KINDS if getattr(self, k)]
        if len(given) != 1:
            listed = ", ".join(BLOCK_KINDS)
            raise ValueError(
                f"a block sets exactly one of {listed}; this one sets "
                + (", ".join(given) if given else "none")
            )
        if self.fold and not self.blocks:
            raise ValueError("a fold needs the blocks it folds away (blocks = [...])")
        if self.table and not self.columns:
            raise ValueError("a table needs its columns (columns = [{field = ...}, ...])")
        return self

    @property
    def what(self) -> str:
        """The block's kind."""
        return next(k for k in BLOCK_KINDS if getattr(self, k))

    def children(self) -> list[Block]:
        """The blocks inside this one (a row's, a stack's, a fold's, a table's details)."""
        return [as_block(b) for b in (*self.row, *self.stack, *self.blocks)]


def as_block(item: str | Block) -> Block:
    """A block; a plain string in a row or stack is a field."""
    return Block(field=item) if isinstance(item, str) else item


class LayoutError(ValueError):
    """A block that names something the model (or the UI) does not have."""


def check_blocks(blocks: list[Block], root: type[BaseModel] = Plan) -> None:
    """Refuse the first block whose paths do not resolve in ``root``: ``LayoutError`` whose
    message starts with the block's number (from 1)."""
    for number, block in enumerate(blocks, 1):
        try:
            _check(block, root)
        except (KeyError, LayoutError) as exc:
            text = exc.args[0] if exc.args else str(exc)
            raise LayoutError(f"layout block {number} ({block.what}): {text}") from None


def _check(block: Block, root: type[BaseModel]) -> None:
    if block.field:
        spec = field_spec(parse_path(block.field), root)
        if block.kind is None and not block.choices:
            spec.kind()
    elif block.table:
        path = parse_path(block.table)
        model = row_model(path, root)
        for column in [*block.columns, *block.form]:
            spec = field_spec(parse_path(column.field), model)
            if column.kind is None and not column.choices:
                spec.kind()
        for child in block.detail:
            _check(as_block(child), model)
    for child in block.children():
        _check(child, root)


def names(blocks: list[Block]) -> Iterator[tuple[int, NameKind, str]]:
    """Every registered name the blocks use: (block number, kind of name, name)."""

    def walk(block: Block) -> Iterator[tuple[NameKind, str]]:
        if block.panel:
            yield "panel", block.panel
        if block.editor:
            yield "editor", block.editor
        if block.choices:
            yield "choices", block.choices
        if block.prepare:
            yield "prepare", block.prepare
        for column in [*block.columns, *block.form]:
            if column.choices:
                yield "choices", column.choices
        for child in [*block.children(), *(as_block(d) for d in block.detail)]:
            yield from walk(child)

    for number, block in enumerate(blocks, 1):
        for kind, name in walk(block):
            yield number, kind, name


def check_names(blocks: list[Block], known: Mapping[NameKind, Any]) -> None:
    """Refuse a block that uses a panel, editor, choice list or row hook not in ``known``."""
    for number, kind, name in names(blocks):
        if name not in known[kind]:
            close = sorted(n for n in known[kind] if n.split(".")[0] == name.split(".")[0])
            hint = f"; known here: {', '.join(close)}" if close else ""
            raise LayoutError(f"layout block {number}: there is no {kind} {name!r}{hint}")

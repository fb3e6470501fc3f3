"""Field paths into the plan: reading them as text and asking the model what they hold.

A path is a tuple such as ``("value", "pains", 0, "text")``; in content files it is written
``value.pains[].text`` (list indexes as ``[]``). :func:`field_spec` says what the model
holds there (type, limits, description), which is how a widget kind is chosen and how a
layout is checked against the model without building anything.

>>> parse_path("value.pains[].text")
('value', 'pains', 0, 'text')
>>> pattern(("value", "pains", 3, "text"))
'value.pains[].text'
>>> field_spec(parse_path("value.pains[].priority")).kind()
'number'
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from workbook.model import Plan

PathPart = str | int
Path = tuple[PathPart, ...]

Kind = Literal[
    "text", "textarea", "number", "digits", "choice", "bool", "date", "datetime", "tags", "multi"
]
"""Widget kinds; ``digits`` is a whole number shown without separators (a seed, a code)."""

KINDS: tuple[str, ...] = typing.get_args(Kind)

CUSTOM = "custom_answers"
"""The plan's field that keeps the answers to questions added in content files."""


def parse_path(text: str) -> Path:
    """A path written as text; ``[]`` stands for a row (index 0), ``custom_answers.<id>``
    keeps the id whole (it may hold dots)."""
    head, _, rest = text.partition(".")
    if head == CUSTOM and rest:
        return (CUSTOM, rest)
    parts: list[PathPart] = []
    for part in text.split("."):
        name, marker, _ = part.partition("[]")
        parts.append(name)
        if marker:
            parts.append(0)
    return tuple(parts)


def pattern(path: Path) -> str:
    """The content key of a path: list indexes become ``[]``, e.g. ``value.pains[].text``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += "[]"
        else:
            out += f".{part}" if out else part
    return out


@dataclass(frozen=True)
class FieldSpec:
    """What the model says about one field: its type, limits and description."""

    annotation: Any
    info: FieldInfo

    @property
    def base(self) -> Any:
        """The annotation without ``| None`` and without ``Annotated`` metadata."""
        annotation = self.annotation
        if _is_union(annotation):
            rest = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = rest[0] if len(rest) == 1 else annotation
        if typing.get_origin(annotation) is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        return annotation

    def _metadata(self) -> list[Any]:
        found = list(self.info.metadata)
        annotation = self.annotation
        args = [annotation, *typing.get_args(annotation)] if _is_union(annotation) else []
        if typing.get_origin(annotation) is typing.Annotated:
            args = [annotation]
        for arg in args:
            if typing.get_origin(arg) is typing.Annotated:
                for meta in typing.get_args(arg)[1:]:
                    found += getattr(meta, "metadata", [meta])
        return found

    @property
    def optional(self) -> bool:
        """Whether None is allowed."""
        return _is_union(self.annotation) and type(None) in typing.get_args(self.annotation)

    def _meta(self, attr: str) -> Any:
        for meta in self._metadata():
            found = getattr(meta, attr, None)
            if found is not None:
                return found
        return None

    @property
    def max_length(self) -> int | None:
        """The longest text allowed, if limited."""
        return typing.cast(int | None, self._meta("max_length"))

    @property
    def bounds(self) -> tuple[float | None, float | None]:
        """Lowest and highest number allowed."""
        return self._meta("ge"), self._meta("le")

    @property
    def required_text(self) -> bool:
        """Whether the field is text that may not be empty."""
        return bool(self._meta("min_length"))

    def default(self) -> Any:
        """The value of a new row's field (or of an unanswered custom question)."""
        value = self.info.get_default(call_default_factory=True)
        return None if value is PydanticUndefined else value

    def kind(self) -> Kind:
        """The widget kind that fits the field."""
        base = self.base
        origin = typing.get_origin(base)
        if origin is Literal:
            return "choice"
        if base is bool:
            return "bool"
        if base in (int, float):
            return "number"
        if base is dt.date:
            return "date"
        if base is dt.datetime:
            return "datetime"
        if origin is list:
            return "tags"
        if base is str:
            limit = self.max_length
            return "textarea" if limit is not None and limit > 300 else "text"
        raise TypeError(f"no widget for fields of type {base!r}")


def _is_union(annotation: Any) -> bool:
    return typing.get_origin(annotation) in (typing.Union, types.UnionType)


def _unwrap(annotation: Any) -> Any:
    """The model or item type inside ``list[...]``, ``X | None`` and ``Annotated``."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (list, dict):
            annotation = typing.get_args(annotation)[-1]
        elif _is_union(annotation):
            rest = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = rest[0]
        else:
            return annotation


def field_spec(path: Path, root: type[BaseModel] | BaseModel = Plan) -> FieldSpec:
    """The model's description of the field at ``path`` (list indexes are skipped).

    The entries of a dict field (``custom_answers.<id>``) are described by its values'
    type. A name the model does not have raises KeyError, naming the model.
    """
    model: Any = root if isinstance(root, type) else type(root)
    spec: FieldSpec | None = None
    for part in path:
        if isinstance(part, int):
            continue
        if spec is not None and typing.get_origin(_strip(spec.annotation)) is dict:
            value = typing.get_args(_strip(spec.annotation))[-1]
            spec = FieldSpec(value, FieldInfo.from_annotation(value))
            model = _unwrap(value)
            continue
        fields = getattr(model, "model_fields", None)
        if not fields or part not in fields:
            owner = getattr(model, "__name__", str(model))
            raise KeyError(f"{owner} has no field {part!r}")
        info = fields[part]
        spec = FieldSpec(info.annotation, info)
        model = _unwrap(info.annotation)
    if spec is None:
        raise KeyError("an empty path names no field")
    return spec


def _strip(annotation: Any) -> Any:
    """The annotation without ``Annotated`` metadata."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def row_model(path: Path, root: type[BaseModel] = Plan) -> type[BaseModel]:
    """The model of the rows of the list at ``path`` (``value.pains`` -> ``Pain``)."""
    spec = field_spec(path, root)
    model = _unwrap(spec.annotation)
    if typing.get_origin(_strip(spec.base)) is not list or not isinstance(model, type):
        raise KeyError(f"{pattern(path)} is not a table of rows")
    if not issubclass(model, BaseModel):
        raise KeyError(f"{pattern(path)} is a list of values, not a table of rows")
    return model

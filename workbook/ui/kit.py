"""Widgets that share their Layout and style models.

Every ipywidgets control comes with a Layout model and a style model of its own: three
models, three comms and three frontend objects for one text box. A table of fifty cells
that never change their layout can share one Layout and one style, which halves what the
page has to create. Widgets whose layout changes (shown, hidden, resized) get their own.
"""

from __future__ import annotations

import functools
from typing import Any, TypeVar

import ipywidgets as W

T = TypeVar("T", bound=W.DOMWidget)


@functools.cache
def _layout(props: tuple[tuple[str, str], ...]) -> W.Layout:
    return W.Layout(**dict(props))


def shared_layout(**props: str) -> W.Layout:
    """One Layout per distinct set of properties, shared by every widget that asks for it.

    Never change a shared layout after creating it: every widget using it would change.
    """
    return _layout(tuple(sorted(props.items())))


@functools.cache
def shared_style(kind: type[W.Style]) -> W.Style:
    """One default style model per style class."""
    return kind()


def make(cls: type[T], *, layout: W.Layout | dict[str, str] | None = None, **kwargs: Any) -> T:
    """``cls(**kwargs)`` with a shared layout (``layout`` as properties) and shared style."""
    if isinstance(layout, W.Layout):
        kwargs["layout"] = layout
    else:
        kwargs["layout"] = shared_layout(**(layout or {}))
    trait = cls.class_traits().get("style")
    if trait is not None and "style" not in kwargs:
        kwargs["style"] = shared_style(trait.klass)
    return cls(**kwargs)

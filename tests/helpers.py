"""Helpers for driving widgets without a browser, and for running coroutines in tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import ipywidgets as W

T = TypeVar("T")


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` to its end on an event loop of its own, in a thread of its own.

    The browser tests' Playwright (its sync API) keeps an event loop running in the main
    thread for the whole session, and ``asyncio.run`` refuses to start a second loop there.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class ManualScheduler:
    """Stands in for the kernel's event loop: delayed calls run when ``run()`` is called."""

    def __init__(self) -> None:
        self.jobs: list[list[Any]] = []

    def __call__(self, delay: float, fn: Callable[[], None]) -> Any:
        job: list[Any] = [fn, False]
        self.jobs.append(job)

        class Handle:
            def cancel(self) -> None:
                job[1] = True

        return Handle()

    @property
    def pending(self) -> int:
        """Calls waiting and not cancelled."""
        return sum(1 for _, cancelled in self.jobs if not cancelled)

    def run(self) -> None:
        """Run every waiting call."""
        jobs, self.jobs = self.jobs, []
        for fn, cancelled in jobs:
            if not cancelled:
                fn()


def walk(widget: W.Widget) -> Iterator[W.Widget]:
    """The widget and everything inside it, depth first."""
    yield widget
    for child in getattr(widget, "children", ()) or ():
        yield from walk(child)


def find_all(
    root: W.Widget, css_class: str | None = None, kind: type | None = None, **traits: Any
) -> list[W.Widget]:
    """Widgets under ``root`` with a DOM class, of a type, and with trait values."""
    found = []
    for w in walk(root):
        if css_class and css_class not in getattr(w, "_dom_classes", ()):
            continue
        if kind and not isinstance(w, kind):
            continue
        if any(getattr(w, k, object()) != v for k, v in traits.items()):
            continue
        found.append(w)
    return found


def find(
    root: W.Widget, css_class: str | None = None, kind: type | None = None, **traits: Any
) -> Any:
    """The one widget that matches (fails when none or several match)."""
    found = find_all(root, css_class, kind, **traits)
    assert len(found) == 1, f"expected one widget, found {len(found)}"
    return found[0]


def bound(root: W.Widget, path: tuple[Any, ...]) -> Any:
    """The widget bound to the plan field at ``path``."""
    from workbook.ui.forms import bindings_under

    matches = [b for b in bindings_under(root) if b.path == tuple(path)]
    assert matches, f"no widget is bound to {path}"
    return matches[0]


XSS = "<img src=x onerror=alert(1)><script>window.__xss=1</script>\"'`=cmd|' [x](javascript:y)"
"""Markup, script, formula and link payloads in one string."""


def poison(model: Any, payload: str = XSS) -> Any:
    """A copy of a pydantic model with ``payload`` in front of every free text it holds."""
    import typing

    from pydantic import BaseModel

    from workbook.ui.forms import FieldSpec

    def free_text(spec: FieldSpec) -> bool:
        base = spec.base
        if typing.get_origin(base) is list:
            base = typing.get_args(base)[0]
            inner = FieldSpec(base, spec.info)
            return free_text(inner) if inner.base is not base or base is str else False
        if base is not str:
            return False
        return not any(
            getattr(meta, "pattern", None) or type(meta).__name__ == "AfterValidator"
            for meta in [*spec._metadata(), *typing.get_args(spec.annotation)[1:]]
        )

    def walk(value: Any, spec: FieldSpec | None) -> Any:
        if isinstance(value, BaseModel):
            return value.model_copy(
                update={
                    name: walk(getattr(value, name), FieldSpec(info.annotation, info))
                    for name, info in type(value).model_fields.items()
                }
            )
        if isinstance(value, list):
            return [walk(v, spec) for v in value]
        if isinstance(value, str) and value and spec is not None and free_text(spec):
            return (payload + value)[: spec.max_length or 120]
        return value

    return type(model).model_validate(walk(model, None).model_dump())

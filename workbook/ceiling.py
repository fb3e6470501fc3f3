"""A memory ceiling for each served page's kernel: the page is told, then its kernel ends.

>>> view = guard_memory(app.widget)  # in the kernel: the widget the page shows  # doctest: +SKIP

The server (``workbook.serve``) names the ceiling in the kernels' environment and ends a
page kernel whose resident memory stays above it; inside the kernel,
:func:`guard_memory` watches the same figure and, once it is crossed, replaces the page
with a notice a moment before the server ends the kernel. An address-space limit of
:func:`address_space_limit` bytes is a backstop against one sudden huge allocation.
"""

from __future__ import annotations

import contextlib
import os
import resource
import threading
import time
from typing import Any

from workbook.render import escape

__all__ = [
    "MEMORY_ENV",
    "MEMORY_NOTICE",
    "address_space_limit",
    "guard_memory",
    "resident_bytes",
]

MEMORY_ENV = "NEGOTIATION_WORKBOOK_KERNEL_MEMORY"
"""Environment variable: a page kernel's memory ceiling in bytes (unset: none)."""

MEMORY_NOTICE = (
    "This page needed more memory than the server allows each page ({mb:,} MB), so it "
    "has been ended. Your saved work is safe: reload the page to start again."
)

CHECK_INTERVAL = 1.0
"""Seconds between two looks at the kernel's own memory."""

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def resident_bytes(pid: int | None = None) -> int:
    """Resident memory of process ``pid`` (this one when None), in bytes; 0 if unknown."""
    path = f"/proc/{pid or 'self'}/statm"
    try:
        with open(path, encoding="ascii") as statm:
            return int(statm.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        if pid is None:  # not Linux: the peak, which is what a ceiling is about
            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        return 0


def address_space_limit(ceiling: int) -> int:
    """The address-space limit that goes with a memory ceiling: room for the libraries'
    reserved but unused address space, and a stop to one allocation far past the ceiling."""
    return 2 * ceiling + 2_000_000_000


def set_address_space_limit(pid: int, ceiling: int) -> bool:
    """Limit process ``pid``'s address space (Linux); False where that is not possible."""
    limit = address_space_limit(ceiling)
    try:
        resource.prlimit(pid, resource.RLIMIT_AS, (limit, limit))
    except (AttributeError, OSError, ValueError):
        return False
    return True


def guard_memory(widget: Any, ceiling: int | None = None) -> Any:
    """``widget`` in a box that shows :data:`MEMORY_NOTICE` instead once this kernel's
    resident memory passes ``ceiling`` (default: :data:`MEMORY_ENV`; no ceiling, no box)."""
    if ceiling is None:
        with contextlib.suppress(ValueError):
            ceiling = int(os.environ.get(MEMORY_ENV, "0"))
    if not ceiling:
        return widget
    import ipywidgets as W

    text = escape(MEMORY_NOTICE.format(mb=ceiling // 1_000_000))
    notice = W.HTML(f"<p role='alert'><b>{text}</b></p>", layout=W.Layout(display="none"))
    notice.add_class("nw-memory-notice")
    box = W.VBox([notice, widget], layout=W.Layout(width="100%"))

    def watch() -> None:
        while resident_bytes() <= ceiling:
            time.sleep(CHECK_INTERVAL)
        notice.layout.display = ""
        widget.layout.display = "none"

    threading.Thread(target=watch, name="memory-ceiling", daemon=True).start()
    return box

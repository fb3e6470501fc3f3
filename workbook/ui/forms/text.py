"""Text as people type it, and back: numbers with separators and suffixes, moments."""

from __future__ import annotations

import datetime as dt
import re


class ParseError(ValueError):
    """Typed text that is not a value of the field's kind."""


_SUFFIX = {"k": 1e3, "m": 1e6, "bn": 1e9, "b": 1e9}


def format_number(value: float | int | None) -> str:
    """A number as typed by a person: thousands separated, no trailing zeros."""
    if value is None:
        return ""
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.6f}".rstrip("0").rstrip(".")


def format_digits(value: float | int | None) -> str:
    """A whole number as plain digits, without thousands separators."""
    return "" if value is None else str(int(value))


def parse_number(text: str, *, integer: bool = False, optional: bool = False) -> float | int | None:
    """Read a number typed as ``4,200,000``, ``4.2m``, ``-3 000`` or ``0.35``."""
    raw = str(text).strip().replace(",", "").replace("_", "").replace(" ", "")
    raw = raw.replace("\u202f", "").replace("\u00a0", "")
    if not raw:
        if optional:
            return None
        raise ParseError("Enter a number.")
    match = re.fullmatch(r"([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)(k|m|bn|b)?", raw.lower())
    if not match:
        raise ParseError(f"{str(text).strip()[:40]!r} is not a number.")
    number = float(match.group(1)) * _SUFFIX.get(match.group(2) or "", 1)
    if integer:
        if not number.is_integer():
            raise ParseError("Enter a whole number.")
        return int(number)
    return number


_CLOCK = re.compile(r"(\d{1,2})(?:\s*[:.h]\s*(\d{2}))?\s*h?")


def parse_datetime(text: str, *, today: dt.date | None = None) -> dt.datetime:
    """Read a moment as people type it: ``10:05``, ``10.05``, ``14h``, ``14h30`` (today),
    ``2026-12-08 10:05``, ``8.12.2026 10:05``, ``8 Dec 14:30`` or a date alone.

    A time without a zone is this machine's local time.

    >>> parse_datetime("14h", today=dt.date(2026, 12, 8)).strftime("%Y-%m-%d %H:%M")
    '2026-12-08 14:00'
    """
    raw = " ".join(str(text).split())
    if not raw:
        raise ParseError("Enter a time, such as 10:05.")
    day = today or dt.date.today()
    stamp: dt.datetime | None = None
    clock = _CLOCK.fullmatch(raw.lower())
    if clock:
        hour, minute = int(clock.group(1)), int(clock.group(2) or 0)
        if hour > 23 or minute > 59:
            raise ParseError(f"{raw[:20]!r} is not a time of day.")
        stamp = dt.datetime.combine(day, dt.time(hour, minute))
    else:
        try:
            stamp = dt.datetime.fromisoformat(raw)
        except ValueError:
            from dateutil import parser

            try:
                stamp = parser.parse(
                    raw, default=dt.datetime.combine(day, dt.time()), dayfirst=True
                )
            except (ValueError, OverflowError):
                raise ParseError(
                    f"{raw[:30]!r} is not a time. Type 10:05, 10.05 or 14h for today, "
                    "or a date and time such as 2026-12-08 10:05."
                ) from None
    return stamp if stamp.tzinfo else stamp.astimezone()


def format_datetime(value: dt.datetime | None) -> str:
    """A timestamp as ``2026-12-08 10:05``, in this machine's local time."""
    return "" if value is None else value.astimezone().strftime("%Y-%m-%d %H:%M")


def now_text() -> str:
    """The current time, as the "When" of a new entry shows it."""
    return format_datetime(dt.datetime.now().astimezone())

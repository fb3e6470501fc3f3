"""Flags: what an analysis asks the team to look at again, with how much it matters.

>>> flag = Flag("warning", "Price cut", "no competitor is estimated")
>>> flags_frame([flag]).loc[0, "severity"]
'warning'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import pandas as pd

Severity = Literal["note", "warning", "problem"]


@dataclass(frozen=True)
class Flag:
    """Something in the section that the team should look at again."""

    severity: Severity
    subject: str
    reason: str


def flags_frame(flags: Sequence[Flag]) -> pd.DataFrame:
    """Flags as a DataFrame (severity, subject, reason)."""
    import pandas as pd

    return pd.DataFrame([vars(f) for f in flags], columns=["severity", "subject", "reason"])

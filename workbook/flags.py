"""Flags: what an analysis asks the team to look at again, with how much it matters.

An analysis returns a flag as a code and its values; the words are the content's
(``[advice]`` in the section's TOML file), looked up when the flag is read.

>>> flag = Flag.of("warning", "Price cut", "value.no_proof")
>>> flag.reason
'a claim without a proof point is an opinion'
>>> flags_frame([flag]).loc[0, "code"]
'value.no_proof'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from workbook.content import advice

if TYPE_CHECKING:
    from typing import Self

    import pandas as pd

Severity = Literal["note", "warning", "problem"]

Params = tuple[tuple[str, Any], ...]
"""An advice text's values, as (name, value) pairs."""


@dataclass(frozen=True)
class Flag:
    """Something in the section that the team should look at again."""

    severity: Severity
    subject: str
    code: str
    """The advice code ("section.name") whose text says why."""
    params: Params = ()
    """The values the advice text is filled with."""

    @classmethod
    def of(cls, severity: Severity, subject: str, code: str, /, **params: Any) -> Self:
        """A flag with its advice values given by name."""
        return cls(severity, subject, code, tuple(params.items()))

    @property
    def reason(self) -> str:
        """Why, in the content's words."""
        return advice(self.code, **dict(self.params))

    @property
    def detail(self) -> str:
        """What a list of flags shows after the subject."""
        return self.reason

    @property
    def text(self) -> str:
        """Subject and reason in one line."""
        return f"{self.subject}: {self.detail}"


def flags_frame(flags: Sequence[Flag]) -> pd.DataFrame:
    """Flags as a DataFrame (severity, subject, reason, code)."""
    import pandas as pd

    columns = ["severity", "subject", "reason", "code"]
    return pd.DataFrame([[f.severity, f.subject, f.reason, f.code] for f in flags], columns=columns)

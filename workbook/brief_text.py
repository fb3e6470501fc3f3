"""What every part of the brief shares: amounts, sentence-making and the parts' context.

>>> clause("A three-year term.")
'a three-year term'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from workbook.blocks import Money, Part
from workbook.model import Objective, Plan

_MID_SENTENCE_CAPITAL = re.compile(r"(?<=[a-z0-9,;] )([A-Z][a-z]+)\b")


def money(plan: Plan, amount: float | None) -> Money:
    """An amount in the plan's currency, or a dash."""
    return Money(amount, plan.currency)


def proper_words(plan: Plan) -> frozenset[str]:
    """Capitalised words the plan uses in mid-sentence: names that keep their capital."""
    return frozenset(_MID_SENTENCE_CAPITAL.findall(plan.model_dump_json()))


def clause(text: str, keep: frozenset[str] = frozenset()) -> str:
    """``text`` made to continue a sentence: an ordinary first word loses its capital.

    Acronyms, names in ``keep`` and words with inner capitals keep theirs; a final full
    stop is dropped.

    >>> clause("A three-year term.", frozenset())
    'a three-year term'
    >>> clause("FleetSense matches it", frozenset())
    'FleetSense matches it'
    """
    text = " ".join(text.split()).rstrip(".")
    first = re.match(r"[A-Za-z][\w'-]*", text)
    if first is None:
        return text
    word = first.group(0)
    ordinary = word[0].isupper() and (word[1:] == word[1:].lower()) and word != "I"
    if ordinary and word not in keep and (len(word) > 1 or len(text) == 1 or text[1] == " "):
        return word[0].lower() + text[1:]
    return text


def sentence(text: str) -> str:
    """``text`` as a sentence: a capital first letter and a full stop.

    >>> sentence("there are no moves yet: add one")
    'There are no moves yet: add one.'
    """
    text = " ".join(text.split())
    if not text:
        return text
    return text[0].upper() + text[1:] + ("" if text[-1] in ".!?" else ".")


@dataclass(frozen=True)
class BriefContext:
    """What the parts may use beyond the plan."""

    objectives: Sequence[Objective] | None = None
    charts: bool = False


PartWriter = Callable[[Plan, BriefContext], Part]
"""A function that writes one part of the brief from the plan."""

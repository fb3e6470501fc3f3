"""Workings: a quantity written as a plain sum (``3 * 2 * 12 * 8``), read safely.

The sum is parsed with :mod:`ast` and only numbers, + - × / and brackets are walked;
nothing is ever evaluated as code.

>>> evaluate("3 * 2 * 12 * 8")
576.0
>>> evaluate("2,400 × 0.24")
576.0
>>> evaluate("__import__('os')") is None
True
"""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable

_OPS: dict[type, Callable[..., float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}


def evaluate(formula: str) -> float | None:
    """The value of a plain sum such as ``2,400 × 0.24`` or ``3 * 2 * 12 * 8``; None when
    it is not one (only numbers, + - × / and brackets; ``%`` divides by 100)."""
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", formula)
    text = text.replace("×", "*").replace("·", "*").replace("÷", "/")
    text = re.sub(r"(?<=[\d)\s])[xX](?=[\s\d(])", "*", text)
    text = re.sub(r"(\d+(?:\.\d+)?)\s*%", r"(\1/100)", text)
    if not text.strip() or len(text) > 200:
        return None
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        return None

    def walk(node: ast.AST) -> float:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        value = node.value if isinstance(node, ast.Constant) else None
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.UnaryOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](walk(node.operand))
        raise ValueError("not a plain sum")

    try:
        value = walk(tree)
    except (ValueError, ZeroDivisionError, OverflowError):
        return None
    return value if math.isfinite(value) else None


def quantity_from_working(quantity: float | None, working: str) -> float | None:
    """The quantity to keep: the one given, else what its working gives when that is a
    plain sum of zero or more; None when neither says."""
    if quantity is not None:
        return quantity
    worked = evaluate(working) if working.strip() else None
    return worked if worked is not None and worked >= 0 else None

"""Sampling tables: every range as ATOMS equally likely values (exact for triangular
ranges, interpolated from exactly computed shapes for PERT)."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    pass

from workbook.analysis.scenarios.inputs import (
    _EVENT_BITS,
    _NEWTON_STEPS,
    _SERIES_TERMS,
    _SHAPES,
    ATOMS,
    Triple,
    _mean,
    _Move,
)


def _betainc(a: np.ndarray, b: np.ndarray, log_beta: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Regularized incomplete beta I_x(a, b) for a, b >= 1 and 0 < x < 1 (series and symmetry)."""
    x = np.broadcast_to(x, np.broadcast_shapes(a.shape, x.shape))
    flip = x > 0.5
    y = np.where(flip, 1.0 - x, x)
    p, q = np.where(flip, b, a), np.where(flip, a, b)
    term, total = np.ones_like(y), np.ones_like(y)
    for n in range(_SERIES_TERMS):
        term *= (p + q + n) / (p + 1 + n) * y
        total += term
    front = np.exp(p * np.log(y) + q * np.log1p(-y) - np.log(p) - log_beta)
    value = front * total
    return np.where(flip, 1.0 - value, value)


def _log_beta(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.vectorize(lambda s, t: math.lgamma(s) + math.lgamma(t) - math.lgamma(s + t))(a, b)


@functools.cache
def _pert_shapes() -> np.ndarray:
    """Slice means of the standard PERT on [0, 1] for likely values at 0, 1/32, ..., 1.

    Quantiles by Newton's method on the incomplete beta function from interpolated starts;
    slice means from the partial first moment, mean * I_x(a + 1, b). Shapes past 1/2 are
    mirror images of those before it.
    """
    half = _SHAPES // 2 + 1
    t = (np.arange(half) / (_SHAPES - 1))[:, None]
    a, b = 1 + 4 * t, 5 - 4 * t
    log_beta = _log_beta(a, b)
    u = np.arange(1, ATOMS) / ATOMS
    grid = np.arange(1, 512) / 512
    cdf = _betainc(a, b, log_beta, grid)
    x = np.array([np.interp(u, np.r_[0.0, row, 1.0], np.r_[0.0, grid, 1.0]) for row in cdf])
    for _ in range(_NEWTON_STEPS):
        density = np.exp((a - 1) * np.log(x) + (b - 1) * np.log1p(-x) - log_beta)
        x = np.clip(x - (_betainc(a, b, log_beta, x) - u) / density, 1e-9, 1 - 1e-9)
    mean = a / (a + b)
    moment = mean * _betainc(a + 1, b, _log_beta(a + 1, b), x)
    rows = ATOMS * np.diff(np.hstack([np.zeros_like(mean), moment, mean]), axis=1)
    shapes = np.vstack([rows, 1.0 - rows[-2::-1, ::-1]])
    shapes.flags.writeable = False
    return shapes


def _cubic(t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first of the four PERT shapes around each t, and their cubic (Lagrange) weights."""
    position = t * (_SHAPES - 1)
    start = np.clip(np.floor(position).astype(np.intp) - 1, 0, _SHAPES - 4)
    x = position - start
    weights = np.stack(
        [
            -(x - 1) * (x - 2) * (x - 3) / 6,
            x * (x - 2) * (x - 3) / 2,
            -x * (x - 1) * (x - 3) / 2,
            x * (x - 1) * (x - 2) / 6,
        ],
        axis=1,
    )
    return start, weights


@functools.cache
def _pert_basis() -> np.ndarray:
    """The PERT shapes in single precision."""
    basis = _pert_shapes().astype(np.float32)
    basis.flags.writeable = False
    return basis


_U = np.arange(ATOMS + 1) / ATOMS
_RISE = (ATOMS * np.diff(_U**1.5) * 2 / 3).astype(np.float32)
_FALL = (ATOMS * np.diff((1 - _U) ** 1.5) * 2 / 3).astype(np.float32)


def _triangular_integral(t: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Integral from 0 to u of the standard triangular's quantile function (mode t)."""
    rise = (2 / 3) * np.sqrt(t) * u**1.5
    fall = u - t + (2 / 3) * (t**2 - (1 - t) ** 2 + np.sqrt(1 - t) * (1 - u) ** 1.5)
    return np.where(u <= t, rise, fall)


def _triangular_atoms(t: np.ndarray) -> np.ndarray:
    """Slice means of the standard triangular with mode t (single precision)."""
    mode = np.minimum((t * ATOMS).astype(np.intp), ATOMS - 1)  # the slice holding the mode
    atoms = np.where(
        np.arange(ATOMS) < mode[:, None],
        np.sqrt(t).astype(np.float32)[:, None] * _RISE,
        np.sqrt(1 - t).astype(np.float32)[:, None] * _FALL + np.float32(1),
    )
    ends = _triangular_integral(t, _U[mode + 1]) - _triangular_integral(t, _U[mode])
    atoms[np.arange(t.size), mode] = ATOMS * ends
    return atoms


def _pert_atoms(t: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Slice means of the standard PERT with likely value at t, times scale (single precision)."""
    start, weights = _cubic(t)
    factors = (weights * scale[:, None]).astype(np.float32)
    shapes = _pert_basis()
    atoms = shapes[start] * factors[:, :1]
    for k in range(1, 4):
        atoms += shapes[start + k] * factors[:, k : k + 1]
    return atoms


def _tables(ranges: np.ndarray, signs: np.ndarray, distribution: str) -> np.ndarray:
    """Slice means of each (low, likely, high) row times its sign, single precision."""
    low, likely, high = ranges.T
    width = high - low
    t = np.divide(likely - low, width, out=np.zeros_like(width), where=width > 0).clip(0, 1)
    if distribution == "pert":
        tables = _pert_atoms(t, signs * width)
    else:
        tables = _triangular_atoms(t)
        tables *= (signs * width).astype(np.float32)[:, None]
    tables += (signs * low).astype(np.float32)[:, None]
    return tables


def _mixture_atoms(tables: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Slice means of a weighted mixture of equally likely atoms (one table per row)."""
    values = tables.astype(float).ravel()
    mass = np.repeat(weights / weights.sum() / ATOMS, ATOMS)
    order = np.argsort(values, kind="stable")
    cum_mass = np.r_[0.0, np.cumsum(mass[order])]
    cum_value = np.r_[0.0, np.cumsum(mass[order] * values[order])]
    cum_mass[-1] = 1.0
    return (ATOMS * np.diff(np.interp(_U, cum_mass, cum_value))).astype(np.float32)


@dataclass(frozen=True)
class _Term:
    """One signed part of the net value in one participant's draws."""

    threshold: int | None  # the event happens if the 32-bit word is below; None: always
    table: np.ndarray  # float32 (ATOMS,)


def _threshold(probability: float) -> int | None:
    """Event threshold for a 32-bit word: 0 never, None always."""
    steps = round(probability * 2**_EVENT_BITS)
    return None if steps >= 2**_EVENT_BITS else steps << (32 - _EVENT_BITS)


def _terms(move: _Move, distribution: str) -> list[list[_Term]]:
    """For each participant of a move, the terms of the net value to draw."""
    entries: list[tuple[Triple, float, float]] = []  # (range, sign, chance) of each table
    own: list[list[int]] = []  # each participant's entries
    pools: dict[int, list[int]] = {}  # each competitor's entries, from those who estimated it
    for v in move.views:
        rows = [len(entries), len(entries) + 1]
        cooperation = _mean(v.cooperation_probability, distribution)
        entries += [(v.gain, 1.0, 1.0), (v.cooperation_value, 1.0, cooperation)]
        for k, (probability, damage) in v.retaliation.items():
            rows.append(len(entries))
            pools.setdefault(k, []).append(len(entries))
            entries.append((damage, -1.0, _mean(probability, distribution)))
        own.append(rows)
    ranges = np.array([r for r, _, _ in entries])
    chances = np.array([c for _, _, c in entries])
    tables = _tables(ranges, np.array([s for _, s, _ in entries]), distribution)
    used: list[bool] = np.asarray(ranges.any(axis=1)).tolist()  # an all-zero range adds nothing
    parts = [[(chances[i], tables[i]) for i in rows if used[i]] for rows in own]
    for k, pool in pools.items():
        weights = chances[pool]
        missing = [j for j, v in enumerate(move.views) if k not in v.retaliation]
        if missing and weights.any():
            mixed = _mixture_atoms(tables[pool][weights > 0], weights[weights > 0])
            for j in missing:
                parts[j].append((weights.mean(), mixed))
    terms = [[_Term(_threshold(c), t) for c, t in part] for part in parts]
    return [[t for t in part if t.threshold != 0] for part in terms]

"""Uncertain scenario values: distributions, their central values, and draws per replication.

Any numeric value of a scenario may be written as a distribution instead of a
number, e.g. ``inflow_per_month: {dist: lognormal, s: 0.1, scale: 38}``. The
families and their parameters follow ``scipy.stats`` (``loc``, ``scale`` and
each family's shape), except that a truncated normal takes its bounds in the
value's own units (``lower``, ``upper``) rather than in standard deviations.
A scale of 0 is a point: the distribution always gives its central value.

Each value is drawn once per replication by inverting its CDF at a uniform
taken from a stream keyed by (seed, replication, parameter path): adding,
removing or reordering one uncertain value moves no other draw, the two arms
of a replication share every draw, and any worker draws the same numbers.
"""

from __future__ import annotations

import hashlib
import math
from functools import cached_property
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator
from scipy import special

from model.random_streams import Purpose

Finite = Annotated[float, Field(allow_inf_nan=False)]
Positive = Annotated[float, Field(gt=0, allow_inf_nan=False)]
Scale = Annotated[float, Field(ge=0, allow_inf_nan=False)]

#: Each family's parameters: required, then optional with their defaults (scipy.stats names).
FAMILIES: dict[str, tuple[tuple[str, ...], dict[str, float]]] = {
    "normal": (("loc", "scale"), {}),
    "lognormal": (("s", "scale"), {"loc": 0.0}),
    "beta": (("a", "b"), {"loc": 0.0, "scale": 1.0}),
    "gamma": (("a",), {"loc": 0.0, "scale": 1.0}),
    "triangular": (("c", "loc", "scale"), {}),
    "uniform": (("loc", "scale"), {}),
    "truncnormal": (("loc", "scale", "lower", "upper"), {}),
    "discrete": (("values", "probabilities"), {}),
}


class Distribution(BaseModel):
    """One uncertain value: a family and its parameters, scipy.stats semantics."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dist: Literal["normal", "lognormal", "beta", "gamma", "triangular", "uniform", "truncnormal", "discrete"]
    loc: Finite | None = None
    scale: Scale | None = None
    s: Scale | None = None  # lognormal: standard deviation of the log
    a: Positive | None = None  # beta, gamma: shape
    b: Positive | None = None  # beta: shape
    c: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)] | None = None  # triangular: mode at loc + c × scale
    lower: Finite | None = None  # truncnormal: bounds in the value's units
    upper: Finite | None = None
    values: list[Finite] | None = None  # discrete
    probabilities: list[Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]] | None = None
    #: the value used by ``--fixed`` and as the point of the scenario (default: the median)
    central: Finite | None = None
    #: where the range comes from, for people (shown in the assumptions sheet)
    source: str = ""

    @model_validator(mode="after")
    def _parameters(self) -> Distribution:
        required, optional = FAMILIES[self.dist]
        given = {k for k in ("loc", "scale", "s", "a", "b", "c", "lower", "upper", "values", "probabilities")}
        given = {k for k in given if getattr(self, k) is not None}
        missing = [k for k in required if k not in given]
        if missing:
            raise ValueError(f"{self.dist} needs {', '.join(missing)} (its parameters: {_signature(self.dist)})")
        extra = sorted(given - set(required) - set(optional))
        if extra:
            raise ValueError(f"{self.dist} takes no {', '.join(extra)} (its parameters: {_signature(self.dist)})")
        if self.dist == "truncnormal" and not self.lower < self.upper:  # type: ignore[operator]
            raise ValueError(f"truncnormal: lower ({self.lower}) must be below upper ({self.upper})")
        if self.dist == "truncnormal" and self.scale and not self.lower <= self.loc <= self.upper:  # type: ignore[operator]
            raise ValueError(f"truncnormal: loc ({self.loc}) must lie between lower and upper")
        if self.dist == "discrete":
            v, p = self.values or [], self.probabilities or []
            if not v or len(v) != len(p):
                raise ValueError("discrete needs as many probabilities as values (at least one)")
            if abs(sum(p) - 1) > 1e-9:
                raise ValueError(f"discrete: probabilities must sum to 1 (got {sum(p):.6g})")
        if self.central is not None:
            lo, hi = self.support
            if not lo <= self.central <= hi:
                raise ValueError(f"central {self.central} lies outside the distribution's range {lo}–{hi}")
        return self

    # --- the distribution -----------------------------------------------------------

    @property
    def point(self) -> bool:
        """A distribution of zero width: it always gives its central value."""
        if self.dist == "discrete":
            return len(set(self.values or [])) == 1
        width = self.s if self.dist == "lognormal" else self.scale
        return width == 0

    @cached_property
    def support(self) -> tuple[float, float]:
        """The smallest and largest value the distribution can give."""
        loc, scale = self.loc or 0.0, self.scale if self.scale is not None else 1.0
        match self.dist:
            case "normal":
                return (loc, loc) if scale == 0 else (-math.inf, math.inf)
            case "lognormal":
                return (loc + scale, loc + scale) if self.s == 0 or scale == 0 else (loc, math.inf)
            case "gamma":
                return (loc, loc) if scale == 0 else (loc, math.inf)
            case "beta" | "triangular" | "uniform":
                return (loc, loc + scale)
            case "truncnormal":
                return (loc, loc) if scale == 0 else (float(self.lower), float(self.upper))  # type: ignore[arg-type]
            case _:
                return (min(self.values or [0.0]), max(self.values or [0.0]))

    @property
    def extremes(self) -> tuple[float, float]:
        """The smallest and largest value a draw can take (at the extreme uniforms of :func:`uniform`)."""
        if self.point:
            return (self.centre, self.centre)
        return (self.draw(U_STEP / 2), self.draw(1 - U_STEP / 2))

    @property
    def integer_valued(self) -> bool:
        """Only whole numbers can be drawn (a discrete distribution of integers, or a point on one)."""
        if self.dist == "discrete":
            return all(float(v).is_integer() for v in self.values or [])
        return self.point and float(self.centre).is_integer()

    @cached_property
    def centre(self) -> float:
        """The central value: ``central`` if given, else the median to 12 significant digits.

        Rounded so that a median such as 0.1 + 0.4 × 0.5 is the 0.3 a person wrote, not 0.30000000000000004.
        """
        if self.central is not None:
            return float(self.central)
        return float(f"{float(self.ppf(0.5)):.12g}")

    def ppf(self, u: float | np.ndarray) -> float | np.ndarray:
        """The value at cumulative probability ``u`` (the inverse CDF), vectorised over ``u``."""
        u = np.asarray(u, dtype=float)
        loc, scale = self.loc or 0.0, self.scale if self.scale is not None else 1.0
        match self.dist:
            case "normal":
                out = loc + scale * special.ndtri(u)
            case "lognormal":
                out = loc + scale * np.exp(self.s * special.ndtri(u))
            case "beta":
                out = loc + scale * special.betaincinv(self.a, self.b, u)
            case "gamma":
                out = loc + scale * special.gammaincinv(self.a, u)
            case "uniform":
                out = loc + scale * u
            case "triangular":
                c = self.c
                left = np.sqrt(u * c)
                right = 1 - np.sqrt((1 - u) * (1 - c))
                out = loc + scale * np.where(u < c, left, right)
            case "truncnormal":
                if scale == 0:
                    out = np.full_like(u, loc)
                else:
                    lo = special.ndtr((self.lower - loc) / scale)  # type: ignore[operator]
                    hi = special.ndtr((self.upper - loc) / scale)  # type: ignore[operator]
                    out = np.clip(loc + scale * special.ndtri(lo + u * (hi - lo)), self.lower, self.upper)
            case _:
                cum = np.cumsum(self.probabilities)
                idx = np.minimum(np.searchsorted(cum, u, side="left"), len(cum) - 1)  # scipy: the least x with F(x) ≥ u
                out = np.asarray(self.values, dtype=float)[idx]
        return float(out) if out.ndim == 0 else out

    def draw(self, u: float) -> float:
        """A draw at uniform ``u``; a point distribution gives exactly its central value."""
        return self.centre if self.point else float(self.ppf(u))

    def scipy(self):
        """The same distribution as a frozen ``scipy.stats`` object (continuous families)."""
        from scipy import stats

        loc, scale = self.loc or 0.0, self.scale if self.scale is not None else 1.0
        match self.dist:
            case "normal":
                return stats.norm(loc, scale)
            case "lognormal":
                return stats.lognorm(self.s, loc, scale)
            case "beta":
                return stats.beta(self.a, self.b, loc, scale)
            case "gamma":
                return stats.gamma(self.a, loc, scale)
            case "uniform":
                return stats.uniform(loc, scale)
            case "triangular":
                return stats.triang(self.c, loc, scale)
            case "truncnormal":
                return stats.truncnorm((self.lower - loc) / scale, (self.upper - loc) / scale, loc, scale)  # type: ignore[operator]
            case _:
                return stats.rv_discrete(values=(self.values, self.probabilities))

    def text(self) -> str:
        """E.g. ``lognormal(s=0.1, scale=38)``, for the assumptions sheet and the terminal."""
        required, optional = FAMILIES[self.dist]
        shown = [k for k in (*required, *optional) if getattr(self, k) is not None]
        return f"{self.dist}(" + ", ".join(f"{k}={_short(getattr(self, k))}" for k in shown) + ")"


def _short(v: object) -> str:
    if isinstance(v, list):
        return "[" + ", ".join(_short(x) for x in v) + "]"
    return f"{v:g}" if isinstance(v, float) else str(v)


def _signature(family: str) -> str:
    required, optional = FAMILIES[family]
    return ", ".join([*required, *(f"{k}={v:g}" for k, v in optional.items())])


# --- draws keyed by (seed, replication, path) ------------------------------------------


def uniform(seed: int, rep: int, path: str, purpose: Purpose = Purpose.PARAMETERS) -> float:
    """The uniform of ``path`` in draw ``rep``: 52 bits of a BLAKE2b hash of (seed, draw, purpose, path).

    A keyed hash rather than a generator: a few microseconds per value, and a value's
    number depends on nothing but its own key. The midpoint of one of 2^52 equal
    cells, exactly representable, so never 0 or 1 (an unbounded family stays finite).
    """
    key = f"{seed}:{rep}:{int(purpose)}:{path}".encode()
    bits = int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "little") >> 12
    return (bits + 0.5) * U_STEP


#: The spacing of :func:`uniform`'s values; the smallest is U_STEP / 2, the largest 1 − U_STEP / 2.
U_STEP = 2.0**-52


def draw_all(distributions: dict[str, Distribution], seed: int, rep: int) -> dict[str, float]:
    """One value per uncertain path for replication ``rep`` (sorted by path)."""
    return draw_many(distributions, seed, [rep])[0]


def draw_many(distributions: dict[str, Distribution], seed: int, reps: list[int]) -> list[dict[str, float]]:
    """:func:`draw_all` for each of ``reps``: each value a distribution's :meth:`~Distribution.draw` at the
    path's keyed uniform, the inverse CDF evaluated once per path over all of them."""
    columns = {}
    for path, d in sorted(distributions.items()):
        if d.point:
            columns[path] = [d.centre] * len(reps)
        else:
            u = np.array([uniform(seed, rep, path) for rep in reps])
            columns[path] = np.asarray(d.ppf(u), dtype=np.float64).reshape(len(reps)).tolist()
    return [{path: values[i] for path, values in columns.items()} for i in range(len(reps))]


def weighted_quantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    """The smallest value whose share of the weight, with those below it, reaches ``q`` (weighted draws: a
    posterior's rows, a calibration's particles)."""
    order = np.argsort(x, kind="stable")
    cw = np.cumsum(w[order])
    return float(x[order][min(int(np.searchsorted(cw, q * cw[-1])), len(x) - 1)])

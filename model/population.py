"""The households of one replication: who arrives when, and with what attributes.

Arrivals and attributes are drawn before either arm runs, so the programme arm
and the counterfactual share them exactly (common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from model.hazards import readiness_multiplier, stationary_duration
from model.params import Params
from model.random_streams import Purpose, generator

MAX_CHILDREN = 6
CHILD_MAX_AGE_AT_ARRIVAL = 18.0  # years; assumption: children 0–17 at arrival, uniformly
# columns of the attribute uniforms
_REASON, _COUPLE, _KIDS, _AGE0 = 0, 1, 2, 3
_READY, _MEMBER, _DURATION = _AGE0 + MAX_CHILDREN, _AGE0 + MAX_CHILDREN + 1, _AGE0 + MAX_CHILDREN + 2
N_ATTRIBUTES = _DURATION + 1
MAX_AGE = 65.0  # years: the last age band runs to here


@dataclass(frozen=True)
class Population:
    """Household attributes as arrays indexed by household id (arrival order)."""

    arrival: np.ndarray  # time of arrival (0 for the initial stock)
    initial: np.ndarray  # bool: in the stock at month 0
    origin: np.ndarray  # start of the current benefit spell (≤ arrival)
    reason: np.ndarray  # index into REASONS
    adults: np.ndarray  # 1 or 2
    n_children: np.ndarray
    child_birth: np.ndarray  # (n, MAX_CHILDREN) month of birth, NaN where no child
    readiness: np.ndarray  # in [0, 1): the quantile in the stock; higher = closer to work
    ready: np.ndarray  # bool: judged ready for a job or internship
    work_multiplier: np.ndarray  # multiplier on the household's own work-exit hazard, from its readiness
    member: np.ndarray  # bool: a-kassa member of 12 months or more
    age: np.ndarray  # years, at arrival
    newly_arrived: np.ndarray  # bool: in Sweden 3 years or less
    away_since: np.ndarray  # when the household's time away from work began (≤ origin): unemployment before benefit
    lottery: np.ndarray  # in [0, 1): the household's place in a random matching order (priority key "lottery")
    assessment: np.ndarray  # months on benefit the household's assessment takes before a first placement

    @property
    def n(self) -> int:
        return len(self.arrival)


def arrivals(p: Params, rep: int) -> np.ndarray:
    """Arrival times of the new households (Poisson counts per month, uniform within)."""
    rng = generator(p.seed, rep, Purpose.ARRIVALS)
    counts = rng.poisson(p.inflow)
    months = np.repeat(np.arange(p.n_months, dtype=float), counts)
    # m + u can round up to m + 1 (u within 2⁻⁵³ of 1): keep every arrival inside its month
    return np.sort(np.minimum(months + rng.random(len(months)), np.nextafter(months + 1, months)))


def generate(p: Params, rep: int) -> Population:
    """All households of replication ``rep``: the initial stock, then arrivals in time order."""
    new = arrivals(p, rep)
    n0 = p.initial_households
    n = n0 + len(new)
    arrival = np.concatenate([np.zeros(n0), new])
    initial = np.arange(n) < n0
    u = generator(p.seed, rep, Purpose.ATTRIBUTES).random((n, N_ATTRIBUTES))

    reason, adults, kids = np.empty(n, dtype=np.int8), np.empty(n, dtype=np.int8), np.empty(n, dtype=np.int8)
    birth = np.empty((n, MAX_CHILDREN))
    _composition(
        u, n0, np.cumsum(p.stock_shares), np.cumsum(p.inflow_shares), float(p.couple_share),
        np.asarray(p.children_cdf, dtype=np.float64), arrival, reason, adults, kids, birth,
    )  # fmt: skip
    # readiness: the household's quantile in the stock (uniform there); arrivals lean to the ready (params)
    readiness = u[:, _READY].copy()
    if p.readiness_effect:
        grid = np.linspace(0.0, 1.0, p.readiness_cdf.shape[1])
        _interp_by_row(u[n0:, _READY], reason[n0:], np.asarray(p.readiness_cdf, dtype=np.float64), grid, readiness[n0:])
    ready = readiness >= 1 - p.ready_share
    work_multiplier = readiness_multiplier(readiness, p.readiness_effect)

    origin = arrival.copy()
    rates = np.asarray(p.rates, dtype=np.float64)
    _stationary_origins(
        rates, np.asarray(p.band_starts, dtype=np.float64), reason, work_multiplier, u[:, _DURATION], origin, n0
    )
    lower = np.asarray(p.age_lower)
    upper = np.append(lower[1:], MAX_AGE)
    # ages from a stream of their own: adding them left every other attribute's draws as they were
    u_age = generator(p.seed, rep, Purpose.ATTRIBUTES, 1).random(n) * p.age_cdf[-1]
    band = np.minimum(np.searchsorted(np.asarray(p.age_cdf), u_age, side="right"), len(lower) - 1)
    width = np.diff(np.r_[0.0, p.age_cdf])[band]
    within = (u_age - np.r_[0.0, p.age_cdf][band]) / np.where(width > 0, width, 1.0)  # a zero-share band: its start
    age = lower[band] + np.clip(within, 0.0, 1.0) * (upper[band] - lower[band])
    # months away from work before the benefit spell began, from a stream of their own (no other draw moves)
    u_away = generator(p.seed, rep, Purpose.ATTRIBUTES, 2).random(n)
    away_before = -p.away_before_mean * np.log1p(-u_away)
    # the matching order nothing else explains, from a stream of its own (no other draw moves)
    lottery = generator(p.seed, rep, Purpose.ATTRIBUTES, 3).random(n)
    assessment = np.full(n, float(p.assessment_months))
    if p.assessment_varies:  # exponential with the scenario's mean, from a stream of its own
        assessment *= -np.log1p(-generator(p.seed, rep, Purpose.ATTRIBUTES, 4).random(n))
    return Population(
        arrival=arrival,
        initial=initial,
        origin=origin,
        reason=reason,
        adults=adults,
        n_children=kids,
        child_birth=birth,
        readiness=readiness,
        ready=ready,
        work_multiplier=work_multiplier,
        member=u[:, _MEMBER] < p.member_share,
        age=age,
        newly_arrived=np.asarray(p.newly_arrived_reasons)[reason],
        away_since=origin - away_before,
        lottery=lottery,
        assessment=assessment,
    )


_stationary_duration = numba.njit(cache=True)(stationary_duration)


@numba.njit(cache=True)
def _stationary_origins(rates, band_starts, reason, work_multiplier, u, origin, n0):
    """When each household of the initial stock began its spell, drawn from a stationary stock (in place).

    :func:`~model.hazards.stationary_duration` compiled: the same arithmetic (math.exp and math.log
    of the C library), over the whole stock at once.
    """
    nb = rates.shape[1]
    totals = np.empty(nb)
    for i in range(n0):
        r = rates[reason[i]]
        for b in range(nb):
            totals[b] = r[b, 0] * work_multiplier[i] + r[b, 1] + r[b, 2] + r[b, 3]
        if totals[nb - 1] > 0:  # a stationary stock exists only if every spell ends
            origin[i] = -_stationary_duration(totals, band_starts, u[i])


@numba.njit(cache=True, inline="always")
def _at_or_below(cdf, x):
    """How many of ``cdf``'s values are ≤ ``x``: ``np.searchsorted(cdf, x, side="right")``."""
    k = 0
    while k < len(cdf) and cdf[k] <= x:
        k += 1
    return k


@numba.njit(cache=True)
def _composition(u, n0, stock_cdf, inflow_cdf, couple_share, children_cdf, arrival, reason, adults, kids, birth):
    """Each household's reason (the stock's shares for the first ``n0``, the inflow's after), adults, children
    and their births (NaN where no child), from its attribute uniforms: the arithmetic of the numpy steps this
    replaced, one household at a time."""
    for i in range(u.shape[0]):
        cdf = stock_cdf if i < n0 else inflow_cdf
        reason[i] = _at_or_below(cdf, u[i, _REASON] * cdf[len(cdf) - 1])
        adults[i] = 2 if u[i, _COUPLE] < couple_share else 1
        k = min(_at_or_below(children_cdf, u[i, _KIDS] * children_cdf[len(children_cdf) - 1]), MAX_CHILDREN)
        kids[i] = k
        for c in range(MAX_CHILDREN):
            birth[i, c] = arrival[i] - (u[i, _AGE0 + c] * CHILD_MAX_AGE_AT_ARRIVAL) * 12.0 if c < k else np.nan


@numba.njit(cache=True)
def _interp_by_row(x, row, xp, fp, out):
    """``out[i] = np.interp(x[i], xp[row[i]], fp)``, with numpy's arithmetic step for step (the same bits:
    tests/test_readiness.py compares them), without sorting the households by row first."""
    n = xp.shape[1]
    for i in range(len(x)):
        r = row[i]  # xp[r, k], not a view of the row: a view per household costs more than its search
        v = x[i]
        if v != v:
            out[i] = v
        elif v < xp[r, 0]:
            out[i] = fp[0]
        elif v > xp[r, n - 1]:
            out[i] = fp[n - 1]
        else:
            j, size = 0, n  # the last j with xp[r, j] <= v (numpy: binary_search_with_guess), without branches
            while size > 1:
                half = size >> 1
                j = j + half if xp[r, j + half] <= v else j
                size -= half
            if j == n - 1 or xp[r, j] == v:
                out[i] = fp[j]
            else:
                slope = (fp[j + 1] - fp[j]) / (xp[r, j + 1] - xp[r, j])
                y = slope * (v - xp[r, j]) + fp[j]
                if y != y:
                    y = slope * (v - xp[r, j + 1]) + fp[j + 1]
                    if y != y and fp[j] == fp[j + 1]:
                        y = fp[j]
                out[i] = y


def has_child_under(births: np.ndarray, t: float, years: float = 18.0) -> bool:
    """Does a household whose children were born at ``births`` (NaN: no child) have one under ``years`` at ``t``?

    The one definition the engine (a-kassa days) and the ledger (their price) share.
    """
    return any(b == b and 0 <= (t - b) / 12 < years for b in births)

"""Competing-risks sampling under piecewise-constant hazards.

A household draws, on entering a state, the time of its next transition and
where it goes, from one exponential ``e`` and one uniform ``u`` — no monthly
polling. Hazards change with time on benefit (duration bands), after a
programme (a multiplier on the work route for a window), and by a lock-in
factor during a programme.

:func:`exponential`, :func:`draw_exit` and :func:`length_adjusted` are the
transition rules both engines run: the SimPy engine calls them as Python, the
fast engine compiles these very functions with numba. They are written in the
subset numba compiles (indexing, no bisect, no unpacking of rows), and their
float arithmetic is IEEE in both, so both engines get the same bits.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numba.extending import register_jitable

INF = math.inf
WORK, STUDIES, MOVED, OTHER, EXTRA = 0, 1, 2, 3, 4


def exponential(u: float) -> float:
    """A standard exponential from a uniform in [0, 1), by inversion: the one place both engines compute it.

    ``math.log1p`` (the C library's, in Python and in numba alike), never
    numpy's, whose vectorised log1p may differ in the last bit.
    """
    return -math.log1p(-u)


def draw_exit(
    now: float,
    origin: float,
    band_starts: Sequence[float],
    band_rates: Sequence[tuple[float, float, float, float]],
    e: float,
    u: float,
    work_mult: float = 1.0,
    work_mult_until: float = -INF,
    lock: float = 1.0,
    extra: float = 0.0,
    year_starts: Sequence[float] | None = None,
    year_work: Sequence[float] = (),
) -> tuple[float, int]:
    """Time and route of the next regular exit.

    Args:
        now: current time (months).
        origin: start of the benefit spell; duration at ``t`` is ``t - origin``.
        band_starts, band_rates: hazards (work, studies, moved, other) per duration band.
        e: a standard exponential draw; u: a uniform draw for the route.
        work_mult, work_mult_until: post-programme multiplier on the work route, until a time.
        lock: lock-in factor on the work and studies routes (during a programme).
        extra: a further constant hazard (dropout), returned as route ``EXTRA``.
        year_starts, year_work: the labour market's multiplier on the work route by calendar
            segment (segment i from ``year_starts[i]``; the first starts at −inf); None: none.

    Returns:
        ``(time, route)``, or ``(inf, -1)`` if every hazard is zero from now on.
    """
    nb = len(band_starts)
    b = nb - 1
    d = now - origin
    while b > 0 and band_starts[b] > d:
        b -= 1
    t = now
    c = 0  # the labour market's segment holding t (the first starts at −inf); t only grows, so does c
    while True:
        end = origin + band_starts[b + 1] if b + 1 < nb else INF
        wm = 1.0
        if work_mult_until > t:
            wm = work_mult
            if work_mult_until < end:
                end = work_mult_until
        row = band_rates[b]
        w, s, m, o = row[0], row[1], row[2], row[3]
        if year_starts is not None:
            while c + 1 < len(year_starts) and year_starts[c + 1] <= t:
                c += 1
            if c + 1 < len(year_starts) and year_starts[c + 1] < end:
                end = year_starts[c + 1]
            wm *= year_work[c]
        w *= wm * lock
        s *= lock
        total = w + s + m + o + extra
        if total > 0.0:
            span = end - t
            if span == INF or e < total * span:
                x = u * total
                if x < w:
                    route = WORK
                elif x < w + s:
                    route = STUDIES
                elif x < w + s + m:
                    route = MOVED
                elif x < w + s + m + o:
                    route = OTHER
                else:
                    route = EXTRA
                return t + e / total, route
            e -= total * span
        elif end == INF:
            return INF, -1
        t = end
        if b + 1 < nb and t >= origin + band_starts[b + 1]:
            b += 1


def readiness_multiplier(u: float | np.ndarray, effect: float) -> float | np.ndarray:
    """Multiplier on the work-exit hazard of a household at readiness ``u`` (its quantile in the stock, 0–1).

    ``effect`` is the log-ratio between the most and the least ready household's
    hazard; the multiplier averages 1 over a uniform ``u``, so the stock's mean
    work hazard stays the calibrated baseline: effect × e^(effect·u) / (e^effect − 1).
    """
    if effect == 0:
        return np.ones_like(u) if isinstance(u, np.ndarray) else 1.0
    return effect * np.exp(effect * u) / np.expm1(effect)


def length_adjusted(multiplier: float, months: float, reference: float, elasticity: float, most: float) -> float:
    """A post-programme multiplier after a job of ``months``: its effect (multiplier − 1) scaled by job length.

    The effect is (months / reference) ^ elasticity times the effect after a
    job of the reference length, at most ``most`` times it; so a job of the
    reference length keeps its multiplier, and elasticity 0 ignores length.
    Created workplaces (a multiplier below 1) grow more negative with length.
    """
    scale = min(most, (months / reference) ** elasticity) if months > 0 else 0.0
    return max(0.0, 1.0 + (multiplier - 1.0) * scale)


@register_jitable  # Python here; compiled where a compiled caller needs it (population's stationary stock)
def _next_band(s: float, acc: float, h: float, width: float) -> tuple[float, float]:
    """Survival and the integral of survival carried across a band of ``width`` months at total hazard ``h``."""
    acc += s * (1 - math.exp(-h * width)) / h if h > 0 else s * width
    s *= math.exp(-h * width)
    return s, acc


def stationary_duration(totals: Sequence[float], band_starts: Sequence[float], u: float) -> float:
    """Months already on benefit of a household drawn from a stationary stock.

    In a steady state the elapsed durations have density S(d) / mean spell, S the
    survival function; this inverts that distribution at ``u``. Two passes over
    the bands (the mean, then the band holding the quantile), no list: the
    population draws it for every household of the initial stock.
    """
    n = len(totals)
    s, acc = 1.0, 0.0
    for i in range(n - 1):
        s, acc = _next_band(s, acc, totals[i], band_starts[i + 1] - band_starts[i])
    target = u * (acc + s / totals[n - 1])
    if not target >= 0.0:
        return 0.0
    s, acc = 1.0, 0.0
    for i in range(n):  # the last band whose integral before it is ≤ target (the integrals never decrease)
        if i + 1 < n:
            s_next, acc_next = _next_band(s, acc, totals[i], band_starts[i + 1] - band_starts[i])
            if not acc_next > target:
                s, acc = s_next, acc_next
                continue
        h = totals[i]
        x = target - acc
        if h > 0:
            arg = 1 - h * x / s
            return band_starts[i] + (-math.log(arg) / h if arg > 0 else 0.0)
        return band_starts[i] + x / s
    return 0.0

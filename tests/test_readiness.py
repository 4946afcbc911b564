"""Who is placed, and when: the assessment time before a first placement, and readiness in the exit hazards."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.hazards import readiness_multiplier
from model.population import _interp_by_row
from model.simulate import simulate
from model.states import PLACE_STATES, State
from tests.conftest import lund_dict, params_of, small_dict

PLACE_CODES = [int(s) for s in PLACE_STATES]


def test_readiness_multiplier_averages_one_and_rises():
    u = (np.arange(100_000) + 0.5) / 100_000
    for effect in (0.5, 1.5, 3.0):
        g = readiness_multiplier(u, effect)
        assert g.mean() == pytest.approx(1.0, rel=1e-6)
        assert np.all(np.diff(g) > 0)
        assert g[-1] / g[0] == pytest.approx(np.exp(effect), rel=1e-3)
    assert readiness_multiplier(0.3, 0.0) == 1.0


def test_no_household_is_placed_before_its_assessment_time():
    d = small_dict()
    d["horizon"] = "2024-12"
    d["population"]["initial_households"] = 40
    d["population"]["inflow_per_month"] = 6
    d["population"]["ready_share"] = 1.0
    d["programme"]["eligible_reasons"] = ["unemployed", "sfi", "other"]
    d["programme"]["starts_per_year"] = {2022: {"jobs": 40, "internships": 30}}
    d["programme"]["assessment_months"] = 4.0
    p = params_of(d)
    checked = waited = 0
    for rep in range(3):
        r = simulate(p, rep)
        v, pop = r.arms["programme"].visits.sorted(), r.population
        for h in np.unique(v.hh[np.isin(v.state, PLACE_CODES)]):
            mine = np.flatnonzero(v.hh == h)
            first = mine[np.isin(v.state[mine], PLACE_CODES)][0]
            t = v.t0[first]
            back = v.t1[mine][(v.state[mine] >= int(State.EXIT_WORK)) & (v.t1[mine] <= t)]
            origin = back.max() if len(back) else pop.origin[h]  # the spell in which it was placed
            assert t >= origin + 4.0 - 1e-9, (h, t, origin)
            checked += 1
            waited += t - origin < 4.0 + 1e-6  # placed as soon as assessed
    assert checked > 50 and waited > 10  # the rule binds for many


def _work_exit_rate(p, reps: int, top: bool) -> float:
    """Exits to work per household-month on benefit in the counterfactual, among the most or least ready third."""
    exits = months = 0.0
    for rep in range(reps):
        r = simulate(p, rep)
        v, pop = r.arms["counterfactual"].visits, r.population
        q = pop.readiness[v.hh]
        sel = (v.state == int(State.BENEFIT)) & ((q >= 2 / 3) if top else (q < 1 / 3))
        exits += (v.nxt[sel] == int(State.EXIT_WORK)).sum()
        months += (v.t1[sel] - v.t0[sel]).sum()
    return exits / months


def test_raising_readiness_raises_exits_in_the_counterfactual():
    d = small_dict()
    d["horizon"] = "2025-12"
    d["population"]["initial_households"] = 300
    d["population"]["inflow_per_month"] = 12
    d["baseline"]["readiness_work_effect"] = 1.5
    p = params_of(d)
    high, low = _work_exit_rate(p, 3, True), _work_exit_rate(p, 3, False)
    assert high > 2.0 * low  # e^1.5 ≈ 4.5 between the extremes; ≈ 2.7 between the thirds' means
    d["baseline"]["readiness_work_effect"] = 0.0
    p0 = params_of(d)
    high0, low0 = _work_exit_rate(p0, 3, True), _work_exit_rate(p0, 3, False)
    assert 0.75 < high0 / low0 < 1.33  # without the effect readiness only orders the queue


def test_arrivals_keep_the_stock_uniform_in_readiness():
    """A steady state: the ready leave sooner and more of them arrive, so the stock's readiness stays uniform."""
    d = lund_dict()  # the default's stock and inflow are close to a steady state
    d["horizon"] = "2029-12"
    d["baseline"]["readiness_work_effect"] = 2.0
    d["programme"]["starts_per_year"] = {2021: {"jobs": 0, "internships": 0}}
    d["programme"].pop("allocation")
    p = params_of(d)
    means = []
    for rep in range(4):
        r = simulate(p, rep)
        v, pop = r.arms["counterfactual"].visits, r.population
        at = 88.0  # seven years on (from 2021-09)
        on = (v.state == int(State.BENEFIT)) & (v.t0 <= at) & (v.t1 > at)
        means.append(pop.readiness[v.hh[on]].mean())
    assert np.mean(means) == pytest.approx(0.5, abs=0.04)


@settings(max_examples=200, deadline=None)
@given(
    cells=st.integers(2, 40),
    seed=st.integers(0, 2**32 - 1),
    ties=st.booleans(),
)
def test_arrivals_readiness_is_numpys_interp_bit_for_bit(cells, seed, ties):
    """The compiled interpolation of arrivals' readiness gives np.interp's bits, at grid points and ties too."""
    rng = np.random.default_rng(seed)
    xp = np.sort(rng.random((3, cells)), axis=1)
    xp[:, 0], xp[:, -1] = 0.0, 1.0
    if ties and cells > 3:
        xp[:, cells // 2] = xp[:, cells // 2 - 1]  # a flat stretch of the CDF
    fp = np.linspace(0.0, 1.0, cells)
    x = np.concatenate([rng.random(200), xp[0], [0.0, 1.0, -0.1, 1.1]])
    row = np.zeros(len(x), dtype=np.int8)
    row[:200] = rng.integers(0, 3, 200)
    out = np.empty(len(x))
    _interp_by_row(x, row, xp, fp, out)
    expected = np.array([np.interp(x[i], xp[row[i]], fp) for i in range(len(x))])
    assert out.tobytes() == expected.tobytes()

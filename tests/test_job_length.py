"""Job length and the post-programme effect (dose-response): longer jobs, larger effects, 6 months as before."""

from __future__ import annotations

import numpy as np
import pytest

from model.hazards import length_adjusted
from model.simulate import simulate
from model.states import JOB_STATES, State
from tests.conftest import params_of, small_dict


def test_the_reference_length_keeps_the_multiplier_and_longer_jobs_scale_the_effect():
    assert length_adjusted(1.4, 6.0, 6.0, 0.5, 2.0) == 1.4
    assert length_adjusted(1.4, 12.0, 6.0, 0.5, 2.0) == pytest.approx(1 + 0.4 * 2**0.5)
    assert length_adjusted(1.4, 60.0, 6.0, 0.5, 2.0) == pytest.approx(1 + 0.4 * 2.0)  # capped
    assert length_adjusted(0.8, 12.0, 6.0, 0.5, 2.0) == pytest.approx(1 - 0.2 * 2**0.5)  # created: more negative
    assert length_adjusted(1.4, 12.0, 6.0, 0.0, 2.0) == 1.4  # elasticity 0: length does not matter
    assert length_adjusted(0.2, 60.0, 6.0, 1.0, 10.0) == 0.0  # never a negative hazard


def _scenario(months: float, elasticity: float) -> dict:
    d = small_dict()
    d["horizon"] = "2025-12"
    d["population"]["initial_households"] = 150
    d["population"]["ready_share"] = 1.0
    d["programme"]["starts_per_year"] = {2022: {"jobs": 40, "internships": 0}}
    d["programme"]["duration_months"]["jobs"] = months
    d["effects"]["job_length_response"] = {"reference_months": 6, "elasticity": elasticity, "max_factor": 2.0}
    return d


def test_six_month_jobs_give_exactly_the_results_without_a_length_effect():
    for rep in range(3):
        a = simulate(params_of(_scenario(6, 0.5)), rep)
        b = simulate(params_of(_scenario(6, 0.0)), rep)
        for arm in ("programme", "counterfactual"):
            np.testing.assert_array_equal(a.arms[arm].flows, b.arms[arm].flows)
            np.testing.assert_array_equal(a.arms[arm].stocks, b.arms[arm].stocks)


def test_with_an_elasticity_longer_jobs_raise_work_exits_after_them():
    """12-month jobs in ordinary workplaces (multiplier 1.4): exits to work in the window after the job rise
    when length matters (1 + 0.4 √2 ≈ 1.57 against 1.4); the jobs and what happens before are the same."""
    rates = {}
    for e in (0.0, 1.0):
        exits = months = 0.0
        for rep in range(6):
            d = _scenario(12, e)
            d["programme"]["ordinary_workplace_share"] = 1.0
            d["effects"]["hire_probability"] = {"ordinary": 0.0, "created": 0.0}
            d["programme"]["financing"]["take_up"] = {"nystartsjobb": 0.0, "introduktionsjobb": 0.0}
            d["programme"]["akassa_new_law_counting_job_types"] = []
            r = simulate(params_of(d), rep)
            v = r.arms["programme"].visits
            job = np.isin(v.state, [int(s) for s in JOB_STATES]) & (v.t1 - v.t0 >= 12 - 1e-9)
            ended = {int(h): t for h, t in zip(v.hh[job], v.t1[job], strict=True)}
            after = (v.state == int(State.AKASSA)) | (v.state == int(State.BENEFIT))
            for i in np.flatnonzero(after & np.isin(v.hh, list(ended))):
                if v.t0[i] >= ended[int(v.hh[i])] - 1e-9:
                    exits += v.nxt[i] == int(State.EXIT_WORK)
                    months += v.t1[i] - v.t0[i]
        rates[e] = exits / months
    assert rates[1.0] / rates[0.0] > 1.1  # the work route carries most exits; 2 × the effect raises it clearly

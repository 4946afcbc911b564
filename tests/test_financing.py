"""Nystartsjobb and introduktionsjobb finance a municipal job when its holder is eligible (Lund §4.4)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from model.ledger import CATEGORY_INDEX
from model.placement import Placement
from model.rules import functions as rf
from model.rules import load_rules
from model.simulate import simulate
from model.states import JOB_STATES, State
from tests.conftest import financing, lund_dict, params_of, small_dict

JOB_CODES = [int(s) for s in JOB_STATES]


def busy_dict(**take_up: float) -> dict:
    d = small_dict()
    d["horizon"] = "2025-12"
    d["population"]["initial_households"] = 200
    d["population"]["inflow_per_month"] = 8
    d["programme"]["starts_per_year"] = {2022: {"jobs": 60, "internships": 10}}
    d["programme"]["eligible_reasons"] = ["unemployed", "sfi"]  # SFI households are the newly arrived
    d["programme"]["financing"] = financing(**take_up)
    d["budget_frames"] = {}
    return d


def _away_since(v, pop, h: int, t: float) -> float:
    """When household ``h``'s time away from work began, for a job starting at ``t`` (a return starts it anew)."""
    back = v.t1[(v.hh == h) & (v.state >= int(State.EXIT_WORK)) & (v.t1 <= t) & (v.nxt == int(State.BENEFIT))]
    return float(back.max()) if len(back) else float(pop.away_since[h])


def test_with_take_up_one_every_eligible_holder_is_subsidised_and_no_one_else():
    """Eligibility recomputed from the rule functions for every job start: eligible ⇔ nystartsjobb."""
    p = params_of(busy_dict(nystartsjobb=1.0))
    rules = load_rules()
    r = simulate(p, 0)
    v, pop = r.arms["programme"].visits, r.population
    counts = {True: 0, False: 0}
    for i in np.flatnonzero(np.isin(v.state, JOB_CODES)):
        h, t = int(v.hh[i]), float(v.t0[i])
        on = p.calendar.month(int(t)).first_day()
        age = pop.age[h] + (t - pop.arrival[h]) / 12
        need = rf.months_before_eligible(rules, "nystartsjobb", on, age, bool(pop.newly_arrived[h]))
        away = t - _away_since(v, pop, h, t)
        if abs(away - need) < 1e-9:
            continue  # a tie at the boundary: either is right
        eligible = away > need
        assert (v.state[i] == int(State.NYSTARTSJOBB)) == eligible, (h, t, age, away, need)
        counts[eligible] += 1
    assert counts[True] > 30 and counts[False] > 30  # both kinds of holder occur


def test_with_take_up_zero_no_job_is_subsidised():
    p = params_of(busy_dict())
    r = simulate(p, 0)
    v = r.arms["programme"].visits
    assert (v.state == int(State.MUNICIPAL_JOB)).sum() > 30
    assert not np.isin(v.state, JOB_CODES[1:]).any()
    for cat in ("subsidy_nystartsjobb", "subsidy_introduktionsjobb", "subsidy_extratjanst", "supervision_support"):
        assert r.arms["programme"].flows[CATEGORY_INDEX[cat]].sum() == 0


def test_financing_changes_money_not_lives():
    """Take-up moves no random number: with jobs the law does not cut, the visits are the same but for the label."""
    none = simulate(params_of(busy_dict()), 3).arms["programme"].visits.sorted()
    full = simulate(params_of(busy_dict(nystartsjobb=1.0)), 3).arms["programme"].visits.sorted()
    assert (full.state == int(State.NYSTARTSJOBB)).sum() > 30
    relabel = np.where(np.isin(full.state, JOB_CODES), int(State.MUNICIPAL_JOB), full.state)
    np.testing.assert_array_equal(none.state, relabel)
    np.testing.assert_array_equal(none.hh, full.hh)
    np.testing.assert_array_equal(none.t0, full.t0)
    np.testing.assert_array_equal(none.t1, full.t1)


def test_nystartsjobb_money_continues_in_every_year_of_the_default_run():
    p = params_of(lund_dict())
    years = np.array(p.calendar.year_of_month())
    for rep in (0, 1):
        flows = simulate(p, rep).arms["programme"].flows[CATEGORY_INDEX["subsidy_nystartsjobb"]]
        per_year = {int(y): flows[years == y].sum() for y in np.unique(years)}
        assert all(v > 0 for v in per_year.values()), per_year


@pytest.mark.parametrize(
    ("age", "away", "expected"),
    [
        (22.0, 6.0, "nystartsjobb"),
        (22.0, 5.9, "municipal_job"),
        (30.0, 11.9, "municipal_job"),
        (30.0, 12.0, "nystartsjobb"),
    ],
)
def test_nystartsjobb_needs_6_months_away_under_25_and_12_from_25(age, away, expected):
    p = params_of(busy_dict(nystartsjobb=1.0))
    placement = Placement(p, env=None, move=lambda *a: None, streams=None)
    now = 13.0
    hh = SimpleNamespace(age0=age, arrival=now, away_since=now - away, origin=now, newly=False, ps=iter([0.5] * 4))
    assert JOB_STATES[placement._finance(hh, now)].label == expected
    assert hh.job_months == 6.0


def test_take_up_is_a_share_of_the_eligible():
    """Take-up 0.5: about half the eligible holders' jobs get the subsidy."""
    p = params_of(busy_dict(nystartsjobb=0.5))
    placement = Placement(p, env=None, move=lambda *a: None, streams=None)
    rng = np.random.default_rng(1)
    got = []
    for _ in range(4000):
        hh = SimpleNamespace(age0=30.0, arrival=0.0, away_since=-24.0, origin=0.0, newly=False, ps=iter(rng.random(4)))
        got.append(placement._finance(hh, 1.0) == 1)
    assert abs(np.mean(got) - 0.5) < 0.03

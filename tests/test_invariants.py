"""Invariants over random valid scenarios (hypothesis)."""

from __future__ import annotations

import copy
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.calendar import YearMonth
from model.ledger import CATEGORIES, MUNICIPALITY, PARTIES, SIGNS
from model.params import Resolver
from model.placement import Placement
from model.scenario import parse_scenario
from model.simulate import ARMS, simulate
from model.states import (
    INTERNSHIPS,
    JOB_STATES,
    JOBS,
    N_STATES,
    PLACE_CLASSES,
    PLACE_STATES,
    REASONS,
    SUBSIDY_TYPES,
    State,
)
from tests.conftest import params_of, small_dict

rate = st.floats(0.0, 0.08)
prob = st.floats(0.0, 1.0)


@st.composite
def scenarios(draw: st.DrawFn) -> dict:
    d = small_dict()
    # from mid-2021 extratjänst can start (closed from 2022); youth rates of the arbetsgivaravgift change in 2021–2022;
    # from 2025 jobs end under the new a-kassa law (decisions from 2025-10-01)
    start = YearMonth.parse(draw(st.sampled_from(["2021-07", "2022-01", "2025-01"])))
    d["start"], d["horizon"] = str(start), str(start.plus(draw(st.integers(6, 36))))
    d["budget_frames"] = {start.year: 8e6, start.year + 1: 8e6}
    d["targets"][0].update(first_year=start.year, last_year=start.year)
    pop = d["population"]
    pop["initial_households"] = draw(st.integers(0, 50))
    # no households at all is refused (tests/test_hostile.py); a replication may still draw none
    pop["inflow_per_month"] = draw(st.floats(0, 6) if pop["initial_households"] else st.floats(0.05, 6))
    shares = [draw(st.floats(0.01, 1)) for _ in REASONS]
    pop["reasons"] = {r: s / sum(shares) for r, s in zip(REASONS, shares, strict=True)}
    pop["reasons"]["other"] = 1 - sum(v for k, v in pop["reasons"].items() if k != "other")
    pop["ready_share"] = draw(prob)
    pop["couple_share"] = draw(prob)
    pop["akassa_member_share"] = draw(prob)
    pop["other_income_share"] = draw(st.floats(0, 0.5))
    for r in REASONS:
        d["baseline"]["exit_per_month"][r] = {k: draw(rate) for k in ("work", "studies", "moved", "other")}
    for k in ("work", "studies", "other"):
        d["baseline"]["returns"][k] = {"probability": draw(prob), "mean_months": draw(st.floats(0.5, 24))}
    prog = d["programme"]
    prog["starts_per_year"] = {
        year: {"jobs": draw(st.integers(0, 40)), "internships": draw(st.integers(0, 40))}
        for year in range(start.year, start.year + 3)
    }
    prog["akassa_join_at_job_start"] = draw(prob)
    d["baseline"]["job_guarantee_share"] = draw(prob)
    take_up = {t: draw(st.one_of(st.just(0.0), st.just(1.0), prob)) for t in SUBSIDY_TYPES}
    prog["financing"] = {"order": list(draw(st.permutations(SUBSIDY_TYPES))), "take_up": take_up}
    pop["months_away_before_benefit"] = draw(st.floats(0, 24))
    # jobs of 6 or 12 months often, so that a-kassa and aktivitetsstöd follow in many examples
    prog["duration_months"] = {
        c: draw(st.one_of(st.sampled_from([6.0, 12.0]), st.floats(0.5, 30))) for c in PLACE_CLASSES
    }
    prog["ramp_up_months"] = draw(st.integers(0, 4))
    prog["eligible_reasons"] = draw(st.lists(st.sampled_from(REASONS), unique=True))
    prog["max_jobs_per_household"] = draw(st.integers(0, 2))
    prog["max_internships_per_household"] = draw(st.integers(0, 2))
    keys = ["after_internship", "children", "readiness", "longest_on_benefit", "lottery"]
    prog["priority"] = draw(st.permutations(keys))[: draw(st.integers(0, 4))]
    prog["placement_order"] = list(draw(st.permutations(PLACE_CLASSES)))
    prog["assessment_months"] = draw(st.sampled_from([0.0, 0.7, 3.0]))
    prog["assessment_varies"] = draw(st.booleans())
    prog["decisions_at_month_start"] = draw(st.booleans())
    prog["ordinary_workplace_share"] = draw(prob)
    if draw(st.booleans()):  # places shared among the shipped (illustrative) departments
        prog["allocation"] = {
            "departments": str(Path(__file__).parents[1] / "runs" / "departments" / "lund.csv"),
            "method": draw(st.sampled_from(["malmo", "linkoping", "lund"])),
            "lead_time_months": {"jobs": draw(st.floats(0, 12)), "internships": draw(st.floats(0, 12))},
        }
    eff = d["effects"]
    eff["lock_in"] = {"internship": draw(st.floats(0, 2)), "job": draw(st.floats(0, 2))}
    eff["dropout_per_month"] = {"internship": draw(rate), "job": draw(st.floats(0.0, 0.1))}
    eff["post_programme_window_months"] = draw(st.floats(0, 36))
    eff["post_programme_multiplier"] = {k: draw(st.floats(0, 3)) for k in ("internship", "ordinary", "created")}
    eff["hire_probability"] = {"ordinary": draw(st.floats(0, 0.5)), "created": draw(st.floats(0, 0.5))}
    if draw(st.booleans()):  # labour-market conditions: hazards that change at each new year, drawn per replication
        d["labour_market"] = {
            "first_year": start.year + draw(st.integers(0, 1)),
            "rho": draw(st.floats(-0.95, 0.95)),
            "sigma": draw(st.floats(0.0, 0.3)),
            "work_exit_elasticity": draw(st.floats(0, 1.5)),
            "inflow_elasticity": draw(st.floats(0, 1.5)),
        }
    if draw(st.booleans()):  # an uncertain value, drawn per replication
        d["effects"]["lock_in"]["job"] = {"dist": "uniform", "loc": 0.0, "scale": draw(st.floats(0.0, 1.0))}
    return d


def drawn(d: dict, rep: int):
    """Replication ``rep``'s parameters: the scenario's uncertain values and labour market drawn."""
    return Resolver(parse_scenario(copy.deepcopy(d))).for_replication(rep)


@st.composite
def scenarios_after_jobs(draw: st.DrawFn) -> dict:
    """Random scenarios where jobs run their course: a-kassa, aktivitetsstöd and both laws occur in most."""
    d = draw(scenarios())
    start = YearMonth.parse(d["start"])
    d["horizon"] = str(start.plus(draw(st.integers(30, 48))))
    d["programme"]["duration_months"]["jobs"] = draw(st.sampled_from([6.0, 9.0, 12.0]))
    d["programme"]["eligible_reasons"] = list(REASONS)
    d["population"]["ready_share"] = draw(st.floats(0.5, 1.0))
    d["effects"]["lock_in"]["job"] = draw(st.floats(0.0, 0.5))
    d["effects"]["dropout_per_month"]["job"] = 0.0
    return d


SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_visit_chains(v, pop, T: float) -> None:
    """Every household's visits run contiguously from its arrival to the horizon."""
    if len(v) == 0:
        assert pop.n == 0
        return
    order = np.lexsort((v.t1, v.t0, v.hh))
    hh, t0, t1 = v.hh[order], v.t0[order], v.t1[order]
    first = np.r_[True, hh[1:] != hh[:-1]]
    last = np.r_[hh[1:] != hh[:-1], True]
    np.testing.assert_array_equal(t0[first], pop.arrival[hh[first]])
    assert np.all(t1[last] == T)
    assert np.all(t0[~first] == t1[:-1][~first[1:]])
    assert np.all(t1 >= t0)
    assert sorted(set(hh.tolist())) == list(range(pop.n))


@SETTINGS
@given(st.one_of(scenarios(), scenarios_after_jobs()))
def test_conservation_and_identities(d: dict) -> None:
    p = drawn(d, 0)
    T = p.n_months
    r = simulate(p, rep=0, full_counterfactual=True)
    pop = r.population
    n0 = int(pop.initial.sum())
    for arm in ARMS:
        a = r.arms[arm]
        check_visit_chains(a.visits, pop, float(T))
        trans = a.visits.transitions(T)
        start = np.zeros(N_STATES, dtype=np.int64)
        start[State.BENEFIT] = n0
        for m in range(T):
            inflow = trans[m].sum(axis=0)
            outflow = trans[m].sum(axis=1)
            arrivals = np.zeros(N_STATES, dtype=np.int64)
            arrivals[State.BENEFIT] = a.arrivals[m]
            np.testing.assert_array_equal(a.stocks[m], start + arrivals + inflow - outflow, err_msg=f"{arm} month {m}")
            start = a.stocks[m]
            # no household lost or created
            assert a.stocks[m].sum() == n0 + a.arrivals[: m + 1].sum()
        # ledger identities: every SEK has a payer and a payee, so the parties' nets sum to zero
        net = SIGNS @ a.flows
        np.testing.assert_allclose(net.sum(axis=0), 0.0, atol=1e-6)
        # internal transfers cancel in the municipality view
        internal = [i for i, c in enumerate(CATEGORIES) if c.payer in MUNICIPALITY and c.payee in MUNICIPALITY]
        external_in = [i for i, c in enumerate(CATEGORIES) if c.payee in MUNICIPALITY and c.payer not in MUNICIPALITY]
        external_out = [i for i, c in enumerate(CATEGORIES) if c.payer in MUNICIPALITY and c.payee not in MUNICIPALITY]
        municipality = net[PARTIES.index("social_board")] + net[PARTIES.index("department")]
        np.testing.assert_allclose(
            municipality, a.flows[external_out].sum(axis=0) - a.flows[external_in].sum(axis=0), atol=1e-6
        )
        assert internal  # the compensation is one
        assert np.all(a.flows >= 0)
        assert np.all(a.households_on_benefit <= a.stocks.sum(axis=1) + a.arrivals + 1e-9 + trans.sum(axis=(1, 2)))
    # the engines' own counters (the arms' stocks) agree with the visit logs
    for arm in ARMS:
        np.testing.assert_array_equal(r.arms[arm].visits.stocks(p.n_months), r.arms[arm].stocks, err_msg=arm)
    # the counterfactual never has anyone in a place
    assert r.arms["counterfactual"].stocks[:, [int(s) for s in PLACE_STATES]].sum() == 0
    # capacity is never exceeded
    check_capacity(p, r.arms["programme"].visits)


@SETTINGS
@given(st.one_of(scenarios(), scenarios_after_jobs()))
def test_counterfactual_shortcut_is_exact(d: dict) -> None:
    p = drawn(d, 1)
    fast = simulate(p, rep=1)
    full = simulate(p, rep=1, full_counterfactual=True)
    for arm in ARMS:
        a, b = fast.arms[arm], full.arms[arm]
        np.testing.assert_array_equal(a.flows, b.flows)
        np.testing.assert_array_equal(a.stocks, b.stocks)
        np.testing.assert_array_equal(a.households_on_benefit, b.households_on_benefit)


def check_capacity(p, v) -> None:
    """No placement ever takes occupancy above the capacity of that moment.

    When places are cut (a lower target in a new year), participants already in
    place finish their terms; no one new is placed until occupancy is below capacity.
    """
    for c, states in ((JOBS, JOB_STATES), (INTERNSHIPS, (State.INTERNSHIP,))):
        sel = np.isin(v.state, [int(s) for s in states]) & (v.t1 > v.t0)
        times = np.r_[v.t0[sel], v.t1[sel]]
        deltas = np.r_[np.ones(sel.sum()), -np.ones(sel.sum())]
        order = np.lexsort((deltas, times))  # leavers before joiners at the same time
        occupied = np.cumsum(deltas[order])
        month = np.minimum(np.floor(times[order]).astype(int), p.n_months - 1)
        joins = deltas[order] > 0
        assert np.all(occupied[joins] <= p.capacity[c, month[joins]]), f"{PLACE_CLASSES[c]} placed over capacity"


def test_null_programme_equals_counterfactual_exactly():
    """With zero places the programme arm is the counterfactual, month by month, every replication."""
    d = small_dict()
    d["programme"]["starts_per_year"] = {2022: {"jobs": 0, "internships": 0}}
    p = params_of(d)
    for rep in range(4):
        r = simulate(p, rep, full_counterfactual=True)
        a, b = r.arms["programme"], r.arms["counterfactual"]
        np.testing.assert_array_equal(a.flows, b.flows)
        np.testing.assert_array_equal(a.stocks, b.stocks)
        np.testing.assert_array_equal(a.households_on_benefit, b.households_on_benefit)


def test_places_nobody_may_take_change_nothing():
    """Places exist but no household is eligible: the queues run, nothing differs from the counterfactual."""
    d = small_dict()
    d["programme"]["eligible_reasons"] = []
    p = params_of(d)
    assert p.programme_on
    r = simulate(p, 2, full_counterfactual=True)
    np.testing.assert_array_equal(r.arms["programme"].flows, r.arms["counterfactual"].flows)


def test_programme_changes_something():
    """The null test above must be able to fail: with places, the arms differ."""
    p = params_of(small_dict())
    r = simulate(p, 0)
    assert not np.array_equal(r.arms["programme"].flows, r.arms["counterfactual"].flows)


@pytest.mark.parametrize("second", ["readiness", "lottery"])
def test_priority_order_is_respected(second: str):
    """Whenever a household is placed, no waiting eligible household had a better priority key."""
    d = small_dict()
    d["population"]["initial_households"] = 120
    d["population"]["ready_share"] = 1.0
    d["programme"]["priority"] = ["children", second]
    d["programme"]["starts_per_year"] = {2022: {"jobs": 30, "internships": 20}}
    p = params_of(d)
    r = simulate(p, 0)
    pop, v = r.population, r.arms["programme"].visits
    checked = 0
    placements = np.flatnonzero(np.isin(v.state, [int(s) for s in PLACE_STATES]))
    for i in placements:
        t, k = v.t0[i], INTERNSHIPS if v.state[i] == int(State.INTERNSHIP) else JOBS
        key = _key(pop, v.hh[i], second)
        # households already waiting on benefit before t (one arriving at the same instant is a tie), still there
        waiting = (v.state == int(State.BENEFIT)) & (v.t0 < t) & (v.t1 > t)
        for j in np.flatnonzero(waiting):
            h = v.hh[j]
            if not _eligible(p, pop, v, h, k, t, v.t0[j]):
                continue
            assert _key(pop, h, second) >= key, f"household {h} waited with a better key than {v.hh[i]} at {t}"
            checked += 1
    assert checked > 100


def _key(pop, h: int, second: str) -> tuple:
    return (0 if pop.n_children[h] > 0 else 1, -pop.readiness[h] if second == "readiness" else pop.lottery[h])


def _eligible(p, pop, v, h: int, k: int, t: float, joined: float) -> bool:
    """Was household ``h``, waiting since ``joined``, eligible for a place of class ``k`` at ``t``?"""
    if not (p.eligible_reasons[pop.reason[h]] and pop.ready[h]) or not p.capacity[k].any():
        return False
    before = (v.hh == h) & (v.t0 < t)
    jobs = np.isin(v.state[before], [int(s) for s in JOB_STATES]).sum()
    internships = (v.state[before] == int(State.INTERNSHIP)).sum()
    if (k == INTERNSHIPS and internships >= p.max_internships) or (k == JOBS and jobs >= p.max_jobs):
        return False
    if jobs or internships:
        return True
    back = v.t1[(v.hh == h) & (v.state >= int(State.EXIT_WORK)) & (v.t1 <= joined)]
    origin = back.max() if len(back) else pop.origin[h]
    return t >= origin + p.assessment_months - 1e-9  # a first placement waits for the assessment


def test_placement_key_orders_as_the_scenario_says():
    p = params_of(small_dict(**{"programme.priority": ["children", "readiness"]}))

    class H:
        after_internship = False
        origin = 0.0

    a, b, c = H(), H(), H()
    a.n_children, a.readiness = 0, 0.9
    b.n_children, b.readiness = 2, 0.1
    c.n_children, c.readiness = 2, 0.5
    pl = Placement(p, env=None, move=lambda *x: None, streams=None)
    assert sorted([a, b, c], key=pl.key) == [c, b, a]
    assert math.isfinite(pl.key(a)[1])

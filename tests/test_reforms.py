"""Reforms: a scenario overrides a rule value from a date on."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from model.errors import InputError
from model.ledger import CATEGORY_INDEX, price
from model.rules import load_rules
from model.simulate import simulate
from model.states import State
from tests.conftest import financing, params_of, small_dict

JAN_2026 = 48  # month index of 2026-01 from 2022-01


def aged_35(d: dict) -> dict:
    """Holders aged 35–50: the full arbetsgivaravgift, so every job month has the same wage cost."""
    d["population"]["age_shares"] = {35: 1.0}
    return d


def intro_scenario(**reforms: dict) -> dict:
    d = small_dict()
    d["horizon"] = "2027-12"
    d["population"]["initial_households"] = 150
    d["population"]["ready_share"] = 1.0
    d["programme"]["financing"] = financing(introduktionsjobb=1.0)
    d["programme"]["max_jobs_per_household"] = 2
    d["budget_frames"] = {}
    if reforms:
        d["reforms"] = reforms
    return d


def test_reform_changes_only_months_from_its_date():
    base = simulate(params_of(aged_35(intro_scenario())), 0).arms["programme"]
    reformed = simulate(params_of(aged_35(intro_scenario(**{"introduktionsjobb.share": {"2026-01": 0.6}}))), 0)
    ref = reformed.arms["programme"]
    np.testing.assert_array_equal(base.flows[:, :JAN_2026], ref.flows[:, :JAN_2026])
    np.testing.assert_array_equal(base.stocks, ref.stocks)
    col = CATEGORY_INDEX["subsidy_introduktionsjobb"]
    assert (ref.flows[col, JAN_2026:] < base.flows[col, JAN_2026:]).any()
    others = [i for i in range(len(CATEGORY_INDEX)) if i != col]
    np.testing.assert_array_equal(base.flows[others], ref.flows[others])
    # every job month is priced at the share in force when the job started: 80 % before 2026-01, 60 % after
    p = params_of(aged_35(intro_scenario(**{"introduktionsjobb.share": {"2026-01": 0.6}})))
    rows = price(p, reformed.population, ref.visits, keep_rows=True).rows
    job = ref.visits.state[rows.visit] == int(State.INTRODUKTIONSJOBB)
    started = np.floor(ref.visits.ref[rows.visit[job]])
    per_month = rows.sek[job, col] / rows.overlap[job]
    share = np.where(started >= JAN_2026, 0.6, 0.8)
    assert (started >= JAN_2026).any() and (started < JAN_2026).any()
    np.testing.assert_allclose(per_month, share * 1.3142 * 20000)


def test_reformed_subsidy_per_month_by_hand():
    p = params_of(intro_scenario(**{"introduktionsjobb.share": {"2026-01-01": 0.6}}))
    assert p.law.money.subsidy_rate[2, 0, JAN_2026 - 1] == pytest.approx(0.8)
    assert p.law.money.subsidy_rate[2, 0, JAN_2026] == pytest.approx(0.6)
    assert p.law.money.subsidy_cap[2, JAN_2026] == 20000


def test_reform_drops_later_law_changes():
    rules = load_rules().with_reforms({"nystartsjobb.k.regular": {dt.date(2023, 1, 1): 2.5}})
    assert rules.value("nystartsjobb.k.regular", dt.date(2022, 6, 1)) == 2.0
    assert rules.value("nystartsjobb.k.regular", dt.date(2025, 6, 1)) == 2.5  # the law's 2024 change is overridden


def test_reformed_values_are_not_stale():
    """The norm was last checked 2026-11-24: a use in 2027 is carried forward, unless a reform sets the value."""
    rules = load_rules().with_reforms({"benefit_norm.adult.single": {dt.date(2028, 1, 1): 4100}}).tracked()
    rules.value("benefit_norm.adult.single", dt.date(2027, 6, 1))
    rules.value("benefit_norm.adult.single", dt.date(2028, 6, 1))
    (use,) = rules.stale_uses()
    assert use.last == dt.date(2027, 6, 1)


def test_unknown_reform_path_names_nearest():
    with pytest.raises(InputError) as err:
        params_of(intro_scenario(**{"introduktionsjobb.shar": {"2026-01": 0.6}}))
    msg = str(err.value)
    assert "reforms.introduktionsjobb.shar" in msg and "nearest: introduktionsjobb.share" in msg


def test_reform_value_must_fit_the_rule():
    with pytest.raises(InputError, match=r"expected a list of 8 values"):
        params_of(intro_scenario(**{"benefit_norm.child.amounts": {"2026-01": 3000}}))
    with pytest.raises(InputError, match=r"must be ≥ 0"):
        params_of(intro_scenario(**{"introduktionsjobb.share": {"2026-01": -0.1}}))
    with pytest.raises(InputError, match=r"reforms\.akassa\.law: expected a number|reforms\.introduktionsjobb"):
        params_of(intro_scenario(**{"introduktionsjobb.share": {"2026-01": [0.6, 0.5]}}))


def test_engine_subsidies_equal_the_rules_month_by_month():
    """Every nystartsjobb and introduktionsjobb month in the ledger carries the rule's subsidy and support."""
    from model.rules import functions as rf

    d = intro_scenario()
    d["programme"]["financing"] = financing(nystartsjobb=0.5, introduktionsjobb=0.5)
    d["programme"]["eligible_reasons"] = ["unemployed", "sfi"]  # SFI households are the newly arrived
    p = params_of(d)
    r = simulate(p, 0)
    v = r.arms["programme"].visits
    rows = price(p, r.population, v, keep_rows=True).rows
    rules = load_rules()
    pop = r.population
    checked, levels, young = 0, set(), 0
    for i in np.flatnonzero(np.isin(v.state[rows.visit], [int(State.NYSTARTSJOBB), int(State.INTRODUKTIONSJOBB)])):
        visit, m, f = rows.visit[i], rows.month[i], rows.overlap[i]
        job = State(v.state[visit]).label
        start = float(v.ref[visit])
        on = p.calendar.month(int(start)).first_day()
        col = CATEGORY_INDEX[f"subsidy_{job}"]
        level = "regular"
        if job == "nystartsjobb":  # the level from the time away from work, and arrival status
            hh = v.hh[visit]
            back = v.t1[(v.hh == hh) & (v.state >= int(State.EXIT_WORK)) & (v.t1 <= start) & (v.nxt == 0)]
            away_since = back.max() if len(back) else pop.away_since[hh]  # a return starts a new spell
            level = rf.nystartsjobb_level(rules, on, start - away_since, bool(pop.newly_arrived[hh]))
            levels.add(level)
        h = v.hh[visit]
        paid = p.calendar.month(int(m)).first_day()
        age = pop.age[h] + (m - (paid.month - 1) - pop.arrival[h]) / 12  # at the start of the year paid
        expected = rf.subsidy(rules, job, on, 20000.0, level=level, age_at_year_start=age, paid_on=paid)
        assert rows.sek[i, col] == pytest.approx(expected * f)
        young += age < 23
        # support: the month's part inside the first 6 months of the job, at 2 000 a month
        lo, hi = max(v.t0[visit], m), min(v.t1[visit], m + 1, start + 6)
        expected = 2000.0 * max(hi - lo, 0.0) if job == "introduktionsjobb" else 0.0
        assert rows.sek[i, CATEGORY_INDEX["supervision_support"]] == pytest.approx(expected)
        checked += 1
    assert checked > 200 and young > 10  # young holders pay (and get subsidies on) a reduced fee in some months
    assert levels == {"regular", "long_away", "newly_arrived"}

"""Benefit with programme income: jobbstimulans, other income, child allowances — the ledger against the rules."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.ledger import CATEGORY_INDEX
from model.rules import functions as rf
from model.rules import load_rules
from model.simulate import simulate
from tests.conftest import lund_dict, one_household_dict, params_of


def parent_in_2023(other: float = 0.0, kept: float = 1.0) -> dict:
    """A single parent of one child; internship January–March 2023, job April–September (wage 20 000)."""
    d = one_household_dict()
    d["start"], d["horizon"] = "2023-01", "2024-06"
    d["programme"]["starts_per_year"] = {2023: {"jobs": 2, "internships": 4}}
    d["budget_frames"] = {2023: 100000.0}
    d["targets"] = [{"name": "t", "first_year": 2023, "last_year": 2023, "statistic": "max", "threshold": 1}]
    d["population"]["children"] = {1: 1.0}
    d["population"]["other_income_share"] = other
    d["population"]["other_income_kept_with_pay"] = kept
    return d


def _expected_topups(p, r, other: float, kept: float) -> np.ndarray:
    rules = load_rules()
    births = r.population.child_birth[0]
    out = []
    for m in range(3, 9):
        on = p.calendar.month(m).first_day()
        ages = [max((m - b) / 12, 0.0) for b in births if b == b]
        full = rf.benefit_norm(rules, on, 1, ages) + rf.housing_cost(rules, on, 1, len(ages))
        out.append(
            rf.benefit_amount(
                rules, on, 1, ages, gross_wage=20000.0, other_income=other * kept * full, jobbstimulans=m >= 6
            )
        )
    return np.array(out)


@pytest.mark.parametrize("rep", [0, 1, 2])
def test_jobbstimulans_from_the_seventh_month_on_benefit(rep):
    """On benefit from month 0: months 3–5 of the job count the whole net wage, months 6–8 only 75 %."""
    p = params_of(parent_in_2023())
    r = simulate(p, rep)
    got = r.arms["programme"].flows[CATEGORY_INDEX["topup_wage"]][3:9]
    np.testing.assert_allclose(got, _expected_topups(p, r, 0.0, 1.0), atol=1e-6)
    assert (got[:3] == 0).all() and (got[3:] > 0).all()  # for these households a top-up only with the disregard


def test_other_income_is_partly_kept_in_months_with_a_wage():
    p = params_of(parent_in_2023(other=0.2, kept=0.5))
    r = simulate(p, 0)
    prog = r.arms["programme"].flows
    np.testing.assert_allclose(prog[CATEGORY_INDEX["topup_wage"]][3:9], _expected_topups(p, r, 0.2, 0.5), atol=1e-6)
    # on benefit (the internship) the whole other income counts
    rules = load_rules()
    on = p.calendar.month(1).first_day()
    ages = [max((1 - b) / 12, 0.0) for b in r.population.child_birth[0] if b == b]
    full = rf.benefit_norm(rules, on, 1, ages) + rf.housing_cost(rules, on, 1, len(ages))
    expected = rf.benefit_amount(rules, on, 1, ages, other_income=0.2 * full)
    assert prog[CATEGORY_INDEX["benefit"]][1] == pytest.approx(expected)


@pytest.mark.parametrize(
    ("spell_start", "applies"),
    [(-3.0, False), (-6.0, True), (-29.0, True), (-31.0, False), (-36.0, True), (-59.0, True), (-59.5, False)],
)
def test_jobbstimulans_periods_of_24_months_after_every_6_in_a_row(spell_start, applies):
    """On benefit since ``spell_start`` (months before a job in month 0): the rule applies from month 6 of the
    spell for 24 months; a household still on benefit qualifies again 6 months later (SoL 12 kap. 8 §)."""
    from model.ledger import price
    from model.visits import Visits

    d = parent_in_2023()
    p = params_of(d)
    r = simulate(p, 0)
    one = lambda x, dtype=float: np.array([x], dtype=dtype)  # noqa: E731
    job = Visits(
        hh=one(0, np.int64),
        state=one(2, np.int8),  # municipal_job
        t0=one(0.0),
        t1=one(1.0),
        nxt=one(0, np.int8),
        workplace=one(1, np.int8),
        ref=one(0.0),
        level=one(0, np.int8),
        job_months=one(6.0),
        dept=one(-1, np.int16),
        member_months=one(np.nan),
        spell_start=one(spell_start),
    )
    got = price(p, r.population, job).flows[CATEGORY_INDEX["topup_wage"]][0]
    rules = load_rules()
    on = p.calendar.month(0).first_day()
    ages = [max(-b / 12, 0.0) for b in r.population.child_birth[0] if b == b]
    assert got == pytest.approx(rf.benefit_amount(rules, on, 1, ages, gross_wage=20000.0, jobbstimulans=applies))
    assert got != pytest.approx(rf.benefit_amount(rules, on, 1, ages, gross_wage=20000.0, jobbstimulans=not applies))


@settings(max_examples=40, deadline=None)
@given(rep=st.integers(0, 10_000), jitter=st.floats(0.0, 1.0), couple=st.floats(0.0, 1.0))
def test_benefit_over_long_stays_is_need_month_by_month(rep, jitter, couple):
    """The ledger computes a household's need again only when the tables or its children's ages can change
    it; the benefit of stays across many months (children passing every age band and limit) equals need
    computed afresh in every month, bit for bit."""
    from model.ledger import need, price
    from model.population import generate
    from model.visits import Visits

    d = lund_dict()
    d["population"]["couple_share"] = couple
    p = params_of(d)
    pop = generate(p, rep)
    T = p.n_months
    n = pop.n
    t0 = np.minimum(pop.arrival + jitter, T - 0.5)  # from a random point in a month to the horizon
    nan = np.full(n, np.nan)
    visits = Visits(
        hh=np.arange(n), state=np.zeros(n, dtype=np.int8), t0=t0, t1=np.full(n, float(T)),
        nxt=np.full(n, -1, dtype=np.int8), workplace=np.zeros(n, dtype=np.int8), ref=nan,
        level=np.zeros(n, dtype=np.int8), job_months=nan, dept=np.full(n, -1, dtype=np.int16),
        member_months=nan, spell_start=nan,
    )  # fmt: skip
    flows = price(p, pop, visits).flows[CATEGORY_INDEX["benefit"]]
    m0 = np.floor(t0).astype(np.int64)
    expected = np.zeros(T)
    for m in range(T):  # households in visit order, as the ledger adds them
        on = np.flatnonzero(m0 <= m)
        f = np.minimum(float(T), m + 1.0) - np.maximum(t0[on], float(m))
        sek = np.maximum(need(p, pop, on, np.full(len(on), m)), 0.0) * f
        for x in sek:
            expected[m] += x
    assert flows.tobytes() == expected.tobytes()

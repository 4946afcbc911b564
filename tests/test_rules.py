"""Rules as dated data: lookups by date, stale uses, errors, and hand-checked rule functions."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.errors import InputError, RuleError
from model.ledger import need
from model.population import generate
from model.rules import functions as rf
from model.rules import load_rules
from tests.conftest import params_of, small_dict

D = dt.date


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def test_value_changes_on_its_valid_from_date(rules):
    assert rules.value("benefit_norm.adult.single", D(2021, 12, 31)) == 3160
    assert rules.value("benefit_norm.adult.single", D(2022, 1, 1)) == 3210
    assert rules.value("nystartsjobb.wage_cap", D(2017, 10, 31)) == 22000
    assert rules.value("nystartsjobb.wage_cap", D(2017, 11, 1)) == 20000
    assert rules.value("akassa.work_condition.min_hours_per_month", D(2020, 4, 12)) == 80
    assert rules.value("akassa.work_condition.min_hours_per_month", D(2020, 4, 13)) == 60


def test_date_before_first_value_is_an_error(rules):
    with pytest.raises(RuleError, match="no value before 2019-01-01"):
        rules.value("akassa.work_condition.min_hours_per_month", D(2018, 12, 31))


def test_unknown_path_names_nearest(rules):
    with pytest.raises(RuleError, match=r"nearest: benefit_norm\.adult\.single"):
        rules.value("benefit_norm.adult.singel", D(2022, 1, 1))


def test_every_value_has_a_reference(rules):
    for path in rules.paths():
        for v in rules.rule(path).values:
            assert v.reference.strip(), path


def test_stale_use_is_recorded_per_rule():
    r = load_rules().tracked()
    r.value("benefit_norm.adult.single", D(2026, 6, 1))
    assert r.stale_uses() == []
    r.value("benefit_norm.adult.single", D(2028, 3, 1))
    r.value("benefit_norm.adult.single", D(2027, 1, 1))
    (use,) = r.stale_uses()
    assert use.path == "benefit_norm.adult.single"
    assert (use.first, use.last, use.last_verified) == (D(2027, 1, 1), D(2028, 3, 1), D(2026, 12, 31))


def test_definitions_never_go_stale():
    r = load_rules().tracked()
    r.value("akassa.days.per_month", D(2030, 1, 1))
    assert r.stale_uses() == []


def test_bad_rule_file_names_file_and_field(tmp_path):
    (tmp_path / "x.yaml").write_text(
        "description: x\nlast_verified: 2024-01-01\nparameters:\n  a:\n    values:\n"
        "      - {valid_from: 2020-01-01, value: 1}\n"
    )
    with pytest.raises(InputError) as err:
        load_rules(tmp_path)
    assert "x.yaml: a.values[0]: each value needs exactly valid_from, value, reference" in str(err.value)


def test_benefit_norm_by_hand(rules):
    # 2021, single adult: 3 160 + common 1 020 (SFS 2020:1013)
    assert rf.benefit_norm(rules, D(2021, 5, 1), 1, []) == 4180
    # 2022, couple with children 3 and 8: 5 790 + 2 200 + 3 110 + common (4 persons) 1 640
    assert rf.benefit_norm(rules, D(2022, 5, 1), 2, [3, 8]) == 5790 + 2200 + 3110 + 1640
    # 2023, single with 7 children (9 persons beyond the table: 2 520 + 2 × (2 520 − 2 320))
    assert rf.benefit_norm(rules, D(2023, 1, 1), 1, [0] * 7) == 3490 + 7 * 2400 + 2520 + 200
    # a child of 21 is no longer in the norm
    assert rf.benefit_norm(rules, D(2022, 1, 1), 1, [21]) == rf.benefit_norm(rules, D(2022, 1, 1), 1, [])


def test_benefit_amount_by_hand(rules):
    # 2022 single parent, one child of 5: norm 3 210 + 2 480 + 1 150 = 6 840; rent 7 500; barnbidrag 1 250
    assert rf.benefit_amount(rules, D(2022, 3, 1), 1, [5]) == 6840 + 7500 - 1250
    # a wage of 20 000 (net 16 000) leaves 13 090 − 16 000 < 0: no benefit
    assert rf.benefit_amount(rules, D(2022, 3, 1), 1, [5], gross_wage=20000) == 0


def test_subsidies_by_hand(rules):
    # nystartsjobb from 2022-04 (regular level): k = 2 × 31.42 % × min(27 000, 20 000)
    assert rf.subsidy(rules, "nystartsjobb", D(2022, 6, 1), 27000) == pytest.approx(12568.0)
    # 2024: k = 1
    assert rf.subsidy(rules, "nystartsjobb", D(2024, 3, 1), 27000) == pytest.approx(6284.0)
    # part time: cap pro rata, 50 % × 20 000
    assert rf.subsidy(rules, "nystartsjobb", D(2022, 6, 1), 12000, 0.5) == pytest.approx(2 * 0.3142 * 10000)
    # introduktionsjobb: 80 % × 1.3142 × min(27 000, 20 000)
    assert rf.subsidy(rules, "introduktionsjobb", D(2022, 3, 1), 27000) == pytest.approx(21027.2)
    assert rf.subsidy(rules, "municipal_job", D(2022, 3, 1), 27000) == 0


def test_subsidy_bad_input(rules):
    with pytest.raises(RuleError, match="allowed: municipal_job, nystartsjobb, introduktionsjobb"):
        rf.subsidy(rules, "extrajobb", D(2022, 3, 1), 20000)
    with pytest.raises(RuleError, match="wage must be ≥ 0"):
        rf.subsidy(rules, "nystartsjobb", D(2022, 3, 1), -1)


def test_akassa_by_hand(rules):
    """A year of full-time work in the ramtid (12 months): the whole basic amount; 2 karensdagar first."""
    basic = rf.akassa_schedule(rules, D(2022, 10, 1), 0, 20000, 1.0, 12, days=300)
    assert basic.amount(0, 2) == 0 and basic.amount(2, 24) == 510 * 22 and basic.months == pytest.approx(302 / 22)
    member = rf.akassa_schedule(rules, D(2022, 10, 1), 12, 20000, 1.0, 12, days=300)
    daily = 0.8 * 20000 / 22  # below the 1 200 cap
    assert member.amount(2, 24) == pytest.approx(22 * daily)
    assert member.amount(202, 224) == pytest.approx(22 * 0.7 * 20000 / 22)
    high = rf.akassa_schedule(rules, D(2022, 10, 1), 12, 40000, 1.0, 12, days=450)
    assert high.amount(2, 102) == pytest.approx(100 * 1200) and high.amount(102, 202) == pytest.approx(100 * 1000)
    assert high.days == 452
    assert rf.akassa_entitlement(rules, D(2022, 10, 1), "municipal_job", 6, 165, 20000, False) == 300
    assert rf.akassa_entitlement(rules, D(2022, 10, 1), "introduktionsjobb", 12, 165, 20000, False) == 0
    assert rf.akassa_entitlement(rules, D(2022, 10, 1), "nystartsjobb", 5.5, 165, 20000, False) == 0
    assert rf.akassa_entitlement(rules, D(2022, 10, 1), "nystartsjobb", 6, 59, 20000, False) == 0


def test_ledger_need_equals_the_rule_function():
    """The vectorised ledger and the scalar rule function agree for every household and month."""
    d = small_dict(**{"population.other_income_share": 0.1})
    d["population"]["children"] = {0: 0.3, 1: 0.2, 2: 0.2, 3: 0.1, 5: 0.1, 6: 0.1}
    d["population"]["initial_households"] = 80
    p = params_of(d)
    pop = generate(p, 0)
    hh = np.repeat(np.arange(pop.n), p.n_months)
    month = np.tile(np.arange(p.n_months), pop.n)
    vec = need(p, pop, hh, month)
    rules = load_rules()
    for i in range(0, len(hh), 7):
        h, m = hh[i], month[i]
        ages = [max((m - b) / 12, 0.0) for b in pop.child_birth[h] if not np.isnan(b)]
        on = p.calendar.month(int(m)).first_day()
        full = rf.benefit_norm(rules, on, int(pop.adults[h]), ages) + rf.housing_cost(
            rules, on, int(pop.adults[h]), sum(a < 21 for a in ages)
        )
        expected = rf.benefit_amount(rules, on, int(pop.adults[h]), ages, other_income=0.1 * full)
        assert max(vec[i], 0.0) == pytest.approx(expected, abs=1e-6), (h, m)


@settings(max_examples=300, deadline=None)
@given(
    st.dates(dt.date(2021, 1, 1), dt.date(2030, 12, 1)),
    st.floats(0, 60),
    st.floats(0, 60),
    st.floats(1000, 60000),
    st.floats(0.25, 1.0),
    st.floats(1, 24),
)
def test_an_akassa_depends_on_membership_only_through_its_thresholds(on, m1, m2, wage, hours, worked):
    """The ledger shares one schedule among memberships that reach the same thresholds
    (rf.akassa_membership_thresholds): their schedules must be equal, under either law."""
    rules = load_rules()
    on = on.replace(day=1)
    thresholds = rf.akassa_membership_thresholds(rules, on)
    reached = [sum(m >= t - 1e-9 for t in thresholds) for m in (m1, m2)]
    a, b = (rf.akassa_schedule(rules, on, m, wage, hours, worked, days=300) for m in (m1, m2))
    if reached[0] == reached[1]:
        assert a == b

"""Hand-computed accounting: one household through internship → municipal_job → a-kassa → benefit.

Every expected figure below is worked out by hand from the rule files:
single adult, no children, 2022: norm 3 210 + common (1 person) 1 040 + rent 5 065 = 9 315 SEK;
2023: 3 490 + 1 130 + 5 065 = 9 685; 2024: 3 790 + 1 230 + 5 065 = 10 085.
Wage 20 000; arbetsgivaravgift 31.42 % = 6 284 (aged 35–50: no youth rate); pension as a BEA employee
(AKAP-KL 2022): 4.5 % × (1 + särskild löneskatt 24.26 %) + insurances 0.13 % = 5.7217 % → 1 144.34.
A-kassa after the 6-month full-time job (old law, decided 2022-10-01): the 12-month ramtid holds
6 months of 40 hours a week, so the normalarbetstid is 20 hours and the basic amount 510 × 20/40 =
255 SEK/day; 2 karensdagar (from 2022-01-03) unpaid, then 300 days: 302 days = 13 8/11 months.
22 days a month = 5 610 SEK, taxed at 23 % → 4 319.70 net. Programme costs per place-month:
supervision 2 000 (department), compensation 1 000 (social board → department), administration 2 500.
"""

from __future__ import annotations

import numpy as np
import pytest

from model.ledger import CATEGORY_INDEX, PARTIES, SIGNS
from model.simulate import simulate
from model.states import State
from tests.conftest import financing, one_household_dict, params_of

T = 36
AKASSA_END = 9 + 302 / 22  # 22.727… months: 2 karensdagar + 300 days


def expected() -> dict[str, np.ndarray]:
    need = np.array([9315.0] * 12 + [9685.0] * 12 + [10085.0] * 12)
    e = {c: np.zeros(T) for c in CATEGORY_INDEX}
    e["benefit"][0:3] = 9315.0  # internship: benefit continues
    for m in range(0, 9):  # internship months 0–2 and job months 3–8
        e["supervision"][m] = 2000.0
        e["supervision_compensation"][m] = 1000.0
        e["administration"][m] = 2500.0
    e["wage"][3:9] = 20000.0
    e["arbetsgivaravgift"][3:9] = 6284.0
    e["pension_insurance"][3:9] = 1144.34  # 20 000 × (0.045 × 1.2426 + 0.0013)
    # no top-up on the wage: 9 315 − 20 000 × 0.8 < 0
    e["akassa"][9] = 20 * 255.0  # October 2022: 2 karensdagar, then 20 days
    e["akassa"][10:22] = 5610.0
    e["topup_akassa"][9] = 9315.0 - 5100.0 * 0.77  # 5 388.00: the karensdagar are topped up in full
    e["topup_akassa"][10:22] = need[10:22] - 5610.0 * 0.77  # 4 995.30 in 2022, 5 365.30 in 2023
    f = AKASSA_END - 22  # 8/11 of November 2023 on a-kassa: days 286–302 = 16 days
    e["akassa"][22] = 16 * 255.0
    e["topup_akassa"][22] = 9685.0 * f - 16 * 255.0 * 0.77
    e["benefit"][22] = 9685.0 * (1 - f)
    e["benefit"][23:] = need[23:]
    return e


def test_one_household_path_and_money_per_month():
    p = params_of(one_household_dict())
    result = simulate(p, rep=0)
    prog = result.arms["programme"]
    v = prog.visits
    nonzero = v.t1 > v.t0
    assert [State(s).name for s in v.state[nonzero]] == ["INTERNSHIP", "MUNICIPAL_JOB", "AKASSA", "BENEFIT"]
    np.testing.assert_allclose(v.t0[nonzero], [0.0, 3.0, 9.0, AKASSA_END])
    np.testing.assert_allclose(v.t1[nonzero], [3.0, 9.0, AKASSA_END, 36.0])

    exp = expected()
    for cat, col in CATEGORY_INDEX.items():
        np.testing.assert_allclose(prog.flows[col], exp[cat], rtol=1e-12, atol=1e-6, err_msg=cat)

    flows = np.stack([exp[c] for c in CATEGORY_INDEX])
    sb = flows[CATEGORY_INDEX["benefit"]] + flows[CATEGORY_INDEX["topup_akassa"]] + flows[CATEGORY_INDEX["wage"]]
    sb += flows[CATEGORY_INDEX["arbetsgivaravgift"]] + flows[CATEGORY_INDEX["pension_insurance"]]
    sb += flows[CATEGORY_INDEX["supervision_compensation"]] + flows[CATEGORY_INDEX["administration"]]
    department = flows[CATEGORY_INDEX["supervision"]] - flows[CATEGORY_INDEX["supervision_compensation"]]
    state = flows[CATEGORY_INDEX["akassa"]] - flows[CATEGORY_INDEX["arbetsgivaravgift"]]
    net = SIGNS @ prog.flows
    np.testing.assert_allclose(net[PARTIES.index("social_board")], sb, atol=1e-6)
    np.testing.assert_allclose(net[PARTIES.index("department")], department, atol=1e-6)
    np.testing.assert_allclose(net[PARTIES.index("state")], state, atol=1e-6)
    # the municipality: the compensation is internal and cancels
    municipality = net[PARTIES.index("social_board")] + net[PARTIES.index("department")]
    expected_municipality = sb + department
    np.testing.assert_allclose(municipality, expected_municipality, atol=1e-6)
    internal = flows[CATEGORY_INDEX["supervision_compensation"]]
    assert internal.sum() == 9 * 1000.0  # paid by the social board, received by the department: nets to zero
    np.testing.assert_allclose(expected_municipality, sb - internal + flows[CATEGORY_INDEX["supervision"]], atol=1e-6)
    # spot figures, by hand
    assert net[PARTIES.index("social_board")][0] == 9315 + 1000 + 2500
    assert net[PARTIES.index("social_board")][3] == pytest.approx(20000 + 6284 + 1144.34 + 1000 + 2500)
    assert abs(net[PARTIES.index("social_board")][9] - 5388.0) < 1e-6
    assert abs(net[PARTIES.index("state")][9] - 5100.0) < 1e-6


def test_one_household_counts_on_benefit_when_paid():
    p = params_of(one_household_dict())
    prog = simulate(p, rep=0).arms["programme"]
    hob = prog.households_on_benefit
    # internship (benefit) yes; job (no top-up) no; a-kassa with top-up yes; benefit yes
    assert list(hob[:3]) == [1, 1, 1]
    assert list(hob[3:9]) == [0] * 6
    assert list(hob[9:]) == [1] * 27


def test_counterfactual_household_stays_on_benefit():
    p = params_of(one_household_dict())
    cf = simulate(p, rep=0).arms["counterfactual"]
    need = np.array([9315.0] * 12 + [9685.0] * 12 + [10085.0] * 12)
    np.testing.assert_allclose(cf.flows[CATEGORY_INDEX["benefit"]], need)
    assert cf.flows.sum() == need.sum()


def test_participant_outcomes_of_the_one_household():
    """One job started and completed, a-kassa after it, still on a-kassa 3 months later; one internship."""
    from model.participants import FIELDS, outcomes

    p = params_of(one_household_dict())
    r = simulate(p, rep=0)
    counts = dict(zip(FIELDS, outcomes(p, r.arms["programme"].visits, r.participant_on_benefit).tolist(), strict=True))
    assert counts == {
        "job_starts": 1,
        "jobs_completed": 1,
        "jobs_followed_3m": 1,
        "work_or_studies_3m": 0,
        "hired_at_end": 0,
        "akassa_at_end": 1,
        "internship_starts": 1,
        "internships_completed": 1,
        "jobs_followed_12m": 1,  # the job ended in September 2022; October 2022 – September 2023 is in the run
        "on_benefit_12m": 1,  # a-kassa with a top-up: on benefit
    }


def test_state_at_reads_the_visit_covering_a_time():
    from model.participants import state_at

    p = params_of(one_household_dict())
    v = simulate(p, rep=0).arms["programme"].visits
    got = state_at(v, np.zeros(5, dtype=np.int64), np.array([1.0, 3.0, 8.99, 12.0, 30.0]))
    assert [State(s).name for s in got] == ["INTERNSHIP", "MUNICIPAL_JOB", "MUNICIPAL_JOB", "AKASSA", "BENEFIT"]


def test_parent_gets_450_days_under_the_old_law():
    d = one_household_dict()
    d["population"]["children"] = {1: 1.0}  # one child, 0–17 at arrival: under 18 when the job ends
    v = simulate(params_of(d), rep=0).arms["programme"].visits
    ak = v.state == int(State.AKASSA)
    assert ak.sum() == 1
    assert v.t1[ak][0] - v.t0[ak][0] == pytest.approx((2 + 450) / 22)  # 2 karensdagar, then 450 days


def test_introduktionsjobb_never_leads_to_akassa_under_the_old_law():
    d = one_household_dict()
    d["population"]["newly_arrived_reasons"] = ["unemployed"]  # eligible at once
    d["programme"]["financing"] = financing(introduktionsjobb=1.0)
    d["programme"]["starts_per_year"] = {2022: {"jobs": 1, "internships": 0}}  # 1 × 12/12 = 1 place
    d["programme"]["duration_months"]["jobs"] = 12
    d["population"]["age_shares"] = {25: 1.0}
    p = params_of(d)
    v = simulate(p, rep=0).arms["programme"].visits
    names = [State(s).name for s in v.state[v.t1 > v.t0]]
    assert names == ["INTRODUKTIONSJOBB", "BENEFIT"]
    job = v.state == int(State.INTRODUKTIONSJOBB)
    assert v.t0[job][0] == pytest.approx(0.0) and v.t1[job][0] == pytest.approx(12.0)


@pytest.mark.parametrize(("age", "months"), [(20, 12.0), (30, 24.0)])
def test_nystartsjobb_lasts_at_most_1_year_under_25_and_2_years_from_25(age, months):
    """A 30-month job financed as a nystartsjobb is cut to the law's maximum for the age at its start."""
    d = one_household_dict()
    d["start"], d["horizon"] = "2022-01", "2025-12"
    d["population"]["age_shares"] = {age: 1.0, age + 1: 0.0}
    d["population"]["newly_arrived_reasons"] = ["unemployed"]  # eligible at once
    d["programme"]["financing"] = financing(nystartsjobb=1.0)
    d["programme"]["starts_per_year"] = {2022: {"jobs": 1, "internships": 0}}  # 1 × 30/12 → 2 places
    d["programme"]["duration_months"]["jobs"] = 30
    from model.participants import FIELDS, outcomes

    p = params_of(d)
    v = simulate(p, rep=0).arms["programme"].visits
    names = [State(s).name for s in v.state[v.t1 > v.t0]]
    assert names[:2] == ["NYSTARTSJOBB", "AKASSA"]
    job = v.state == int(State.NYSTARTSJOBB)
    assert v.t0[job][0] == 0.0
    assert v.t1[job][0] == pytest.approx(months)
    assert v.job_months[job][0] == months
    assert outcomes(p, v)[FIELDS.index("jobs_completed")] == 1  # it ran its (cut) course


@pytest.mark.parametrize("rep", [0, 1, 2])
def test_participant_counts_need_only_the_participants_visits(rep):
    """Only participants hold places, so their own visits give the counts the whole arm gives (what tabulate uses)."""
    from model.participants import outcomes
    from tests.conftest import small_dict

    p = params_of(small_dict())
    r = simulate(p, rep)
    whole = outcomes(p, r.arms["programme"].visits, r.participant_on_benefit)
    np.testing.assert_array_equal(whole, outcomes(p, r.participant_visits, r.participant_on_benefit))
    assert whole[0] > 0  # jobs started: the counts are not trivially equal

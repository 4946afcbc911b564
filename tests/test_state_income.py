"""Hand-computed: a-kassa after a 6-month job under both laws, and aktivitetsstöd after it runs out.

One single adult, no children, who never leaves on their own: internship (months 0–3) → municipal job
(months 3–9, 20 000 SEK a month full time) → a-kassa → (aktivitetsstöd →) benefit. Figures from the
rule files; the norm for a single adult (personal + common costs + rent 5 065): 9 315 (2022),
9 685 (2023), 10 085 (2024), 10 245 (2025: 3 910 + 1 270), 10 285 (2026: 3 940 + 1 280). Taxes: a-kassa and
aktivitetsstöd 23 %. 22 compensated days a month; 2 karensdagar (from 2022-01-03) first, unpaid.
"""

from __future__ import annotations

import numpy as np
import pytest

from model.ledger import CATEGORIES, CATEGORY_INDEX, PARTIES, SIGNS
from model.simulate import simulate
from model.states import State
from tests.conftest import one_household_dict, params_of

NAMES = ["INTERNSHIP", "MUNICIPAL_JOB", "AKASSA"]


def household(start: str, horizon: str, **changes: object) -> dict:
    d = one_household_dict()
    d["start"], d["horizon"] = start, horizon
    year = int(start[:4])
    d["programme"]["starts_per_year"] = {year: {"jobs": 2, "internships": 4}}
    d["budget_frames"] = {year: 100000.0}
    d["targets"] = [{"name": "t", "first_year": year, "last_year": year, "statistic": "max", "threshold": 1}]
    for key, value in changes.items():
        section, name = key.split("__")
        d[section][name] = value
    return d


def run(d: dict):
    """The programme arm, its visits' state names, starts and ends (visits of zero length left out)."""
    arm = simulate(params_of(d), rep=0).arms["programme"]
    v = arm.visits
    keep = v.t1 > v.t0
    return arm, [State(s).name for s in v.state[keep]], v.t0[keep], v.t1[keep]


def flow(arm, name: str) -> np.ndarray:
    return arm.flows[CATEGORY_INDEX[name]]


@pytest.mark.parametrize(
    ("member", "daily", "daily_after_200"),
    [
        # not a member: the basic amount for 20 hours a week, 510 × 20/40 = 255 SEK/day
        (0.0, 255.0, 255.0),
        # a member of 12 months or more: the ramtid income 6 × 20 000 over 12 months = 10 000 a month,
        # dagsförtjänst 10 000 / 22 = 454.55; 80 % = 363.64 SEK/day to day 200, 70 % = 318.18 after
        (1.0, 0.8 * 10000 / 22, 0.7 * 10000 / 22),
    ],
)
def test_a_6_month_job_in_2023_gives_a_kassa_at_the_ramtid_average(member, daily, daily_after_200):
    """Old law, decided 2023-10-01: half the full-time amount, because the ramtid holds 6 months of work."""
    arm, names, _t0, t1 = run(household("2023-01", "2025-06", population__akassa_member_share=member))
    end = 9 + 302 / 22  # 2 karensdagar + 300 days
    assert names == [*NAMES, "BENEFIT"]
    np.testing.assert_allclose(t1[:3], [3.0, 9.0, end])
    ak = flow(arm, "akassa")
    # October 2023: days 0–22 since the decision, the first 2 unpaid
    assert ak[9] == pytest.approx(20 * daily)
    np.testing.assert_allclose(ak[10:18], 22 * daily)  # days 22–198
    # month 18 holds days 198–220: 4 days to day 202 (= day 200 after the karens) at 80 %, 18 at 70 %
    assert ak[18] == pytest.approx(4 * daily + 18 * daily_after_200)
    np.testing.assert_allclose(ak[19:22], 22 * daily_after_200)
    assert ak[22] == pytest.approx(16 * daily_after_200)  # days 286–302
    assert ak[23:].sum() == 0
    assert ak.sum() == pytest.approx(200 * daily + 100 * daily_after_200)
    top = flow(arm, "topup_akassa")
    assert top[9] == pytest.approx(9685 - 0.77 * 20 * daily)
    assert top[12] == pytest.approx(10085 - 0.77 * 22 * daily)  # January 2024: the 2024 norm
    # the state pays the a-kassa, the social board the top-up; both to the household
    net = SIGNS @ arm.flows
    assert net[PARTIES.index("state"), 12] == pytest.approx(22 * daily)
    assert net[PARTIES.index("social_board"), 12] == pytest.approx(10085 - 0.77 * 22 * daily)


def test_a_job_ending_in_2026_with_six_months_of_membership_gives_60_percent_for_100_days():
    """New law, decided 2026-04-01, after joining an a-kassa when the job started (2025-10-01).

    Income condition: 6 months ≥ 11 000 and 120 000 in 12 months → 100 days. The basis is the
    12-month average 6 × 20 000 / 12 = 10 000 a month (under the 34 000 ceiling); 6 months of
    membership → 60 %: 6 000 a month, 272.73 SEK a day. 2 karensdagar first (carried from the old law).
    """
    d = household("2025-07", "2027-06", population__akassa_member_share=0.0, programme__akassa_join_at_job_start=1.0)
    arm, names, _t0, t1 = run(d)
    v = arm.visits
    ak_visit = v.state == int(State.AKASSA)
    assert v.member_months[ak_visit][0] == pytest.approx(6.0)  # joined when the job started
    end = 9 + 102 / 22
    assert names == [*NAMES, "BENEFIT"]
    np.testing.assert_allclose(t1[:3], [3.0, 9.0, end])
    daily = 6000 / 22
    ak = flow(arm, "akassa")
    assert ak[9] == pytest.approx(20 * daily)  # April 2026
    np.testing.assert_allclose(ak[10:13], 6000.0)
    assert ak[13] == pytest.approx(14 * daily)  # days 88–102
    assert ak.sum() == pytest.approx(100 * daily) and ak[14:].sum() == 0
    # 2026 norm 10 285; net a-kassa 0.77 × 6 000 = 4 620
    np.testing.assert_allclose(flow(arm, "topup_akassa")[10:13], 10285 - 4620.0)


def test_the_same_job_without_membership_gives_50_percent():
    d = household("2025-07", "2027-06", population__akassa_member_share=0.0, programme__akassa_join_at_job_start=0.0)
    arm, _names, _t0, _t1 = run(d)
    np.testing.assert_allclose(flow(arm, "akassa")[10:13], 5000.0)  # 50 % of 10 000


def test_a_kassa_runs_out_then_aktivitetsstod_then_benefit_every_sek_by_payer_and_payee():
    """Not a member: a-kassa at 255/day (2022-10 → 2023-11), then the guarantee at the lowest level,
    223 SEK/day for 450 days, then benefit. Every month's SEK are checked by category, payer and payee."""
    arm, names, t0, _t1 = run(household("2022-01", "2025-12", baseline__job_guarantee_share=1.0))
    akassa_end = 9 + 302 / 22  # 22.727: day 16 of the 22 compensated days of November 2023 (month 22)
    guarantee_end = akassa_end + 450 / 22  # 43.182: August 2025
    assert names == [*NAMES, "AKTIVITETSSTOD", "BENEFIT"]
    np.testing.assert_allclose(t0[3:], [akassa_end, guarantee_end])
    need = np.array([9315.0] * 12 + [9685.0] * 12 + [10085.0] * 12 + [10245.0] * 12)
    T = 48
    e = {c.name: np.zeros(T) for c in CATEGORIES}
    e["benefit"][0:3] = need[0:3]
    for m in range(9):
        e["supervision"][m], e["supervision_compensation"][m], e["administration"][m] = 2000.0, 1000.0, 2500.0
    e["wage"][3:9], e["arbetsgivaravgift"][3:9], e["pension_insurance"][3:9] = 20000.0, 6284.0, 1144.34
    e["akassa"][9], e["akassa"][10:22], e["akassa"][22] = 20 * 255.0, 5610.0, 16 * 255.0
    e["topup_akassa"][9:22] = need[9:22] - 0.77 * e["akassa"][9:22]
    e["topup_akassa"][22] = need[22] * 16 / 22 - 0.77 * 16 * 255.0
    # the guarantee from day 16 of month 22: 6 days in November 2023, 22 a month, 4 days in August 2025 (month 43)
    e["aktivitetsstod"][22], e["aktivitetsstod"][23:43], e["aktivitetsstod"][43] = 6 * 223.0, 4906.0, 4 * 223.0
    e["topup_aktivitetsstod"][22] = need[22] * 6 / 22 - 0.77 * 6 * 223.0
    e["topup_aktivitetsstod"][23:43] = need[23:43] - 0.77 * 4906.0  # 5 907.38 in 2023, 6 307.38 in 2024, …
    e["topup_aktivitetsstod"][43] = need[43] * 4 / 22 - 0.77 * 4 * 223.0
    e["benefit"][43] = need[43] * 18 / 22
    e["benefit"][44:] = need[44:]
    for c in CATEGORIES:
        np.testing.assert_allclose(arm.flows[CATEGORY_INDEX[c.name]], e[c.name], atol=1e-6, err_msg=c.name)
    assert e["aktivitetsstod"].sum() == pytest.approx(450 * 223.0)
    # payer and payee: the state pays a-kassa and aktivitetsstöd, the social board every top-up
    assert (CATEGORIES[CATEGORY_INDEX["aktivitetsstod"]].payer, CATEGORIES[CATEGORY_INDEX["aktivitetsstod"]].payee) == (
        "state",
        "household",
    )
    top = CATEGORIES[CATEGORY_INDEX["topup_aktivitetsstod"]]
    assert (top.payer, top.payee) == ("social_board", "household")
    net = SIGNS @ arm.flows
    assert net[PARTIES.index("state"), 30] == pytest.approx(4906.0)
    assert net[PARTIES.index("social_board"), 30] == pytest.approx(10085.0 - 0.77 * 4906.0)
    # the household receives both: aktivitetsstöd and the top-up (its net cost is negative)
    assert net[PARTIES.index("household"), 30] == pytest.approx(-(4906.0 + 10085.0 - 0.77 * 4906.0))


def test_a_member_gets_65_percent_of_the_dagsforjanst_at_least_365_and_stays_in_the_guarantee():
    """Member of 12 months, a-kassa decided 2022-10-01: dagsförtjänst 454.55; 65 % = 295.45 < 365,
    so 365 SEK/day (the minimum from 2023-01-02), with no end while the household stays."""
    d = household("2022-01", "2025-12", baseline__job_guarantee_share=1.0, population__akassa_member_share=1.0)
    arm, names, _t0, _t1 = run(d)
    assert names == [*NAMES, "AKTIVITETSSTOD"]
    np.testing.assert_allclose(flow(arm, "aktivitetsstod")[23:], 365 * 22.0)


def test_membership_at_the_decision_is_exactly_the_job_for_who_joined_at_its_start():
    """Members since arrival: inf; joiners: the job's months exactly (no float rounding below a tier); others: 0."""
    from tests.conftest import small_dict

    d = small_dict()
    d["horizon"] = "2025-12"
    d["population"]["initial_households"] = 200
    d["population"]["akassa_member_share"] = 0.3
    d["programme"]["akassa_join_at_job_start"] = 0.5
    seen = set()
    for rep in range(3):
        v = simulate(params_of(d), rep).arms["programme"].visits
        ak = v.state == int(State.AKASSA)
        for member, months in zip(v.member_months[ak], v.job_months[ak], strict=True):
            assert member in (0.0, np.inf, months), (member, months)
            seen.add("joined" if member == months else str(member))
    assert seen == {"0.0", "inf", "joined"}

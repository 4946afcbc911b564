"""Payroll for a BEA job: the arbetsgivaravgift (with the youth rates by date and age) and the pension premium."""

from __future__ import annotations

import numpy as np
import pytest

from model.ledger import CATEGORY_INDEX
from model.simulate import simulate
from tests.conftest import financing, one_household_dict, params_of


def job_money(**changes) -> dict[str, np.ndarray]:
    """The one-household path (job in months 3–9 of 2022) with changes; money of the job months by category."""
    d = one_household_dict()
    for key, value in changes.items():
        section, name = key.split("__")
        d[section][name] = value
    arm = simulate(params_of(d), 0).arms["programme"]
    return {c: arm.flows[i][3:9] for c, i in CATEGORY_INDEX.items()}


def test_a_20_year_old_pays_the_youth_rates_of_2022():
    """Aged 20 at the start of 2022: 19.73 % in April–May and September, 10.21 % in June–August (lag 2021:55,
    prop. 2021/22:97), on the whole wage of 20 000 (under the 25 000 cap)."""
    money = job_money(population__age_shares={20: 1.0, 21: 0.0})
    np.testing.assert_allclose(money["arbetsgivaravgift"], [3946.0, 3946.0, 2042.0, 2042.0, 2042.0, 3946.0])


def test_a_35_year_old_pays_the_full_rate_and_the_bea_pension():
    money = job_money()
    np.testing.assert_allclose(money["arbetsgivaravgift"], 6284.0)
    np.testing.assert_allclose(money["pension_insurance"], 20000 * (0.045 * 1.2426 + 0.0013))


def test_the_average_po_option_prices_the_pension_part_of_the_municipal_average():
    money = job_money(programme__payroll="average_po")
    np.testing.assert_allclose(money["pension_insurance"], 20000 * (0.3925 - 0.3142))  # 1 566
    np.testing.assert_allclose(money["arbetsgivaravgift"], 6284.0)


def test_a_young_holders_nystartsjobb_is_a_multiple_of_the_reduced_fee():
    """Förordning 2018:43 16 §: the fees the employer pays for the employee. A 21-year-old newly arrived holder
    in 2022 (level 2.5 from 2022-01, 3 from 2022-04): k × the youth rate × 20 000."""
    d = one_household_dict()
    d["population"]["age_shares"] = {21: 1.0, 22: 0.0}
    d["population"]["newly_arrived_reasons"] = ["unemployed"]
    d["programme"]["financing"] = financing(nystartsjobb=1.0)
    arm = simulate(params_of(d), 0).arms["programme"]
    got = arm.flows[CATEGORY_INDEX["subsidy_nystartsjobb"]][3:9]
    # the job starts 2022-04 (after the internship): k = 3 for newly arrived from 2022-04-01
    np.testing.assert_allclose(got, 3 * np.array([3946.0, 3946.0, 2042.0, 2042.0, 2042.0, 3946.0]))
    assert got.sum() == pytest.approx(3 * (3 * 3946.0 + 3 * 2042.0))

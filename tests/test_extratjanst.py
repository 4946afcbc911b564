"""Extratjänst: a closed subsidy whose ongoing jobs run to their end under the rules of their start."""

from __future__ import annotations

import numpy as np
import pytest

from model.ledger import CATEGORY_INDEX, price
from model.simulate import simulate
from model.states import State
from tests.conftest import financing, params_of, small_dict

EXTRA = int(State.EXTRATJANST)
JAN_2022 = 6  # month index of 2022-01 in a run from 2021-07


def extra_scenario(**reforms: dict) -> dict:
    d = small_dict()
    d["start"], d["horizon"] = "2021-07", "2024-06"
    d["population"]["initial_households"] = 150
    d["population"]["ready_share"] = 1.0
    d["programme"]["starts_per_year"] = {2021: {"jobs": 40, "internships": 0}}
    d["programme"]["financing"] = financing(extratjanst=1.0)
    d["programme"]["duration_months"]["jobs"] = 12
    d["population"]["age_shares"] = {25: 1.0}
    d["population"]["newly_arrived_reasons"] = ["unemployed", "sfi", "sick", "no_capacity", "other"]  # eligible at once
    d["budget_frames"] = {}
    d["targets"] = []
    if reforms:
        d["reforms"] = reforms
    return d


def test_no_new_extratjanst_from_2022_but_ongoing_ones_run_to_their_end():
    p = params_of(extra_scenario())
    ((kind, months, first, _last),) = p.law.closed_financing  # taken up while closed from 2022: the user is told
    assert (kind, first) == ("extratjanst", "2022-01") and months > 0
    v = simulate(p, 0).arms["programme"].visits
    job = v.state == EXTRA
    starts = v.ref[job]
    assert (starts < JAN_2022).all() and len(starts) > 20
    # the job places stay: from 2022 they are filled with municipal funds alone
    municipal = v.ref[v.state == int(State.MUNICIPAL_JOB)]
    assert len(municipal) and (municipal >= JAN_2022).all()
    ran_into_2022 = job & (v.t1 > JAN_2022) & (v.t1 - v.ref >= 12 - 1e-9)
    assert ran_into_2022.any()  # started in 2021, finished its 12 months in 2022
    # extratjänst does not count toward the old law's work condition: never a-kassa after it
    assert not (v.nxt[job] == int(State.AKASSA)).any()


def test_a_reform_that_reopens_extratjanst_restarts_placements():
    d = extra_scenario(**{"extratjanst.new_placements": {"2023-01": 1}})
    d["programme"]["starts_per_year"] = {2021: {"jobs": 40, "internships": 0}}
    v = simulate(params_of(d), 0).arms["programme"].visits
    starts = v.ref[v.state == EXTRA]
    assert not ((starts >= JAN_2022) & (starts < JAN_2022 + 12)).any()
    assert (starts >= JAN_2022 + 12).any()


def test_extratjanst_money_equals_the_rules():
    """100 % of wage + avgifter (wage 20 000 ≤ cap), and 150 SEK a day of supervision support for 3 months."""
    p = params_of(extra_scenario())
    r = simulate(p, 0)
    v = r.arms["programme"].visits
    rows = price(p, r.population, v, keep_rows=True).rows
    sel = np.flatnonzero(v.state[rows.visit] == EXTRA)
    assert len(sel) > 100
    visit, month, f = rows.visit[sel], rows.month[sel], rows.overlap[sel]
    np.testing.assert_allclose(rows.sek[sel, CATEGORY_INDEX["subsidy_extratjanst"]], 20000 * 1.3142 * f)
    start = v.ref[visit]
    lo, hi = (
        np.maximum(np.maximum(v.t0[visit], month), start),
        np.minimum(np.minimum(v.t1[visit], month + 1), start + 3),
    )
    expected = 150 * 365.25 / 12 * np.maximum(hi - lo, 0.0)
    np.testing.assert_allclose(rows.sek[sel, CATEGORY_INDEX["supervision_support"]], expected)
    assert expected.sum() > 0 and (expected == 0).any()
    # the state pays the social board the whole wage cost: its net cost of an extratjänst month is the pension part
    wage_cost = rows.sek[sel][:, [CATEGORY_INDEX["wage"], CATEGORY_INDEX["arbetsgivaravgift"]]].sum(axis=1)
    assert wage_cost == pytest.approx(rows.sek[sel, CATEGORY_INDEX["subsidy_extratjanst"]])


def test_validate_warns_about_a_subsidy_closed_by_the_rules(tmp_path):
    from typer.testing import CliRunner

    from model.cli import app
    from tests.conftest import write_yaml

    path = write_yaml(tmp_path / "extra.yaml", extra_scenario())
    res = CliRunner().invoke(app, ["validate", str(path)])
    assert res.exit_code == 0, res.output
    assert "extratjanst:" in res.output and "no new decisions" in res.output

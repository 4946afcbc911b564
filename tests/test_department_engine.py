"""Departments in the engine: places open over lead times, closed months, places never above what is open."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from model.allocation import hire_factors
from model.departments import load_departments
from model.errors import InputError
from model.simulate import simulate
from model.states import State
from tests.conftest import params_of, small_dict

LUND = str(Path(__file__).parents[1] / "runs" / "departments" / "lund.csv")
PLACES = (int(State.INTERNSHIP), *range(int(State.MUNICIPAL_JOB), int(State.AKASSA)))


def dept_scenario(method: str = "lund", lead_jobs: float = 6, lead_internships: float = 4, **alloc) -> dict:
    d = small_dict()
    d["horizon"] = "2023-12"
    d["population"]["initial_households"] = 400
    d["population"]["ready_share"] = 1.0
    d["programme"]["starts_per_year"] = {2022: {"jobs": 120, "internships": 80}}
    d["programme"]["allocation"] = {
        "departments": LUND,
        "method": method,
        "lead_time_months": {"jobs": lead_jobs, "internships": lead_internships},
        **alloc,
    }
    return d


@pytest.mark.parametrize("method", ["malmo", "linkoping", "lund"])
def test_placements_never_exceed_open_department_places(method):
    p = params_of(dept_scenario(method))
    dp = p.departments
    assert dp is not None and dp.target.sum() > 0
    v = simulate(p, 0).arms["programme"].visits
    for c, states in enumerate(([s for s in PLACES if s != int(State.INTERNSHIP)], [int(State.INTERNSHIP)])):
        sel = np.isin(v.state, states) & (v.t1 > v.t0)
        assert (v.dept[sel] >= 0).all()
        for i in np.flatnonzero(sel):  # at each placement, the department's places in use ≤ its open places
            d, t = int(v.dept[i]), float(v.t0[i])
            same = sel & (v.dept == d) & (v.t0 <= t) & (v.t1 > t)
            assert same.sum() <= dp.open[d, c, min(int(t), p.n_months - 1)]
    assert (v.dept[~np.isin(v.state, PLACES)] == -1).all()


def test_no_placement_starts_in_a_closed_month():
    p = params_of(dept_scenario("linkoping", lead_jobs=0, lead_internships=0))
    dp = p.departments
    closed = [i for i, name in enumerate(dp.names) if not dp.accepts[i].all()]
    assert closed  # the schools close in July
    v = simulate(p, 0).arms["programme"].visits
    placed = np.isin(v.state, PLACES) & (v.t1 > v.t0)
    started_in = np.floor(v.t0[placed]).astype(int)
    depts = v.dept[placed]
    for d in closed:
        months = started_in[depts == d]
        assert len(months) > 0
        assert dp.accepts[d, months].all()


def test_places_open_over_the_lead_time():
    p = params_of(dept_scenario("lund", lead_jobs=6, lead_internships=0))
    dp = p.departments
    jobs = dp.target[:, 0].sum(axis=0)
    opened = dp.open[:, 0].sum(axis=0)
    assert opened[0] < jobs[0] and opened[5] == jobs[5]  # a sixth after month 1, all after 6 months
    np.testing.assert_array_equal(dp.open[:, 1], dp.target[:, 1])  # no lead time: open at once


def test_hire_factor_follows_recruitment_need_per_employee():
    deps = load_departments(LUND)
    f = hire_factors(deps)
    need = np.array([d.recruitment_need for d in deps], float)
    emp = np.array([d.employees for d in deps], float)
    np.testing.assert_allclose(f, np.minimum(need / emp / (need.sum() / emp.sum()), 3.0))


def test_allocation_that_cannot_be_met_is_a_scenario_error():
    d = dept_scenario("lund")
    d["programme"]["starts_per_year"] = {2022: {"jobs": 2000, "internships": 10}}
    with pytest.raises(InputError, match=r"programme\.allocation: 2022-01: .*jobs: target 1000.*short by"):
        params_of(d)
    d = dept_scenario("lund")
    d["programme"]["allocation"]["departments"] = "/no/such/file.csv"
    with pytest.raises(InputError, match="file not found"):
        params_of(d)


def test_penalty_is_7500_per_missing_place_month_by_hand(tmp_path):
    """One department, one job place and one internship place for 36 months; the one household
    fills the internship in months 0–2 and the job in months 3–8 (tests/test_accounting.py's path).
    Missing: internship 33 place-months (3–35), job 3 + 27 = 30 (0–2, 9–35): 63 × 7 500 = 472 500 SEK."""
    from model.ledger import CATEGORY_INDEX, DEPARTMENT_FIELDS
    from model.outcomes import views
    from tests.conftest import one_household_dict

    table = tmp_path / "one.csv"
    table.write_text(
        "name,employees,recruitment_need_2y,recruitment_need_5y,supervisor_capacity_jobs,"
        "supervisor_capacity_internships,closeness\nservice,100,5,10,1,1,1.0\n",
        encoding="utf-8",
    )
    d = one_household_dict()
    d["programme"]["allocation"] = {
        "departments": str(table),
        "method": "malmo",
        "lead_time_months": {"jobs": 0, "internships": 0},
        "penalty_per_missing_place_month": 7500,
    }
    p = params_of(d)
    np.testing.assert_array_equal(p.departments.target[0, :, :], 1)
    r = simulate(p, 0)
    prog = r.arms["programme"]
    dept = prog.departments[0]
    f = {name: dept[i] for i, name in enumerate(DEPARTMENT_FIELDS)}
    np.testing.assert_allclose(f["filled_internships"][:3], 1.0)
    np.testing.assert_allclose(f["filled_jobs"][3:9], 1.0)
    assert f["missing_place_months"].sum() == pytest.approx(63.0)
    # months 0–8: one of the two places is empty (the job during the internship, then the internship); 9–35: both
    expected = np.r_[np.full(9, 7500.0), np.full(27, 15000.0)]
    np.testing.assert_allclose(prog.flows[CATEGORY_INDEX["penalty"]], expected)
    assert prog.flows[CATEGORY_INDEX["penalty"]].sum() == pytest.approx(472_500.0)
    assert f["starts_jobs"].sum() == 1 and f["starts_internships"].sum() == 1
    # an internal transfer: the social board receives what the department pays, the municipality nets it out
    cf = r.arms["counterfactual"]
    assert cf.departments is None and cf.flows[CATEGORY_INDEX["penalty"]].sum() == 0
    v = views(prog.flows)
    no_penalty = prog.flows.copy()
    no_penalty[CATEGORY_INDEX["penalty"]] = 0.0
    w = views(no_penalty)
    np.testing.assert_allclose(v["municipality"], w["municipality"])
    np.testing.assert_allclose(v["social_board"], w["social_board"] - expected)
    np.testing.assert_allclose(v["department"], w["department"] + expected)


def test_run_reports_places_and_penalties_per_department(tmp_path):
    import json

    import pandas as pd
    from typer.testing import CliRunner

    from model.cli import app
    from tests.conftest import write_yaml

    d = dept_scenario("malmo", penalty_per_missing_place_month=7500)
    path = write_yaml(tmp_path / "dept.yaml", d)
    out = tmp_path / "out"
    res = CliRunner().invoke(
        app, ["run", str(path), "--reps", "2", "--workers", "1", "--out", str(out), "--lang", "en"]
    )
    assert res.exit_code == 0, res.output
    assert "Places per department (malmo)" in res.output
    deps = pd.read_parquet(out / "departments.parquet")
    ledger = pd.read_parquet(out / "ledger.parquet")
    pen = ledger[(ledger["arm"] == "programme") & (ledger["category"] == "penalty")]["sek"].sum()
    assert pen > 0 and deps["penalty_sek"].sum() == pytest.approx(pen)
    assert (
        (ledger[ledger["category"] == "penalty"][["payer", "payee"]].astype(str) == ["department", "social_board"])
        .all()
        .all()
    )
    summary = json.loads((out / "summary.json").read_text())
    rows = [r for r in summary["departments"]["rows"] if r["year"] == "all"]
    assert len(rows) == 10 and {a["jobs"] for a in summary["departments"]["allocations"]}
    assert "Places per department" in (out / "report.html").read_text(encoding="utf-8")


def test_a_quota_above_supervisor_capacity_stays_missing():
    """Malmö's quota ignores capacity; a department opens at most what it can supervise, the rest is missing."""
    d = dept_scenario("malmo", lead_jobs=0, lead_internships=0)
    d["programme"]["starts_per_year"] = {2022: {"jobs": 600, "internships": 80}}
    dp = params_of(d).departments
    caps = np.array([[x.supervisor_capacity_jobs, x.supervisor_capacity_internships] for x in load_departments(LUND)])
    over = dp.target > caps[:, :, None]
    assert over.any()
    np.testing.assert_array_equal(dp.open, np.minimum(dp.target, caps[:, :, None]))

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
    creatable = np.minimum(dp.target, dp.supervisable)  # less in summer, when feriepraktik takes supervisors
    jobs = creatable[:, 0].sum(axis=0)
    opened = dp.open[:, 0].sum(axis=0)
    assert opened[0] < jobs[0] and opened[5] == jobs[5]  # a sixth after month 1, all after 6 months
    np.testing.assert_array_equal(dp.open[:, 1], creatable[:, 1])  # no lead time: open at once


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
    from tests.conftest import one_household_dict, with_departments

    d = with_departments(
        one_household_dict(), tmp_path / "one.csv", "service,100,5,10,1,1,1.0\n", "malmo", 0,
        penalty_per_missing_place_month=7500,
    )  # fmt: skip
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
    p = params_of(d)
    dp = p.departments
    months = [ym.month for ym in p.calendar.months()]
    deps = load_departments(LUND)
    caps = np.array([[[x.capacity(c, mo) for mo in months] for c in ("jobs", "internships")] for x in deps])
    assert (
        caps <= np.array([[x.supervisor_capacity_jobs, x.supervisor_capacity_internships] for x in deps])[..., None]
    ).all()
    over = dp.target > caps
    assert over.any()
    np.testing.assert_array_equal(dp.open, np.minimum(dp.target, caps))


def _shared_table(tmp_path, summer: int = 12, other: int = 2) -> str:
    """The illustrative Lund table with more feriepraktik in summer and other trainees in two departments."""
    import pandas as pd

    table = pd.read_csv(LUND, comment="#", dtype=object)
    two = table["name"].isin(["serviceförvaltningen", "tekniska förvaltningen"])
    table.loc[two, ["summer_trainees", "summer_months", "other_trainees"]] = [str(summer), "6 7 8", str(other)]
    path = tmp_path / "shared.csv"
    table.to_csv(path, index=False)
    return str(path)


def test_supervisors_shared_with_trainees_are_never_exceeded(tmp_path):
    """Feriepraktik takes supervisors in June–August: a department plans so that, at every moment, its
    participants stay within what it can supervise that month (Lund §4.2)."""
    d = dept_scenario("dialogue", lead_jobs=1, lead_internships=1)  # places where departments can supervise
    d["programme"]["allocation"]["departments"] = _shared_table(tmp_path, summer=40, other=4)
    d["horizon"] = "2024-12"
    p = params_of(d)
    dp = p.departments
    shared = [i for i, n in enumerate(dp.names) if n in ("serviceförvaltningen", "tekniska förvaltningen")]
    summer = [m for m, ym in enumerate(p.calendar.months()) if ym.month in (6, 7, 8)]
    assert all((dp.supervisable[i][:, summer] < dp.supervisable[i][:, [0]]).all() for i in shared)
    checked = 0
    for rep in range(3):
        v = simulate(p, rep).arms["programme"].visits
        for c, states in enumerate(([s for s in PLACES if s != int(State.INTERNSHIP)], [int(State.INTERNSHIP)])):
            sel = np.isin(v.state, states) & (v.t1 > v.t0)
            for i in shared:
                mine = sel & (v.dept == i)
                times = np.unique(np.r_[v.t0[mine], np.arange(p.n_months, dtype=float)])
                for t in times:  # every placement and every month's start
                    present = (mine & (v.t0 <= t) & (v.t1 > t)).sum()
                    assert present <= dp.supervisable[i, c, min(int(t), p.n_months - 1)], (i, c, t)
                    checked += 1
    assert checked > 300


def test_trainees_take_supervisors_in_proportion():
    from model.departments import Department

    dep = Department("x", 100, 1, 1, 30, 10, 0.5, summer_trainees=8, other_trainees=4)
    assert (dep.capacity("jobs"), dep.capacity("internships")) == (27, 9)  # 4 of 40 supervisors taken all year
    assert (dep.capacity("jobs", 7), dep.capacity("internships", 7)) == (21, 7)  # 12 of 40 in July
    assert dep.capacity("jobs", 9) == 27


@pytest.mark.parametrize(
    ("column", "value", "words"),
    [("summer_trainees", "-1", "greater than or equal to 0"), ("summer_months", "13", "months must be 1–12")],
)
def test_bad_trainee_columns_name_row_and_column(tmp_path, column, value, words):
    path = tmp_path / "bad.csv"
    path.write_text(
        "name,employees,recruitment_need_2y,recruitment_need_5y,supervisor_capacity_jobs,"
        f"supervisor_capacity_internships,closeness,{column}\nA,100,1,2,3,4,0.5,{value}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        load_departments(path)
    msg = str(err.value)
    assert f"row 2 (A): {column}" in msg and words in msg

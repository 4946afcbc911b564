"""The allocation model: exact totals, caps, Malmö's quota, the Lund integer program, clear errors."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from model.allocation import (
    METHODS,
    AllocationError,
    Targets,
    allocate,
    largest_remainder,
    lund_scores,
)
from model.cli import app
from model.departments import CLASSES, COLUMNS, Department, departments_from_frame, load_departments

LUND = Path(__file__).parents[1] / "runs" / "departments" / "lund.csv"


def dep(name: str, employees: int = 100, need: int = 10, cap_j: int = 5, cap_i: int = 5, close: float = 0.5, **kw):
    return Department(name, employees, need, need, cap_j, cap_i, close, **kw)


@st.composite
def tables(draw: st.DrawFn) -> tuple[tuple[Department, ...], Targets]:
    n = draw(st.integers(1, 7))
    deps = []
    for i in range(n):
        fixed_j = draw(st.one_of(st.none(), st.integers(0, 4)))
        deps.append(
            Department(
                f"d{i}",
                draw(st.integers(0, 3000)),
                draw(st.integers(0, 200)),
                draw(st.integers(0, 400)),
                draw(st.integers(0, 30)),
                draw(st.integers(0, 30)),
                draw(st.floats(0, 1)),
                fixed_jobs=fixed_j,
            )
        )
    room_j = sum(d.fixed_jobs if d.fixed_jobs is not None else d.supervisor_capacity_jobs for d in deps)
    fixed_j = sum(d.fixed_jobs or 0 for d in deps)
    room_i = sum(d.supervisor_capacity_internships for d in deps)
    all_fixed = all(d.fixed_jobs is not None for d in deps)
    jobs = fixed_j if all_fixed else draw(st.integers(fixed_j, max(fixed_j, room_j)))
    return tuple(deps), Targets(jobs, draw(st.integers(0, room_i)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(), st.sampled_from(METHODS), st.floats(0, 1))
def test_totals_exact_caps_and_fixed_places_hold(table, method, size_weight):
    deps, targets = table
    a = allocate(method, targets, deps, size_weight=size_weight)
    assert a.places.dtype.kind == "i" and (a.places >= 0).all()
    for j, cls in enumerate(CLASSES):
        assert a.total(cls) == targets.of(cls)
        for i, d in enumerate(deps):
            if d.fixed(cls) is not None:
                assert a.places[i, j] == d.fixed(cls)
            elif method != "malmo":  # Malmö's quota ignores what a department can supervise (penalties do the rest)
                assert a.places[i, j] <= d.capacity(cls)
            assert a.over_capacity[i, j] == max(a.places[i, j] - d.capacity(cls), 0)


def test_malmo_quota_is_the_rounded_rate_times_employees():
    """Rate = target / all employees (200 / 3 500 = 5.71 %): quotas 57.1, 114.3, 28.6 → 57, 114, 29."""
    deps = [dep("a", 1000, cap_j=0), dep("b", 2000, cap_j=0), dep("c", 500, cap_j=0)]
    a = allocate("malmo", Targets(200, 0), deps)
    np.testing.assert_array_equal(a.places[:, 0], [57, 114, 29])
    assert a.parameters["rate_jobs"] == pytest.approx(200 / 3500)
    np.testing.assert_array_equal(a.over_capacity[:, 0], [57, 114, 29])  # nobody can supervise: all missing
    assert "quota 5.71% × 1000 employees = 57.1 → 57" in a.reasons[0]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 5000), min_size=1, max_size=8), st.integers(0, 400))
def test_malmo_quota_is_within_one_of_rate_times_employees(employees, jobs):
    deps = [dep(f"d{i}", e) for i, e in enumerate(employees)]
    a = allocate("malmo", Targets(jobs, 0), deps)
    rate = jobs / sum(employees) if sum(employees) else 0.0
    exact = np.array(employees) * rate
    if sum(employees):
        assert (np.abs(a.places[:, 0] - exact) < 1).all()
    assert a.total("jobs") == jobs


@pytest.mark.parametrize(
    ("weights", "total", "caps", "expected"),
    [
        ([1, 1, 1], 10, None, [4, 3, 3]),  # ties go to the earlier entry
        ([5, 3, 2], 10, None, [5, 3, 2]),
        ([8, 1, 1], 10, [4, 10, 10], [4, 3, 3]),  # the capped share goes to the others
        ([0, 0, 1], 3, [1, 1, 1], [1, 1, 1]),
        ([0, 0], 2, None, [1, 1]),
    ],
)
def test_largest_remainder_by_hand(weights, total, caps, expected):
    np.testing.assert_array_equal(largest_remainder(weights, total, caps), expected)


def _brute_force(score: np.ndarray, caps: list[int], total: int) -> float:
    best = -np.inf
    for x in itertools.product(*(range(c + 1) for c in caps)):
        if sum(x) == total:
            best = max(best, float(np.dot(score, x)))
    return best


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 500), st.integers(0, 4), st.floats(0, 1)), min_size=1, max_size=4),
    st.data(),
)
def test_lund_method_is_optimal_against_brute_force(rows, data):
    deps = [dep(f"d{i}", need=need, cap_j=cap, close=close) for i, (need, cap, close) in enumerate(rows)]
    total = data.draw(st.integers(0, sum(cap for _, cap, _ in rows)))
    a = allocate("lund", Targets(total, 0), deps)
    score = lund_scores(deps)
    assert float(np.dot(score, a.places[:, 0])) == pytest.approx(
        _brute_force(score, [d.capacity("jobs") for d in deps], total), abs=1e-6
    )


def test_infeasible_request_names_the_shortfall_per_class():
    deps = [dep("a", cap_j=10, cap_i=2), dep("b", cap_j=20, cap_i=1)]
    with pytest.raises(AllocationError) as err:
        allocate("lund", Targets(50, 5), deps)
    msg = str(err.value)
    assert "jobs: target 50, supervisor capacity 30" in msg and "short by 20" in msg
    assert "internships: target 5, supervisor capacity 3" in msg and "short by 2" in msg
    with pytest.raises(AllocationError, match="jobs: fixed places 7 exceed the target 5"):
        allocate("malmo", Targets(5, 0), [dep("a", fixed_jobs=7), dep("b")])


def _frame(**change) -> pd.DataFrame:
    row = {
        "name": "x",
        "employees": "10",
        "recruitment_need_2y": "1",
        "recruitment_need_5y": "2",
        "supervisor_capacity_jobs": "3",
        "supervisor_capacity_internships": "1",
        "closeness": "0.5",
    }
    row.update(change)
    return pd.DataFrame([row, {**row, "name": "y"}])


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"colour": "red"}, "columns: unknown column(s) colour; allowed: name, employees"),
        ({"employees": "-4"}, "row 2 (x): employees: Input should be greater than or equal to 0"),
        ({"closeness": "1.4"}, "row 2 (x): closeness: Input should be less than or equal to 1"),
        ({"supervisor_capacity_jobs": "2.5"}, "row 2 (x): supervisor_capacity_jobs"),
        ({"closed_months": "13"}, "row 2 (x): closed_months"),
    ],
)
def test_bad_table_names_row_and_column(change, words):
    with pytest.raises(Exception) as err:
        departments_from_frame(_frame(**change), "t.csv")
    assert words in str(err.value), str(err.value)
    assert str(err.value).startswith("t.csv: ")


def test_missing_column_and_duplicate_name():
    with pytest.raises(Exception, match=r"missing column.s. closeness; required"):
        departments_from_frame(_frame().drop(columns=["closeness"]), "t.csv")
    dup = _frame()
    dup.loc[1, "name"] = "x"
    with pytest.raises(Exception, match=r"row 3 .x.: name: department 'x' appears twice"):
        departments_from_frame(dup, "t.csv")


def test_shipped_table_reads_and_excel_reads_the_same(tmp_path):
    deps = load_departments(LUND)
    assert len(deps) == 10 and deps[5].closed_months == (7,)
    assert "ILLUSTRATIVE" in LUND.read_text(encoding="utf-8")
    xlsx = tmp_path / "d.xlsx"
    pd.read_csv(LUND, comment="#").to_excel(xlsx, index=False)
    assert load_departments(xlsx) == deps
    assert set(COLUMNS) >= set(pd.read_csv(LUND, comment="#").columns)


def test_cli_allocate_json_csv_and_errors():
    runner = CliRunner()
    res = runner.invoke(
        app, ["allocate", str(LUND), "--method", "lund", "--jobs", "100", "--internships", "25", "--json"]
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert sum(r["jobs"] for r in data["departments"]) == 100
    assert sum(r["internships"] for r in data["departments"]) == 25
    assert all("score" in r["reason"] for r in data["departments"])
    res = runner.invoke(
        app, ["allocate", str(LUND), "--method", "malmo", "--jobs", "10", "--internships", "0", "--csv"]
    )
    lines = res.output.strip().splitlines()
    assert lines[0].startswith("department,jobs,internships") and len(lines) == 11
    res = runner.invoke(app, ["allocate", str(LUND), "--method", "lund", "--jobs", "1000", "--internships", "0"])
    assert res.exit_code == 2 and "short by" in res.output
    res = runner.invoke(app, ["allocate", str(LUND), "--method", "quota", "--jobs", "1", "--internships", "0"])
    assert res.exit_code == 2

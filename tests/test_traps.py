"""Traps that mislead users: NaN and inf, frames in mnkr, unused years, starts vs places, empty places."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from typer.testing import CliRunner

from model.cli import app
from model.errors import InputError
from model.scenario import parse_scenario, scenario_notices
from tests.conftest import params_of, small_dict, write_yaml

runner = CliRunner()


def _validate(tmp_path, d: dict) -> tuple[int, str]:
    res = runner.invoke(app, ["validate", str(write_yaml(tmp_path / "s.yaml", d)), "--lang", "en"])
    return res.exit_code, res.output


@pytest.mark.parametrize(
    ("where", "value", "field"),
    [
        ("reform", math.nan, "reforms.nystartsjobb.k.standard.2022-01-01"),
        ("frame", math.inf, "budget_frames.2022"),
        ("inflow", math.nan, "population.inflow_per_month.2022"),
        ("hazard", math.nan, "baseline.exit_per_month.sick.work"),
        ("effect", -math.inf, "effects.lock_in.job"),
    ],
)
def test_nan_and_inf_are_errors_naming_the_field(tmp_path, where, value, field):
    d = small_dict()
    if where == "reform":
        d["reforms"] = {"nystartsjobb.k.standard": {"2022-01-01": value}}
    elif where == "frame":
        d["budget_frames"][2022] = value
    elif where == "inflow":
        d["population"]["inflow_per_month"] = {2022: value}
    elif where == "hazard":
        d["baseline"]["exit_per_month"]["sick"]["work"] = value
    else:
        d["effects"]["lock_in"]["job"] = value
    code, out = _validate(tmp_path, d)
    assert code == 2 and f"s.yaml: {field}:" in out and "finite" in out, out


def test_nan_in_a_departments_table_is_an_error(tmp_path):
    d = small_dict()
    table = tmp_path / "deps.csv"
    table.write_text(
        "name,employees,recruitment_need_2y,recruitment_need_5y,supervisor_capacity_jobs,"
        "supervisor_capacity_internships,closeness\nA,100,5,10,4,2,nan\nB,50,2,5,2,1,0.5\n",
        encoding="utf-8",
    )
    d["programme"]["allocation"] = {
        "departments": str(table),
        "method": "lund",
        "lead_time_months": {"jobs": 1, "internships": 1},
    }
    code, out = _validate(tmp_path, d)
    assert code == 2 and "deps.csv" in out and "closeness" in out, out


def test_a_frame_in_mnkr_is_flagged(tmp_path):
    d = small_dict()
    d["budget_frames"] = {2022: 157.5, 2023: 8e6}
    notices = scenario_notices(parse_scenario(d))
    assert [n.code for n in notices] == ["frame_small"] and notices[0].values["year"] == "2022"
    code, out = _validate(tmp_path, d)
    assert code == 0 and "budget_frames.2022 = 157.5: frames are SEK per year" in out


def test_years_outside_the_horizon_are_flagged(tmp_path):
    d = small_dict()
    d["population"]["inflow_per_month"] = {2021: 2, 2022: 3, 2031: 9}
    d["budget_frames"] = {2022: 8e6, 2023: 8e6, 2030: 9e6}
    notices = {n.values["field"]: n.values["years"] for n in scenario_notices(parse_scenario(d))}
    assert notices == {"budget_frames": "2030", "population.inflow_per_month": "2021, 2031"}
    code, out = _validate(tmp_path, d)
    assert code == 0 and "are not used" in out


def test_targets_as_places_keep_the_places_when_jobs_get_longer():
    d = small_dict()
    d["programme"]["duration_months"] = {"jobs": 12, "internships": 3}
    by_starts = params_of(d)
    d["programme"].pop("starts_per_year")
    d["programme"]["places_per_year"] = {2022: {"jobs": 8, "internships": 3}}
    by_places = params_of(d)
    full = by_starts.capacity_full[0]
    assert full[0] == 16  # 16 starts × 12 months / 12: a 12-month job doubles the places of 6-month jobs
    assert by_places.capacity_full[0][0] == 8 and by_places.capacity_full[1][0] == 3
    assert np.all(by_places.capacity_full[0] == 8)


def test_targets_need_one_unit(tmp_path):
    d = small_dict()
    d["programme"]["places_per_year"] = {2022: {"jobs": 8, "internships": 3}}
    with pytest.raises(InputError, match=r"either starts_per_year .* or places_per_year"):
        parse_scenario(d, "x.yaml")
    d["programme"].pop("starts_per_year")
    d["programme"].pop("places_per_year")
    with pytest.raises(InputError, match="not both or neither"):
        parse_scenario(d, "x.yaml")


def test_empty_places_are_warned_in_terminal_summary_and_report(tmp_path):
    d = small_dict()
    d["programme"]["starts_per_year"] = {2022: {"jobs": 400, "internships": 12}}  # far more than 60 households fill
    out = tmp_path / "run"
    res = runner.invoke(
        app,
        ["run", str(write_yaml(tmp_path / "s.yaml", d)), "--out", str(out), "--reps", "2", "--quiet", "--lang", "en"],
    )
    assert res.exit_code == 0, res.output
    assert "jobs: places stay empty, filled below 90 % of the plan" in res.output.replace("\u00a0", " ")
    summary = json.loads((out / "summary.json").read_text())
    assert any(n["code"] == "places_empty" and n["values"]["place_class"] == "jobs" for n in summary["notices"])
    rows = [r for r in summary["places"] if r["class"] == "jobs" and r["year"] == 2022]
    assert rows[0]["unit"] == "starts" and rows[0]["fill"] < 0.9
    assert "places stay empty" in (out / "report.html").read_text(encoding="utf-8").replace("\u00a0", " ")

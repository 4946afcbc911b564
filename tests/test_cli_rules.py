"""`amsim rules`: list, show, eval; JSON output; clear errors."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from model.cli import app

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, ["rules", *args])


def test_list_shows_values_and_references():
    res = run("list", "--date", "2023-06", "--json")
    assert res.exit_code == 0
    data = json.loads(res.output)
    single = next(r for r in data["rules"] if r["path"] == "benefit_norm.adult.single")
    assert single["value"] == 3490 and single["valid_from"] == "2023-01-01" and "1.086" in single["reference"]
    housing = next(r for r in data["rules"] if r["path"] == "housing.rent.adults_only")
    assert housing["carried_forward"] is True


def test_list_as_a_tree_keeps_every_path_whole():
    """At 80 columns each rule's path (what a reform names) is printed in one piece, under its file."""
    res = run("list", "--date", "2023-06")
    assert res.exit_code == 0
    lines = res.output.splitlines()
    assert any(line.endswith("── introduktionsjobb") for line in lines)
    assert any("eligibility.months_away_newly_arrived = 0  from 2018-05-01" in line for line in lines)
    assert any("k.newly_arrived = 3  from 2022-04-01" in line for line in lines)


def test_show_gives_the_history():
    res = run("show", "nystartsjobb.wage_cap", "--json")
    data = json.loads(res.output)
    assert [v["value"] for v in data["values"]] == [22000, 20000]
    assert run("show", "nystartsjobb.wage_cap").exit_code == 0


def test_eval_subsidy_by_hand():
    res = run("eval", "subsidy", "--type", "nystartsjobb", "--wage", "27000", "--date", "2024-03", "--k", "2", "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["subsidy_sek"] == pytest.approx(2 * 0.3142 * 20000)
    res = run("eval", "subsidy", "--type", "nystartsjobb", "--wage", "27000", "--date", "2024-03", "--json")
    assert json.loads(res.output)["subsidy_sek"] == pytest.approx(1 * 0.3142 * 20000)  # the rule's k in 2024
    res = run(
        "eval", "subsidy", "--type", "nystartsjobb", "--wage", "12000", "--date", "2022-06", "--hours", "50%", "--json"
    )
    assert json.loads(res.output)["subsidy_sek"] == pytest.approx(2 * 0.3142 * 10000)


def test_eval_subsidy_level_by_time_away_and_arrival():
    base = ("eval", "subsidy", "--type", "nystartsjobb", "--wage", "20000", "--date", "2024-03", "--json")
    data = json.loads(run(*base, "--months-away", "30").output)
    assert (data["level"], data["k"]) == ("long_away", 2.0)
    assert data["subsidy_sek"] == pytest.approx(2 * 0.3142 * 20000)
    data = json.loads(run(*base, "--newly-arrived").output)
    assert (data["level"], data["k"]) == ("newly_arrived", 2.5)
    assert json.loads(run(*base, "--months-away", "12").output)["level"] == "regular"


def test_eval_benefit_by_hand():
    res = run("eval", "benefit", "--adults", "1", "--children", "3,7", "--date", "2023-05", "--json")
    data = json.loads(res.output)
    assert data["norm_sek"] == 3490 + 2390 + 3380 + 1560
    assert data["benefit_sek"] == data["norm_sek"] + 8975 - 2 * 1250 - 150  # barnbidrag and flerbarnstillägg


def test_eval_akassa_parent_gets_450_days():
    res = run("eval", "akassa", "--date", "2023-02", "--parent", "--months", "12", "--json")
    data = json.loads(res.output)
    assert data["days"] == 450 and data["karens_days"] == 2
    assert [p["daily_sek"] for p in data["periods"]] == [0, 510]  # 2 karensdagar, then the full basic amount


def test_eval_akassa_six_months_give_half_the_basic_amount_and_nothing_under_20():
    data = json.loads(run("eval", "akassa", "--date", "2023-02", "--json").output)
    assert data["periods"][1]["daily_sek"] == 255
    young = json.loads(run("eval", "akassa", "--date", "2023-02", "--age", "19", "--json").output)
    assert young["qualifies"] and not young["paid"] and young["total_sek"] == 0
    member = json.loads(run("eval", "akassa", "--date", "2023-02", "--age", "19", "--member", "--json").output)
    assert member["paid"] and member["periods"][1]["daily_sek"] == pytest.approx(0.8 * 10000 / 22)


def test_eval_aktivitetsstod_lowest_and_share():
    base = ("eval", "aktivitetsstod", "--date", "2024-01", "--decided", "2022-10", "--json")
    lowest = json.loads(run(*base).output)
    assert lowest["level"] == "lowest" and lowest["days"] == 450 and lowest["periods"][0]["daily_sek"] == 223
    share = json.loads(run(*base, "--member-months", "24", "--months", "12").output)
    assert share["days"] is None and share["periods"][0]["daily_sek"] == pytest.approx(0.65 * 20000 / 22)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            ["eval", "subsidy", "--type", "extrajobb", "--wage", "20000", "--date", "2023-01"],
            "allowed: municipal_job, nystartsjobb, introduktionsjobb",
        ),
        (["eval", "subsidy", "--type", "nystartsjobb", "--wage", "-5", "--date", "2023-01"], "wage must be ≥ 0"),
        (["eval", "subsidy", "--type", "introduktionsjobb", "--wage", "20000", "--date", "2017-01"], "no value before"),
        (["eval", "subsidy", "--type", "nystartsjobb", "--wage", "20000", "--date", "2023-13"], "YYYY-MM"),
        (["eval", "benefit", "--adults", "3", "--date", "2023-01"], "adults must be 1 or 2"),
        (["show", "nystartsjobb.kk"], "nearest: nystartsjobb.k"),
        (
            ["eval", "subsidy", "--type", "nystartsjobb", "--wage", "1", "--date", "2024-01", "--months-away", "-2"],
            "months away must be ≥ 0",
        ),
    ],
)
def test_bad_input_is_a_clear_error(args, words):
    res = run(*args)
    assert res.exit_code != 0
    assert words in res.output

"""`amsim evaluate`: a whole evaluation folder from a register, and clear errors for what is not one."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from model.cli import app


@pytest.fixture(scope="module")
def register(tmp_path_factory):
    out = tmp_path_factory.mktemp("register") / "reg"
    res = CliRunner().invoke(app, ["register", "register_observed", "--reps", "2", "--out", str(out)])
    assert res.exit_code == 0, res.output
    return out


def test_an_evaluation_folder_with_the_truth_beside_the_estimates(register, tmp_path):
    out = tmp_path / "ev"
    res = CliRunner().invoke(app, ["evaluate", str(register), "--months", "12", "--out", str(out)])
    assert res.exit_code == 0, res.output
    files = ["balance.csv", "evaluation.json", "evaluation.parquet", "report.html"]
    assert sorted(x.name for x in out.iterdir()) == files
    df = pd.read_parquet(out / "evaluation.parquet")
    assert sorted(df["replication"].unique()) == [0, 1] and df["k"].max() == 12
    assert set(df["outcome"]) == {"benefit", "work", "akassa"}
    assert set(df["group"]) == {"all", "internship", "ordinary", "created"}
    every = df[df["group"] == "all"]
    assert every["estimate"].notna().all() and every["truth"].notna().all()
    assert (every["lower"] <= every["estimate"]).all() and (every["estimate"] <= every["upper"]).all()
    meta = json.loads((out / "evaluation.json").read_text())
    assert meta["replications"] == [0, 1] and set(meta["lowest_coverage_all"]) == {"benefit", "work", "akassa"}
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "sanning" in html and "Täckning" in html and "evaluation-1" in html
    balance = pd.read_csv(out / "balance.csv")
    assert "readiness" in set(balance["covariate"])
    assert not (tmp_path / "ev.partial").exists()


def test_one_replication_in_english_and_the_same_result_again(register, tmp_path):
    runs = []
    for name in ("a", "b"):
        res = CliRunner().invoke(app, ["evaluate", str(register), "--reps", "1", "--months", "6", "--lang", "en",
                                       "--out", str(tmp_path / name)])  # fmt: skip
        assert res.exit_code == 0, res.output
        runs.append(pd.read_parquet(tmp_path / name / "evaluation.parquet"))
    pd.testing.assert_frame_equal(*runs)
    assert set(runs[0]["replication"]) == {1}
    html = (tmp_path / "a" / "report.html").read_text(encoding="utf-8")
    assert "truth (paired counterfactual)" in html and "<h2>Coverage" not in html  # one register: no coverage
    assert (tmp_path / "a" / "report.html").read_bytes() == (tmp_path / "b" / "report.html").read_bytes()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--reps", "7"], "no replication 7"),
        (["--reps", "x-y"], "--reps x-y"),
        (["--lang", "de"], "allowed values are sv, en"),
    ],
)
def test_bad_options_are_refused(register, tmp_path, args, message):
    res = CliRunner().invoke(app, ["evaluate", str(register), "--out", str(tmp_path / "ev"), *args])
    assert res.exit_code == 2 and message in res.output
    assert not (tmp_path / "ev").exists() and not (tmp_path / "ev.partial").exists()


def test_what_is_not_a_register_is_refused(tmp_path):
    res = CliRunner().invoke(app, ["evaluate", str(tmp_path), "--out", str(tmp_path / "ev")])
    assert res.exit_code == 2 and "no register here" in res.output
    bad = tmp_path / "bad.parquet"
    pd.DataFrame({"replication": [0], "person": [0], "t": [0]}).to_parquet(bad)
    res = CliRunner().invoke(app, ["evaluate", str(bad), "--out", str(tmp_path / "ev")])
    assert res.exit_code == 2 and "missing columns" in res.output and "status" in res.output


@pytest.mark.slow
def test_the_report_says_when_the_estimate_misses_the_truth(tmp_path):
    """register_readiness: the ready are placed, and no register holds readiness. Over two registers the
    estimated effect on work is off the truth by more than uncertainty explains, and the report says so in
    the language asked for; readiness stays out of balance after weighting."""
    reg = tmp_path / "reg"
    res = CliRunner().invoke(app, ["register", "register_readiness", "--reps", "2", "--out", str(reg)])
    assert res.exit_code == 0, res.output
    out = tmp_path / "ev"
    res = CliRunner().invoke(app, ["evaluate", str(reg), "--months", "24", "--out", str(out), "--lang", "en"])
    assert res.exit_code == 0, res.output
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "more than uncertainty explains" in html and "on work" in html
    balance = pd.read_csv(out / "balance.csv").query("group == 'all' and covariate == 'readiness'")
    assert (balance["smd_weighted"] > 0.1).all()

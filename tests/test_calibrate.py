"""`amsim calibrate`: ABC-SMC on amsim's backends, reproducible, resumable, and refusing bad input clearly."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

import calibration.abc as abc_mod
import calibration.calibrate as cal
from calibration.abc import miss, prior_scales
from calibration.calibrate import Request, Settings, calibrate
from calibration.particles import Simulator, fit_observations, fit_parameters, is_value_of
from calibration.targets import Observation, load_targets
from model.cli import app
from model.errors import AmsimError
from model.params import Resolver
from model.scenario import load_scenario
from tests.conftest import small_dict, write_yaml

runner = CliRunner()
INFLOW, EXIT = "population.inflow_per_month", "baseline.exit_per_month.unemployed.work"


def _row(key: str, statistic: str, period: str | int | None, **more) -> dict:
    row = {"key": key, "statistic": statistic, "unit": "households", "source": "synthetic", "text_sv": key,
           "text_en": key} | more  # fmt: skip
    if period is not None:
        row["period"] = period
    return row


ROWS = [
    _row("hh2022", "households_on_benefit", 2022, value=55),
    _row("hh2023", "households_on_benefit", 2023, value=50),
    _row("jobs2022", "starts_jobs", 2022, value=14, unit="starts"),
]


def _files(tmp_path: Path, rows: list[dict] = ROWS, **changes) -> tuple[Path, Path]:
    d = small_dict(**changes)
    d["population"]["inflow_per_month"] = {"dist": "uniform", "loc": 1, "scale": 6}
    d["baseline"]["exit_per_month"]["unemployed"]["work"] = {"dist": "uniform", "loc": 0.01, "scale": 0.08}
    scenario = write_yaml(tmp_path / "s.yaml", d)
    targets = tmp_path / "t.yaml"
    targets.write_text(yaml.safe_dump({"municipality": "Test", "observations": rows}), encoding="utf-8")
    return scenario, targets


def _request(scenario: Path, targets: Path, out: Path, workers: int = 1, **settings) -> Request:
    sc = load_scenario(scenario)
    observed = load_targets(targets)
    rows = fit_observations(observed, sc.calendar, str(targets))
    params = fit_parameters(sc.distributions, is_value_of(sc), [INFLOW, EXIT], str(scenario))
    s = Settings(**({"population": 30, "generations": 2, "check_draws": 20, "seed": 5} | settings))
    return Request(sc, str(scenario), targets, params, rows, rows, s, out, None, workers)


def _cli(scenario: Path, targets: Path, out: Path, *more: str):
    return runner.invoke(
        app,
        ["calibrate", str(scenario), "--targets", str(targets), "--params", INFLOW, "--params", EXIT,
         "--population", "30", "--generations", "2", "--check-draws", "20", "--out", str(out), "--quiet",
         "--lang", "en", *more],
    )  # fmt: skip


def test_calibrate_writes_a_posterior_a_scenario_can_use(tmp_path):
    scenario, targets = _files(tmp_path)
    res = _cli(scenario, targets, tmp_path / "fit", "--workers", "1")
    assert res.exit_code == 0, res.output
    fit = tmp_path / "fit"
    assert {"posterior.csv", "fit.json", "fit.html", "abc.db", "prior_sample.parquet"} <= {
        f.name for f in fit.iterdir()
    }
    assert not (tmp_path / "fit.partial").exists()
    post = pd.read_csv(fit / "posterior.csv")
    assert list(post.columns) == [INFLOW, EXIT, "weight"] and len(post) == 30
    assert math.isclose(post["weight"].sum(), 1.0) and (post["weight"] > 0).all()
    assert post[INFLOW].between(1, 7).all() and post[EXIT].between(0.01, 0.09).all()  # inside the priors
    summary = json.loads((fit / "fit.json").read_text(encoding="utf-8"))
    gens = summary["generations"]
    assert [g["generation"] for g in gens] == [0, 1]
    assert gens[1]["epsilon"] < gens[0]["epsilon"]  # the threshold falls
    assert all(g["accepted"] == 30 and 0 < g["acceptance"] <= 1 and 1 <= g["ess"] <= 30 for g in gens)
    assert {t["key"] for t in summary["targets"]} == {"hh2022", "hh2023", "jobs2022"}
    page = (fit / "fit.html").read_text(encoding="utf-8")
    for words in ("Observed vs simulated", "Marginal distributions", "Pairs of values", "Effective sample size"):
        assert words in page
    # the posterior as the scenario's distribution of the two values: whole rows, the priors not drawn
    d = yaml.safe_load(scenario.read_text(encoding="utf-8"))
    d["posterior"] = str(fit / "posterior.csv")
    used = write_yaml(tmp_path / "calibrated.yaml", d)
    resolver = Resolver(load_scenario(used), file=str(used))
    rows = {(float(a), float(b)) for a, b in zip(post[INFLOW], post[EXIT], strict=True)}
    assert {(resolver.draws(r)[INFLOW], resolver.draws(r)[EXIT]) for r in range(0, 60, 2)} <= rows


def test_posterior_identical_for_any_worker_count_and_batch_size(tmp_path, monkeypatch):
    scenario, targets = _files(tmp_path)
    one = calibrate(_request(scenario, targets, tmp_path / "one", workers=1))
    two = calibrate(_request(scenario, targets, tmp_path / "two", workers=2))
    monkeypatch.setattr(abc_mod, "MIN_BATCH", 3)
    monkeypatch.setattr(abc_mod, "MAX_BATCH", 7)  # many small batches: the same proposals, judged in order
    small = calibrate(_request(scenario, targets, tmp_path / "small", workers=1))
    first = (one.out / "posterior.csv").read_bytes()
    assert (two.out / "posterior.csv").read_bytes() == first
    assert (small.out / "posterior.csv").read_bytes() == first
    assert one.fit["targets"] == small.fit["targets"]
    other = calibrate(_request(scenario, targets, tmp_path / "other", seed=6))
    assert (other.out / "posterior.csv").read_bytes() != first


def test_an_interrupted_fit_resumes_to_the_same_posterior(tmp_path, monkeypatch):
    scenario, targets = _files(tmp_path)
    whole = calibrate(_request(scenario, targets, tmp_path / "whole", generations=3))
    real = cal._record

    def stop_at_second(history, g):
        if g == 1:  # generation 2 is in the database; the process dies before its log line
            raise KeyboardInterrupt
        return real(history, g)

    monkeypatch.setattr(cal, "_record", stop_at_second)
    with pytest.raises(KeyboardInterrupt):
        calibrate(_request(scenario, targets, tmp_path / "cut", generations=3))
    assert (tmp_path / "cut.partial" / "abc.db").exists() and not (tmp_path / "cut").exists()
    monkeypatch.setattr(cal, "_record", real)
    resumed = calibrate(_request(scenario, targets, tmp_path / "cut", generations=3))
    assert resumed.resumed_generations == 2
    assert (resumed.out / "posterior.csv").read_bytes() == (whole.out / "posterior.csv").read_bytes()
    assert [g["epsilon"] for g in resumed.fit["generations"]] == [g["epsilon"] for g in whole.fit["generations"]]


def test_a_partial_fit_of_other_inputs_is_not_resumed(tmp_path, monkeypatch):
    scenario, targets = _files(tmp_path)
    monkeypatch.setattr(cal, "_record", lambda history, g: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        calibrate(_request(scenario, targets, tmp_path / "fit"))
    monkeypatch.undo()
    with pytest.raises(AmsimError, match="cannot resume: these inputs changed since it started: settings"):
        calibrate(_request(scenario, targets, tmp_path / "fit", population=40))
    res = _cli(scenario, targets, tmp_path / "fit", "--seed", "9")
    assert res.exit_code == 2 and "seed" in res.output


@pytest.mark.parametrize(
    ("rows", "words"),
    [
        ([_row("x", "households_on_benfit", 2022, value=5)], "observations[0] (x): statistic 'households_on_benfit'"),
        ([_row("x", "households_on_benefit", 2022, low=60, high=50)], "the interval 60–50 is empty"),
        ([_row("x", "households_on_benefit", 2026, value=5)], "observations[0] (x).period: 2026-01..2026-12"),
        ([_row("x", "households_on_benefit", "2022-13", value=5)], "observations[0] (x)"),
        ([_row("x", "households_on_benefit", 2022, value=5, fit=False)], "no row has fit: true"),
    ],
)
def test_bad_target_files_exit_2_naming_file_and_row(tmp_path, rows, words):
    scenario, targets = _files(tmp_path, rows)
    res = _cli(scenario, targets, tmp_path / "fit")
    text = " ".join(res.output.split())
    assert res.exit_code == 2, res.output
    assert "t.yaml" in text and words in text, text
    assert not (tmp_path / "fit").exists() and not (tmp_path / "fit.partial").exists()


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("population.inflow_per_mont", "population.inflow_per_mont: not a value of the scenario"),
        ("population.initial_households", "population.initial_households: a number here: give it a distribution"),
    ],
)
def test_bad_parameter_paths_exit_2_naming_the_path(tmp_path, path, words):
    scenario, targets = _files(tmp_path)
    res = runner.invoke(app, ["calibrate", str(scenario), "--targets", str(targets), "--params", path, "--quiet"])
    text = " ".join(res.output.split())
    assert res.exit_code == 2 and words in text, text


def test_a_discrete_or_point_prior_is_refused(tmp_path):
    scenario, targets = _files(tmp_path)
    d = yaml.safe_load(scenario.read_text(encoding="utf-8"))
    d["population"]["initial_households"] = {"dist": "discrete", "values": [50, 60], "probabilities": [0.5, 0.5]}
    write_yaml(scenario, d)
    res = runner.invoke(
        app, ["calibrate", str(scenario), "--targets", str(targets), "--params", "population.initial_households"]
    )
    assert res.exit_code == 2 and "discrete: a fit needs a continuous prior" in " ".join(res.output.split())


def test_miss_by_hand():
    value = Observation(**_row("a", "households_on_benefit", 2022, value=100))
    interval = Observation(**_row("b", "households_on_benefit", 2022, low=10, high=20))
    scales = {"a": 10.0, "b": 5.0}
    assert miss([value, interval], scales, [100.0, 15.0]) == 0.0  # on the value, inside the interval
    assert miss([value, interval], scales, [120.0, 15.0]) == pytest.approx(math.sqrt((2**2 + 0) / 2))
    assert miss([value, interval], scales, [100.0, 30.0]) == pytest.approx(math.sqrt((0 + 2**2) / 2))
    assert miss([value, interval], scales, [90.0, 5.0]) == pytest.approx(math.sqrt((1 + 1) / 2))
    assert math.isinf(miss([value, interval], scales, [math.nan, 15.0]))
    # the spread of the prior sample; a statistic the prior does not move falls back to 5 % of the figure
    assert prior_scales([value, interval], [[90.0, 12.0], [100.0, 12.0], [110.0, 12.0]]) == {
        "a": pytest.approx(1.4826 * 10),
        "b": pytest.approx(0.05 * 10),
    }


def test_each_proposal_runs_on_replications_of_its_own(tmp_path):
    scenario, targets = _files(tmp_path)
    sc = load_scenario(scenario)
    rows = fit_observations(load_targets(targets), sc.calendar, str(targets))
    sim = Simulator(Resolver(sc, file=str(scenario)), rows)
    same = [{INFLOW: 4.0, EXIT: 0.05}] * 6
    stats = sim(0, 0, same)
    assert len({tuple(r) for r in stats}) > 1  # the same values, fresh random numbers: ABC's noise
    assert np.array_equal(sim(0, 0, same), stats)  # and the same again for the same proposal numbers
    assert np.array_equal(sim(0, 2, same[:2]), stats[2:4])  # a proposal's numbers depend on its number only


@pytest.mark.slow  # a local Dask cluster takes seconds to start: CI runs it (make test-slow)
def test_posterior_identical_on_dask(tmp_path):
    scenario, targets = _files(tmp_path)
    here = _cli(scenario, targets, tmp_path / "here", "--workers", "1")
    dask = _cli(scenario, targets, tmp_path / "dask", "--dask", "local", "--workers", "2")
    assert here.exit_code == 0 and dask.exit_code == 0, dask.output
    assert (tmp_path / "here" / "posterior.csv").read_bytes() == (tmp_path / "dask" / "posterior.csv").read_bytes()

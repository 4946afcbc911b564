"""A posterior file as the scenario's values' distribution: whole rows per parameter set, checked input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from model.cli import app
from model.params import Resolver
from model.scenario import load_scenario
from model.uncertainty import weighted_quantile
from tests.conftest import small_dict, write_yaml

runner = CliRunner()
A, B = "population.initial_households", "population.inflow_per_month"
ROWS = "population.initial_households,population.inflow_per_month,weight\n50,2,1\n60,3,1\n70,4,2\n"


def _scenario(tmp_path: Path, table: str = ROWS, name: str = "post.csv", **changes) -> Path:
    (tmp_path / name).write_text(table, encoding="utf-8")
    d = small_dict(**changes)
    d["posterior"] = name  # relative: read from the scenario's folder
    return write_yaml(tmp_path / "s.yaml", d)


def test_each_parameter_set_takes_a_whole_row_by_weight(tmp_path):
    resolver = Resolver(load_scenario(_scenario(tmp_path)))
    assert resolver.uncertain
    pairs = [(resolver.draws(r)[A], resolver.draws(r)[B]) for r in range(0, 2000, 2)]
    assert set(pairs) <= {(50.0, 2.0), (60.0, 3.0), (70.0, 4.0)}  # joint: never 50 with 4
    share = sum(p == (70.0, 4.0) for p in pairs) / len(pairs)
    assert 0.45 < share < 0.55  # weight 2 of 4
    assert resolver.draws(0) == resolver.draws(1)  # replications 2k and 2k + 1 share a parameter set
    again = Resolver(load_scenario(tmp_path / "s.yaml"))
    assert [again.draws(r) for r in range(40)] == [resolver.draws(r) for r in range(40)]


def test_a_zero_weight_row_is_never_drawn_and_fixed_ignores_the_posterior(tmp_path):
    table = f"{A},weight\n55,0\n65,1\n"
    resolver = Resolver(load_scenario(_scenario(tmp_path, table)))
    assert {resolver.draws(r)[A] for r in range(200)} == {65.0}
    assert resolver.uncertain  # the row's values replace the scenario's, in every replication
    assert Resolver(load_scenario(tmp_path / "s.yaml"), fixed=True).draws(0) == {}


def test_the_central_values_are_the_posteriors_weighted_medians(tmp_path):
    """--fixed runs the calibrated values, not the prior's centre: each column's weighted median."""
    fixed = Resolver(load_scenario(_scenario(tmp_path)), fixed=True)  # 50, 60, 70 weighing 1, 1, 2
    assert fixed.central.initial_households == 60 and fixed.draws(0) == {}
    skewed = Resolver(load_scenario(_scenario(tmp_path, f"{A},weight\n50,1\n60,1\n70,3\n")), fixed=True)
    assert skewed.central.initial_households == 70


def test_a_run_records_the_rows_and_resumes_only_with_the_same_file(tmp_path):
    path = _scenario(tmp_path)
    out = tmp_path / "r"
    res = runner.invoke(app, ["run", str(path), "--out", str(out), "--quiet", "--reps", "4", "--workers", "1"])
    assert res.exit_code == 0, res.output
    params = pd.read_parquet(out / "parameters.parquet")
    by_rep = params.pivot(index="rep", columns="path", values="value")
    assert set(map(tuple, by_rep[[A, B]].to_numpy())) <= {(50.0, 2.0), (60.0, 3.0), (70.0, 4.0)}
    manifest = (out / "manifest.json").read_text(encoding="utf-8")
    assert "posterior post.csv" in manifest


@pytest.mark.parametrize(
    "table, words",
    [
        (f"{A},population.no_such_value\n50,1\n", "population.no_such_value: not a value of the scenario"),
        (f"{A}\n50\nnan\n", "finite number"),
        (f"{A},weight\n50,-1\n60,2\n", "weights must be finite, non-negative"),
        (f"{A},weight\n50,0\n60,0\n", "not all zero"),
        ("weight\n1\n", "needs a row, and a column"),
        (f"{A}\n", "needs a row"),
        (f"{A}\nmany\n", "every cell must be a number"),
        (f"{A}\n-5\n60\n", "do not fit"),  # the drawn scenario is checked as a whole: no negative stock
        (f"{A}\n50.5\n", "do not fit"),  # a whole number of households, even from a one-row posterior
    ],
)
def test_a_bad_posterior_is_refused_naming_the_file_and_field(tmp_path, table, words):
    path = _scenario(tmp_path, table)
    res = runner.invoke(app, ["validate", str(path), "--lang", "en"])
    assert res.exit_code == 2, res.output
    assert "s.yaml" in res.output
    assert words in " ".join(res.output.split()), res.output


def test_a_posterior_column_replaces_the_values_distribution(tmp_path):
    """The distribution was the fit's prior: the posterior's rows give the value, the prior is not drawn."""
    path = _scenario(tmp_path, f"{B}\n2\n3\n")
    d = small_dict()
    d["posterior"] = "post.csv"
    d["population"]["inflow_per_month"] = {"dist": "uniform", "loc": 20, "scale": 10}
    write_yaml(path, d)
    res = runner.invoke(app, ["validate", str(path), "--lang", "en"])
    assert res.exit_code == 0, res.output
    resolver = Resolver(load_scenario(path), file=str(path))
    assert {resolver.draws(r)[B] for r in range(0, 40, 2)} == {2.0, 3.0}  # never the prior's 20–30


def test_a_missing_posterior_file_is_refused(tmp_path):
    d = small_dict()
    d["posterior"] = "nowhere.parquet"
    path = write_yaml(tmp_path / "s.yaml", d)
    res = runner.invoke(app, ["validate", str(path), "--lang", "en"])
    assert res.exit_code == 2 and "posterior" in res.output and "cannot be read as Parquet" in res.output, res.output


def test_a_scenario_extending_one_with_a_posterior_keeps_the_values_it_writes(tmp_path):
    """The inherited posterior gives only what the extending file leaves alone."""
    base = _scenario(tmp_path)  # its posterior has both A and B
    (tmp_path / "child.yaml").write_text("extends: s.yaml\nname: child\npopulation:\n  inflow_per_month: 9\n")
    child = Resolver(load_scenario(tmp_path / "child.yaml"))
    assert child.posterior is not None and child.posterior.paths == (A,)
    assert {child.draws(r)[A] for r in range(0, 200, 2)} == {50.0, 60.0, 70.0} and B not in child.draws(0)
    assert child.central.inflow[0] == 9  # the file's own value, in every replication
    both = tmp_path / "both.yaml"
    both.write_text("extends: s.yaml\nname: both\npopulation:\n  inflow_per_month: 9\n  initial_households: 40\n")
    alone = Resolver(load_scenario(both))
    assert alone.posterior is None and not alone.uncertain  # nothing left for the posterior to give
    assert Resolver(load_scenario(base)).posterior.paths == (A, B)


@pytest.mark.parametrize("scale", [1.0, 10.0])
def test_a_hand_computed_weighted_quantile(scale):
    """Sorted: 1 (weight 0.5), 2 (0.3), 3 (0.2): the smallest value whose weight with those below reaches q.
    The posterior's band and the calibration's particles both use it; the weights need not sum to one."""
    x, w = np.array([3.0, 1.0, 2.0]), scale * np.array([0.2, 0.5, 0.3])
    assert [weighted_quantile(x, w, q) for q in (0.05, 0.5, 0.6, 0.8, 0.95)] == [1.0, 1.0, 2.0, 2.0, 3.0]

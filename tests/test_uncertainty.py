"""Uncertain values: the families, their draws, the streams that key them, bad specs, and the runs they give."""

from __future__ import annotations

import copy
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats
from typer.testing import CliRunner

from model.cli import app
from model.errors import InputError
from model.hazards import draw_exit
from model.labour_market import market_factor
from model.outcomes import variance_split
from model.params import REPS_PER_DRAW, Resolver
from model.scenario import parse_scenario, with_values
from model.uncertainty import Distribution, draw_all, draw_many, uniform
from tests.conftest import small_dict, write_yaml

runner = CliRunner()

FAMILIES = [
    {"dist": "normal", "loc": 3.0, "scale": 0.5},
    {"dist": "lognormal", "s": 0.3, "scale": 38.0},
    {"dist": "beta", "a": 2.0, "b": 5.0},
    {"dist": "gamma", "a": 3.0, "scale": 0.01},
    {"dist": "triangular", "c": 0.3, "loc": 1.0, "scale": 2.0},
    {"dist": "uniform", "loc": 0.2, "scale": 0.6},
    {"dist": "truncnormal", "loc": 1.5, "scale": 0.5, "lower": 0.0, "upper": 2.5},
]


@pytest.mark.parametrize("spec", FAMILIES, ids=[f["dist"] for f in FAMILIES])
def test_draws_follow_the_declared_distribution(spec):
    """KS test over 2 500 draws from the keyed streams against scipy.stats' CDF."""
    d = Distribution.model_validate(spec)
    draws = [d.draw(uniform(7, rep, "some.path")) for rep in range(2500)]
    assert stats.kstest(draws, d.scipy().cdf).pvalue > 0.001
    u = np.linspace(0.001, 0.999, 37)
    assert np.allclose(d.ppf(u), d.scipy().ppf(u), rtol=1e-9, atol=1e-12)


def test_discrete_draws_take_the_declared_frequencies():
    d = Distribution.model_validate({"dist": "discrete", "values": [900, 1000, 1100], "probabilities": [0.2, 0.5, 0.3]})
    draws = np.array([d.draw(uniform(7, rep, "x")) for rep in range(3000)])
    counts = [int((draws == v).sum()) for v in (900, 1000, 1100)]
    assert stats.chisquare(counts, [600, 1500, 900]).pvalue > 0.001
    assert d.centre == 1000 and d.integer_valued


def test_central_value_is_the_median_unless_given():
    assert Distribution.model_validate({"dist": "lognormal", "s": 0.2, "scale": 38}).centre == pytest.approx(38)
    assert Distribution.model_validate({"dist": "uniform", "loc": 1, "scale": 2}).centre == pytest.approx(2)
    spec = {"dist": "truncnormal", "loc": 1.5, "scale": 0.5, "lower": 0, "upper": 2.5, "central": 1.5}
    assert Distribution.model_validate(spec).centre == 1.5


def test_a_point_distribution_always_gives_its_central_value():
    d = Distribution.model_validate({"dist": "normal", "loc": 0.045, "scale": 0})
    assert d.point and {d.draw(uniform(1, r, "p")) for r in range(50)} == {0.045}


def _uncertain(**dists: dict) -> dict:
    d = small_dict()
    for path, spec in dists.items():
        node = d
        parts = path.split(".")
        for p in parts[:-1]:
            node = node[p]
        node[parts[-1]] = spec
    return d


def test_adding_an_uncertain_value_moves_no_other_draw():
    a = parse_scenario(_uncertain(**{"population.couple_share": {"dist": "beta", "a": 4, "b": 16}}))
    b = parse_scenario(
        _uncertain(
            **{
                "population.couple_share": {"dist": "beta", "a": 4, "b": 16},
                "baseline.readiness_work_effect": {"dist": "uniform", "loc": 0.5, "scale": 2},
            }
        )
    )
    for rep in range(20):
        assert (
            draw_all(a.distributions, 5, rep)["population.couple_share"]
            == (draw_all(b.distributions, 5, rep)["population.couple_share"])
        )


def test_replications_of_one_draw_share_it_and_the_arms_share_the_replications_parameters():
    sc = parse_scenario(_uncertain(**{"population.couple_share": {"dist": "beta", "a": 4, "b": 16}}))
    r = Resolver(sc)
    shares = [r.for_replication(rep).couple_share for rep in range(6)]
    assert shares[0] == shares[1] and shares[2] == shares[3] and shares[0] != shares[2]
    assert REPS_PER_DRAW == 2
    p = r.for_replication(4)
    cf = p.without_programme()
    assert cf.couple_share == p.couple_share and np.array_equal(cf.inflow, p.inflow) and not cf.capacity.any()


def test_drawn_values_reach_the_parameters():
    sc = parse_scenario(_uncertain(**{"population.inflow_per_month": {"dist": "lognormal", "s": 0.2, "scale": 3}}))
    r = Resolver(sc)
    for rep in range(4):
        drawn = r.draws(rep)["population.inflow_per_month"]
        assert np.allclose(r.for_replication(rep).inflow, drawn)
    assert np.allclose(r.central.inflow, 3.0)


BAD = [
    ({"dist": "poisson", "mu": 3}, "population.couple_share.dist", "'normal', 'lognormal'"),
    ({"dist": "beta", "a": 2, "b": 5, "scale": -1}, "population.couple_share.scale", "greater than or equal to 0"),
    (
        {"dist": "truncnormal", "loc": 0.2, "scale": 0.1, "lower": 0.5, "upper": 0.1},
        "population.couple_share",
        "lower (0.5) must be below upper",
    ),
    ({"dist": "beta", "a": math.nan, "b": 5}, "population.couple_share.a", "finite"),
    ({"dist": "uniform", "loc": 0.1, "scale": math.inf}, "population.couple_share.scale", "finite"),
    ({"dist": "normal", "loc": 0.2, "scale": 0.05}, "population.couple_share", "greater than or equal to 0"),
    ({"dist": "uniform", "loc": 0.5, "scale": 1}, "population.couple_share", "less than or equal to 1"),
    ({"dist": "beta", "a": 2}, "population.couple_share", "beta needs b"),
    ({"dist": "beta", "a": 2, "b": 3, "s": 1}, "population.couple_share", "beta takes no s"),
    ({"dist": "discrete", "values": [0.1, 0.2], "probabilities": [0.5, 0.6]}, "population.couple_share", "sum to 1"),
    ({"dist": "uniform", "loc": 0.1, "scale": 0.2, "central": 0.9}, "population.couple_share", "outside"),
]


@pytest.mark.parametrize(("spec", "field", "message"), BAD, ids=[str(i) for i in range(len(BAD))])
def test_bad_distribution_exits_2_naming_file_and_field(tmp_path, spec, field, message):
    d = small_dict()
    d["population"]["couple_share"] = spec  # NaN and inf are written as YAML's .nan and .inf
    path = write_yaml(tmp_path / "bad.yaml", d)
    res = runner.invoke(app, ["validate", str(path)])
    assert res.exit_code == 2, res.output
    assert f"bad.yaml: {field}" in res.output and message in res.output, res.output


def test_a_continuous_distribution_on_a_whole_number_is_an_error():
    d = _uncertain(**{"population.initial_households": {"dist": "normal", "loc": 60, "scale": 5}})
    with pytest.raises(InputError, match=r"population.initial_households: a whole number is needed"):
        parse_scenario(d, "x.yaml")
    d = _uncertain(
        **{"population.initial_households": {"dist": "discrete", "values": [50, 70], "probabilities": [0.5, 0.5]}}
    )
    assert parse_scenario(d).population.initial_households == 50


def test_decisions_take_no_distribution():
    d = small_dict()
    d["budget_frames"][2022] = {"dist": "uniform", "loc": 7e6, "scale": 2e6}
    with pytest.raises(InputError, match=r"budget_frames.2022: a budget frame is a decision"):
        parse_scenario(d, "x.yaml")


def test_distributions_may_be_listed_by_path_too():
    d = small_dict()
    d["distributions"] = {"population.couple_share": {"dist": "beta", "a": 4, "b": 16}}
    sc = parse_scenario(d)
    assert "population.couple_share" in sc.distributions
    d["distributions"] = {"population.no_such": {"dist": "beta", "a": 4, "b": 16}}
    with pytest.raises(InputError, match=r"distributions.population.no_such: no such value"):
        parse_scenario(d)


def test_a_reform_value_can_be_uncertain():
    d = small_dict()
    d["reforms"] = {"nystartsjobb.k.standard": {"2022-01-01": {"dist": "uniform", "loc": 1.0, "scale": 0.5}}}
    sc = parse_scenario(d)
    path = "reforms.nystartsjobb.k.standard.2022-01-01"
    assert path in sc.distributions
    again = with_values(sc, {path: 1.25})
    assert next(iter(again.reforms["nystartsjobb.k.standard"].values())) == 1.25


# --- labour market -------------------------------------------------------------------------


def test_labour_market_factor_is_an_ar1_from_its_first_year():
    d = small_dict()
    d["horizon"] = "2026-12"
    d["labour_market"] = {
        "first_year": 2023,
        "rho": 0.5,
        "sigma": 0.1,
        "work_exit_elasticity": 1,
        "inflow_elasticity": 1,
    }
    sc = parse_scenario(d)
    xs = np.array(
        [[market_factor(sc.labour_market, sc.calendar, 1, r).factor[y] for y in range(2022, 2027)] for r in range(3000)]
    )
    assert (xs[:, 0] == 0).all()
    assert np.std(xs[:, 1]) == pytest.approx(0.1, rel=0.06)
    assert np.corrcoef(xs[:, 1], xs[:, 2])[0, 1] == pytest.approx(0.5 / math.sqrt(1.25), abs=0.05)
    m = market_factor(sc.labour_market, sc.calendar, 1, 0)
    assert m.year_starts[0] == -math.inf and m.year_starts[1:] == (12.0, 24.0, 36.0, 48.0)
    assert m.work_exit[1] == pytest.approx(math.exp(-m.factor[2023]))
    assert m.inflow[12] == pytest.approx(math.exp(m.factor[2023])) and m.inflow[0] == 1.0
    d["labour_market"]["sigma"] = 0
    assert market_factor(parse_scenario(d).labour_market, sc.calendar, 1, 0) is None


def test_a_neutral_year_multiplier_leaves_the_exit_where_it_was():
    bands, rates = (0.0, 6.0), ((0.04, 0.01, 0.0, 0.01), (0.02, 0.01, 0.0, 0.01))
    for e in (0.05, 0.7, 3.0):
        plain = draw_exit(1.0, -2.0, bands, rates, e, 0.3)
        split = draw_exit(
            1.0, -2.0, bands, rates, e, 0.3, year_starts=(-math.inf, 11.0, 23.0), year_work=(1.0, 1.0, 1.0)
        )
        assert split[1] == plain[1] and split[0] == pytest.approx(plain[0], rel=1e-12)
        slow = draw_exit(1.0, -2.0, bands, rates, e, 0.3, year_starts=(-math.inf, 11.0), year_work=(1.0, 0.5))
        assert slow[0] >= plain[0]


# --- runs ----------------------------------------------------------------------------------


def _run(path: Path, out: Path, *extra: str) -> Path:
    res = runner.invoke(app, ["run", str(path), "--out", str(out), "--quiet", "--reps", "4", *extra])
    assert res.exit_code == 0, res.output
    return out


OUTPUTS = ("monthly.parquet", "annual.parquet", "ledger.parquet")


def test_zero_width_distributions_reproduce_the_point_run_byte_for_byte(tmp_path):
    point = _run(write_yaml(tmp_path / "point.yaml", small_dict()), tmp_path / "point", "--workers", "1")
    d = _uncertain(
        **{
            "population.inflow_per_month": {"dist": "normal", "loc": 3, "scale": 0},
            "baseline.readiness_work_effect": {"dist": "uniform", "loc": 1.5, "scale": 0},
            "effects.lock_in.job": {"dist": "lognormal", "s": 0, "scale": 0.3},
        }
    )
    zero = _run(write_yaml(tmp_path / "zero.yaml", d), tmp_path / "zero", "--workers", "1")
    for name in OUTPUTS:
        assert (point / name).read_bytes() == (zero / name).read_bytes(), name
    params = pd.read_parquet(zero / "parameters.parquet")
    assert len(params) == 4 * 3 and set(params["path"]) == {
        "population.inflow_per_month",
        "baseline.readiness_work_effect",
        "effects.lock_in.job",
    }


@pytest.fixture(scope="module")
def uncertain_file(tmp_path_factory) -> Path:
    d = _uncertain(
        **{
            "population.inflow_per_month": {"dist": "lognormal", "s": 0.3, "scale": 3},
            "effects.post_programme_multiplier.ordinary": {"dist": "triangular", "c": 0.5, "loc": 1.0, "scale": 0.8},
        }
    )
    d["labour_market"] = {
        "first_year": 2023,
        "rho": 0.4,
        "sigma": 0.1,
        "work_exit_elasticity": 0.3,
        "inflow_elasticity": 0.3,
    }
    return write_yaml(tmp_path_factory.mktemp("u") / "uncertain.yaml", d)


def test_uncertain_runs_are_identical_for_any_worker_count(uncertain_file, tmp_path):
    one = _run(uncertain_file, tmp_path / "one", "--workers", "1")
    two = _run(uncertain_file, tmp_path / "two", "--workers", "2")
    for name in (*OUTPUTS, "parameters.parquet"):
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
    params = pd.read_parquet(one / "parameters.parquet")
    assert {"labour_market.factor.2023", "population.inflow_per_month"} <= set(params["path"])
    wide = params.pivot(index="rep", columns="path", values="value")
    assert (wide.loc[0] == wide.loc[1]).all() and not (wide.loc[0] == wide.loc[2]).all()


def test_fixed_runs_the_central_values(uncertain_file, tmp_path):
    fixed = _run(uncertain_file, tmp_path / "fixed", "--fixed")
    d = yaml.safe_load(uncertain_file.read_text(encoding="utf-8"))
    d["population"]["inflow_per_month"] = 3.0
    d["effects"]["post_programme_multiplier"]["ordinary"] = 1.4
    d.pop("labour_market")
    point = _run(write_yaml(tmp_path / "central.yaml", d), tmp_path / "central")
    for name in OUTPUTS:
        assert (fixed / name).read_bytes() == (point / name).read_bytes(), name
    assert pd.read_parquet(fixed / "parameters.parquet").empty


def test_variance_split_recovers_a_known_split():
    rng = np.random.default_rng(3)
    theta = np.repeat(rng.normal(0, 3.0, 2000), 2)  # parameter sd 3, shared by pairs
    y = theta + rng.normal(0, 4.0, 4000)  # process sd 4
    s = variance_split(y, np.arange(4000), uncertain=True)
    assert s["parameter_sd"] == pytest.approx(3.0, rel=0.06) and s["process_sd"] == pytest.approx(4.0, rel=0.03)
    assert s["parameter_share"] == pytest.approx(9 / 25, abs=0.04)
    fixed = variance_split(y, np.arange(4000), uncertain=False)
    assert fixed["parameter_sd"] == 0 and fixed["process_sd"] == fixed["total_sd"]


def test_with_values_rejects_what_the_schema_rejects():
    sc = parse_scenario(copy.deepcopy(small_dict()))
    with pytest.raises(InputError):
        with_values(sc, {"population.couple_share": 1.5})


def test_the_values_drawn_together_are_checked_before_a_run(tmp_path):
    d = small_dict()
    # each band alone stays clear of the other's central value; drawn together, about 7 % of draws cross
    third, fourth = {"dist": "uniform", "loc": 7, "scale": 4}, {"dist": "uniform", "loc": 9.5, "scale": 4}
    d["baseline"]["duration_bands"] = [0, 6, third, fourth]
    res = runner.invoke(
        app, ["run", str(write_yaml(tmp_path / "b.yaml", d)), "--out", str(tmp_path / "r"), "--reps", "200"]
    )
    assert res.exit_code == 2 and "the values drawn for replication" in res.output and "increase" in res.output
    assert not (tmp_path / "r").exists() and not (tmp_path / "r.partial").exists()


def test_an_uncertain_reform_dated_by_month_runs(tmp_path):
    d = small_dict()
    d["reforms"] = {"benefit_norm.adult.single": {"2022-03": {"dist": "uniform", "loc": 3000, "scale": 500}}}
    sc = parse_scenario(d)
    assert list(sc.distributions) == ["reforms.benefit_norm.adult.single.2022-03-01"]
    r = Resolver(sc)
    drawn = r.draws(0)["reforms.benefit_norm.adult.single.2022-03-01"]
    assert 3000 <= drawn <= 3500 and r.for_replication(0).law.money.single[2] != r.central.law.money.single[2]


def test_zero_width_distributions_leave_the_run_fixed():
    d = _uncertain(**{"population.inflow_per_month": {"dist": "normal", "loc": 3, "scale": 0}})
    assert not Resolver(parse_scenario(d)).uncertain


def test_draws_of_many_replications_at_once_are_each_replications_own():
    """A run draws its values for every replication at once (draw_many): the very values draw_all gives one
    replication at a time, for every family, a point and a discrete one."""
    specs = [*FAMILIES, {"dist": "discrete", "values": [1.0, 2.5, 4.0], "probabilities": [0.2, 0.5, 0.3]}]
    dists = {f"path.{i}": Distribution.model_validate(s) for i, s in enumerate(specs)}
    dists["path.point"] = Distribution.model_validate({"dist": "normal", "loc": 3.0, "scale": 0.0})
    reps = list(range(0, 600, 2))
    many = draw_many(dists, 11, reps)
    assert many == [draw_all(dists, 11, rep) for rep in reps]
    assert list(many[0]) == sorted(dists)

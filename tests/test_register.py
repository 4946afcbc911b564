"""The synthetic register: one row per household and month, observed columns as the visits say, the
unobserved counterfactual columns equal to the observed ones for households never placed."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from model.cli import app
from model.ledger import BENEFIT_CATEGORIES, CATEGORY_INDEX
from model.register import COLUMNS, DICTIONARY, STATUS_NAMES, UNOBSERVED, dictionary_frame, replication_panel
from model.scenario import load_scenario, scenario_path
from model.simulate import simulate
from model.states import PLACE_STATES
from tests.conftest import params_of, small_dict


@pytest.fixture(scope="module", params=[0, 1])
def case(request):
    d = small_dict()
    d["programme"]["assessment_varies"] = True
    d["programme"]["decisions_at_month_start"] = True
    p = params_of(d)
    r = simulate(p, request.param)
    return p, r, replication_panel(p, r)


def test_one_row_per_household_and_month_from_arrival(case):
    p, r, df = case
    pop = r.population
    assert list(df.columns) == list(COLUMNS)
    expected = (p.n_months - np.floor(pop.arrival)).astype(int)
    np.testing.assert_array_equal(df.groupby("person").size().reindex(range(pop.n)).to_numpy(), expected)
    assert not df.duplicated(["person", "t"]).any()
    first = df.groupby("person")["t"].min().to_numpy()
    np.testing.assert_array_equal(first, np.floor(pop.arrival))
    # "new" only in the month a household arrives in, and only if it arrived after the month began
    new = df["status"] == "new"
    assert (df.loc[new, "t"].to_numpy() == np.floor(pop.arrival[df.loc[new, "person"]])).all()
    assert new.sum() == int((pop.arrival > np.floor(pop.arrival)).sum())


def test_money_and_months_as_the_ledger_and_the_visits(case):
    """Benefit paid sums to the arm's benefit flows; the place starts are the visits' starts."""
    p, r, df = case
    flows = r.arms["programme"].flows
    benefit = sum(flows[CATEGORY_INDEX[c]] for c in BENEFIT_CATEGORIES)
    by_month = df.groupby("t")["benefit_sek"].sum().reindex(range(p.n_months), fill_value=0).to_numpy()
    np.testing.assert_allclose(by_month, benefit, rtol=1e-5)
    assert (df["benefit"] == (df["benefit_sek"] > 0)).all()
    v = r.arms["programme"].visits
    for s in PLACE_STATES:
        starts = int(((v.state == int(s)) & (v.t0 < p.n_months)).sum())
        assert (df["place_start"] == s.label).sum() == starts
        assert (df[f"in_{s.label}"] >= (df["place_start"] == s.label)).all()
    # monthly decisions: every place starts at a month's start
    first_starts = v.t0[np.isin(v.state, [int(s) for s in PLACE_STATES])]
    assert (first_starts == np.floor(first_starts)).all()


def test_never_placed_households_live_the_same_lives_without_the_programme(case):
    _, r, df = case
    placed = np.zeros(r.population.n, dtype=bool)
    placed[r.participants] = True
    others = df[~placed[df["person"]]]
    for col in ("benefit", "work", "akassa"):
        assert (others[col] == others[f"cf_{col}"]).all()
    np.testing.assert_array_equal(others["benefit_sek"], others["cf_benefit_sek"])


def test_status_and_covariates(case):
    _, r, df = case
    pop = r.population
    assert set(df["status"].astype(str)) <= set(STATUS_NAMES)
    on = df["status"] == "benefit"
    assert df.loc[on, "months_on_benefit"].notna().all() and (df.loc[on, "months_on_benefit"] >= 0).all()
    assert df.loc[~on, "months_on_benefit"].isna().all()
    assert (df["earlier_programmes"].groupby(df["person"]).diff().fillna(0) >= 0).all()
    np.testing.assert_allclose(df["readiness"], pop.readiness[df["person"]].astype(np.float32))
    age0 = df.groupby("person")["age"].first().to_numpy()
    np.testing.assert_allclose(age0, pop.age, rtol=1e-6)
    assert (df["children"] <= pop.n_children[df["person"]]).all()
    work = df["exit_route"] == "work"
    assert df.loc[work, "work"].all() or (df.loc[work, "t"] == df["t"].max()).all()


def test_the_dictionary_describes_every_column():
    frame = dictionary_frame()
    assert list(frame["column"]) == list(COLUMNS)
    assert set(frame.loc[~frame["observed"], "column"]) == set(UNOBSERVED) == {
        "readiness", "cf_benefit", "cf_benefit_sek", "cf_work", "cf_akassa"
    }  # fmt: skip
    assert all(c.sv and c.en for c in DICTIONARY)
    assert frame.loc[~frame["observed"], "description_en"].str.startswith("UNOBSERVED").all()


def test_amsim_register_writes_a_whole_folder(tmp_path):
    out = tmp_path / "reg"
    res = CliRunner().invoke(app, ["register", "register_observed", "--reps", "2", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert sorted(x.name for x in out.iterdir()) == ["dictionary.csv", "register.json", "register.parquet"]
    df = pd.read_parquet(out / "register.parquet")
    assert sorted(df["replication"].unique()) == [0, 1]
    meta = json.loads((out / "register.json").read_text())
    assert meta["rows"] == len(df) and meta["replications"] == [0, 1] and meta["priority"] == ["children", "lottery"]
    assert meta["ready_share"] == 1.0 and "ready_share_p5_p95" not in meta  # a fixed value has no range
    assert not (tmp_path / "reg.partial").exists()
    again = CliRunner().invoke(app, ["register", "register_observed", "--out", str(out)])
    assert again.exit_code == 2 and "already exists" in again.output
    bad = CliRunner().invoke(app, ["register", "no_such_scenario", "--out", str(tmp_path / "x")])
    assert bad.exit_code == 2 and "no_such_scenario" in bad.output


def test_the_same_seed_gives_the_same_register(tmp_path, case):
    """The same command twice gives the same register; the SimPy engine gives the fast engine's, value for value."""
    for name in ("a", "b"):
        res = CliRunner().invoke(app, ["register", "register_observed", "--out", str(tmp_path / name)])
        assert res.exit_code == 0, res.output
    a, b = ((tmp_path / n / "register.parquet").read_bytes() for n in ("a", "b"))
    assert a == b
    p, r, df = case
    pd.testing.assert_frame_equal(df, replication_panel(p, simulate(p, r.rep, engine_name="des")))


def test_a_household_placed_at_a_months_start_enters_it_on_benefit(case):
    _, _, df = case
    starts = df[df["place_start"] != "none"]
    first = starts.sort_values("t").groupby("person").head(1)
    assert (first["status"] == "benefit").all()
    assert (first["earlier_programmes"] == 0).all()


def test_register_json_gives_an_uncertain_values_range():
    from model.cli_register import _range

    dist = load_scenario(scenario_path("lund")).distributions["population.ready_share"]  # uniform 0.5–0.7
    assert _range("ready_share", dist) == {"ready_share_p5_p95": [0.51, 0.69]}

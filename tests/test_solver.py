"""From published effects to multipliers: the true effect, the targets' form, and a solver that recovers a known
multiplier from the effect it gives."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from evaluation.solver import EffectModel, parse_target, solve
from evaluation.true_effects import Participants, Selection, effect_sum, participants
from model.cli import app
from model.errors import AmsimError
from model.params import Resolver
from model.register import replication_panel
from model.scenario import load_scenario, scenario_path
from model.simulate import simulate


def _resolver(name: str = "register_observed") -> Resolver:
    path = scenario_path(name)
    return Resolver(load_scenario(path), file=str(path))


def test_a_hand_computed_true_effect():
    nan = np.nan
    pt = Participants(
        start=np.array([1, 2, 1]),
        kind=np.array([1, 1, 2]),
        age=np.array([20.0, 30.0, 22.0]),
        difference={
            "work": np.array([[0, 1, 1, nan], [1, 0, nan, nan], [-1, -1, 0, nan]], dtype=float),
            "benefit": np.zeros((3, 4)),
            "akassa": np.zeros((3, 4)),
        },
    )
    assert effect_sum(pt, Selection("ordinary", "work", 1, 1)) == (1.0, 2)
    assert effect_sum(pt, Selection("ordinary", "work", 0, 1)) == (1.0, 2)  # (0.5 + 0.5)
    assert effect_sum(pt, Selection("ordinary", "work", 2, 2)) == (1.0, 1)  # the second is past the horizon
    assert effect_sum(pt, Selection("ordinary", "work", 1, 1, (18, 25))) == (1.0, 1)
    assert effect_sum(pt, Selection("all", "work", 0, 0)) == (0.0, 3)
    assert effect_sum(pt, Selection("created", "work", 0, 2)) == (pytest.approx(-2 / 3), 1)
    assert effect_sum(pt, Selection("internship", "work", 0, 0)) == (0.0, 0)
    assert effect_sum(pt, Selection("ordinary", "work", 9, 9)) == (0.0, 0)


def test_the_true_effect_is_the_registers_own():
    """The solver's participants and differences are the register's: first starts in a month entered on benefit,
    after the first month, and the outcome minus its counterfactual column k months on."""
    res = _resolver()
    p = res.for_replication(0)
    r = simulate(p, 0)
    pt = participants(p, r)
    df = replication_panel(p, r)
    first = df[df["place_start"] != "none"].groupby("person")["t"].min()
    rows = df.set_index(["person", "t"])
    at_start = rows.loc[list(zip(first.index, first.values, strict=True))]
    keep = (at_start["status"] == "benefit").to_numpy() & (first.values > 0)
    assert keep.sum() == len(pt.start) > 100
    for k in (0, 12):
        people, months = first.index[keep], first.values[keep] + k
        inside = months < p.n_months
        diff = rows.loc[list(zip(people[inside], months[inside], strict=True))]
        expected = (diff["work"].astype(float) - diff["cf_work"].astype(float)).to_numpy()
        total, n = effect_sum(pt, Selection("all", "work", k, k))
        assert n == inside.sum() and total == pytest.approx(expected.sum())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ordinary:work=10", "TYPE:OUTCOME:MONTHS"),
        ("trainee:work:36=10", "allowed values are internship, ordinary, created"),
        ("ordinary:income:36=10", "allowed values are benefit, work, akassa"),
        ("ordinary:work:36-12=10", "must not be after"),
        ("ordinary:work:36:25-18=10", "lower age must be below"),
    ],
)
def test_a_target_not_in_the_form_is_refused(text, message):
    with pytest.raises(AmsimError, match=message):
        parse_target(text)


def test_the_forms_of_a_target():
    t = parse_target("ordinary:work:42:18-25=+7.5±2.5")
    assert (t.group, t.selection.outcome, t.selection.first, t.selection.last) == ("ordinary", "work", 42, 42)
    assert t.selection.ages == (18.0, 25.0) and (t.value, t.half_width) == (7.5, 2.5)
    t = parse_target("created:benefit:13-36=-4+-1")
    assert (t.selection.first, t.selection.last, t.value, t.half_width, t.selection.ages) == (13, 36, -4.0, 1.0, None)


def test_one_target_per_place_type():
    model = EffectModel(_resolver(), [0])
    with pytest.raises(AmsimError, match="one target per place type"):
        solve(model, [parse_target("ordinary:work:12=1"), parse_target("ordinary:benefit:12=-1")])
    assert model.trials == 0


def test_a_target_out_of_reach_says_what_is_reachable():
    model = EffectModel(_resolver(), [0, 1])
    with pytest.raises(AmsimError, match=r"\+90\.0 pp is out of reach: multipliers 0–5 give"):
        solve(model, [parse_target("ordinary:work:24=90")])


@pytest.mark.slow
def test_the_solver_recovers_a_known_multiplier():
    """Set ordinary and created multipliers, take the true effects they give as targets, and solve from the
    scenario's own values: the effects come back within ±1 pp, also on replications the solver never saw, and
    the multipliers within their Monte Carlo uncertainty."""
    res = _resolver()
    known = {"internship": 1.0, "ordinary": 1.8, "created": 0.7}
    texts = ["ordinary:work:24-36", "created:benefit:0-36"]
    seen, fresh = list(range(6)), list(range(6, 12))
    model = EffectModel(res, seen)
    sels = [parse_target(f"{t}=0").selection for t in texts]
    truth = model.effects(known, sels)
    targets = [parse_target(f"{t}={r.effect:.3f}") for t, r in zip(texts, truth, strict=True)]
    solution = solve(model, targets)
    for s, r in zip(solution.solved, truth, strict=True):
        assert abs(s.reached.effect - r.effect) <= 1.0
        assert abs(s.multiplier - known[s.target.group]) <= 3 * s.multiplier_se + 0.05
    check = EffectModel(res, fresh)
    at_known, at_solved = check.effects(known, sels), check.effects(solution.multipliers, sels)
    for a, b in zip(at_known, at_solved, strict=True):
        assert abs(a.effect - b.effect) <= 1.0


def test_amsim_effects_writes_a_scenario_that_extends_the_one_it_solved(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "solved.yaml"
    args = ["effects", "register_observed", "--target", "ordinary:work:12-24=+2±1", "--reps", "2", "--out", str(out),
            "--reference", "a test", "--lang", "en"]  # fmt: skip
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "Multipliers that give the effects" in res.output
    text = out.read_text(encoding="utf-8")
    assert "extends: register_observed" in text and "reference: a test; solved for +2 pp work months 12–24" in text
    assert "# Made by: amsim effects register_observed --target 'ordinary:work:12-24=+2±1' --reps 2 --first 0" in text
    sc = load_scenario(out)
    dist = sc.distributions["effects.post_programme_multiplier.ordinary"]
    assert dist.dist == "uniform" and 0 < dist.loc < dist.central < dist.loc + dist.scale < 5
    assert dist.source.startswith("reference: a test; solved for +2 pp")
    base = load_scenario(scenario_path("register_observed"))
    assert (
        sc.distributions["effects.post_programme_multiplier.created"]
        == base.distributions["effects.post_programme_multiplier.created"]
    )
    assert not (tmp_path / "solved.yaml.partial").exists()
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 2 and "already exists" in again.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--target", "ordinary=3"], "TYPE:OUTCOME:MONTHS"),
        (["--target", "ordinary:work:12=1", "--out", "x.txt"], "ends in .yaml"),
        (["--target", "ordinary:work:12=1", "--lang", "fi"], "allowed values are sv, en"),
    ],
)
def test_amsim_effects_refuses_what_it_cannot_use(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(app, ["effects", "register_observed", "--reps", "2", *args])
    assert res.exit_code == 2 and message in res.output

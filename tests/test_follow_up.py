"""The programme's own follow-up (model/follow_up.py): hand-computed for one household, invariants for many."""

from __future__ import annotations

import numpy as np
import pytest

from model.follow_up import FIELDS, follow_up
from model.ledger import BENEFIT_CATEGORIES, CATEGORY_INDEX, price
from model.outcomes import monthly_frame, tabulate
from model.simulate import simulate
from model.states import PLACE_STATES, State
from tests.conftest import one_household_dict, params_of, small_dict


def _hired_household() -> dict:
    """The one household of the accounting tests, hired at the end of its job (month 9) and never back."""
    d = one_household_dict()
    d["effects"]["hire_probability"] = {"ordinary": 1.0, "created": 0.0}
    return d


def test_one_leaver_by_hand():
    """Internship 0–3, job 3–9, hired at 9: a participant from month 0 who left for work in month 9.

    The follow-up's way counts the benefit it had when placed (9 315 SEK, 2022, no other income) for each of the
    26 months after month 9; the counterfactual household stays on benefit at the norm of each year (9 315, 9 685
    and 10 085 SEK in 2022–2024), which the programme arm no longer pays.
    """
    p = params_of(_hired_household())
    r = simulate(p, rep=0)
    v = r.participant_visits
    assert [State(s).name for s in v.state[v.t1 > v.t0]] == ["INTERNSHIP", "MUNICIPAL_JOB", "EXIT_WORK"]
    assert v.t0[v.state == int(State.EXIT_WORK)].tolist() == [9.0]
    got = dict(zip(FIELDS, follow_up(p, r.population, v, r.participant_paid["programme"],
                                    r.participant_paid["counterfactual"]), strict=True))  # fmt: skip
    T = p.n_months
    assert got["participants_new"].tolist() == [1.0] + [0.0] * (T - 1)
    assert got["left_for_work"].tolist() == [0.0] * 9 + [1.0] + [0.0] * (T - 10)
    assert got["left_for_studies"].sum() == 0
    np.testing.assert_array_equal(got["leavers_not_paid_sek"], [0.0] * 10 + [9315.0] * 26)
    saved = np.array([0.0] * 10 + [9315.0] * 2 + [9685.0] * 12 + [10085.0] * 12)
    np.testing.assert_allclose(got["leavers_saved_sek"], saved, rtol=0, atol=1e-9)
    assert got["leavers_not_paid_sek"].sum() == 26 * 9315  # the follow-up's way: 242 190 SEK
    assert got["leavers_saved_sek"].sum() == pytest.approx(2 * 9315 + 12 * 9685 + 12 * 10085)  # 257 860 SEK


def test_no_leaver_no_saving():
    """The accounting household never leaves (a-kassa, then benefit): one participant, nothing saved by leavers."""
    p = params_of(one_household_dict())
    r = simulate(p, rep=0)
    f = follow_up(p, r.population, r.participant_visits, r.participant_paid["programme"],
                  r.participant_paid["counterfactual"])  # fmt: skip
    assert f[FIELDS.index("participants_new")].sum() == 1
    assert not f[1:].any()


@pytest.mark.parametrize("rep", [0, 1, 2])
def test_follow_up_invariants(rep):
    """Each household's paid benefit sums to the arm's benefit flows; participants are counted once, leavers are
    participants who left after their first placement, and the monthly table carries it for the programme arm."""
    p = params_of(small_dict())
    r = simulate(p, rep)
    pop = r.population
    for arm in ("programme", "counterfactual"):
        visits = r.arms[arm].visits
        priced = price(p, pop, visits, per_household=True)
        benefit = sum(priced.flows[CATEGORY_INDEX[c]] for c in BENEFIT_CATEGORIES)
        np.testing.assert_allclose(priced.paid.sum(axis=0), benefit, rtol=1e-12, atol=1e-6)
        assert ((priced.paid > 0) == priced.on_benefit).all()
    f = follow_up(p, pop, r.participant_visits, r.participant_paid["programme"], r.participant_paid["counterfactual"])
    participants = len(r.participants)
    assert f[FIELDS.index("participants_new")].sum() == participants > 0
    v = r.participant_visits
    placed = np.isin(v.state, [int(s) for s in PLACE_STATES])
    first = {h: v.t0[placed & (v.hh == h)].min() for h in np.unique(v.hh[placed])}
    for k, state in ((1, State.EXIT_WORK), (2, State.EXIT_STUDIES)):
        after = {h for h, t in zip(v.hh[v.state == int(state)], v.t0[v.state == int(state)], strict=True)
                 if t >= first[h] and t < p.n_months}  # fmt: skip
        assert f[k].sum() == len(after)
    assert f[FIELDS.index("left_for_work")].sum() > 0  # the counts are not trivially zero
    t = tabulate(r, p)
    frame = monthly_frame(p, [t])
    prog = frame[frame["arm"] == "programme"]
    for j, name in enumerate(FIELDS):
        np.testing.assert_array_equal(prog[name].to_numpy(), f[j])
        assert (frame.loc[frame["arm"] == "counterfactual", name] == 0).all()


def test_a_run_summarises_and_reports_the_follow_up(tmp_path):
    """The summary's follow-up bands are the run's monthly columns summed per replication; the report shows them."""
    import json

    import pandas as pd
    from typer.testing import CliRunner

    from model.cli import app
    from tests.conftest import write_yaml

    path = write_yaml(tmp_path / "small.yaml", small_dict())
    out = tmp_path / "run"
    res = CliRunner().invoke(app, ["run", str(path), "--out", str(out), "--quiet", "--workers", "1", "--lang", "en"])
    assert res.exit_code == 0, res.output
    summary = json.loads((out / "summary.json").read_text())["follow_up"]
    monthly = pd.read_parquet(out / "monthly.parquet")
    totals = monthly[monthly["arm"] == "programme"].groupby("rep")[list(FIELDS)].sum()
    for name in FIELDS:
        assert summary[name]["p50"] == pytest.approx(float(np.percentile(totals[name], 50)))
    share = totals["leavers_saved_sek"] / totals["leavers_not_paid_sek"]
    assert summary["leavers_saved_share"]["p50"] == pytest.approx(float(np.percentile(share, 50)))
    html = (out / "report.html").read_text()
    assert "Follow-up of the participants" in html and "Saved on the same households and months" in html

"""Dynamic IPW on a register: a hand-computed case, the propensities' support, and (slow) the coverage study:
with selection on what the register holds the estimates cover the true effect; with selection on readiness they
do not, in the direction readiness predicts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluation.coverage import study
from evaluation.design import NO_START, Design, DesignError, build
from evaluation.ipw import Weights, profile
from evaluation.propensity import categories, fit, support


def _hand_design() -> tuple[Design, Weights]:
    """Five households, three months: 0 starts in month 0, 1 in month 1 (a comparison in month 0), 2–4 never."""
    Y = np.array([[0, 1, 1], [0, 0, 1], [1, 0, 1], [0, 1, 0], [0, 0, 1]], dtype=float)
    Y0 = np.array([[1, 0, 0], [0, 1, 1], [1, 0, 1], [0, 1, 0], [0, 0, 1]], dtype=float)
    person = np.array([0, 1, 2, 3, 1, 2, 3, 4])
    month = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    e = np.array([0.5, 0.2, 0.5, 0.2, 0.5, 0.25, 0.5, 0.2])
    d = Design(
        n=5, T=3, first=np.array([0, 1, NO_START, NO_START, NO_START]), kind=np.array([1, 1, -1, -1, -1]),
        outcomes={"work": Y}, truth={"work": Y0}, person=person, month=month,
        treated=np.array([True, False, False, False, True, False, False, False]), X=pd.DataFrame(), readiness=None,
    )  # fmt: skip
    zero = np.zeros(len(e))
    return d, Weights(e=e, e_type={"internship": zero, "ordinary": e, "created": zero})


def test_a_hand_computed_profile():
    """Odds e/(1 − e) by cohort; a comparison that starts later is censored; those left are weighted by
    1/(1 − e) for each later month at risk; cohorts combined by their participants."""
    d, w = _hand_design()
    pr = profile(d, w, "all", "work", K=1)
    # k = 0: cohort 0 comparisons 1, 2, 3 (odds ¼, 1, ¼; work 0, 1, 0); cohort 1: 2, 3, 4 (⅓, 1, ¼; 0, 1, 0)
    assert pr.estimate[0] == pytest.approx(0 - (2 / 3 + 12 / 19) / 2)
    # k = 1: household 1 starts in month 1, censored from cohort 0; 2 and 3 weighted by 1/(1 − ¼) and 1/(1 − ½)
    assert pr.estimate[1] == pytest.approx(1 - (0.5 / (4 / 3 + 0.5) + (1 / 3 + 1 / 4) / (19 / 12)) / 2)
    # naive: the never placed (2, 3 in month 0; 2, 3, 4 in month 1), unweighted
    assert pr.naive[0] == pytest.approx(0 - (1 / 2 + 1 / 3) / 2)
    assert pr.naive[1] == pytest.approx(1 - ((0 + 1) / 2 + (1 + 0 + 1) / 3) / 2)
    # the truth: the participants' observed minus their outcome without the programme, same months
    assert pr.truth[0] == pytest.approx(((0 - 1) + (0 - 1)) / 2)
    assert pr.truth[1] == pytest.approx(((1 - 0) + (1 - 1)) / 2)
    np.testing.assert_array_equal(pr.participants, [2, 2])
    assert (pr.se > 0).all()
    # by workplace: both participants are ordinary; no created participant, no estimate
    assert profile(d, w, "ordinary", "work", K=1).estimate == pytest.approx(pr.estimate)
    assert np.isnan(profile(d, w, "created", "work", K=1).estimate).all()


def test_the_support_and_the_logit():
    """Categories in which no one starts get propensity 0; on the rest the logit's propensities add up to the
    starts (the score equation of its constant)."""
    rng = np.random.default_rng(1)
    n = 4000
    X = pd.DataFrame(
        {
            "month": rng.integers(0, 6, n),
            "months_on_benefit": rng.uniform(0, 30, n),
            "age": rng.uniform(18, 64, n),
            "adults": rng.integers(1, 3, n),
            "children": rng.integers(0, 4, n),
            "reason": rng.choice(["unemployed", "sfi", "sick"], n),
            "newly_arrived": rng.random(n) < 0.2,
            "akassa_member": rng.random(n) < 0.1,
        }
    )
    p = np.where(X["reason"] == "sick", 0.0, 0.1 + 0.1 * (X["children"] > 0))
    d = rng.random(n) < p
    codes = categories(X)
    keep = support(codes, d)
    assert not keep[X["reason"] == "sick"].any() and keep[X["reason"] != "sick"].all()
    e = fit(codes, d)
    assert (e[~keep] == 0).all() and ((e[keep] > 0) & (e[keep] < 1)).all()
    assert e[keep].sum() == pytest.approx(d[keep].sum(), rel=1e-6)


def test_a_register_without_a_needed_column_is_refused():
    with pytest.raises(DesignError, match=r"missing columns .*months_on_benefit"):
        build(pd.DataFrame({"person": [0], "t": [0]}).assign(status="benefit"))


def _study(name: str, registers: int) -> dict[str, np.ndarray]:
    """Per outcome: (registers × (estimate − truth, standard error, naive − truth) × months since start)."""
    df = study(name, registers)
    out = {}
    for outcome, part in df.groupby("outcome"):
        cube = part.sort_values(["register", "k"])[["estimate", "truth", "se", "naive"]].to_numpy()
        cube = cube.reshape(registers, -1, 4)
        out[outcome] = np.stack([cube[..., 0] - cube[..., 1], cube[..., 2], cube[..., 3] - cube[..., 1]], axis=1)
    return out


@pytest.mark.slow
def test_ipw_covers_the_true_effect_when_selection_is_on_what_the_register_holds():
    """30 registers of register_observed: at every month since start (0–36) and for each outcome the 95 %
    interval holds the participants' true effect in at least 90 % of them. The naive comparison (participants
    against those never placed) is biased as the selection predicts: those never placed include the reasons no
    one places (sick, no capacity), furthest from work, so the naive effect on work is too high and on benefit
    too low."""
    study = _study("register_observed", 30)
    for outcome, rows in study.items():
        err, se = rows[:, 0], rows[:, 1]
        coverage = (np.abs(err) <= 1.959964 * se + 1e-12).mean(axis=0)
        assert (coverage >= 0.9).all(), f"{outcome}: coverage {np.round(coverage, 2)}"
    naive_work, naive_benefit = study["work"][:, 2, 12:], study["benefit"][:, 2, 12:]
    assert (naive_work.mean(axis=0) > 2 * study["work"][:, 1, 12:].mean(axis=0)).all()
    assert (naive_benefit.mean(axis=0) < -2 * study["benefit"][:, 1, 12:].mean(axis=0)).all()


@pytest.mark.slow
def test_ipw_is_biased_when_readiness_decides_who_is_placed():
    """register_readiness: the ready (more likely to find work anyway) are placed; the register cannot see it, so
    the estimated effect on work is too high at every month from 3 on, and on benefit too low."""
    study = _study("register_readiness", 4)
    work, benefit = study["work"], study["benefit"]
    assert (work[:, 0, 3:].mean(axis=0) > 2 * work[:, 1, 3:].mean(axis=0)).all()
    assert (benefit[:, 0, 3:].mean(axis=0) < -benefit[:, 1, 3:].mean(axis=0)).all()

"""Effects by months since start: dynamic inverse probability weighting, the naive comparison and the truth.

For the households whose first place (of a type) starts in month m, the
comparison is everyone at risk in m who does not start then (van den Berg &
Vikström 2022). Each is weighted by the odds of starting, e_g / (1 − e), so
the weighted comparison has the participants' covariates; a comparison
household that starts later is censored from then on, and those left are
weighted up by 1 / (1 − e) for each later month at risk (inverse probability
of censoring), so the estimate is the effect of starting in m against never
starting (through m + k) — the same contrast as the paired counterfactual.
Cohorts are combined by their number of participants.

Standard errors come from the estimator's influence function, summed by
household (a household is a comparison in many months), with the propensities
held fixed. The larger of two variances is used: the effect in the population
(the participants' outcomes vary) and the effect on these participants (their
outcomes without the programme vary, as the comparison's do within a cohort),
so the interval serves both readings of "the effect".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from evaluation.design import GROUPS, NO_START, TYPES, Design
from evaluation.propensity import categories, fit

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Weights:
    """Per risk row: the propensity of starting (any type) and of starting each type."""

    e: np.ndarray
    e_type: dict[str, np.ndarray]


@dataclass(frozen=True)
class Profile:
    """One group's effect on one outcome by months since start (k = 0 … K)."""

    group: str
    outcome: str
    estimate: np.ndarray
    se: np.ndarray
    naive: np.ndarray
    naive_se: np.ndarray
    truth: np.ndarray | None  # the participants' mean of observed − counterfactual, same participants and months
    treated_mean: np.ndarray
    participants: np.ndarray  # participants observed k months after their start

    @property
    def lower(self) -> np.ndarray:
        return self.estimate - Z95 * self.se

    @property
    def upper(self) -> np.ndarray:
        return self.estimate + Z95 * self.se

    def covered(self) -> np.ndarray:
        """Does the 95 % interval hold the true effect, by month since start (needs the truth)?"""
        assert self.truth is not None
        return (self.lower <= self.truth) & (self.truth <= self.upper)


def propensities(d: Design, types: tuple[str, ...] = TYPES) -> Weights:
    """The logits of starting, and of starting each of ``types``, over the risk rows."""
    codes = categories(d.X)
    kind = np.where(d.treated, d.kind[d.person], -1)
    return Weights(e=fit(codes, d.treated), e_type={g: fit(codes, kind == TYPES.index(g)) for g in types})


def trimmed(w: Weights, trim: float) -> np.ndarray:
    """Risk rows kept: propensities of starting at most ``trim`` (above, the comparison's weights explode)."""
    return w.e <= trim


def _censoring(d: Design, e: np.ndarray) -> np.ndarray:
    """Cumulative −log(1 − e) over each person's risk months to the end of each month: (n, T)."""
    flat = np.bincount(d.person * d.T + d.month, weights=-np.log1p(-np.minimum(e, 1 - 1e-12)), minlength=d.n * d.T)
    return np.cumsum(flat.reshape(d.n, d.T), axis=1)


def profile(d: Design, w: Weights, group: str, outcome: str, K: int, keep: np.ndarray | None = None) -> Profile:
    """The effect of ``group``'s first start on ``outcome`` at 0 … K months after it."""
    return group_profiles(d, w, group, K, keep, (outcome,))[0]


def group_profiles(
    d: Design, w: Weights, group: str, K: int, keep: np.ndarray | None = None, outcomes: tuple[str, ...] | None = None,
    L: np.ndarray | None = None,
) -> list[Profile]:  # fmt: skip
    """The effect of ``group``'s first start on each outcome at 0 … K months after it (the weights are shared)."""
    outcomes = tuple(d.outcomes) if outcomes is None else outcomes
    keep = np.ones(len(d.person), dtype=bool) if keep is None else keep
    is_type = d.treated & (True if group == "all" else d.kind[d.person] == TYPES.index(group))
    e_g = w.e if group == "all" else w.e_type[group]
    odds = np.where(w.e < 1, e_g / np.maximum(1 - w.e, 1e-12), 0.0)
    L = _censoring(d, w.e) if L is None else L
    tr = keep & is_type
    ctl = keep & ~d.treated & (odds > 0)
    never = keep & ~d.treated & (d.first[d.person] == NO_START)
    cols = ("estimate", "se", "naive", "naive_se", "truth", "treated_mean", "participants")
    out = {o: {c: np.full(K + 1, np.nan) for c in cols} for o in outcomes}
    for k in range(K + 1):
        tk = tr & (d.month + k < d.T)
        if not tk.any():
            continue
        tp, tm0 = d.person[tk], d.month[tk]
        tm = tm0 + k
        ck = ctl & (d.month + k < d.T)
        cp, cm = d.person[ck], d.month[ck]
        cw = odds[ck] * np.exp(L[cp, cm + k] - L[cp, cm]) * (d.first[cp] > cm + k)
        nk = never & (d.month + k < d.T)
        np_, nm = d.person[nk], d.month[nk]
        for o in outcomes:
            Y, res = d.outcomes[o], out[o]
            y1 = Y[tp, tm]
            est, se, n1, used = _contrast(d, tp, tm0, y1, cp, cm, Y[cp, cm + k], cw)
            naive, naive_se, _, _ = _contrast(d, tp, tm0, y1, np_, nm, Y[np_, nm + k], np.ones(len(np_)))
            res["estimate"][k], res["se"][k], res["participants"][k] = est, se, n1
            res["naive"][k], res["naive_se"][k] = naive, naive_se
            if used.any():
                res["treated_mean"][k] = y1[used].mean()
                if d.truth is not None:  # the same participants as the estimate
                    res["truth"][k] = float(np.mean(y1[used] - d.truth[o][tp[used], tm[used]]))
    return [
        Profile(
            group=group,
            outcome=o,
            truth=out[o]["truth"] if d.truth is not None else None,
            **{c: out[o][c] for c in cols if c != "truth"},
        )
        for o in outcomes
    ]


def _contrast(
    d: Design, tp: np.ndarray, tm: np.ndarray, y1: np.ndarray, cp: np.ndarray, cm: np.ndarray, y0: np.ndarray,
    cw: np.ndarray,
) -> tuple[float, float, int, np.ndarray]:  # fmt: skip
    """Participants' mean minus the cohorts' weighted comparison means, combined by participants per cohort;
    its standard error from the influence function summed by person. Cohorts without comparison weight drop."""
    T = d.T
    n1m = np.bincount(tm, minlength=T).astype(float)
    W = np.bincount(cm, weights=cw, minlength=T)
    WY = np.bincount(cm, weights=cw * y0, minlength=T)
    ok = W > 0
    use = ok[tm]
    if not use.any():
        return np.nan, np.nan, 0, use
    n1m = np.where(ok, n1m, 0.0)
    N1 = n1m.sum()
    mu0m = np.divide(WY, W, out=np.zeros(T), where=ok)
    mu1 = y1[use].mean()
    mu0 = float((n1m * mu0m).sum() / N1)
    att = mu1 - mu0
    phi_t = np.bincount(tp[use], weights=(y1[use] - mu0m[tm[use]] - att) / N1, minlength=d.n)
    cuse = ok[cm]
    dev = y0[cuse] - mu0m[cm[cuse]]
    phi_c = np.bincount(cp[cuse], weights=-(n1m[cm[cuse]] / N1) * cw[cuse] * dev / W[cm[cuse]], minlength=d.n)
    # the participants' own outcome without the programme varies as the comparison's does (cohort by cohort)
    s2 = np.divide(np.bincount(cm[cuse], weights=cw[cuse] * dev**2, minlength=T), W, out=np.zeros(T), where=ok)
    var_population = ((phi_t + phi_c) ** 2).sum()
    var_participants = (phi_c**2).sum() + (n1m * s2).sum() / N1**2
    return float(att), float(np.sqrt(max(var_population, var_participants))), int(N1), use


def profiles(
    d: Design, K: int = 36, trim: float = 0.95, w: Weights | None = None, groups: tuple[str, ...] = GROUPS
) -> list[Profile]:
    """Each group's profile on every outcome."""
    w = w or propensities(d, tuple(g for g in groups if g != "all"))
    keep = trimmed(w, trim)
    L = _censoring(d, w.e)
    return [pr for g in groups for pr in group_profiles(d, w, g, K, keep, L=L)]


def balance(d: Design, w: Weights, keep: np.ndarray, group: str = "all") -> dict[str, tuple[float, float, float]]:
    """Covariate balance at the start: per covariate the participants' mean and the standardised difference to
    the comparison, unweighted and weighted (cohort by cohort, as the estimate weighs them). Readiness, if the
    register has it, shows what the weights cannot balance."""
    is_type = d.treated & (True if group == "all" else d.kind[d.person] == TYPES.index(group))
    e_g = w.e if group == "all" else w.e_type[group]
    odds = np.where(w.e < 1, e_g / np.maximum(1 - w.e, 1e-12), 0.0)
    tr, ctl = keep & is_type, keep & ~d.treated
    n1m = np.bincount(d.month[tr], minlength=d.T).astype(float)
    W = np.bincount(d.month[ctl], weights=odds[ctl], minlength=d.T)
    scale = np.divide(n1m, W, out=np.zeros(d.T), where=W > 0)
    cw = odds[ctl] * scale[d.month[ctl]]
    out: dict[str, tuple[float, float, float]] = {}
    if not tr.any():
        return out
    cols = _balance_columns(d)
    for name, x in cols.items():
        x1, x0 = x[tr], x[ctl]
        sd = np.sqrt((x1.var() + x0.var()) / 2) or 1.0
        weighted = np.average(x0, weights=cw) if cw.sum() > 0 else np.nan
        out[name] = (float(x1.mean()), float((x1.mean() - x0.mean()) / sd), float((x1.mean() - weighted) / sd))
    return out


def _balance_columns(d: Design) -> dict[str, np.ndarray]:
    X = d.X
    reason = X["reason"].astype(str).to_numpy()
    cols = {
        "age": X["age"].to_numpy(float),
        "couple": (X["adults"].to_numpy() == 2).astype(float),
        "children": X["children"].to_numpy(float),
        "newly_arrived": X["newly_arrived"].to_numpy(float),
        "akassa_member": X["akassa_member"].to_numpy(float),
        "months_on_benefit": X["months_on_benefit"].fillna(0).to_numpy(float),
        **{f"reason_{r}": (reason == r).astype(float) for r in np.unique(reason)},
    }
    if d.readiness is not None:
        cols["readiness"] = d.readiness[d.person]
    return cols

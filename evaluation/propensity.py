"""Propensity of starting a programme in a month, among those at risk: a pooled logit (a discrete-time hazard).

The covariates are what a register holds, as categories (IFAU-style: flexible
in duration and calendar time): calendar month, months on benefit (each of the
first twelve, then bands), age bands, adults, children, reason, newly arrived
and a-kassa membership. Where no one at risk in a category starts (months
without places, the first months of a spell before assessment, reasons not
eligible), the propensity is zero: those rows are outside the common support
and carry no weight, and the logit is fitted on the rest.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import scipy.linalg
import statsmodels.api as sm

AGE_BANDS = (0, 25, 30, 40, 50, 55, 200)
DURATION_BANDS = (*range(13), 18, 24, 36, 60, 10_000)  # months on benefit: 0, 1, … 11, 12–17, 18–23, 24–35 …


def categories(X: pd.DataFrame) -> pd.DataFrame:
    """The covariates as integer category codes, one column per factor."""
    return pd.DataFrame(
        {
            "month": X["month"].to_numpy(),
            "duration": np.digitize(X["months_on_benefit"].fillna(0).to_numpy(), DURATION_BANDS[1:-1]),
            "age": np.digitize(X["age"].to_numpy(), AGE_BANDS[1:-1]),
            "adults": X["adults"].to_numpy(),
            "children": np.minimum(X["children"].to_numpy(), 3),
            "reason": pd.Categorical(X["reason"]).codes,
            "newly_arrived": X["newly_arrived"].to_numpy().astype(int),
            "akassa_member": X["akassa_member"].to_numpy().astype(int),
        }
    )


def support(codes: pd.DataFrame, d: np.ndarray) -> np.ndarray:
    """Rows in the common support: no factor puts them in a category in which no one starts (iterated)."""
    keep = np.ones(len(d), dtype=bool)
    while True:
        before = keep.sum()
        for col in codes:
            c = codes[col].to_numpy()
            starts = pd.Series(d[keep]).groupby(c[keep]).sum()
            dead = starts.index[starts.to_numpy() == 0].to_numpy()
            keep &= ~np.isin(c, dead)
        if keep.sum() == before:
            return keep


def dummies(codes: pd.DataFrame) -> np.ndarray:
    """Indicator columns of every category but each factor's most common one, and a constant."""
    cols = [np.ones((len(codes), 1))]
    for col in codes:
        c = codes[col].to_numpy()
        levels, counts = np.unique(c, return_counts=True)
        keep = levels[levels != levels[np.argmax(counts)]]
        if len(keep):
            cols.append((c[:, None] == keep[None, :]).astype(float))
    return independent(np.hstack(cols))


def independent(X: np.ndarray) -> np.ndarray:
    """``X`` without columns that others determine (newly arrived is often a reason; a month may be a band)."""
    gram = X.T @ X
    _, r, piv = scipy.linalg.qr(gram, pivoting=True)
    diag = np.abs(np.diag(r))
    rank = int((diag > diag[0] * 1e-10).sum()) if len(diag) else 0
    return X[:, np.sort(piv[:rank])]


def fit(codes: pd.DataFrame, d: np.ndarray) -> np.ndarray:
    """Fitted propensities (0 outside the support) of ``d`` (bool per risk row) given the covariate ``codes``."""
    e = np.zeros(len(d))
    if not d.any():
        return e
    keep = support(codes, d)
    X = dummies(codes.loc[keep])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a category with one start is near separation; its fit is still right
        result = sm.Logit(d[keep].astype(float), X, check_rank=False).fit(method="newton", maxiter=100, disp=0)
    e[keep] = result.predict(X)
    return e

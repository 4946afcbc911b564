"""Counting sort, compiled: the visit log's canonical order in one pass over the log.

A stable sort by household of a log with a few visits per household is a
counting sort: count each household's visits, give each household its first
slot, then place the visits in log order. O(visits + households) where numpy's
stable argsort of int64 keys is a merge sort, several times slower at the
sizes a replication has.
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True)
def _order(keys: np.ndarray, n_keys: int) -> np.ndarray:
    start = np.zeros(n_keys + 1, dtype=np.int64)
    for k in keys:
        start[k + 1] += 1
    for i in range(n_keys):
        start[i + 1] += start[i]
    out = np.empty(len(keys), dtype=np.int64)
    for i in range(len(keys)):
        k = keys[i]
        out[start[k]] = i
        start[k] += 1
    return out


def stable_order(keys: np.ndarray, n_keys: int | None = None) -> np.ndarray:
    """The indices that sort ``keys`` (integers in 0 … n_keys − 1), equal keys in their order: as
    ``np.argsort(keys, kind="stable")``."""
    keys = np.asarray(keys, dtype=np.int64)
    if n_keys is None:
        n_keys = int(keys.max()) + 1 if len(keys) else 0
    if len(keys) and (keys.min() < 0 or keys.max() >= n_keys):
        raise ValueError(f"keys must lie in 0 … {n_keys - 1}")
    return _order(keys, n_keys)

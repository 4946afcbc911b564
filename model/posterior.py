"""Joint draws of scenario values from a file: a calibration's posterior, used as the values' distribution.

A scenario's ``posterior: FILE`` (CSV or Parquet) has one column per value
path and one row per draw, and may weigh its rows (``weight``). Each parameter
set (model.params.parameter_set) takes one whole row, chosen by a keyed
uniform, so values fitted together stay together: their correlations are
kept, which independent marginals would lose.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from model.errors import InputError, Problem
from model.uncertainty import uniform, weighted_quantile

#: The optional column that weighs a row (ABC's importance weights); without it the rows weigh the same.
WEIGHT = "weight"
#: The key of the posterior's uniform among a draw's keyed uniforms (no value path is named so).
KEY = "posterior row"


@dataclass(frozen=True)
class Posterior:
    """Rows of joint values, with the cumulative share of weight up to each row."""

    paths: tuple[str, ...]
    values: np.ndarray  # (rows, paths)
    cumulative: np.ndarray  # (rows,) rising to 1

    def row(self, seed: int, draw: int) -> int:
        """The row parameter set ``draw`` takes: where its keyed uniform falls in the cumulative weights."""
        return int(min(np.searchsorted(self.cumulative, uniform(seed, draw, KEY), side="right"), len(self.values) - 1))

    def band(self, path: str) -> tuple[float, float, float]:
        """P50, P5 and P95 of ``path`` over the rows, by weight (what the assumptions table shows)."""
        x = self.values[:, self.paths.index(path)]
        w = np.diff(np.concatenate([[0.0], self.cumulative]))
        p50, p5, p95 = (weighted_quantile(x, w, q) for q in (0.5, 0.05, 0.95))
        return p50, p5, p95

    def draw(self, seed: int, draw: int) -> dict[str, float]:
        i = self.row(seed, draw)
        return {path: float(self.values[i, j]) for j, path in enumerate(self.paths)}


def load_posterior(
    path: str | Path, is_value: Callable[[str], bool], file: str, except_: Iterable[str] = ()
) -> Posterior:
    """The posterior at ``path``, checked: its columns are values of the scenario (``is_value``), finite
    numbers; weights non-negative with a positive sum. Problems name the scenario file and the field
    ``posterior``. A column replaces the value's distribution in the scenario, if it has one: that was
    the fit's prior, and the posterior is what the fit made of it."""
    path = Path(path)

    def problem(message: str) -> InputError:
        return InputError([Problem(file, "posterior", f"{path}: {message}")])

    parquet = path.suffix.lower() == ".parquet"
    try:
        frame = pd.read_parquet(path) if parquet else pd.read_csv(path)
    except (OSError, ValueError, pd.errors.ParserError) as err:
        raise problem(f"cannot be read as {'Parquet' if parquet else 'CSV'} ({err})") from None
    columns = [c for c in frame.columns if c != WEIGHT]
    if frame.empty or not columns:
        raise problem("needs a row, and a column named by a value's path (e.g. population.initial_households)")
    dropped = set(except_)
    paths = [c for c in columns if c not in dropped]  # ``except_``: values the scenario gives itself
    unknown = [p for p in paths if not is_value(str(p))]
    if unknown:
        raise problem(f"{', '.join(map(str, unknown))}: not a value of the scenario")
    try:
        values = frame[paths].to_numpy(dtype=float)
        weights = frame[WEIGHT].to_numpy(dtype=float) if WEIGHT in frame else np.ones(len(frame))
    except (TypeError, ValueError) as err:
        raise problem(f"every cell must be a number ({err})") from None
    if not np.isfinite(values).all():
        bad = paths[int(np.argwhere(~np.isfinite(values))[0, 1])]
        raise problem(f"{bad}: every value must be a finite number")
    total = float(weights.sum())
    if not np.isfinite(weights).all() or (weights < 0).any() or not total > 0 or math.isinf(total):
        raise problem(f"{WEIGHT}: weights must be finite, non-negative and not all zero")
    return Posterior(tuple(paths), values, np.cumsum(weights) / total)

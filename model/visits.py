"""The visit log: one row per state visit (who, which state, from, to, next).

Like Ciw's data records, a visit is the unit everything else is derived from:
the ledger accrues money over visits, outcomes count households over them.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass

import numpy as np

from model.counting import stable_order
from model.states import N_STATES

NO_NEXT = -1
#: The visit log's columns and their dtypes: what both engines log (:class:`VisitLog`, the fast engine's log).
COLUMNS: dict[str, type] = {
    "hh": np.int64,
    "state": np.int8,
    "t0": np.float64,
    "t1": np.float64,
    "nxt": np.int8,
    "workplace": np.int8,
    "ref": np.float64,
    "level": np.int8,
    "job_months": np.float64,
    "dept": np.int16,
    "member_months": np.float64,
    "spell_start": np.float64,
}


class VisitLog:
    """Columns appended by the engine as households leave states.

    Typed arrays, not lists: a visit costs a few bytes, not a few Python objects,
    which keeps the engine's memory (and so its speed) linear in households.
    """

    __slots__ = tuple(COLUMNS)

    def __init__(self) -> None:
        for name, dtype in COLUMNS.items():
            setattr(self, name, array(np.dtype(dtype).char))

    def freeze(self) -> Visits:
        return Visits(**{name: np.frombuffer(getattr(self, name), dtype=dt).copy() for name, dt in COLUMNS.items()})


@dataclass(frozen=True)
class Visits:
    """Frozen visit columns.

    ``ref`` is the start time of the job a visit belongs to (job visits) or
    that qualified it (a-kassa and aktivitetsstöd visits); NaN otherwise.
    ``workplace`` is 1 for an ordinary workplace, 2 for a created one, 0 for no
    job. ``level`` is the subsidy level of a nystartsjobb (index in
    ``NYSTARTSJOBB_LEVELS``; 0 otherwise) and ``job_months`` how long the job
    runs if it runs its course (job visits, and the qualifying job of a-kassa
    and aktivitetsstöd visits; NaN otherwise), both fixed when the job starts.
    ``dept`` is the department (index in ``Params.departments``) of an
    internship or job visit when places are allocated among departments; -1
    otherwise. ``member_months`` is the a-kassa membership at the a-kassa
    decision (a-kassa and aktivitetsstöd visits; inf for members since before
    arrival; NaN otherwise). ``spell_start`` is when the benefit spell began for
    a job visit (for jobbstimulans; NaN otherwise).
    """

    hh: np.ndarray
    state: np.ndarray
    t0: np.ndarray
    t1: np.ndarray
    nxt: np.ndarray
    workplace: np.ndarray
    ref: np.ndarray
    level: np.ndarray
    job_months: np.ndarray
    dept: np.ndarray
    member_months: np.ndarray
    spell_start: np.ndarray

    def __len__(self) -> int:
        return len(self.hh)

    def take(self, mask: np.ndarray) -> Visits:
        return Visits(**{k: getattr(self, k)[mask] for k in self.__dataclass_fields__})

    def rows(self, start: int, stop: int) -> Visits:
        """Visits ``start`` to ``stop`` as views (no copy)."""
        return Visits(**{k: getattr(self, k)[start:stop] for k in self.__dataclass_fields__})

    @staticmethod
    def concat(parts: list[Visits]) -> Visits:
        return Visits(**{k: np.concatenate([getattr(p, k) for p in parts]) for k in Visits.__dataclass_fields__})

    def household_order(self) -> np.ndarray:
        """The indices that order visits by household, then time.

        Both engines log a household's visits in time order (a visit is logged
        when it ends, the open one at the horizon last), and taking or
        concatenating visits of different households keeps that; so a stable
        sort by household is the sort by (household, start, end), in a fraction
        of the time.
        """
        return stable_order(self.hh)

    def sorted(self) -> Visits:
        """Ordered by household, then time: a canonical order independent of event order."""
        return self.take(self.household_order())

    def split(self, marked: np.ndarray) -> tuple[Visits, int]:
        """Sorted with the unmarked households first: (visits, where the marked households' visits begin).

        ``marked`` is a bool per household. Each part is in the canonical order (:meth:`sorted`), so
        ``rows(0, cut)`` and ``rows(cut, len)`` are the two parts sorted, from one sort and one copy.
        """
        first = marked[self.hh]
        n = len(marked)
        order = stable_order(self.hh + first.astype(np.int64) * n, 2 * n)
        return self.take(order), int(len(first) - first.sum())

    # derived counts ---------------------------------------------------------
    def stocks(self, n_months: int) -> np.ndarray:
        """(months, states): households in each state at the end of each month.

        A visit ``[t0, t1)`` is the state at the end of month m if t0 < m + 1 ≤ t1.
        """
        first = np.floor(self.t0).astype(np.int64)
        last = np.floor(self.t1).astype(np.int64) - 1  # month whose end the visit still covers
        keep = last >= first
        diff = np.zeros((n_months + 1, N_STATES), dtype=np.int64)
        state = self.state[keep].astype(np.int64)
        size = (n_months + 1) * N_STATES
        diff += np.bincount(first[keep] * N_STATES + state, minlength=size).reshape(diff.shape)
        diff -= np.bincount(np.minimum(last[keep] + 1, n_months) * N_STATES + state, minlength=size).reshape(diff.shape)
        return np.cumsum(diff, axis=0)[:n_months]

    def transitions(self, n_months: int) -> np.ndarray:
        """(months, from, to): moves between states within each month."""
        moved = self.nxt != NO_NEXT
        month = np.floor(self.t1[moved]).astype(np.int64)
        out = np.zeros((n_months, N_STATES, N_STATES), dtype=np.int64)
        np.add.at(out, (month, self.state[moved], self.nxt[moved]), 1)
        return out

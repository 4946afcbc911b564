"""What happens to participants: after a finished job, where are they 3 months later, and a year on?

Malmö follows up everyone who finishes a municipal job (about 25 % in work or
studies three months later; only 50 % receive benefit the following year,
facts.md §2); these counts let a run be held against that, and tell
researchers how the effect parameters play out.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from model.params import Params
from model.states import INTERNSHIPS, JOB_STATES, State
from model.visits import Visits

INTERNSHIP, AKASSA, EXIT_WORK, EXIT_STUDIES = (
    int(State.INTERNSHIP), int(State.AKASSA), int(State.EXIT_WORK), int(State.EXIT_STUDIES)
)  # fmt: skip

#: Counts per replication, in this order.
FIELDS: tuple[str, ...] = (
    "job_starts",
    "jobs_completed",
    "jobs_followed_3m",  # completed at least 3 months before the horizon
    "work_or_studies_3m",  # of those: in work or studies 3 months after the end
    "hired_at_end",
    "akassa_at_end",
    "internship_starts",
    "internships_completed",
    "jobs_followed_12m",  # completed, with the 12 months after the month of the end within the horizon
    "on_benefit_12m",  # of those: on benefit (or a top-up) in any of those 12 months
)


def state_at(visits: Visits, hh: np.ndarray, t: np.ndarray) -> np.ndarray:
    """The state each household ``hh[i]`` is in at time ``t[i]`` (its visits must cover ``t``)."""
    order = visits.household_order()
    scale = float(np.ceil(visits.t1.max())) + 2.0 if len(visits) else 1.0
    keys = visits.hh[order] * scale + visits.t0[order]
    idx = np.searchsorted(keys, hh * scale + t, side="right") - 1
    return visits.state[order][idx]


def outcomes(p: Params, visits: Visits, on_benefit: np.ndarray | None = None) -> np.ndarray:
    """Counts in :data:`FIELDS` for one arm's visits.

    ``on_benefit`` (households × months, bool) marks the months in which a
    household received benefit or a top-up (the ledger's definition); without it
    the year-after counts are 0.
    """
    out = np.zeros(len(FIELDS), dtype=np.int64)
    if on_benefit is None:
        on_benefit = np.zeros((0, p.n_months), dtype=bool)
    _count(
        visits.household_order(), visits.hh, visits.state, visits.t0, visits.t1, visits.nxt, visits.job_months,
        on_benefit, on_benefit.shape[0] > 0, p.n_months, float(p.class_months[INTERNSHIPS]), _JOBS, out,
    )  # fmt: skip
    return out


_JOBS = np.array([int(s) for s in JOB_STATES], dtype=np.int64)


@numba.njit(cache=True)
def _count(order, hh, state, t0, t1, nxt, job_months, on_benefit, with_benefit, n_months, internship, jobs, out):
    """:func:`outcomes` in one pass over the visits in household order (each household's in time order)."""
    T = float(n_months)
    n = len(order)
    for i in range(n):
        v = order[i]
        st = state[v]
        if st == INTERNSHIP:
            out[6] += 1
            if nxt[v] >= 0 and t1[v] - t0[v] >= internship - 1e-9:
                out[7] += 1
            continue
        job = False
        for k in range(len(jobs)):
            job = job or jobs[k] == st
        if not job:
            continue
        out[0] += 1
        if not (nxt[v] >= 0 and t1[v] - t0[v] >= job_months[v] - 1e-9):  # a job that ran its course
            continue
        out[1] += 1
        end = t1[v]
        if nxt[v] == EXIT_WORK:
            out[4] += 1
        elif nxt[v] == AKASSA:
            out[5] += 1
        if end + 3 <= T:  # where it is 3 months on: its last visit begun by then (as state_at)
            out[2] += 1
            at, w = end + 3, i
            while w + 1 < n and hh[order[w + 1]] == hh[v] and t0[order[w + 1]] <= at:
                w += 1
            later = state[order[w]]
            if later in (EXIT_WORK, EXIT_STUDIES):
                out[3] += 1
        first = math.floor(end) + 1
        if with_benefit and first + 11 < n_months:  # the 12 months after the month of the end, all in the run
            out[8] += 1
            for m in range(first, first + 12):
                if on_benefit[hh[v], m]:
                    out[9] += 1
                    break


def shares(counts: np.ndarray) -> dict[str, np.ndarray]:
    """Per-replication shares from stacked counts (replications × FIELDS)."""
    c = {f: counts[:, i].astype(float) for i, f in enumerate(FIELDS)}
    with np.errstate(invalid="ignore", divide="ignore"):
        return {
            "work_or_studies_3m_after_job": c["work_or_studies_3m"] / c["jobs_followed_3m"],
            "hired_at_end_of_job": c["hired_at_end"] / c["jobs_completed"],
            "akassa_after_job": c["akassa_at_end"] / c["jobs_completed"],
            "jobs_completed": c["jobs_completed"] / c["job_starts"],
            "internships_completed": c["internships_completed"] / c["internship_starts"],
            "on_benefit_year_after_job": c["on_benefit_12m"] / c["jobs_followed_12m"],
        }

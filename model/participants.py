"""What happens to participants: after a finished job, where are they 3 months later, and a year on?

Malmö follows up everyone who finishes a municipal job (about 25 % in work or
studies three months later; only 50 % receive benefit the following year,
facts.md §2); these counts let a run be held against that, and tell
researchers how the effect parameters play out.
"""

from __future__ import annotations

import numpy as np

from model.params import Params
from model.states import INTERNSHIPS, JOB_STATES, State
from model.visits import Visits

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
    T = float(p.n_months)
    jobs = np.isin(visits.state, [int(s) for s in JOB_STATES])
    duration = visits.job_months[jobs]
    length = visits.t1[jobs] - visits.t0[jobs]
    done = (visits.nxt[jobs] >= 0) & (length >= duration - 1e-9)
    end = visits.t1[jobs][done]
    followed = end + 3 <= T
    later = state_at(visits, visits.hh[jobs][done][followed], end[followed] + 3)
    internships = visits.state == int(State.INTERNSHIP)
    int_done = (visits.nxt[internships] >= 0) & (
        visits.t1[internships] - visits.t0[internships] >= p.class_months[INTERNSHIPS] - 1e-9
    )
    end_month = np.floor(end).astype(np.int64)
    year_after = end_month + 12 < p.n_months
    on_after = 0
    if on_benefit is not None and year_after.any():
        hh = visits.hh[jobs][done][year_after]
        first = end_month[year_after] + 1
        window = on_benefit[hh[:, None], first[:, None] + np.arange(12)[None, :]]
        on_after = int(window.any(axis=1).sum())
    return np.array(
        [
            int(jobs.sum()),
            int(done.sum()),
            int(followed.sum()),
            int(np.isin(later, [int(State.EXIT_WORK), int(State.EXIT_STUDIES)]).sum()),
            int((visits.nxt[jobs][done] == int(State.EXIT_WORK)).sum()),
            int((visits.nxt[jobs][done] == int(State.AKASSA)).sum()),
            int(internships.sum()),
            int(int_done.sum()),
            int(year_after.sum()) if on_benefit is not None else 0,
            on_after,
        ],
        dtype=np.int64,
    )


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

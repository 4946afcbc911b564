"""The fast engine: the SimPy engine's model compiled with numba, giving the same visit log.

This module turns :class:`~model.params.Params`, the population and the
random streams into the arrays :mod:`model.engines.kernel` runs on, and the
kernel's log back into :class:`~model.visits.Visits`. The rules' tables that
do not change between replications are converted once per
:class:`~model.params.LawTables` and kept.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from model.engines import kernel as k
from model.engines.pcg import entropy_words
from model.engines.result import ArmResult
from model.memo import per_object
from model.params import JOB_INDEX, LawTables, Params
from model.placement import LEVEL_INDEX
from model.population import Population
from model.random_streams import BLOCK, HouseholdStreams
from model.states import PLACE_CLASSES, State
from model.visits import COLUMNS, Visits

PRIORITY_CODES = {"after_internship": 0, "children": 1, "readiness": 2, "longest_on_benefit": 3, "lottery": 4}

Pr = namedtuple(
    "Pr",
    [
        "T", "last_month", "programme_on", "band_starts", "year_starts", "year_work", "lock_in", "dropout",
        "internship_months", "post_multiplier", "post_window", "length_ref", "length_el", "length_most",
        "hire_probability", "has_hire_factor", "hire_factor", "akassa_months", "karens", "access", "guarantee_share",
        "lowest_months", "return_probability", "return_mean", "priority", "max_jobs", "max_internships",
        "decisions_monthly", "assessment_varies", "assessment_mean",
        "class_months", "by_department", "dept_open", "dept_accepts", "dept_shares",
        "dept_supervisable", "dept_ordinary", "ordinary_share", "join_share", "financing_order", "take_up",
        "open_for_new", "eligibility", "job_young_below", "job_months", "job_months_key", "nystartsjobb",
        "level_newly", "level_long", "level_regular", "long_away", "capacity",
    ],
)  # fmt: skip
Pl = namedtuple("Pl", ["order", "capacity", "occupied", "wake_at", "dept_used", "held"])
Rs = namedtuple("Rs", ["t_first", "t_extra", "t_prefix", "p_first", "p_extra", "p_prefix", "own_rates", "child_birth"])

_LAW: dict = {}  # the rules' tables as arrays, per LawTables (model/memo.py)
_PREPARED: dict = {}  # the kernel's parameters and the months whose places change, per Params
#: Rows of the visit log (and of each queue) to start with: per household, and at least; doubled when short.
ROOM_PER_HOUSEHOLD, ROOM_MIN = 4, 1024


def _law_arrays(law: LawTables) -> dict:
    """The rules' tables as the kernel's arrays, once per LawTables (replications share it)."""
    return per_object(_LAW, law, lambda: _build_law_arrays(law))


def _build_law_arrays(law: LawTables) -> dict:
    T = law.calendar.n_months
    jm = np.asarray(law.job_months, dtype=np.float64)
    keys = np.zeros(jm.shape, dtype=np.int64)
    tables = []
    for (job, months), table in law.akassa_months.items():
        keys[job][jm[job] == months] = len(tables)
        tables.append(np.asarray(table, dtype=np.float64))
    el = np.array(
        [
            [[e.min_age, e.young_below, e.months_young, e.months, e.months_newly_arrived] for e in per_month]
            for per_month in law.eligibility
        ],
        dtype=np.float64,
    )
    access = np.array(
        [[a.income_based_months, a.min_age_income_based, a.min_age_other] for a in law.akassa_access], dtype=float
    )
    out = {
        "akassa_months": np.stack(tables) if tables else np.zeros((1, T, 2)),
        "karens": np.asarray(law.akassa_karens_months, dtype=np.float64),
        "access": access.reshape(T, 3),
        "lowest_months": np.asarray(law.aktivitetsstod_lowest_months, dtype=np.float64),
        "open_for_new": np.asarray(law.open_for_new, dtype=np.bool_),
        "eligibility": el,
        "job_young_below": np.asarray(law.job_young_below, dtype=np.float64),
        "job_months": jm,
        "job_months_key": keys,
        "long_away": np.asarray(law.nystartsjobb_long_away, dtype=np.float64),
    }
    return out


def _prepared(p: Params) -> tuple[Pr, np.ndarray]:
    """The kernel's parameters and the months whose places change, once per Params (replications that share
    a draw share it; the kernel only reads them)."""
    return per_object(_PREPARED, p, lambda: (_params(p), _open_months(p)))


def _params(p: Params) -> Pr:
    T = p.n_months
    dp = p.departments
    if dp is not None:
        D = dp.n
        dept_open = np.asarray(dp.open, dtype=np.int64)
        accepts = np.asarray(dp.accepts, dtype=np.bool_)
        shares = np.array([bool((dp.supervisable[i] != dp.supervisable[i][:, :1]).any()) for i in range(D)])
        supervisable = np.asarray(dp.supervisable, dtype=np.int64)
        ordinary = np.asarray(dp.ordinary, dtype=np.float64)
        hire_factor = np.asarray(dp.hire_factor, dtype=np.float64)
    else:
        dept_open = np.zeros((0, len(PLACE_CLASSES), T), dtype=np.int64)
        accepts = np.zeros((0, T), dtype=np.bool_)
        shares = np.zeros(0, dtype=np.bool_)
        supervisable = np.zeros((0, len(PLACE_CLASSES), T), dtype=np.int64)
        ordinary = np.zeros(0)
        hire_factor = np.zeros(0)
    market = p.market
    law = _law_arrays(p.law)
    if len(p.priority) > 4:
        raise ValueError(f"at most four priority keys, got {p.priority}")
    return Pr(
        T=int(T),
        last_month=int(T - 1),
        programme_on=bool(p.programme_on),
        band_starts=np.asarray(p.band_starts, dtype=np.float64),
        year_starts=np.asarray(market.year_starts if market is not None else (-np.inf,), dtype=np.float64),
        year_work=np.asarray(market.work_exit if market is not None else (1.0,), dtype=np.float64),
        lock_in=np.asarray(p.lock_in, dtype=np.float64),
        dropout=np.asarray(p.dropout, dtype=np.float64),
        internship_months=float(p.class_months[1]),
        post_multiplier=np.asarray(p.post_multiplier, dtype=np.float64),
        post_window=float(p.post_window),
        length_ref=float(p.job_length_response[0]),
        length_el=float(p.job_length_response[1]),
        length_most=float(p.job_length_response[2]),
        hire_probability=np.asarray(p.hire_probability, dtype=np.float64),
        has_hire_factor=dp is not None,
        hire_factor=hire_factor,
        akassa_months=law["akassa_months"],
        karens=law["karens"],
        access=law["access"],
        guarantee_share=float(p.job_guarantee_share),
        lowest_months=law["lowest_months"],
        return_probability=np.asarray(p.return_probability, dtype=np.float64),
        return_mean=np.asarray(p.return_mean_months, dtype=np.float64),
        priority=np.array([PRIORITY_CODES[x] for x in p.priority], dtype=np.int64),
        max_jobs=int(p.max_jobs),
        max_internships=int(p.max_internships),
        decisions_monthly=bool(p.decisions_monthly),
        assessment_varies=bool(p.assessment_varies),
        assessment_mean=float(p.assessment_months),
        class_months=np.asarray(p.class_months, dtype=np.float64),
        by_department=dp is not None,
        dept_open=dept_open,
        dept_accepts=accepts,
        dept_shares=shares,
        dept_supervisable=supervisable,
        dept_ordinary=ordinary,
        ordinary_share=float(p.ordinary_share),
        join_share=float(p.join_share),
        financing_order=np.asarray(p.financing_order, dtype=np.int64),
        take_up=np.asarray(p.take_up, dtype=np.float64),
        open_for_new=law["open_for_new"],
        eligibility=law["eligibility"],
        job_young_below=law["job_young_below"],
        job_months=law["job_months"],
        job_months_key=law["job_months_key"],
        nystartsjobb=int(JOB_INDEX["nystartsjobb"]),
        level_newly=int(LEVEL_INDEX["newly_arrived"]),
        level_long=int(LEVEL_INDEX["long_away"]),
        level_regular=int(LEVEL_INDEX["regular"]),
        long_away=law["long_away"],
        capacity=np.asarray(p.capacity, dtype=np.int64),
    )


def _open_months(p: Params) -> np.ndarray:
    """Months whose places change (classes or departments): the SimPy engine's ``open_places`` events."""
    if not p.programme_on:
        return np.zeros(0, dtype=np.int64)
    cap, dp = p.capacity, p.departments
    changed = np.zeros(p.n_months, dtype=bool)
    changed[0] = True
    changed[1:] |= (cap[:, 1:] != cap[:, :-1]).any(axis=0)
    if dp is not None:
        changed[1:] |= (dp.open[:, :, 1:] != dp.open[:, :, :-1]).any(axis=(0, 1))
        changed[1:] |= (dp.accepts[:, 1:] != dp.accepts[:, :-1]).any(axis=0)
    return np.flatnonzero(changed).astype(np.int64)


def _households(p: Params, pop: Population, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The kernel's household tables for households ``ids``."""
    hi = np.zeros((len(ids), k.N_HI), dtype=np.int64)
    hf = np.zeros((len(ids), k.N_HF), dtype=np.float64)
    k.households(
        hi, hf, ids, pop.reason, pop.n_children, pop.newly_arrived, np.asarray(p.eligible_reasons, dtype=np.bool_),
        pop.ready, pop.arrival, pop.age, pop.origin, pop.away_since, pop.readiness, pop.member, pop.lottery,
        pop.assessment, int(p.n_months),
    )  # fmt: skip
    return hi, hf


def _placement_state(pr: Pr, p: Params) -> Pl:
    D = pr.dept_open.shape[0]
    order = [c for c in p.placement_order if p.capacity[c].any()]
    n = len(PLACE_CLASSES)
    return Pl(
        order=np.asarray(order, dtype=np.int64),
        capacity=np.zeros(n, dtype=np.int64),
        occupied=np.zeros(n, dtype=np.int64),
        wake_at=np.full(n, np.nan),
        dept_used=np.zeros((n, D), dtype=np.int64),
        held=np.zeros((n, D, p.n_months), dtype=np.int64),  # places held in each month by planned end (_room_later)
    )


def _queues(n: int, room: int, T: int) -> k.Queues:
    """Room for the event heap (about a month of events: the rest wait in buckets), the queues and the buckets.

    Sized for what a run needs, not for the worst case (a run that needs more runs again with twice the
    room): fresh memory costs page faults, a noticeable part of a replication.
    """
    classes = len(PLACE_CLASSES)
    return k.Queues(
        events=np.empty((room // 2 + 4 * T, 7)),
        ready=np.empty((classes, room // 2, 7)),
        maturing=np.empty((classes, room // 4, 8)),
        bucket=np.empty((n + room, 4)),
        bucket_next=np.empty(n + room, dtype=np.int64),
        bucket_head=np.full(T, -1, dtype=np.int64),
        bucket_tail=np.full(T, -1, dtype=np.int64),
        size=np.zeros(6, dtype=np.int64),
        month_run=np.empty((n + room, 5)),  # a month's events from its bucket: time, order, kind, household, gen
        interrupted=np.empty(n, dtype=np.int64),  # placed households to interrupt, in order
        calendar=np.empty((2 * T + 2, 5)),  # the events known at setup (kernel._calendar)
    )


def _log(room: int) -> k.Log:
    """Room for ``room`` visits, each column in the visit log's dtype."""
    return k.Log(**{name: np.empty(room, dtype=COLUMNS[name]) for name in k.Log._fields})


def _prefix(s: HouseholdStreams) -> np.ndarray:
    return entropy_words(s.seed, s.rep, int(s.purpose))


def run_arm(
    p: Params,
    pop: Population,
    ts: HouseholdStreams,
    ps: HouseholdStreams,
    ids: np.ndarray | None = None,
) -> ArmResult:
    """Simulate households ``ids`` (default: all) under ``p``: :func:`model.engines.des.run_arm`, compiled."""
    if ids is None:
        ids = np.arange(pop.n)  # in arrival order, as the population is
    else:
        ids = np.asarray(ids, dtype=np.int64)
        if np.any(np.diff(pop.arrival[ids]) < 0):
            raise ValueError("households must be given in arrival order")
    T = p.n_months
    pr, open_months = _prepared(p)
    own = k.own_rates(np.asarray(p.rates, dtype=np.float64), pop.reason, pop.work_multiplier, ids)
    room = ROOM_PER_HOUSEHOLD * len(ids) + ROOM_MIN
    while True:
        hi, hf = _households(p, pop, ids)
        rs = Rs(
            t_first=ts.first_matrix(),
            t_extra=np.empty((len(ids), BLOCK)),
            t_prefix=_prefix(ts),
            p_first=ps.first_matrix(),
            p_extra=np.empty((len(ids), BLOCK)),
            p_prefix=_prefix(ps),
            own_rates=own,
            child_birth=pop.child_birth,
        )
        lg = _log(room)
        sampled = np.zeros((T, len(State)), dtype=np.int64)
        q = _queues(len(ids), room, T)
        clock, scalars, counts = np.zeros(1), np.zeros(k.N_SI, dtype=np.int64), np.zeros(len(State), dtype=np.int64)
        pl = _placement_state(pr, p)
        moves, n_visits, full, tracked, tracked_placed = k.run(
            hi, hf, pr, pl, rs, q, lg, open_months, sampled, clock, scalars, counts
        )
        if not full:
            break
        room *= 2  # more visits or queue entries than room: run again with twice the room (the same result)
    visits = Visits(**{name: column[:n_visits] for name, column in lg._asdict().items()})  # views: no copies
    placed = (hi[:, k.H_JOBS] > 0) | (hi[:, k.H_INTERNSHIPS] > 0)
    return ArmResult(visits, sampled, int(moves), float(tracked), ids[placed].copy(), float(tracked_placed))

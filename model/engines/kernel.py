"""The fast engine's event loop, compiled with numba: the SimPy engine's events, in the SimPy engine's order.

This is :mod:`model.engines.des` (its ``life`` generator, :class:`~model.placement.Placement`)
written as a state machine over arrays. It keeps one heap of events ordered as
SimPy orders them — (time, priority, the order they were scheduled) — and
schedules exactly what the SimPy engine schedules, in the same order, so that
events at equal times run in the same order in both engines (docs/engines.md:
the tie rule). Each household's pending event carries a generation; a
placement that interrupts a waiting household bumps it, which voids the event
as SimPy voids the interrupted process's callback.

The transition rules themselves are not copied: :func:`model.hazards.draw_exit`,
:func:`~model.hazards.exponential` and :func:`~model.hazards.length_adjusted`
are compiled from their one Python source. The household's random numbers are
the same streams: the first block from the matrix both engines share, later
blocks from :mod:`model.engines.pcg`, numpy's generator compiled.
"""

from __future__ import annotations

import math
from collections import namedtuple

import numba
import numpy as np
from numba.core import types
from numba.experimental import structref

from model import hazards
from model.engines.pcg import uniforms
from model.unowned import borrow, keep_alive, unowned


@structref.register
class ArmType(types.StructRef):
    def preprocess_fields(self, fields):
        return tuple((name, types.unliteral(typ)) for name, typ in fields)


class Arm(structref.StructRefProxy):
    """Everything one arm reads and writes, handed to every helper as one pointer.

    A tuple of arrays passed to a compiled function is passed as hundreds of
    scalars; a structref is one pointer, and borrowed (model/unowned.py) it is
    passed without the atomic reference count a structref costs on every call,
    so LLVM can inline the small helpers.
    """


#: Fields of :class:`Arm`: the household tables, SimPy's clock and counters, the parameters (``Pr``),
#: the placement state (``Pl``; its ``capacity`` here ``cap_now``), the streams (``Rs``), queues and log
ARM_FIELDS = (
    "hi",
    "hf",
    "sf",
    "si",
    "counts",
    "sampled",
    "T",
    "last_month",
    "programme_on",
    "band_starts",
    "year_starts",
    "year_work",
    "lock_in",
    "dropout",
    "internship_months",
    "post_multiplier",
    "post_window",
    "length_ref",
    "length_el",
    "length_most",
    "hire_probability",
    "has_hire_factor",
    "hire_factor",
    "akassa_months",
    "karens",
    "access",
    "guarantee_share",
    "lowest_months",
    "return_probability",
    "return_mean",
    "priority",
    "max_jobs",
    "max_internships",
    "decisions_monthly",
    "assessment_varies",
    "assessment_mean",
    "class_months",
    "by_department",
    "dept_open",
    "dept_accepts",
    "dept_shares",
    "dept_supervisable",
    "dept_ordinary",
    "ordinary_share",
    "join_share",
    "financing_order",
    "take_up",
    "open_for_new",
    "eligibility",
    "job_young_below",
    "job_months",
    "job_months_key",
    "nystartsjobb",
    "level_newly",
    "level_long",
    "level_regular",
    "long_away",
    "capacity",
    "order",
    "cap_now",
    "occupied",
    "wake_at",
    "dept_used",
    "held",
    "t_first",
    "t_extra",
    "t_prefix",
    "p_first",
    "p_extra",
    "p_prefix",
    "own_rates",
    "child_birth",
    "events",
    "ready",
    "maturing",
    "bucket",
    "bucket_next",
    "bucket_head",
    "bucket_tail",
    "size",
    "month_run",
    "interrupted",
    "calendar",
    *(f"log_{name}" for name in ("hh", "state", "nxt", "workplace", "level", "dept")),
    *(f"log_{name}" for name in ("t0", "t1", "ref", "job_months", "member_months", "spell_start")),
)
structref.define_proxy(Arm, ArmType, list(ARM_FIELDS))

#: The event heap, the placement queues and the month buckets, as arrays (sizes in ``size``)
Queues = namedtuple(
    "Queues",
    [
        "events", "ready", "maturing", "bucket", "bucket_next", "bucket_head", "bucket_tail", "size", "month_run",
        "interrupted", "calendar",
    ],
)  # fmt: skip
Q_EVENTS, Q_READY, Q_MATURING, Q_BUCKET = (
    0,
    1,
    3,
    5,
)  # ``size`` slots: events, ready by class, maturing by class, bucket


draw_exit = numba.njit(cache=True)(hazards.draw_exit)
exponential = numba.njit(cache=True)(hazards.exponential)
length_adjusted = numba.njit(cache=True)(hazards.length_adjusted)

INF = math.inf
BLOCK = 16
# states (model.states.State)
BENEFIT, INTERNSHIP, MUNICIPAL_JOB, AKASSA, AKTIVITETSSTOD = 0, 1, 2, 6, 7
EXIT_WORK, EXIT_MOVED = 8, 10
N_STATES = 12
JOBS, INTERNSHIPS = 0, 1
EXTRA = hazards.EXTRA
# event kinds and SimPy's priorities
RESUME, START, OPEN, WAKE, MONTH, INTERRUPT, STOP = 0, 1, 2, 3, 4, 5, 6
URGENT, NORMAL = 0, 1
# what a household does when its event fires (its generator's resume points)
P_NONE, P_BENEFIT_EXIT, P_PLACE_EXIT, P_PLACE_END, P_INCOME_EXIT, P_INCOME_END, P_RETURN = 0, 1, 2, 3, 4, 5, 6
# integer fields of a household, columns of ``hi``
(
    H_ID, H_STATE, H_REASON, H_KIDS, H_NEWLY, H_ELIGIBLE, H_AFTER, H_WAITING, H_JOBS, H_INTERNSHIPS, H_TOKEN,
    H_WORKPLACE, H_LEVEL, H_DEPT, H_JMKEY, H_SHARE, H_TPOS, H_PPOS, H_TBLK, H_PBLK, H_GEN, H_PEND, H_ROUTE,
    N_HI,
) = range(24)  # fmt: skip
# float fields, columns of ``hf``
(
    F_TENTER, F_ARRIVAL, F_AGE0, F_ORIGIN, F_AWAY, F_READINESS, F_MEMBER_SINCE, F_MEMBER_DECISION, F_JOB_START,
    F_INCOME_END, F_JOB_MONTHS, F_POST_MULT, F_POST_UNTIL, F_SETTLED, F_PEND_T, F_PLANNED_END, F_PLANNED_FROM,
    F_LOTTERY, F_ASSESS, N_HF,
) = range(20)  # fmt: skip
# integer scalars of the run, ``si``: SimPy's event counter, the queues' sequence number, moves, visits logged
S_EID, S_SEQ, S_MOVES, S_VISITS, S_FULL, S_RUN_POS, S_RUN_LEN, S_INT_HEAD, S_INT_TAIL, S_CAL_POS, S_CAL_LEN, N_SI = (
    range(12)
)
#: The visit log: model.visits.Visits' columns, in their dtypes (filled up to the number of visits logged)
Log = namedtuple(
    "Log",
    [
        "hh",
        "state",
        "nxt",
        "workplace",
        "level",
        "dept",
        "t0",
        "t1",
        "ref",
        "job_months",
        "member_months",
        "spell_start",
    ],
)


@numba.njit(cache=True, inline="always")
def _draw(a, first, extra, j, prefix, pos_col, blk_col):
    """The household's next uniform: its first block, then further blocks drawn as numpy would."""
    hi = a.hi
    k = hi[j, pos_col]
    hi[j, pos_col] = k + 1
    gid = hi[j, H_ID]
    if k < BLOCK:
        return first[gid, k]
    b = k // BLOCK
    if hi[j, blk_col] != b:
        n = len(prefix)
        ent = np.empty(n + 2, dtype=np.uint64)
        ent[:n] = prefix
        ent[n] = np.uint64(gid)
        ent[n + 1] = np.uint64(b)
        uniforms(ent, extra[j])
        hi[j, blk_col] = b
    return extra[j, k % BLOCK]


@numba.njit(cache=True, inline="always")
def _tdraw(a, j):
    return _draw(a, a.t_first, a.t_extra, j, a.t_prefix, H_TPOS, H_TBLK)


@numba.njit(cache=True, inline="always")
def _pdraw(a, j):
    return _draw(a, a.p_first, a.p_extra, j, a.p_prefix, H_PPOS, H_PBLK)


# heaps: rows of a float array, the smallest first by their first ``K`` columns (unique: a sequence number ends them)
@numba.njit(cache=True, inline="always")
def _less(h, r1, r2, K):
    for c in range(K):
        if h[r1, c] < h[r2, c]:
            return True
        if h[r1, c] > h[r2, c]:
            return False
    return False


@numba.njit(cache=True, inline="always")
def _swap(h, r1, r2):
    for c in range(h.shape[1]):
        h[r1, c], h[r2, c] = h[r2, c], h[r1, c]


@numba.njit(cache=True, inline="always")
def _sift_up(h, i, K):
    while i > 0:
        parent = (i - 1) >> 1
        if not _less(h, i, parent, K):
            return
        _swap(h, i, parent)
        i = parent


@numba.njit(cache=True, inline="always")
def _drop_top(h, size, slot, K):
    """Remove the smallest row of heap ``h`` (its size in ``size[slot]``)."""
    last = size[slot] - 1
    size[slot] = last
    if last <= 0:
        return
    for c in range(h.shape[1]):
        h[0, c] = h[last, c]
    i = 0
    while True:
        child = 2 * i + 1
        if child >= last:
            return
        if child + 1 < last and _less(h, child + 1, child, K):
            child += 1
        if not _less(h, child, i, K):
            return
        _swap(h, i, child)
        i = child


@numba.njit(cache=True, inline="always")
def _room(a, slot, h):
    """A free row at the end of heap ``h``, or -1 (and the run marked full: it is run again with more room)."""
    size, si = a.size, a.si
    n = size[slot]
    if n >= h.shape[0]:
        si[S_FULL] = 1
        return -1
    size[slot] = n + 1
    return n


@numba.njit(cache=True, inline="always")
def _push(a, t, prio, kind, who, gen, x):
    """``env.schedule`` at absolute time ``t`` (computed by the caller as SimPy does: now + (t − now))."""
    si = a.si
    h = a.events
    n = _room(a, Q_EVENTS, h)
    if n < 0:
        return
    si[S_EID] += 1
    h[n, 0], h[n, 1], h[n, 2], h[n, 3], h[n, 4], h[n, 5], h[n, 6] = t, prio, si[S_EID], kind, who, gen, x
    _sift_up(h, n, 3)


@numba.njit(cache=True, inline="always")
def _interrupt(a, j):
    """SimPy's interruption of waiting household ``j``: an URGENT event now. Nothing can come between it and
    the clock: an URGENT event scheduled earlier for now is a month's end, which runs before any event that
    places a household; so interruptions wait in a queue of their own, run first, in the order made."""
    si = a.si
    si[S_EID] += 1  # scheduled as SimPy schedules it: the events after it keep their numbers
    tail = si[S_INT_TAIL]
    a.interrupted[tail] = j
    si[S_INT_TAIL] = tail + 1


@numba.njit(cache=True, inline="always")
def _at(a, t, kind, who, gen):
    """The SimPy engine's ``at``: an event at ``t``; beyond the current month it waits in its month's bucket."""
    size, bucket, bucket_next, si = a.size, a.bucket, a.bucket_next, a.si
    now = a.sf[0]
    m = int(t)
    if m <= int(now):
        _push(a, now + (t - now), NORMAL, kind, who, gen, 0.0)
        return
    idx = size[Q_BUCKET]
    if idx >= a.bucket.shape[0]:
        si[S_FULL] = 1
        return
    size[Q_BUCKET] = idx + 1
    bucket[idx, 0], bucket[idx, 1], bucket[idx, 2], bucket[idx, 3] = t, kind, who, gen
    bucket_next[idx] = -1
    if a.bucket_tail[m] >= 0:
        bucket_next[a.bucket_tail[m]] = idx
    else:
        a.bucket_head[m] = idx
    a.bucket_tail[m] = idx


@numba.njit(cache=True, inline="always")
def _log(a, j, state, t1, nxt):
    """One visit, with the job's columns for a job and the qualifying job's for state income (as the SimPy engine)."""
    hi, hf, si = a.hi, a.hf, a.si
    v = si[S_VISITS]
    if v >= a.log_hh.shape[0]:
        si[S_FULL] = 1  # the log is full: the caller runs the arm again with room for more
        return
    si[S_VISITS] = v + 1
    in_job = 1 < state < AKASSA
    after_job = state == AKASSA or state == AKTIVITETSSTOD
    a.log_hh[v] = hi[j, H_ID]
    a.log_state[v] = state
    a.log_nxt[v] = nxt
    a.log_workplace[v] = hi[j, H_WORKPLACE] if in_job else 0
    a.log_level[v] = hi[j, H_LEVEL] if in_job else 0
    a.log_dept[v] = hi[j, H_DEPT] if 0 < state < AKASSA else -1
    a.log_t0[v] = hf[j, F_TENTER]
    a.log_t1[v] = t1
    a.log_ref[v] = hf[j, F_JOB_START] if (in_job or after_job) else np.nan
    a.log_job_months[v] = hf[j, F_JOB_MONTHS] if (in_job or after_job) else np.nan
    a.log_member_months[v] = hf[j, F_MEMBER_DECISION] if after_job else np.nan
    a.log_spell_start[v] = hf[j, F_ORIGIN] if in_job else np.nan


@numba.njit(cache=True, inline="always")
def _move(a, j, new, now):
    hi, hf, si, counts = a.hi, a.hf, a.si, a.counts
    old = hi[j, H_STATE]
    _log(a, j, old, now, new)
    counts[old] -= 1
    counts[new] += 1
    hi[j, H_STATE] = new
    hf[j, F_TENTER] = now
    si[S_MOVES] += 1


# placement (model.placement.Placement) ---------------------------------------------------------------
@numba.njit(cache=True, inline="always")
def _key_part(a, j, i):
    """Priority key ``i`` of household ``j`` (0 beyond the scenario's keys)."""
    if i >= len(a.priority):
        return 0.0
    code = a.priority[i]
    if code == 0:  # after_internship
        return 0.0 if a.hi[j, H_AFTER] else 1.0
    if code == 1:  # children
        return 0.0 if a.hi[j, H_KIDS] > 0 else 1.0
    if code == 2:  # readiness
        return -a.hf[j, F_READINESS]
    if code == 4:  # lottery
        return a.hf[j, F_LOTTERY]
    return a.hf[j, F_ORIGIN]  # longest_on_benefit


@numba.njit(cache=True)
def _key(a, j):
    """The scenario's priority keys (smaller first), padded to four."""
    return _key_part(a, j, 0), _key_part(a, j, 1), _key_part(a, j, 2), _key_part(a, j, 3)


# maturing rows: (t_ok, seq, token, household, key…); ready rows: (key…, seq, token, household)
@numba.njit(cache=True)
def _schedule_wake(a, k):
    hi, size = a.hi, a.size
    if a.occupied[k] >= a.cap_now[k]:  # no free place to wake for (left households wait on the heap till then)
        return
    heap = a.maturing[k]
    slot = Q_MATURING + k
    while size[slot] > 0 and heap[0, 2] != hi[int(heap[0, 3]), H_TOKEN]:
        _drop_top(heap, a.size, slot, 2)
    if size[slot] == 0:
        return
    t = heap[0, 0]
    if a.decisions_monthly:  # the next decision: households due earlier wait unmatured till then
        t = float(math.ceil(max(t, a.sf[0])))
    _wake_at(a, k, t)


@numba.njit(cache=True, inline="always")
def _wake_at(a, k, t):
    """Fill class ``k`` at ``t`` (unless a fill is due by then)."""
    if a.wake_at[k] <= t:  # NaN (none) compares false
        return
    a.wake_at[k] = t
    now = a.sf[0]
    _push(a, now + (t - now), NORMAL, WAKE, k, 0, t)


@numba.njit(cache=True, inline="always")
def _push_ready(a, c, k0, k1, k2, k3, seq, token, j):
    h = a.ready[c]
    n = _room(a, Q_READY + c, h)
    if n >= 0:
        h[n, 0], h[n, 1], h[n, 2], h[n, 3], h[n, 4], h[n, 5], h[n, 6] = k0, k1, k2, k3, seq, token, j
        _sift_up(h, n, 5)


@numba.njit(cache=True)
def _mature(a, k, now):
    hi, size = a.hi, a.size
    heap = a.maturing[k]
    slot = Q_MATURING + k
    while size[slot] > 0 and heap[0, 0] <= now:
        seq, token, j = heap[0, 1], heap[0, 2], int(heap[0, 3])
        k0, k1, k2, k3 = heap[0, 4], heap[0, 5], heap[0, 6], heap[0, 7]
        _drop_top(heap, a.size, slot, 2)
        if token == hi[j, H_TOKEN]:
            _push_ready(a, k, k0, k1, k2, k3, seq, token, j)


@numba.njit(cache=True)
def _room_later(a, c, d, now):
    """Placement._room_later, with the holders still in place in each month counted as places change."""
    held = a.held
    end = now + a.class_months[c]
    cap = a.dept_supervisable[d, c]
    for mm in range(int(now) + 1, min(math.ceil(end) - 1, a.last_month) + 1):
        if held[c, d, mm] + 1 > cap[mm]:
            return False
    return True


@numba.njit(cache=True)
def _hold(a, c, d, first, end, step):
    """A place of class ``c`` in department ``d`` taken in month ``first`` and planned to end at ``end`` is
    taken (+1) or freed (−1): it counts in every month ``mm ≥ first`` with ``end > mm`` (earlier months are
    never asked about again)."""
    held = a.held
    for mm in range(first, min(math.ceil(end), a.T)):
        held[c, d, mm] += step


@numba.njit(cache=True)
def _department(a, c, now):
    m = min(int(now), a.last_month)
    best, most = -1, 0
    for d in range(a.dept_open.shape[0]):
        free = a.dept_open[d, c, m] - a.dept_used[c, d]
        if free > most and a.dept_accepts[d, m] and (not a.dept_shares[d] or _room_later(a, c, d, now)):
            best, most = d, free
    return best


@numba.njit(cache=True)
def _finance(a, j, now):
    """The job's financing and what it keeps from its start (Placement._finance)."""
    hi, hf = a.hi, a.hf
    m = min(int(now), a.last_month)
    u0 = _pdraw(a, j)
    u1 = _pdraw(a, j)
    u2 = _pdraw(a, j)
    job = 0
    age = hf[j, F_AGE0] + (now - hf[j, F_ARRIVAL]) / 12.0
    for i in range(len(a.financing_order)):
        jt = a.financing_order[i]
        u = u0 if jt == 1 else (u1 if jt == 2 else u2)
        if u < a.take_up[jt, m] and a.open_for_new[jt, m]:
            el = a.eligibility[jt, m]
            if hi[j, H_NEWLY]:
                months = el[4]
            else:
                months = el[2] if age < el[1] else el[3]
            if max(hf[j, F_AWAY] + months, hf[j, F_ARRIVAL] + (el[0] - hf[j, F_AGE0]) * 12.0) <= now:
                job = jt
                break
    young = 1 if hf[j, F_AGE0] + (now - hf[j, F_ARRIVAL]) / 12.0 < a.job_young_below[job, m] else 0
    hf[j, F_JOB_MONTHS] = a.job_months[job, m, young]
    hi[j, H_JMKEY] = a.job_months_key[job, m, young]
    if job == a.nystartsjobb:
        if hi[j, H_NEWLY]:
            hi[j, H_LEVEL] = a.level_newly
        elif now - hf[j, F_AWAY] >= a.long_away[m]:
            hi[j, H_LEVEL] = a.level_long
        else:
            hi[j, H_LEVEL] = a.level_regular
    else:
        hi[j, H_LEVEL] = 0
    return job


@numba.njit(cache=True)
def _place(a, j, c, now, dept):
    hi, hf = a.hi, a.hf
    hi[j, H_TOKEN] += 1
    a.occupied[c] += 1
    hi[j, H_DEPT] = dept
    if dept >= 0:
        a.dept_used[c, dept] += 1
    if c == INTERNSHIPS:
        hi[j, H_INTERNSHIPS] += 1
        state = INTERNSHIP
    else:
        hi[j, H_JOBS] += 1
        hf[j, F_JOB_START] = now
        state = MUNICIPAL_JOB + _finance(a, j, now)
        ordinary = a.dept_ordinary[dept] if dept >= 0 else a.ordinary_share
        hi[j, H_WORKPLACE] = 1 if _pdraw(a, j) < ordinary else 2
        if _pdraw(a, j) < a.join_share and hf[j, F_MEMBER_SINCE] > now:
            hf[j, F_MEMBER_SINCE] = now
    if dept >= 0:
        end = now + (a.class_months[c] if c == INTERNSHIPS else hf[j, F_JOB_MONTHS])
        hf[j, F_PLANNED_END] = end
        hf[j, F_PLANNED_FROM] = int(now)
        _hold(a, c, dept, int(now), end, 1)
    _move(a, j, state, now)
    if hi[j, H_WAITING]:
        hi[j, H_WAITING] = 0
        hi[j, H_GEN] += 1  # its pending event no longer resumes it
        _interrupt(a, j)


@numba.njit(cache=True)
def _fill(a, c, now):
    hi, size = a.hi, a.size
    if a.decisions_monthly and now != math.floor(now):  # between decisions: wait for the month's start
        _wake_at(a, c, float(math.ceil(now)))
        return
    _mature(a, c, now)
    ready = a.ready[c]
    slot = Q_READY + c
    dept = -1
    while a.occupied[c] < a.cap_now[c] and size[slot] > 0:
        if a.by_department:
            dept = _department(a, c, now)
            if dept < 0:
                break
        token, j = ready[0, 5], int(ready[0, 6])
        _drop_top(ready, a.size, slot, 5)
        if token == hi[j, H_TOKEN] and hi[j, H_STATE] == BENEFIT:
            _place(a, j, c, now, dept)
    if a.occupied[c] < a.cap_now[c]:
        _schedule_wake(a, c)


@numba.njit(cache=True)
def _join(a, j, now):
    hi, hf, si = a.hi, a.hf, a.si
    k0, k1, k2, k3 = _key(a, j)
    token = hi[j, H_TOKEN]
    queued0 = queued1 = False
    jobs_left = hi[j, H_JOBS] < a.max_jobs
    internships_left = hi[j, H_INTERNSHIPS] < a.max_internships
    for i in range(len(a.order)):
        c = a.order[i]
        if not (internships_left if c == INTERNSHIPS else jobs_left):
            continue
        si[S_SEQ] += 1
        seq = si[S_SEQ]
        if hi[j, H_JOBS] or hi[j, H_INTERNSHIPS]:
            t_ok = now
        else:
            t_ok = hf[j, F_ORIGIN] + hf[j, F_ASSESS]
            if a.decisions_monthly:
                t_ok = math.ceil(t_ok)
            t_ok = max(now, t_ok)
        if t_ok <= now:
            _push_ready(a, c, k0, k1, k2, k3, seq, token, j)
            if i == 0:
                queued0 = True
            else:
                queued1 = True
        else:
            h = a.maturing[c]
            n = _room(a, Q_MATURING + c, h)
            if n >= 0:
                h[n, 0], h[n, 1], h[n, 2], h[n, 3] = t_ok, seq, token, j
                h[n, 4], h[n, 5], h[n, 6], h[n, 7] = k0, k1, k2, k3
                _sift_up(h, n, 2)
            _schedule_wake(a, c)
    for i in range(len(a.order)):
        if (queued0 if i == 0 else queued1) and a.occupied[a.order[i]] < a.cap_now[a.order[i]]:
            _fill(a, a.order[i], now)
            if hi[j, H_TOKEN] != token:
                return


@numba.njit(cache=True)
def _release(a, c, now, j):
    hi, hf = a.hi, a.hf
    a.occupied[c] -= 1
    if a.by_department:
        dept = hi[j, H_DEPT]
        a.dept_used[c, dept] -= 1
        _hold(a, c, dept, int(hf[j, F_PLANNED_FROM]), hf[j, F_PLANNED_END], -1)
    _fill(a, c, now)


# a household's life (the SimPy engine's ``life`` generator) -------------------------------------------
@numba.njit(cache=True, inline="always")
def _next_exit(a, j, now, mult, until, lock, extra):
    """The household's next exit from its state: an exponential and a uniform, in that order (docs/engines.md)."""
    e = exponential(_tdraw(a, j))
    u = _tdraw(a, j)
    r = a.hf
    return draw_exit(
        now, r[j, F_ORIGIN], a.band_starts, a.own_rates[j], e, u, mult, until, lock, extra, a.year_starts, a.year_work
    )


@numba.njit(cache=True, inline="always")
def _off_benefit(a, j, now):
    """On benefit or state income: the post-programme multiplier applies, no lock-in."""
    hf = a.hf
    return _next_exit(a, j, now, hf[j, F_POST_MULT], hf[j, F_POST_UNTIL], 1.0, 0.0)


@numba.njit(cache=True, inline="always")
def _meets_others(a, j):
    """Can household ``j`` ever meet another? Only through the placement queues, which it joins only if the
    programme runs and it is eligible (fixed for its life). Households that cannot live alone (:func:`_solo`)."""
    return a.programme_on and a.hi[j, H_ELIGIBLE] != 0


@numba.njit(cache=True, inline="always")
def _wait(a, j, kind, t, route):
    hi, hf = a.hi, a.hf
    hi[j, H_PEND] = kind
    hi[j, H_ROUTE] = route
    hf[j, F_PEND_T] = t
    if _meets_others(a, j):  # a household living alone keeps its next event itself (_solo)
        _at(a, t, RESUME, j, hi[j, H_GEN])


@numba.njit(cache=True, inline="always")
def _exit_or_end(a, j, t, route, end, exit_kind, end_kind):
    """A place or state income: whichever comes first, the exit drawn at ``t`` or the state's ``end``;
    nothing while both lie beyond the horizon (the SimPy engine parks the household for good)."""
    if end >= a.T and t >= a.T:
        a.hi[j, H_PEND] = P_NONE
    elif t < end:
        _wait(a, j, exit_kind, t, route)
    else:
        _wait(a, j, end_kind, end, -1)


@numba.njit(cache=True)
def _life(a, j):
    """Run household ``j`` from the top of its loop until it waits for its next event."""
    hi, hf = a.hi, a.hf
    T = a.T
    while True:
        st = hi[j, H_STATE]
        now = hf[j, F_TENTER]
        if st == BENEFIT:
            if _meets_others(a, j):
                _join(a, j, now)
                if hi[j, H_STATE] != BENEFIT:
                    continue
            t, route = _off_benefit(a, j, now)
            hi[j, H_WAITING] = 1
            if t < T:
                _wait(a, j, P_BENEFIT_EXIT, t, route)
            else:
                hi[j, H_PEND] = P_NONE  # parked beyond the horizon, still interruptible
            return
        if st < AKASSA:  # a place
            job = st != INTERNSHIP
            k = 1 if job else 0
            t, route = _next_exit(a, j, now, 1.0, -INF, a.lock_in[k], a.dropout[k])  # lock-in, dropout; no multiplier
            t_end = now + (hf[j, F_JOB_MONTHS] if job else a.internship_months)
            _exit_or_end(a, j, t, route, t_end, P_PLACE_EXIT, P_PLACE_END)
            return
        if st == AKASSA or st == AKTIVITETSSTOD:
            t, route = _off_benefit(a, j, now)
            _exit_or_end(a, j, t, route, hf[j, F_INCOME_END], P_INCOME_EXIT, P_INCOME_END)
            return
        r = st - EXIT_WORK  # left benefit
        if st != EXIT_MOVED and _tdraw(a, j) < a.return_probability[r]:
            wait = a.return_mean[r] * exponential(_tdraw(a, j))
            if now + wait >= T:
                hi[j, H_PEND] = P_NONE
            else:
                _wait(a, j, P_RETURN, now + wait, -1)
        else:
            hf[j, F_SETTLED] = now
            hi[j, H_PEND] = P_NONE
        return


@numba.njit(cache=True)
def _has_child_under(births, t):
    for b in births:
        if b == b and 0 <= (t - b) / 12 < 18.0:
            return True
    return False


@numba.njit(cache=True)
def _job_end(a, j, st, now):
    """A job runs its course: hired, a-kassa, or back to benefit (the SimPy engine's job-end branch)."""
    hi, hf = a.hi, a.hf
    wp = hi[j, H_WORKPLACE]
    effect = length_adjusted(a.post_multiplier[wp], hf[j, F_JOB_MONTHS], a.length_ref, a.length_el, a.length_most)
    hf[j, F_POST_MULT], hf[j, F_POST_UNTIL] = effect, now + a.post_window
    m = min(int(now), a.last_month)
    key = hi[j, H_JMKEY]
    months = a.akassa_months[key, m, 0]
    if a.akassa_months[key, m, 1] != months and _has_child_under(a.child_birth[hi[j, H_ID]], now):
        months = a.akassa_months[key, m, 1]
    if hf[j, F_MEMBER_SINCE] == hf[j, F_JOB_START]:
        member = hf[j, F_JOB_MONTHS]
    else:
        member = max(0.0, now - hf[j, F_MEMBER_SINCE])
    if a.has_hire_factor:
        hire = min(1.0, a.hire_probability[wp - 1] * a.hire_factor[hi[j, H_DEPT]])
    else:
        hire = a.hire_probability[wp - 1]
    if _pdraw(a, j) < hire:
        _move(a, j, EXIT_WORK, now)
        return
    if months > 0:
        income_based = member >= a.access[m, 0] - 1e-9
        least = a.access[m, 1] if income_based else a.access[m, 2]
        if hf[j, F_AGE0] + (now - hf[j, F_ARRIVAL]) / 12.0 >= least:
            hf[j, F_MEMBER_DECISION] = member
            hi[j, H_SHARE] = 1 if (member > 0 and income_based) else 0
            hf[j, F_INCOME_END] = now + a.karens[m] + months
            _move(a, j, AKASSA, now)
            return
    _move(a, j, BENEFIT, now)


@numba.njit(cache=True, inline="always")
def _resume(a, j):
    """Household ``j``'s event fired: finish the step it was waiting for (then it carries on: :func:`_life`)."""
    hi, hf = a.hi, a.hf
    kind, t, route, st = hi[j, H_PEND], hf[j, F_PEND_T], hi[j, H_ROUTE], hi[j, H_STATE]
    hi[j, H_PEND] = P_NONE
    if kind == P_BENEFIT_EXIT:
        hi[j, H_WAITING] = 0
        if a.programme_on:
            hi[j, H_TOKEN] += 1  # leaves the queues
        _move(a, j, EXIT_WORK + route, t)
    elif kind == P_PLACE_EXIT or kind == P_PLACE_END:
        job = st != INTERNSHIP
        if kind == P_PLACE_EXIT:
            _move(a, j, BENEFIT if route == EXTRA else EXIT_WORK + route, t)
        elif not job:
            hi[j, H_AFTER] = 1
            hf[j, F_POST_MULT], hf[j, F_POST_UNTIL] = a.post_multiplier[0], t + a.post_window
            _move(a, j, BENEFIT, t)
        else:
            _job_end(a, j, st, t)
        _release(a, JOBS if job else INTERNSHIPS, t, j)
    elif kind == P_INCOME_EXIT:
        _move(a, j, EXIT_WORK + route, t)
    elif kind == P_INCOME_END:
        if st == AKASSA and _tdraw(a, j) < a.guarantee_share:
            if hi[j, H_SHARE]:
                hf[j, F_INCOME_END] = INF
            else:
                hf[j, F_INCOME_END] = t + a.lowest_months[min(int(t), a.last_month)]
            _move(a, j, AKTIVITETSSTOD, t)
        else:
            _move(a, j, BENEFIT, t)
    else:  # P_RETURN: a new spell; time away from work starts again
        hf[j, F_ORIGIN] = t
        hf[j, F_AWAY] = t
        if a.assessment_varies:  # assessed again, from the spell's start
            hf[j, F_ASSESS] = a.assessment_mean * exponential(_tdraw(a, j))
        _move(a, j, BENEFIT, t)


@numba.njit(cache=True, inline="always")
def _event_time(now, t):
    """When an event made at ``now`` for time ``t`` fires, as SimPy computes it: now + (t − now) within the
    current month; from a later month's bucket, that month's start + (t − start) (:func:`_at`, _release_bucket)."""
    m = int(t)
    if m <= int(now):
        return now + (t - now)
    return m + (t - m)


@numba.njit(cache=True, inline="always")
def _count_alone(alone, state, start, end):
    """A visit from event time ``start`` to ``end`` counts at each month end m + 1 with start < m + 1 ≤ end
    (the month's end comes first among events at its time: URGENT)."""
    alone[math.floor(start), state] += 1
    if end < INF:
        alone[min(math.floor(end), alone.shape[0] - 1), state] -= 1


@numba.njit(cache=True)
def _solo(a, j, alone):
    """The whole life of a household that meets no one (:func:`_meets_others`), at once.

    Its events would interleave with everyone else's on the heap, but nothing of
    theirs reaches it and nothing of its reaches them: its draws are its own,
    and removing its events leaves the others' order unchanged (the order they
    were made in is kept). So its events run here, one after the other, at the
    times the event loop would give them; its month-end counts go to ``alone``.
    """
    hi, hf, sf = a.hi, a.hf, a.sf
    t = hf[j, F_TENTER]
    now = 0.0 if t <= 0.0 else _event_time(0.0, t)  # the initial stock starts at setup; arrivals wait (START)
    sf[0] = now
    start = now
    _life(a, j)
    while hi[j, H_PEND] != P_NONE:
        now = _event_time(now, hf[j, F_PEND_T])
        sf[0] = now
        state = hi[j, H_STATE]
        _resume(a, j)
        _count_alone(alone, state, start, now)
        start = now
        _life(a, j)
    _count_alone(alone, hi[j, H_STATE], start, INF)
    counts = a.counts  # its moves counted there (_move) cancel to −1 on benefit, +1 where it ends: undone
    counts[BENEFIT] += 1
    counts[hi[j, H_STATE]] -= 1


@numba.njit(cache=True, inline="always")
def _before(t1, p1, e1, t2, p2, e2):
    """Does an event (time, priority, order) come before another? SimPy's order."""
    return t1 < t2 or (t1 == t2 and (p1 < p2 or (p1 == p2 and e1 < e2)))


@numba.njit(cache=True)
def _calendar(a, open_months):
    """The events known at setup, scheduled as SimPy's engine schedules them after the households' (places
    opening in the months whose places change, then each month's end, then the stop at the horizon) and kept
    in their order, not on the heap: rows (time, priority, order, kind, month)."""
    si, cal = a.si, a.calendar
    T = a.T
    n_open = len(open_months)
    base = si[S_EID]
    si[S_EID] = base + n_open + T + 1
    i = k = 0
    for m in range(T + 1):  # at time m: the end of month m − 1 (or the stop at T), then places opening
        if m >= 1:
            cal[i, 0], cal[i, 1], cal[i, 2], cal[i, 3], cal[i, 4] = m, URGENT, base + n_open + m, MONTH, m - 1
            i += 1
        if m == T:
            cal[i, 0], cal[i, 1], cal[i, 2], cal[i, 3], cal[i, 4] = T, URGENT, base + n_open + T + 1, STOP, 0
            i += 1
        elif k < n_open and open_months[k] == m:
            cal[i, 0], cal[i, 1], cal[i, 2], cal[i, 3], cal[i, 4] = m, NORMAL, base + k + 1, OPEN, m
            i += 1
            k += 1
    si[S_CAL_POS], si[S_CAL_LEN] = 0, i


@numba.njit(cache=True)
def households(hi, hf, ids, reason, kids, newly, eligible_reasons, ready, arrival, age, origin, away, readiness,
               member, lottery, assessment, n_months):  # fmt: skip
    """The household tables (``hi``, ``hf``) of households ``ids``, from the population's columns."""
    for i in range(len(ids)):
        g = ids[i]
        r = reason[g]
        hi[i, H_ID] = g
        hi[i, H_STATE] = BENEFIT
        hi[i, H_REASON] = r
        hi[i, H_KIDS] = kids[g]
        hi[i, H_NEWLY] = newly[g]
        hi[i, H_ELIGIBLE] = 1 if (eligible_reasons[r] and ready[g]) else 0
        hi[i, H_DEPT] = -1
        hf[i, F_TENTER] = arrival[g]
        hf[i, F_ARRIVAL] = arrival[g]
        hf[i, F_AGE0] = age[g]
        hf[i, F_ORIGIN] = origin[g]
        hf[i, F_AWAY] = away[g]
        hf[i, F_READINESS] = readiness[g]
        hf[i, F_LOTTERY] = lottery[g]
        hf[i, F_ASSESS] = assessment[g]
        hf[i, F_MEMBER_SINCE] = -INF if member[g] else INF
        hf[i, F_JOB_START] = np.nan
        hf[i, F_INCOME_END] = np.nan
        hf[i, F_JOB_MONTHS] = np.nan
        hf[i, F_POST_MULT] = 1.0
        hf[i, F_POST_UNTIL] = -INF
        hf[i, F_SETTLED] = float(n_months)


@numba.njit(cache=True)
def own_rates(rates, reason, work_multiplier, ids):
    """Each household's hazards (bands × routes): its reason's, the work route times its own multiplier."""
    nb, nr = rates.shape[1], rates.shape[2]
    out = np.empty((len(ids), nb, nr))
    for i in range(len(ids)):
        g = ids[i]
        r = reason[g]
        for b in range(nb):
            out[i, b, 0] = rates[r, b, 0] * work_multiplier[g]
            for k in range(1, nr):
                out[i, b, k] = rates[r, b, k]
    return out


@numba.njit(cache=True)
def run(hi_, hf_, pr_, pl_, rs_, q_, lg_, open_months, sampled_, sf_, si_, counts_):
    """Simulate one arm; the log, counters and household fields are filled in place.

    ``sf`` holds SimPy's clock, ``si`` the integer scalars (S_*), ``counts`` households by state; the caller
    owns every array (the views the helpers get do not). Returns (moves, visits logged, 1 if an array ran
    out of room: the caller runs it again with more, household-months tracked, of which by participants).
    """
    hi, hf, pr, pl, rs = unowned(hi_), unowned(hf_), unowned(pr_), unowned(pl_), unowned(rs_)
    q, lg, sampled = unowned(q_), unowned(lg_), unowned(sampled_)
    sf, si, counts = unowned(sf_), unowned(si_), unowned(counts_)
    arm = Arm(
        hi,
        hf,
        sf,
        si,
        counts,
        sampled,
        pr.T,
        pr.last_month,
        pr.programme_on,
        pr.band_starts,
        pr.year_starts,
        pr.year_work,
        pr.lock_in,
        pr.dropout,
        pr.internship_months,
        pr.post_multiplier,
        pr.post_window,
        pr.length_ref,
        pr.length_el,
        pr.length_most,
        pr.hire_probability,
        pr.has_hire_factor,
        pr.hire_factor,
        pr.akassa_months,
        pr.karens,
        pr.access,
        pr.guarantee_share,
        pr.lowest_months,
        pr.return_probability,
        pr.return_mean,
        pr.priority,
        pr.max_jobs,
        pr.max_internships,
        pr.decisions_monthly,
        pr.assessment_varies,
        pr.assessment_mean,
        pr.class_months,
        pr.by_department,
        pr.dept_open,
        pr.dept_accepts,
        pr.dept_shares,
        pr.dept_supervisable,
        pr.dept_ordinary,
        pr.ordinary_share,
        pr.join_share,
        pr.financing_order,
        pr.take_up,
        pr.open_for_new,
        pr.eligibility,
        pr.job_young_below,
        pr.job_months,
        pr.job_months_key,
        pr.nystartsjobb,
        pr.level_newly,
        pr.level_long,
        pr.level_regular,
        pr.long_away,
        pr.capacity,
        pl.order,
        pl.capacity,
        pl.occupied,
        pl.wake_at,
        pl.dept_used,
        pl.held,
        rs.t_first,
        rs.t_extra,
        rs.t_prefix,
        rs.p_first,
        rs.p_extra,
        rs.p_prefix,
        rs.own_rates,
        rs.child_birth,
        q.events,
        q.ready,
        q.maturing,
        q.bucket,
        q.bucket_next,
        q.bucket_head,
        q.bucket_tail,
        q.size,
        q.month_run,
        q.interrupted,
        q.calendar,
        lg.hh,
        lg.state,
        lg.nxt,
        lg.workplace,
        lg.level,
        lg.dept,
        lg.t0,
        lg.t1,
        lg.ref,
        lg.job_months,
        lg.member_months,
        lg.spell_start,
    )
    a = borrow(arm)  # what every helper gets: the fields, passed without counting references
    T = a.T
    n = hi.shape[0]
    # setup, in the SimPy engine's order: the initial stock starts, arrivals wait, places open, months end
    alone = np.zeros((T + 1, counts.shape[0]), dtype=np.int64)  # month-end counts of _solo households, as steps
    for j in range(n):
        if not _meets_others(a, j):
            _solo(a, j, alone)
            sf[0] = 0.0  # back to setup's clock
        elif hf[j, F_TENTER] <= 0.0:
            counts[BENEFIT] += 1
            _life(a, j)
        else:
            _at(a, hf[j, F_TENTER], START, j, 0)
    _calendar(a, open_months)
    ev, run, size, cal = a.events, a.month_run, a.size, a.calendar
    while si[S_FULL] == 0:
        head = si[S_INT_HEAD]
        if head < si[S_INT_TAIL]:  # an interruption: now, before anything else (_interrupt)
            who = a.interrupted[head]
            head += 1
            if head == si[S_INT_TAIL]:
                head = si[S_INT_TAIL] = 0
            si[S_INT_HEAD] = head
            _life(a, who)
            continue
        # the next event by (time, priority, order): the month's run, the heap or the calendar
        src, bt, bp, be = -1, INF, 0.0, 0.0
        rp = si[S_RUN_POS]
        if rp < si[S_RUN_LEN]:
            src, bt, bp, be = 0, run[rp, 0], float(NORMAL), run[rp, 1]  # the month's run is all NORMAL
        if size[Q_EVENTS] > 0 and (src < 0 or _before(ev[0, 0], ev[0, 1], ev[0, 2], bt, bp, be)):
            src, bt, bp, be = 1, ev[0, 0], ev[0, 1], ev[0, 2]
        cp = si[S_CAL_POS]
        if cp < si[S_CAL_LEN] and (src < 0 or _before(cal[cp, 0], cal[cp, 1], cal[cp, 2], bt, bp, be)):
            src = 2
        if src == 0:
            t, kind, who, gen, x = run[rp, 0], int(run[rp, 2]), int(run[rp, 3]), int(run[rp, 4]), 0.0
            si[S_RUN_POS] = rp + 1
        elif src == 1:
            t, kind, who, gen, x = ev[0, 0], int(ev[0, 3]), int(ev[0, 4]), int(ev[0, 5]), ev[0, 6]
            _drop_top(ev, size, Q_EVENTS, 3)
        elif src == 2:
            t, kind, who, gen, x = cal[cp, 0], int(cal[cp, 3]), int(cal[cp, 4]), 0, 0.0
            si[S_CAL_POS] = cp + 1
        else:
            break
        sf[0] = t
        if kind == RESUME:
            if gen == hi[who, H_GEN]:  # else the household was placed meanwhile: its event resumes nothing
                _resume(a, who)
                _life(a, who)
        elif kind == START:
            counts[BENEFIT] += 1
            _life(a, who)
        elif kind == MONTH:
            sampled[who] = counts
            if who + 1 < T:
                _release_bucket(a, who + 1)
        elif kind == OPEN:
            for c in range(a.cap_now.shape[0]):
                a.cap_now[c] = a.capacity[c, who]
            for i in range(len(a.order)):
                _fill(a, a.order[i], float(who))
        elif kind == WAKE:
            if a.wake_at[who] == x:
                a.wake_at[who] = np.nan
            _fill(a, who, x)
        else:  # STOP
            break
    step = np.zeros(counts.shape[0], dtype=np.int64)
    for m in range(T):
        step += alone[m]
        sampled[m] += step
    tracked = tracked_placed = 0.0
    for j in range(n):  # close every open visit at the horizon; household-months, summed in household order
        _log(a, j, hi[j, H_STATE], float(T), -1)
        months = min(hf[j, F_SETTLED], float(T)) - hf[j, F_ARRIVAL]
        tracked += months
        if hi[j, H_JOBS] > 0 or hi[j, H_INTERNSHIPS] > 0:
            tracked_placed += months
    keep_alive(arm)  # until here: the helpers read its fields through ``a``
    return si[S_MOVES], si[S_VISITS], si[S_FULL], tracked, tracked_placed


@numba.njit(cache=True, inline="always")
def _release_bucket(a, m):
    """Month ``m`` begins: its waiting events are scheduled in the order they were made (the live ones).

    SimPy's engine pushes them onto its heap; here they become the month's run, sorted once by time (a
    stable sort, so equal times keep the order they were scheduled in) and merged with the heap as events
    are taken: the same order, without a heap operation per event.
    """
    hi, bucket, bucket_next, run, si = a.hi, a.bucket, a.bucket_next, a.month_run, a.si
    now = a.sf[0]
    idx = a.bucket_head[m]
    k = 0
    while idx >= 0:
        t, kind, who, gen = bucket[idx, 0], int(bucket[idx, 1]), int(bucket[idx, 2]), int(bucket[idx, 3])
        if kind != RESUME or gen == hi[who, H_GEN]:
            si[S_EID] += 1
            run[k, 0], run[k, 1], run[k, 2], run[k, 3], run[k, 4] = now + (t - now), si[S_EID], kind, who, gen
            k += 1
        idx = bucket_next[idx]
    if k > 1:
        order = np.argsort(run[:k, 0], kind="mergesort")
        held = run[:k].copy()
        for i in range(k):
            run[i] = held[order[i]]
    si[S_RUN_POS], si[S_RUN_LEN] = 0, k

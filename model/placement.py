"""Capacity-bound placement into jobs and internships, in priority order, and how a job is financed.

Each place class (jobs, internships) has a priority queue of households on
benefit that may take it now, and a second heap of households that may take
it later. Entries are dropped lazily: a household's ``token`` changes whenever
it leaves benefit or is placed, which voids all its queued entries at once.
Every operation is O(log n), so the engine stays linear in the number of
households.

A job is a municipal job; at its start the social board obtains a state
subsidy (nystartsjobb, introduktionsjobb) when the holder is eligible under
the rules of that month and the board takes it up (Lund §4.4). The job's
state in the visit log is its financing.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from typing import Any

from model.params import JOB_INDEX, Params
from model.rules.functions import NYSTARTSJOBB_LEVELS, level_of
from model.states import INTERNSHIPS, JOB_STATES, PLACE_CLASSES, SUBSIDY_TYPES, State

ORDINARY, CREATED = 1, 2
NYSTARTSJOBB = JOB_INDEX["nystartsjobb"]
LEVEL_INDEX = {name: i for i, name in enumerate(NYSTARTSJOBB_LEVELS)}


def eligible_from(e: Any, hh: Any, now: float) -> float:
    """When ``hh`` meets eligibility ``e``: enough months away from work, and old enough.

    Time away from work runs from ``hh.away_since``: the benefit spell and any
    unemployment before it (facts.md §4: time on benefit counts). Age decides
    which months apply as it is at ``now``.
    """
    months = e.months_needed(hh.age0 + (now - hh.arrival) / 12.0, hh.newly)
    return max(hh.away_since + months, hh.arrival + (e.min_age - hh.age0) * 12.0)


class Placement:
    """Places by type, their occupants, and the queues that fill them."""

    def __init__(self, p: Params, env: Any, move: Callable[[Any, int, float], None], streams: Any):
        self.p = p
        self.streams = streams
        # place classes that never have a place are skipped altogether
        self.order = [c for c in p.placement_order if p.capacity[c].any()]
        self.eligibility = p.law.eligibility
        self.env = env
        self.move = move
        n = len(PLACE_CLASSES)
        self.capacity = [0] * n
        self.occupied = [0] * n
        self.ready: list[list[tuple]] = [[] for _ in range(n)]
        self.maturing: list[list[tuple]] = [[] for _ in range(n)]
        self.wake_at: list[float | None] = [None] * n
        self.seq = 0
        self.last_month = p.n_months - 1
        self.job_months = p.law.job_months.tolist()  # [job type][start month][young]
        self.young_below = p.law.job_young_below.tolist()
        self.long_away = p.law.nystartsjobb_long_away.tolist()
        self.open_for_new = p.law.open_for_new.tolist()  # [job type][month]
        self.take_up = p.take_up.tolist()  # [job type][month]
        # departments: a place of a class also needs a free, open place in a department that takes placements
        d = p.departments
        self.by_department = d is not None
        if d is not None:
            self.dept_open = d.open.tolist()  # [department][class][month]
            self.dept_accepts = d.accepts.tolist()  # [department][month]
            self.dept_ordinary = d.ordinary.tolist()
            self.dept_used = [[0] * d.n for _ in range(2)]  # [class][department]
            # supervisors shared with trainees vary by month: such a department plans ahead (model.departments)
            self.dept_supervisable = d.supervisable.tolist()  # [department][class][month]
            self.dept_shares = [bool((d.supervisable[i] != d.supervisable[i][:, :1]).any()) for i in range(d.n)]
            self.planned_end: list[list[dict[int, float]]] = [[{} for _ in range(d.n)] for _ in range(2)]

    # keys -----------------------------------------------------------------
    def key(self, hh: Any) -> tuple:
        """Smaller is served first: the scenario's priority keys, then first come."""
        parts = []
        for k in self.p.priority:
            if k == "after_internship":
                parts.append(0 if hh.after_internship else 1)
            elif k == "children":
                parts.append(0 if hh.n_children > 0 else 1)
            elif k == "readiness":
                parts.append(-hh.readiness)
            elif k == "lottery":
                parts.append(hh.lottery)
            else:  # longest_on_benefit
                parts.append(hh.origin)
        return tuple(parts)

    # queue operations -----------------------------------------------------
    def join(self, hh: Any, now: float) -> None:
        """``hh`` is on benefit and may be placed: queue it, and place it if a place is free."""
        key = self.key(hh)
        token = hh.token
        queued = []
        jobs_left = hh.jobs < self.p.max_jobs
        internships_left = hh.internships < self.p.max_internships
        for c in self.order:
            if not (internships_left if c == INTERNSHIPS else jobs_left):
                continue
            self.seq += 1
            t_ok = self.eligible_at(hh, c, now)
            if t_ok <= now:
                heapq.heappush(self.ready[c], (key, self.seq, token, hh))
                queued.append(c)
            else:
                heapq.heappush(self.maturing[c], (t_ok, self.seq, token, hh, key))
                self._schedule_wake(c)
        for c in queued:
            if self.occupied[c] < self.capacity[c]:
                self.fill(c, now)
                if hh.token != token:
                    return

    def eligible_at(self, hh: Any, c: int, now: float) -> float:
        """When ``hh``, joining at ``now``, may take a place of class ``c``: a first placement waits for the
        assessment (months on benefit in the current spell); a later one (a job after an internship) does not."""
        if hh.jobs or hh.internships:
            return now
        t = hh.origin + hh.assessment
        return max(now, math.ceil(t) if self.p.decisions_monthly else t)

    def leave(self, hh: Any) -> None:
        """``hh`` leaves benefit: void its queue entries."""
        hh.token += 1

    def release(self, c: int, now: float, dept: int = -1, hh_id: int = -1) -> None:
        """A place of class ``c`` (in department ``dept``, held by household ``hh_id``) is vacated."""
        self.occupied[c] -= 1
        if self.by_department:
            self.dept_used[c][dept] -= 1
            self.planned_end[c][dept].pop(hh_id, None)
        self.fill(c, now)

    def refresh(self, now: float) -> None:
        """Fill every place class in placement order: department places changed."""
        for c in self.order:
            self.fill(c, now)

    def fill(self, c: int, now: float) -> None:
        """Place waiting households while class ``c`` has free places (with monthly decisions: at a month's start)."""
        if self.p.decisions_monthly and now != math.floor(now):
            self._wake_at(c, float(math.ceil(now)))
            return
        self._mature(c, now)
        ready = self.ready[c]
        dept = -1
        while self.occupied[c] < self.capacity[c] and ready:
            if self.by_department:
                dept = self._department(c, now)
                if dept < 0:
                    break
            _key, _seq, token, hh = heapq.heappop(ready)
            if token == hh.token and hh.state == State.BENEFIT:
                self._place(hh, c, now, dept)
        if self.occupied[c] < self.capacity[c]:
            self._schedule_wake(c)

    def _department(self, c: int, now: float) -> int:
        """The department with the most free open places of class ``c`` taking placements now (-1: none).

        A department whose supervisors are shared with trainees in some months
        (feriepraktik in summer) takes a placement only if, in every later month
        the place would run into, its participants then still in place stay
        within what it can supervise that month.
        """
        m = min(int(now), self.last_month)
        best, most = -1, 0
        used = self.dept_used[c]
        for d, places in enumerate(self.dept_open):
            free = places[c][m] - used[d]
            if free > most and self.dept_accepts[d][m] and (not self.dept_shares[d] or self._room_later(c, d, now)):
                best, most = d, free
        return best

    def _room_later(self, c: int, d: int, now: float) -> bool:
        """Whether a new place of class ``c`` in department ``d`` from ``now`` fits every later month it spans."""
        end = now + self.p.class_months[c]
        ends = self.planned_end[c][d].values()
        capacity = self.dept_supervisable[d][c]
        for mm in range(int(now) + 1, min(math.ceil(end) - 1, self.last_month) + 1):
            if sum(1 for e in ends if e > mm) + 1 > capacity[mm]:
                return False
        return True

    # internals ------------------------------------------------------------
    def _mature(self, k: int, now: float) -> None:
        heap, ready = self.maturing[k], self.ready[k]
        while heap and heap[0][0] <= now:
            _t, seq, token, hh, key = heapq.heappop(heap)
            if token == hh.token:
                heapq.heappush(ready, (key, seq, token, hh))

    def _schedule_wake(self, k: int) -> None:
        heap = self.maturing[k]
        while heap and heap[0][2] != heap[0][3].token:
            heapq.heappop(heap)
        if not heap or self.occupied[k] >= self.capacity[k]:
            return
        t = heap[0][0]
        if self.p.decisions_monthly:  # the next decision: households due earlier wait unmatured till then
            t = float(math.ceil(max(t, self.env.now)))
        self._wake_at(k, t)

    def _wake_at(self, k: int, t: float) -> None:
        """Fill class ``k`` at ``t`` (unless a fill is due by then)."""
        if self.wake_at[k] is not None and self.wake_at[k] <= t:
            return
        self.wake_at[k] = t
        ev = self.env.timeout(t - self.env.now)
        ev.callbacks.append(lambda _ev, k=k, t=t: self._wake(k, t))

    def _wake(self, k: int, t: float) -> None:
        if self.wake_at[k] == t:
            self.wake_at[k] = None
        self.fill(k, t)

    def _finance(self, hh: Any, now: float) -> int:
        """The job's financing (a job-type index), and the rules it keeps from its start: its length and level.

        Each subsidy in the scenario's order is taken if the holder is eligible
        (age, time on benefit, newly arrived: rules of the placement month), the
        rules take new decisions, and the social board takes it up (a draw per
        subsidy, always drawn). Time away from work runs from ``hh.away_since``
        (time on benefit counts; so does time in programme places, a simplification).
        """
        m = min(int(now), self.last_month)
        # one uniform per subsidy, always drawn: later draws never depend on eligibility or take-up
        u = [next(hh.ps) for _ in SUBSIDY_TYPES]  # u[j - 1] for job type j
        job = 0  # municipal funds
        for j in self.p.financing_order:
            if (
                u[j - 1] < self.take_up[j][m]
                and self.open_for_new[j][m]
                and eligible_from(self.eligibility[j][m], hh, now) <= now
            ):
                job = j
                break
        young = hh.age0 + (now - hh.arrival) / 12.0 < self.young_below[job][m]
        hh.job_months = self.job_months[job][m][1 if young else 0]
        level = level_of(now - hh.away_since, hh.newly, self.long_away[m])
        hh.level = LEVEL_INDEX[level] if job == NYSTARTSJOBB else 0
        return job

    def _place(self, hh: Any, c: int, now: float, dept: int = -1) -> None:
        hh.token += 1
        self.occupied[c] += 1
        hh.dept = dept
        if dept >= 0:
            self.dept_used[c][dept] += 1
        if c == INTERNSHIPS:
            hh.internships += 1
            state = State.INTERNSHIP
        else:
            hh.jobs += 1
            hh.job_start = now
            if hh.ps is None:
                hh.ps = self.streams.stream(hh.id)
            state = JOB_STATES[self._finance(hh, now)]
            ordinary = self.dept_ordinary[dept] if dept >= 0 else self.p.ordinary_share
            hh.workplace = ORDINARY if next(hh.ps) < ordinary else CREATED
            if next(hh.ps) < self.p.join_share and hh.member_since > now:  # joins an a-kassa (Lund §4.4)
                hh.member_since = now
        if dept >= 0:  # when the place frees at the latest: the job's length may be cut by its subsidy's maximum
            self.planned_end[c][dept][hh.id] = now + (self.p.class_months[c] if c == INTERNSHIPS else hh.job_months)
        self.move(hh, state, now)
        if hh.waiting:
            hh.waiting = False
            hh.proc.interrupt()

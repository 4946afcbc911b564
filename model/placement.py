"""Capacity-bound placement into internships and jobs, in priority order.

Each place type has a priority queue of households on benefit that may take
it now, and a second heap of households that will become eligible later
(time on benefit, e.g. 12 months for nystartsjobb). Entries are dropped lazily:
a household's ``token`` changes whenever it leaves benefit or is placed, which
voids all its queued entries at once. Every operation is O(log n), so the
engine stays linear in the number of households.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from typing import Any

from model.params import INTERNSHIP, PLACE_INDEX, Params
from model.rules.functions import NYSTARTSJOBB_LEVELS, level_of
from model.states import PLACE_STATES, State

ORDINARY, CREATED = 1, 2
NYSTARTSJOBB = PLACE_INDEX["nystartsjobb"]
LEVEL_INDEX = {name: i for i, name in enumerate(NYSTARTSJOBB_LEVELS)}


def _class_of(k: int) -> int:
    """Department place class of place type ``k``: 0 jobs, 1 internships (model.departments.CLASSES)."""
    return 1 if k == INTERNSHIP else 0


def eligible_from(e: Any, hh: Any, now: float) -> float:
    """When ``hh`` may take a place under eligibility ``e``: enough months on benefit, and old enough.

    Age decides which months apply as it is when the household joins the queue.
    """
    months = e.months_needed(hh.age0 + (now - hh.arrival) / 12.0, hh.newly)
    return max(hh.origin + months, hh.arrival + (e.min_age - hh.age0) * 12.0)


class Placement:
    """Places by type, their occupants, and the queues that fill them."""

    def __init__(self, p: Params, env: Any, move: Callable[[Any, int, float], None], streams: Any):
        self.p = p
        self.streams = streams
        # place types that never have a place are skipped altogether
        self.order = [k for k in p.placement_order if p.capacity[k].any()]
        self.eligibility = p.eligibility
        self.env = env
        self.move = move
        n = len(PLACE_STATES)
        self.capacity = [0] * n
        self.occupied = [0] * n
        self.ready: list[list[tuple]] = [[] for _ in range(n)]
        self.maturing: list[list[tuple]] = [[] for _ in range(n)]
        self.wake_at: list[float | None] = [None] * n
        self.seq = 0
        self.last_month = p.n_months - 1
        self.job_months = p.job_months.tolist()  # [job type][start month][young]
        self.young_below = p.job_young_below.tolist()
        self.long_away = p.nystartsjobb_long_away.tolist()
        self.open_for_new = p.open_for_new.tolist()
        # departments: a place of a class also needs a free, open place in a department that takes placements
        d = p.departments
        self.by_department = d is not None
        if d is not None:
            self.dept_open = d.open.tolist()  # [department][class][month]
            self.dept_accepts = d.accepts.tolist()  # [department][month]
            self.dept_ordinary = d.ordinary.tolist()
            self.dept_used = [[0] * d.n for _ in range(2)]  # [class][department]

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
            else:  # longest_on_benefit
                parts.append(hh.origin)
        return tuple(parts)

    # queue operations -----------------------------------------------------
    def join(self, hh: Any, now: float) -> None:
        """``hh`` is on benefit and may be placed: queue it, and place it if a place is free."""
        key = self.key(hh)
        m = min(int(now), self.last_month)
        token = hh.token
        queued = []
        jobs_left = hh.jobs < self.p.max_jobs
        internships_left = hh.internships < self.p.max_internships
        for k in self.order:
            if not (internships_left if k == INTERNSHIP else jobs_left):
                continue
            self.seq += 1
            t_ok = eligible_from(self.eligibility[k][m], hh, now)
            if t_ok <= now:
                heapq.heappush(self.ready[k], (key, self.seq, token, hh))
                queued.append(k)
            else:
                heapq.heappush(self.maturing[k], (t_ok, self.seq, token, hh, key))
                self._schedule_wake(k)
        for k in queued:
            if self.occupied[k] < self.capacity[k]:
                self.fill(k, now)
                if hh.token != token:
                    return

    def leave(self, hh: Any) -> None:
        """``hh`` leaves benefit: void its queue entries."""
        hh.token += 1

    def release(self, k: int, now: float, dept: int = -1) -> None:
        """A place of type ``k`` (in department ``dept``) is vacated."""
        self.occupied[k] -= 1
        if not self.by_department:
            self.fill(k, now)
            return
        c = _class_of(k)
        self.dept_used[c][dept] -= 1
        self.refresh(now, c)  # the department's place may go to any type of its class

    def refresh(self, now: float, cls: int | None = None) -> None:
        """Fill every place type (of class ``cls``) in placement order: department places changed."""
        for k in self.order:
            if cls is None or _class_of(k) == cls:
                self.fill(k, now)

    def set_capacity(self, k: int, places: int, now: float) -> None:
        self.capacity[k] = places
        self.fill(k, now)

    def fill(self, k: int, now: float) -> None:
        """Place waiting households while type ``k`` has free places and takes new placements."""
        self._mature(k, now)
        if not self.open_for_new[k][min(int(now), self.last_month)]:
            return  # closed: households wait in the ready queue until a change of rules reopens the type
        ready = self.ready[k]
        dept = -1
        while self.occupied[k] < self.capacity[k] and ready:
            if self.by_department:
                dept = self._department(_class_of(k), now)
                if dept < 0:
                    break
            _key, _seq, token, hh = heapq.heappop(ready)
            if token == hh.token and hh.state == State.BENEFIT:
                self._place(hh, k, now, dept)
        if self.occupied[k] < self.capacity[k]:
            self._schedule_wake(k)

    def _department(self, c: int, now: float) -> int:
        """The department with the most free open places of class ``c`` taking placements now (-1: none)."""
        m = min(int(now), self.last_month)
        best, most = -1, 0
        used = self.dept_used[c]
        for d, places in enumerate(self.dept_open):
            free = places[c][m] - used[d]
            if free > most and self.dept_accepts[d][m]:
                best, most = d, free
        return best

    # internals ------------------------------------------------------------
    def _mature(self, k: int, now: float) -> None:
        heap, ready = self.maturing[k], self.ready[k]
        while heap and heap[0][0] <= now:
            _t, seq, token, hh, key = heapq.heappop(heap)
            if token == hh.token:
                heapq.heappush(ready, (key, seq, token, hh))

    def _schedule_wake(self, k: int) -> None:
        if not self.open_for_new[k][min(int(self.env.now), self.last_month)]:
            return  # a closed type is refilled when it reopens (the engine's monthly check)
        heap = self.maturing[k]
        while heap and heap[0][2] != heap[0][3].token:
            heapq.heappop(heap)
        if not heap or self.occupied[k] >= self.capacity[k]:
            return
        t = heap[0][0]
        if self.wake_at[k] is not None and self.wake_at[k] <= t:
            return
        self.wake_at[k] = t
        ev = self.env.timeout(t - self.env.now)
        ev.callbacks.append(lambda _ev, k=k, t=t: self._wake(k, t))

    def _wake(self, k: int, t: float) -> None:
        if self.wake_at[k] == t:
            self.wake_at[k] = None
        self.fill(k, t)

    def _set_job_rules(self, hh: Any, k: int, now: float) -> None:
        """Fix the rules a job keeps from its start: its length by age, and a nystartsjobb's subsidy level.

        Time away from work is the time since the benefit spell began (time on
        benefit counts; so does time in programme places, a simplification).
        """
        m, j = min(int(now), self.last_month), k - 1
        young = hh.age0 + (now - hh.arrival) / 12.0 < self.young_below[j][m]
        hh.job_months = self.job_months[j][m][1 if young else 0]
        hh.level = LEVEL_INDEX[level_of(now - hh.origin, hh.newly, self.long_away[m])] if k == NYSTARTSJOBB else 0

    def _place(self, hh: Any, k: int, now: float, dept: int = -1) -> None:
        hh.token += 1
        self.occupied[k] += 1
        hh.dept = dept
        if dept >= 0:
            self.dept_used[_class_of(k)][dept] += 1
        if k == INTERNSHIP:
            hh.internships += 1
        else:
            hh.jobs += 1
            hh.job_start = now
            self._set_job_rules(hh, k, now)
            if hh.ps is None:
                hh.ps = self.streams.stream(hh.id)
            ordinary = self.dept_ordinary[dept] if dept >= 0 else self.p.ordinary_share
            hh.workplace = ORDINARY if next(hh.ps) < ordinary else CREATED
        self.move(hh, PLACE_STATES[k], now)
        if hh.waiting:
            hh.waiting = False
            hh.proc.interrupt()

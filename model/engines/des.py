"""The discrete-event engine: one SimPy process per household.

On entering a state a household draws the time and destination of its next
transition (competing risks); that is its one pending event. A placement
interrupts a waiting household; places and queues live in
:class:`~model.placement.Placement`. The engine records visits and knows
nothing of money: the ledger prices visits afterwards.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Callable, Generator

import numpy as np
import simpy
from simpy.events import NORMAL, PENDING, URGENT, Event

from model.engines.result import ArmResult
from model.hazards import EXTRA, INF, draw_exit, exponential, length_adjusted
from model.params import Params
from model.placement import Placement
from model.population import Population, has_child_under
from model.random_streams import HouseholdStreams
from model.states import INTERNSHIPS, JOBS, N_STATES, State
from model.visits import NO_NEXT, VisitLog

BENEFIT, INTERNSHIP, AKASSA = int(State.BENEFIT), int(State.INTERNSHIP), int(State.AKASSA)
MUNICIPAL_JOB, AKTIVITETSSTOD = int(State.MUNICIPAL_JOB), int(State.AKTIVITETSSTOD)
EXIT_MOVED = int(State.EXIT_MOVED)
EXIT_OF_ROUTE = (int(State.EXIT_WORK), int(State.EXIT_STUDIES), int(State.EXIT_MOVED), int(State.EXIT_OTHER))
ROUTE_OF_EXIT = {s: i for i, s in enumerate(EXIT_OF_ROUTE)}
NAN = math.nan


class Household:
    """Mutable state of one household during one arm."""

    __slots__ = (
        "after_internship",
        "age0",
        "arrival",
        "assessment",
        "away_since",
        "dept",
        "eligible",
        "id",
        "income_end",
        "internships",
        "job_months",
        "job_start",
        "jobs",
        "level",
        "lottery",
        "member_at_decision",
        "member_since",
        "n_children",
        "newly",
        "origin",
        "post_mult",
        "post_until",
        "proc",
        "ps",
        "rates",
        "readiness",
        "settled_at",
        "share_after",
        "state",
        "t_enter",
        "token",
        "ts",
        "waiting",
        "workplace",
    )  # fmt: skip


class Started(simpy.Process):
    """A SimPy process whose first step runs at once, at the caller's moment.

    ``env.process()`` schedules an ``Initialize`` event for every process; for a
    household that is one extra event on top of its arrival, and over half of
    all the events of an arm. This starts the generator directly instead. It
    relies on SimPy 4 internals (``_resume``, ``_value``, ``_generator``,
    ``_target``), which pyproject pins; the tests exercise every path.
    """

    def __init__(self, env: simpy.Environment, generator: Generator) -> None:
        self.env = env
        self.callbacks = []
        self._value = PENDING
        self._generator = generator
        self._target = None
        self._resume(_GO)


_GO = simpy.Event(simpy.Environment())  # a triggered event that resumes a generator with None
_GO._ok, _GO._value = True, None


def run_arm(
    p: Params,
    pop: Population,
    ts: HouseholdStreams,
    ps: HouseholdStreams,
    ids: np.ndarray | None = None,
) -> ArmResult:
    """Simulate households ``ids`` (default: all) under ``p``; no places if ``p`` has none.

    The cyclic garbage collector is paused while the arm runs: the arm allocates
    many short-lived events, and full collections would walk every household's
    random numbers again and again.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _run_arm(p, pop, ts, ps, ids)
    finally:
        if enabled:
            gc.enable()


def _run_arm(
    p: Params, pop: Population, ts: HouseholdStreams, ps: HouseholdStreams, ids: np.ndarray | None
) -> ArmResult:
    T = float(p.n_months)
    env = simpy.Environment()
    log = VisitLog()
    counts = [0] * N_STATES
    ev_count = [0]
    timeout = env.timeout
    bands = p.band_starts
    rates_of = p.rates
    lock_in, dropout, internship_months = p.lock_in, p.dropout, p.class_months[INTERNSHIPS]
    post_multiplier, hire_p, window = p.post_multiplier, p.hire_probability, p.post_window
    length_response = p.job_length_response
    ret_p, ret_mean = p.return_probability, p.return_mean_months
    assessment_varies, assessment_mean = p.assessment_varies, float(p.assessment_months)
    last_month = p.n_months - 1
    akassa_months = {key: v.tolist() for key, v in p.law.akassa_months.items()}  # [(type, months)][month][parent]
    karens, access = p.law.akassa_karens_months.tolist(), p.law.akassa_access
    guarantee_share, lowest_months = p.job_guarantee_share, p.law.aktivitetsstod_lowest_months.tolist()
    log_hh, log_state, log_t0, log_t1 = log.hh.append, log.state.append, log.t0.append, log.t1.append
    log_nxt, log_wp, log_ref = log.nxt.append, log.workplace.append, log.ref.append
    log_level, log_months, log_dept = log.level.append, log.job_months.append, log.dept.append
    log_member, log_spell = log.member_months.append, log.spell_start.append
    hire_factor = p.departments.hire_factor.tolist() if p.departments is not None else None
    # the labour market's multiplier on work exits by calendar year (none: the hazards as calibrated)
    year_starts = p.market.year_starts if p.market is not None else None
    year_work = p.market.work_exit if p.market is not None else ()

    def log_visit(hh: Household, state: int, t1: float, nxt: int) -> None:
        """One visit: the job's columns for a job; the qualifying job's and the membership for state income."""
        log_hh(hh.id)
        log_state(state)
        log_t0(hh.t_enter)
        log_t1(t1)
        log_nxt(nxt)
        in_job = 1 < state < AKASSA
        after_job = state in (AKASSA, AKTIVITETSSTOD)
        log_wp(hh.workplace if in_job else 0)
        log_ref(hh.job_start if (in_job or after_job) else NAN)
        log_level(hh.level if in_job else 0)
        log_months(hh.job_months if (in_job or after_job) else NAN)
        log_dept(hh.dept if 0 < state < AKASSA else -1)
        log_member(hh.member_at_decision if after_job else NAN)
        log_spell(hh.origin if in_job else NAN)

    def move(hh: Household, new: int, now: float) -> None:
        old = hh.state
        log_visit(hh, old, now, new)
        counts[old] -= 1
        counts[new] += 1
        hh.state = new
        hh.t_enter = now
        ev_count[0] += 1

    placement = Placement(p, env, move, ps) if p.programme_on else None
    settled = simpy.Event(env)  # never triggered
    buckets: list[list[tuple[float, Event]] | None] = [[] for _ in range(p.n_months)]

    def at(t: float) -> Event:
        """An event firing at time ``t``. Beyond the current month it waits in its month's bucket,
        outside SimPy's heap, so the heap holds about one month of events at any time."""
        m = int(t)
        if m <= int(env.now):
            return timeout(t - env.now)
        ev = Event(env)
        buckets[m].append((t, ev))  # type: ignore[union-attr]
        return ev

    def release(m: int) -> None:
        now = env.now
        for t, ev in buckets[m]:  # type: ignore[union-attr]
            if ev.callbacks:  # still awaited: an interrupted household has left it
                ev._ok, ev._value = True, None
                env.schedule(ev, NORMAL, t - now)
        buckets[m] = None

    def off_benefit(hh: Household, now: float, tsu: Callable[[], float]) -> tuple[float, int]:
        """Time and route of the next exit of a household on benefit or state income (two draws)."""
        e, u = exponential(tsu()), tsu()
        mult, until, years = hh.post_mult, hh.post_until, year_starts
        return draw_exit(now, hh.origin, bands, hh.rates, e, u, mult, until, year_starts=years, year_work=year_work)

    def life(hh: Household):
        tsu = hh.ts.__next__
        rates = hh.rates
        while True:
            st = hh.state
            # the time the household entered its state, as scheduled: never SimPy's clock, whose float
            # arithmetic would make a household's numbers depend on who else is in the run
            now = hh.t_enter
            if st == BENEFIT:
                if placement is not None and hh.eligible:
                    placement.join(hh, now)
                    if hh.state != BENEFIT:
                        continue
                t, route = off_benefit(hh, now, tsu)
                hh.waiting = True
                try:
                    # beyond the horizon nothing happens: park on a private event (no heap entry), still interruptible
                    yield (at(t) if t < T else Event(env))
                except simpy.Interrupt:
                    continue  # placed: the placement has moved the household
                hh.waiting = False
                if placement is not None:
                    placement.leave(hh)
                move(hh, EXIT_OF_ROUTE[route], t)
            elif st < AKASSA:  # a place: internship or a job
                job = st != INTERNSHIP
                t, route = draw_exit(
                    now,
                    hh.origin,
                    bands,
                    rates,
                    exponential(tsu()),
                    tsu(),
                    lock=lock_in[job],
                    extra=dropout[job],
                    year_starts=year_starts,
                    year_work=year_work,
                )
                t_end = now + (hh.job_months if job else internship_months)
                if t_end >= T and t >= T:
                    yield settled  # neither the place nor the household ends within the horizon
                if t < t_end:
                    yield at(t)
                    now = t
                    move(hh, BENEFIT if route == EXTRA else EXIT_OF_ROUTE[route], now)
                else:
                    yield at(t_end)
                    now = t_end
                    if not job:
                        hh.after_internship = True
                        hh.post_mult, hh.post_until = post_multiplier[0], now + window
                        move(hh, BENEFIT, now)
                    else:
                        wp = hh.workplace
                        effect = length_adjusted(post_multiplier[wp], hh.job_months, *length_response)
                        hh.post_mult, hh.post_until = effect, now + window
                        m = min(int(now), last_month)
                        earned = akassa_months[st - MUNICIPAL_JOB, hh.job_months][m]
                        months = earned[0]
                        if earned[1] != months and has_child_under(pop.child_birth[hh.id], now):
                            months = earned[1]
                        # months of membership: the job's own months for one who joined at its start (exactly, so
                        # that a 6-month member is in the 6-month tier whatever the float rounding of now − start)
                        joined_at_start = hh.member_since == hh.job_start
                        member = hh.job_months if joined_at_start else max(0.0, now - hh.member_since)
                        hire = (
                            hire_p[wp - 1] if hire_factor is None else min(1.0, hire_p[wp - 1] * hire_factor[hh.dept])
                        )
                        if next(hh.ps) < hire:
                            move(hh, EXIT_OF_ROUTE[0], now)
                        elif months > 0 and access[m].pays(member, hh.age0 + (now - hh.arrival) / 12.0):
                            hh.member_at_decision = member
                            hh.share_after = access[m].share_level_after(member)
                            hh.income_end = now + karens[m] + months
                            move(hh, AKASSA, now)
                        else:
                            move(hh, BENEFIT, now)
                placement.release(JOBS if job else INTERNSHIPS, now, hh.dept, hh.id)
            elif st in (AKASSA, AKTIVITETSSTOD):  # state income after a job, until it runs out
                t, route = off_benefit(hh, now, tsu)
                end = hh.income_end
                if t >= T and end >= T:
                    yield settled
                if t < end:
                    yield at(t)
                    move(hh, EXIT_OF_ROUTE[route], t)
                else:
                    yield at(end)
                    if st == AKASSA and tsu() < guarantee_share:  # into jobb- och utvecklingsgarantin
                        hh.income_end = INF if hh.share_after else end + lowest_months[min(int(end), last_month)]
                        move(hh, AKTIVITETSSTOD, end)
                    else:
                        move(hh, BENEFIT, end)
            else:  # left benefit
                r = ROUTE_OF_EXIT[st]
                if st != EXIT_MOVED and tsu() < ret_p[r]:
                    wait = ret_mean[r] * exponential(tsu())  # = −mean·log1p(−u), the same bits
                    if now + wait >= T:
                        yield settled
                    back = now + wait
                    yield at(back)
                    hh.origin = hh.away_since = back  # a new spell; time away from work starts again
                    if assessment_varies:  # assessed again, from the spell's start
                        hh.assessment = assessment_mean * exponential(tsu())
                    move(hh, BENEFIT, back)
                else:
                    hh.settled_at = now
                    yield settled  # park for good; returning would cost a termination event

    ids = np.arange(pop.n) if ids is None else ids
    if np.any(np.diff(pop.arrival[ids]) < 0):
        raise ValueError("households must be given in arrival order")
    households: list[Household] = []
    eligible_reason = p.eligible_reasons
    # whole columns to Python objects at once: per-element numpy access is slow on this path
    arrival, origin = pop.arrival[ids].tolist(), pop.origin[ids].tolist()
    reasons, kids = pop.reason[ids].tolist(), pop.n_children[ids].tolist()
    readiness, member, ready = pop.readiness[ids].tolist(), pop.member[ids].tolist(), pop.ready[ids].tolist()
    work_mult, lottery, assessment = (
        pop.work_multiplier[ids].tolist(),
        pop.lottery[ids].tolist(),
        pop.assessment[ids].tolist(),
    )
    own_rates: dict[tuple[int, float], tuple] = {}  # households of a reason and readiness share one table
    age0, newly, away_since = pop.age[ids].tolist(), pop.newly_arrived[ids].tolist(), pop.away_since[ids].tolist()
    for j, i in enumerate(ids.tolist()):
        hh = Household()
        hh.id = i
        hh.state = BENEFIT
        hh.t_enter = arrival[j]
        hh.arrival, hh.age0, hh.newly = arrival[j], age0[j], newly[j]
        hh.origin, hh.away_since = origin[j], away_since[j]
        reason = reasons[j]
        key = (reason, work_mult[j])
        if key not in own_rates:  # the household's own hazards: its work route scaled by its readiness
            own_rates[key] = tuple((w * key[1], s, m, o) for w, s, m, o in rates_of[reason])
        hh.rates = own_rates[key]
        hh.n_children = kids[j]
        hh.readiness = readiness[j]
        hh.lottery, hh.assessment = lottery[j], assessment[j]
        hh.member_since = -INF if member[j] else INF  # members at arrival have 12 months or more
        hh.member_at_decision, hh.share_after = 0.0, False
        hh.eligible = eligible_reason[reason] and ready[j]
        hh.after_internship = hh.waiting = False
        hh.jobs = hh.internships = hh.token = hh.workplace = hh.level = 0
        hh.dept = -1
        hh.job_start = hh.income_end = hh.job_months = NAN
        hh.post_mult, hh.post_until = 1.0, -INF
        hh.settled_at = T
        hh.ts, hh.ps = ts.stream(i), None
        households.append(hh)

    def start(hh: Household) -> None:
        counts[BENEFIT] += 1
        hh.proc = Started(env, life(hh))

    for hh in households:  # the initial stock starts now; arrivals wait in their month's bucket
        if hh.t_enter <= 0.0:
            start(hh)
        else:
            at(hh.t_enter).callbacks.append(lambda _ev, hh=hh: start(hh))

    if placement is not None:
        cap, dp = p.capacity, p.departments

        def changed(c: int | slice, m: int) -> bool:
            return m == 0 or bool(np.any(cap[c, m] != cap[c, m - 1]))

        def departments_changed(m: int) -> bool:
            if dp is None or m == 0:
                return False
            return bool(
                (dp.open[:, :, m] != dp.open[:, :, m - 1]).any() or (dp.accepts[:, m] != dp.accepts[:, m - 1]).any()
            )

        def open_places(m: int) -> None:
            for c in range(cap.shape[0]):
                placement.capacity[c] = int(cap[c, m])
            placement.refresh(float(m))  # in placement order

        for m in range(p.n_months):
            if changed(slice(None), m) or departments_changed(m):
                ev = timeout(m)  # NORMAL priority: at t = 0 after every household has joined
                ev.callbacks.append(lambda _ev, m=m: open_places(m))

    sampled = np.zeros((p.n_months, N_STATES), dtype=np.int64)

    def sample(m: int) -> None:
        sampled[m] = counts

    for m in range(p.n_months):
        ev = simpy.Event(env)
        ev._ok, ev._value = True, None
        ev.callbacks.append(lambda _ev, m=m: sample(m))
        if m + 1 < p.n_months:
            ev.callbacks.append(lambda _ev, m=m: release(m + 1))
        env.schedule(ev, URGENT, m + 1)  # before anything else that happens at m + 1
    env.run(until=T)

    for hh in households:  # every household has arrived before the horizon: close its open visit
        log_visit(hh, hh.state, T, NO_NEXT)
    placed = [hh for hh in households if hh.jobs or hh.internships]
    participants = np.array([hh.id for hh in placed], dtype=np.int64)
    tracked, tracked_placed = _tracked(households, pop, T), _tracked(placed, pop, T)
    _tear_down(env, households, settled, buckets)
    return ArmResult(log.freeze(), sampled, ev_count[0], tracked, participants, tracked_placed)


def _tear_down(
    env: simpy.Environment,
    households: list[Household],
    settled: simpy.Event,
    buckets: list[list[tuple[float, Event]] | None],
) -> None:
    """Break the reference cycles an arm leaves (household → process → awaited event → process).

    Without this every arm leaves tens of thousands of objects for the cyclic
    garbage collector, whose full passes cost more than a third of a replication.
    Uses SimPy internals (``_queue``, ``_target``) knowingly.
    """
    for item in env._queue:
        item[-1].callbacks = None
    env._queue.clear()
    for bucket in buckets:  # months after the horizon's last release
        for _t, ev in bucket or ():
            ev.callbacks = None
    settled.callbacks = None
    for hh in households:
        proc = getattr(hh, "proc", None)
        if proc is not None:
            proc._target = None  # a process parked on its private event: process ↔ event
        hh.proc = hh.ts = hh.ps = None


def _tracked(households: list[Household], pop: Population, T: float) -> float:
    return float(sum(min(hh.settled_at, T) - pop.arrival[hh.id] for hh in households))

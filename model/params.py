"""Resolve a scenario and the rules into the one parameter object the engine reads.

Everything numeric the engine and the ledger use is here, as plain numbers or
arrays indexed by month: :class:`Params` for one replication, the rules'
tables in :class:`LawTables`, shared by replications. :class:`Resolver` gives
each replication its parameters, its uncertain values drawn; nothing below
this module reads the scenario.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np

from model.calendar import Calendar
from model.department_places import DepartmentPlaces, department_places
from model.departments import load_departments
from model.errors import InputError, Problem, RuleError
from model.hazards import readiness_multiplier
from model.labour_market import MarketFactor, factor_path, market_factor
from model.posterior import load_posterior
from model.rules import RuleSet, StaleUse, load_rules
from model.rules import functions as rf
from model.scenario import Scenario, Target, is_number_at, set_path, value_keys, with_values
from model.states import INTERNSHIPS, JOB_TYPES, JOBS, PLACE_CLASSES, REASONS, SUBSIDY_TYPES
from model.uncertainty import draw_all, draw_many

V = TypeVar("V")

#: Index of each job type (financing) in arrays ordered as ``JOB_TYPES``.
JOB_INDEX = {name: i for i, name in enumerate(JOB_TYPES)}


@dataclass(frozen=True)
class MoneyTables:
    """Rule values per month index, for the vectorised ledger."""

    single: np.ndarray
    couple: np.ndarray
    child_bands: np.ndarray  # (8,) lower age of each band (constant over the horizon)
    child_amounts: np.ndarray  # (T, 8)
    common_by_size: np.ndarray  # (T, 7)
    rent_adults: np.ndarray  # (T, 2)
    rent_children: np.ndarray  # (T, 3)
    allowance_per_child: np.ndarray
    allowance_age_limit: float
    tax_wage: np.ndarray
    tax_akassa: np.ndarray
    arbetsgivaravgift: np.ndarray  # (T,) the full rate, by month paid
    youth_rate: np.ndarray  # (T,) the rate for young employees on pay up to youth_cap (= the full rate if none)
    youth_cap: np.ndarray  # (T,)
    youth_ages: np.ndarray  # (T, 2): [from, below) age at the start of the year for the youth rate
    pension_rate: np.ndarray  # (T,) pension and insurance cost per SEK of pay (programme.payroll), by month paid
    year_start: np.ndarray  # (T,) month index of January of each month's year (for ages at the year's start)
    wage_full_time: np.ndarray
    # subsidy of a job started in month m: rate × (covers_wage × capped wage + fee on the capped wage)
    subsidy_rate: np.ndarray  # (job types, nystartsjobb levels, T): k (nystartsjobb) or the share of the wage cost
    subsidy_cap: np.ndarray  # (job types, T): full-time wage cap
    subsidy_covers_wage: np.ndarray  # (job types,): 1 for a share of the wage cost, 0 for a multiple of the fee
    support: np.ndarray  # (job types, T): supervision support per month, for a job started in month m
    support_months: np.ndarray  # (job types, T): months of support, for a job started in month m
    studiebidrag: np.ndarray  # (T,) per pupil aged allowance_age_limit to studiebidrag_age_below (0 in summer)
    studiebidrag_age_below: float
    flerbarn: np.ndarray  # (T, 7): flerbarnstillägg for 0, 1, … 6 children
    flerbarn_extra: np.ndarray  # (T,) for each child beyond six
    jobbstimulans_share: np.ndarray  # (T,) share of the net wage not counted
    jobbstimulans_after: np.ndarray  # (T,) months on benefit in a row before it applies
    jobbstimulans_months: np.ndarray  # (T,) months it applies


@dataclass(frozen=True)
class LawTables:
    """What the rules say for this scenario's jobs, month by month: money, eligibility, lengths, a-kassa.

    Built from the rules and the few scenario values they depend on (:func:`law_key`),
    so replications whose draws leave those values alone share one object.
    """

    calendar: Calendar
    hours_share: float
    money: MoneyTables
    eligibility: tuple[tuple[rf.Eligibility, ...], ...]  # [job type][month]: ages and months on benefit needed
    open_for_new: np.ndarray  # (job types, T) bool: new decisions allowed (extratjänst closed from 2022)
    # jobs by start month: how long one runs its course (the plan cut at the law's maximum), by age group
    job_months: np.ndarray  # (job types, T, 2): [.., .., 1] for a household under job_young_below at the start
    job_young_below: np.ndarray  # (job types, T)
    nystartsjobb_long_away: np.ndarray  # (T,): months away from which a nystartsjobb gets the long_away level
    # a-kassa by month of decision: months earned by a finished job (0: none), old or new law
    akassa_months: dict[tuple[int, float], np.ndarray]  # (job type, job months) → (T, 2): [.., 1] for a parent
    akassa_karens_months: np.ndarray  # (T,): karensdagar in months, before the compensated days
    akassa_access: tuple[rf.AkassaAccess, ...]  # by decision month: who is paid (membership, age)
    #: (T, K) by decision month: rf.akassa_membership_thresholds, padded with inf (the schedule's membership classes)
    akassa_member_thresholds: np.ndarray
    # after the a-kassa: jobb- och utvecklingsgarantin with aktivitetsstöd
    aktivitetsstod_lowest_months: np.ndarray  # (T,) by month of entry: months the lowest level is paid
    rules: RuleSet = field(repr=False)
    stale_rules: tuple[StaleUse, ...] = ()
    #: subsidies the scenario takes up in months the rules close to new decisions: (type, months, first, last)
    closed_financing: tuple[tuple[str, int, str, str], ...] = ()
    #: memo of :meth:`state_income`, a pure function of its arguments and the fields above
    _schedules: dict = field(default_factory=dict, repr=False, compare=False)
    #: memo of what is derived from these tables alone (the ledger's schedule rows), shared by replications
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    def state_income(
        self, guarantee: bool, m: int, start: int, months: float, member: float, decided: int
    ) -> rf.AkassaSchedule:
        """The daily schedule of an a-kassa (``guarantee``: aktivitetsstöd) spell that begins in month ``m``.

        A-kassa: the rules of the decision (month ``m``), the qualifying job's wage
        (it started in ``start``), its length and the membership then. Aktivitetsstöd:
        the rules of the month the guarantee starts, at a share of the a-kassa's
        dagsförtjänst for a member whose a-kassa was income-based (decided in
        ``decided``), else the lowest level.
        """
        key = (guarantee, m, start, months, member, decided)
        found = self._schedules.get(key)
        if found is None:
            cal, hs = self.calendar, self.hours_share
            wage = self.money.wage_full_time[start] * hs
            if not guarantee:  # the spell ends when the days run out (the engine), so the days here are open
                found = rf.akassa_schedule(
                    self.rules, cal.month(m).first_day(), member, wage, hs, months, days=math.inf
                )
            else:
                on = cal.month(decided).first_day()
                share_level = rf.akassa_access(self.rules, on).share_level_after(member)
                daily = rf.akassa_dagsforjanst(self.rules, on, wage, months)
                found = rf.aktivitetsstod_schedule(self.rules, cal.month(m).first_day(), share_level, daily)
            self._schedules[key] = found
        return found


@dataclass(frozen=True)
class Params:
    """Resolved numbers of one scenario for one replication (its draws, if any, applied)."""

    scenario: str
    calendar: Calendar
    seed: int
    replications: int
    # population
    initial_households: int
    inflow: np.ndarray  # (T,) Poisson mean of arrivals in each month (the labour market applied)
    stock_shares: tuple[float, ...]  # by reason, of the initial stock
    inflow_shares: tuple[float, ...]  # by reason, of arrivals (keeps the stock composition)
    couple_share: float
    children_cdf: tuple[float, ...]  # P(n_children ≤ k), k = 0, 1, …
    ready_share: float
    readiness_effect: float  # log-ratio of the most to the least ready household's work-exit hazard
    readiness_cdf: np.ndarray  # (reasons, READINESS_CELLS + 1): CDF of arrivals' readiness on an even grid
    assessment_months: float  # months on benefit before a first placement (the mean, if it varies)
    assessment_varies: bool  # each household's own assessment time, exponential with that mean
    decisions_monthly: bool  # a first placement is decided at a month's start
    member_share: float
    age_lower: tuple[float, ...]  # lower age of each band; the last band runs to MAX_AGE
    age_cdf: tuple[float, ...]
    newly_arrived_reasons: tuple[bool, ...]
    away_before_mean: float  # mean months away from work before a benefit spell began (at arrival)
    other_income_share: float  # share of norm + housing met by income other than benefit
    other_income_kept_with_pay: float  # share of that other income kept in months with a wage or state income
    # baseline hazards
    band_starts: tuple[float, ...]
    rates: tuple[tuple[tuple[float, float, float, float], ...], ...]  # [reason][band] = (work, studies, moved, other)
    return_probability: tuple[float, float, float, float]  # by route; moved never returns
    return_mean_months: tuple[float, float, float, float]
    job_guarantee_share: float  # share of households who enter the guarantee when their a-kassa runs out
    # programme
    capacity: np.ndarray  # (place classes, T) places by class (jobs, internships) and month
    capacity_full: np.ndarray  # (place classes, T) before ramp-up, for reports
    class_months: tuple[float, float]  # planned months of a job and of an internship
    hours_share: float
    eligible_reasons: tuple[bool, ...]
    max_jobs: int
    max_internships: int
    priority: tuple[str, ...]
    placement_order: tuple[int, ...]  # place classes in the order a household is offered them
    ordinary_share: float
    # financing of a job: the subsidies tried at its start, in order, for an eligible holder
    financing_order: tuple[int, ...]  # job-type indices (JOB_TYPES) of the subsidies, in the order tried
    take_up: np.ndarray  # (job types, T): share of eligible holders whose job gets the subsidy, by start month
    join_share: float  # share of non-member job holders who join an a-kassa when the job starts
    # effects
    lock_in: tuple[float, float]  # internship, job
    dropout: tuple[float, float]
    post_window: float
    post_multiplier: tuple[float, float, float]  # internship, ordinary, created
    job_length_response: tuple[float, float, float]  # reference months, elasticity, max factor
    hire_probability: tuple[float, float]  # ordinary, created
    # money outside the rules
    supervision_cost: float
    supervision_compensation: float
    administration: float
    frames: dict[int, float]
    targets: tuple[Target, ...]
    # the rules, month by month, for this scenario's jobs
    law: LawTables = field(repr=False)
    #: places per department over time, when the scenario allocates places among departments
    departments: DepartmentPlaces | None = None
    #: this replication's labour-market conditions; None: every year as calibrated
    market: MarketFactor | None = None

    @property
    def n_months(self) -> int:
        return self.calendar.n_months

    @property
    def programme_on(self) -> bool:
        return bool(self.capacity.any())

    def without_programme(self) -> Params:
        """The counterfactual: the same scenario and draws with no places."""
        return dataclasses.replace(self, capacity=np.zeros_like(self.capacity), departments=None)


def _mean_spells(totals: np.ndarray, band_starts: tuple[float, ...]) -> np.ndarray:
    """Mean months on benefit of each row of piecewise-constant total exit hazards (rows × bands; inf: never ends)."""
    s, mean = np.ones(len(totals)), np.zeros(len(totals))
    with np.errstate(divide="ignore", invalid="ignore"):
        for i in range(totals.shape[1]):
            h = totals[:, i]
            if i + 1 == len(band_starts):
                return mean + np.where(h > 0, s / h, np.inf)
            width = band_starts[i + 1] - band_starts[i]
            mean = mean + np.where(h > 0, s * (1 - np.exp(-h * width)) / h, s * width)
            s = s * np.exp(-h * width)
    return mean


#: Cells of the readiness grid on which the arrivals' readiness distribution is tabulated.
READINESS_CELLS = 256


def _inflow_composition(
    rates: list[tuple[tuple[float, float, float, float], ...]],
    band_starts: tuple[float, ...],
    stock: list[float],
    effect: float,
) -> tuple[tuple[float, ...], np.ndarray]:
    """Arrivals by reason, and their readiness, that keep the stock's composition (a steady state).

    Readiness is a household's quantile in the stock, uniform there; its work
    hazard is scaled by :func:`~model.hazards.readiness_multiplier`. In a steady
    state the stock of a (reason, readiness) group is inflow × mean spell, so the
    inflow's density is ∝ stock share / mean spell: the ready leave sooner, so
    more of them arrive than the stock shows. Returns the reason shares and, per
    reason, the CDF of readiness over ``READINESS_CELLS`` equal cells of [0, 1]
    (uniform when every group's spells never end or readiness has no effect).
    """
    edges = np.linspace(0.0, 1.0, READINESS_CELLS + 1)
    mid = (edges[:-1] + edges[1:]) / 2
    mult = readiness_multiplier(mid, effect)
    uniform = np.tile(edges, (len(rates), 1))
    band = np.array(rates, dtype=np.float64)  # (reasons, bands, routes)
    totals = mult[None, :, None] * band[:, None, :, 0] + band[:, None, :, 1:].sum(axis=3)  # (reasons, cells, bands)
    m = _mean_spells(totals.reshape(-1, band.shape[1]), band_starts).reshape(len(rates), READINESS_CELLS)
    with np.errstate(divide="ignore"):
        inverse = np.where(np.isinf(m), 0.0, 1.0 / m)
    if any(stock[r] > 0 and (inverse[r] == 0).any() for r in range(len(rates))):
        return tuple(stock), uniform  # a group never leaves: no steady state to keep
    raw = [s * float(inverse[r].mean()) for r, s in enumerate(stock)]
    shares = tuple(x / sum(raw) for x in raw) if sum(raw) > 0 else tuple(stock)
    if effect == 0:
        return shares, uniform
    cdf = np.concatenate([np.zeros((len(rates), 1)), np.cumsum(inverse, axis=1)], axis=1)
    cdf = np.where(cdf[:, -1:] > 0, cdf / np.where(cdf[:, -1:] > 0, cdf[:, -1:], 1.0), uniform)
    return shares, cdf


def _for_year(values: dict[int, V], year: int) -> V:
    """The value given for ``year``, else the latest earlier year's (the earliest year's if none is earlier)."""
    earlier = [k for k in values if k <= year]
    return values[max(earlier)] if earlier else values[min(values)]


def _by_year(values: dict[int, float] | float, cal: Calendar) -> np.ndarray:
    """A per-month array from a number or a {year: value} map."""
    if not isinstance(values, dict):
        return np.full(cal.n_months, float(values))
    years = np.asarray(cal.year_of_month())
    first = int(years.min())
    by_year = np.array([float(_for_year(values, y)) for y in range(first, int(years.max()) + 1)])
    return by_year[years - first]


def _capacity(sc: Scenario, cal: Calendar) -> tuple[np.ndarray, np.ndarray]:
    """Places by class and month, ramped up over the first months.

    From starts per year: starts × planned months / 12; or the places given (places_per_year).
    """
    p = sc.programme
    full = np.zeros((len(PLACE_CLASSES), cal.n_months))
    per_place = 12.0 if p.places_per_year is not None else None
    targets = {y: _for_year(p.targets_by_year, y) for y in set(cal.year_of_month())}
    for m, y in enumerate(cal.year_of_month()):
        target = targets[y]
        full[JOBS, m] = target.jobs * (per_place or p.duration_months.jobs) / 12
        full[INTERNSHIPS, m] = target.internships * (per_place or p.duration_months.internships) / 12
    full = np.rint(full)
    ramp = np.minimum(1.0, (np.arange(cal.n_months) + 1) / (p.ramp_up_months + 1))
    return np.rint(full * ramp).astype(np.int64), full.astype(np.int64)


def resolve(sc: Scenario, rules: RuleSet | None = None, file: str = "<scenario>") -> Params:
    """Turn a validated scenario and the rules into :class:`Params` at its central values."""
    return Resolver(sc, rules, file).central


#: Replications that share one draw of the uncertain values (with their own households and events), so that
#: the spread splits into parameter and process uncertainty by the law of total variance (model/outcomes.py).
REPS_PER_DRAW = 2


#: Draws a :class:`Resolver` keeps (a run of 20 000 replications; each is a few dozen floats).
DRAWS_KEPT = 10_000


def parameter_set(rep: int) -> int:
    """The draw of uncertain values replication ``rep`` uses: replications 2k and 2k + 1 share draw k."""
    return rep // REPS_PER_DRAW


class Resolver:
    """The parameters of each replication of a scenario: its draws applied, the rule tables shared.

    Resolving the rules for every month is the costly part (tens of ms); it
    depends only on a few scenario values (:func:`law_key`), so replications
    whose draws leave those alone share one :class:`LawTables` (and one
    departments plan). Without uncertain values, or with ``fixed``, every
    replication gets the central :class:`Params` itself. A second engine or a
    remote backend reads the same per-replication parameters from here.
    """

    def __init__(self, sc: Scenario, rules: RuleSet | None = None, file: str = "<scenario>", fixed: bool = False):
        self.scenario, self.file, self.fixed = sc, file, fixed
        self.rules = rules or load_rules()
        self._law: dict[tuple, LawTables] = {}
        self._plans: dict = {}  # department plans, shared by draws that differ only in lead times
        self._keys = value_keys(sc)
        alloc = sc.programme.allocation  # read once, here: replications on other machines get it as data
        self.departments = load_departments(alloc.departments) if alloc is not None else None
        posterior = (  # read once, here, like the departments table
            load_posterior(sc.posterior, lambda path: is_number_at(sc, path), file, sc.posterior_except)
            if sc.posterior is not None
            else None
        )
        self.posterior = posterior if posterior is not None and posterior.paths else None  # none left: none
        self._last: tuple[int, Params] | None = None
        self._drawn: dict[int, dict[str, float]] = {}
        # the central values: a posterior's weighted medians where it gives the value (what --fixed runs)
        centre = {path: self.posterior.band(path)[0] for path in self.posterior.paths} if self.posterior else {}
        try:
            central = with_values(sc, centre, self._keys)
        except InputError as err:
            raise InputError(
                [Problem(file, "posterior", f"the posterior's weighted medians do not fit: {pr.field}: {pr.message}")
                 for pr in err.problems]
            ) from None  # fmt: skip
        self.central = self._resolve(central, None)

    def __getstate__(self) -> dict:
        return self.__dict__ | {"_last": None, "_drawn": {}}  # a copy sent to a worker travels light

    @property
    def uncertain(self) -> bool:
        """Whether replications differ in their parameters (a value of non-zero width or a labour-market factor)."""
        lm = self.scenario.labour_market
        years = self.scenario.calendar.years()
        market = lm is not None and lm.sigma > 0 and lm.first_year <= years[-1]
        joint = self.posterior is not None  # even one row: its values replace the scenario's
        return not self.fixed and (any(not d.point for d in self.scenario.distributions.values()) or market or joint)

    def draws(self, rep: int) -> dict[str, float]:
        """Replication ``rep``'s value of every uncertain path (empty when fixed).

        Kept for the first :data:`DRAWS_KEPT` draws: a run checks them before it starts and records them
        when it ends.
        """
        if self.fixed:
            return {}
        key = parameter_set(rep)
        found = self._drawn.get(key)
        if found is None:
            found = draw_all(self.scenario.distributions, self.scenario.seed, key) | self._joint(key)
            if len(self._drawn) < DRAWS_KEPT:
                self._drawn[key] = found
        return dict(found)

    def _draw_ahead(self, reps: int) -> None:
        """Keep the draws of replications ``0 … reps-1`` (up to :data:`DRAWS_KEPT`), each value's for every
        draw at once (:func:`~model.uncertainty.draw_many`): what :meth:`draws` would give, a thousand at a time."""
        keys = sorted({parameter_set(r) for r in range(reps)} - set(self._drawn))[: DRAWS_KEPT - len(self._drawn)]
        if keys and not self.fixed:
            drawn = draw_many(self.scenario.distributions, self.scenario.seed, keys)
            self._drawn |= {k: d | self._joint(k) for k, d in zip(keys, drawn, strict=True)}

    def _joint(self, key: int) -> dict[str, float]:
        """Parameter set ``key``'s row of the posterior (none without one)."""
        return self.posterior.draw(self.scenario.seed, key) if self.posterior is not None else {}

    def market(self, sc: Scenario, rep: int) -> MarketFactor | None:
        return None if self.fixed else market_factor(sc.labour_market, sc.calendar, sc.seed, parameter_set(rep))

    def for_replication(self, rep: int) -> Params:
        """The parameters of replication ``rep`` (replications that share a draw share them: the last is kept)."""
        if not self.uncertain:
            return self.central
        key = parameter_set(rep)
        if self._last is not None and self._last[0] == key:
            return self._last[1]
        sc = with_values(self.scenario, self.draws(rep), self._keys)
        p = self._resolve(sc, self.market(sc, rep))
        self._last = (key, p)
        return p

    def for_values(self, rep: int, values: dict[str, float]) -> Params:
        """Replication ``rep``'s parameters with ``values`` in place of their draws: a calibration's proposal,
        the scenario's other uncertain values drawn as in a run (not cached: each proposal is its own)."""
        sc = with_values(self.scenario, self.draws(rep) | values, self._keys)
        return self._resolve(sc, self.market(sc, rep))

    def check_draws(self, reps: int) -> None:
        """Every draw a run of ``reps`` replications uses must be valid as a whole, before anything runs.

        Each distribution is checked where it is written (its extremes, others at their central values);
        here the drawn values are checked together (e.g. duration bands that must increase) and drawn
        reform values against the rules' limits. Raises :class:`InputError` naming field and replication.
        """
        if not self.uncertain:
            return
        reforms = any(path.startswith("reforms.") for path in self.scenario.distributions)
        self._draw_ahead(reps)
        problems: list[Problem] = []
        for rep in range(0, reps, REPS_PER_DRAW):
            try:
                sc = with_values(self.scenario, self.draws(rep), self._keys)
                if reforms:  # the rules' functions check the values they use: resolve the draw (cached for the run)
                    self._resolve(sc, None)
            except InputError as err:
                problems += [
                    Problem(self.file, pr.field, f"the values drawn for replication {rep} do not fit: {pr.message}")
                    for pr in err.problems
                ]
            except RuleError as err:
                problems.append(Problem(self.file, "reforms", f"the values drawn for replication {rep}: {err}"))
            if len(problems) >= 5:
                break
        if problems:
            raise InputError(problems)

    def parameter_rows(self, rep: int) -> dict[str, float]:
        """What ``parameters.parquet`` records for ``rep``: each draw, and the labour-market factor by year."""
        values = self.draws(rep)
        sc = self.scenario
        lm = sc.labour_market
        prefix = "labour_market."
        drawn = {path.removeprefix(prefix): v for path, v in values.items() if path.startswith(prefix)}
        if drawn and lm is not None:  # the factor reads only these: the part validated again, not the whole scenario
            data = lm.model_dump(mode="json")
            for path, value in drawn.items():
                set_path(data, path, value)
            sc = sc.model_copy(update={"labour_market": type(lm).model_validate(data)})
        market = self.market(sc, rep)
        if market is not None:
            values |= {factor_path(y): x for y, x in market.factor.items()}
        return values

    def _resolve(self, sc: Scenario, market: MarketFactor | None) -> Params:
        cal = sc.calendar
        bl = sc.baseline
        rates = []
        for reason in REASONS:
            r = getattr(bl.exit_per_month, reason)
            rates.append(tuple((r.work * k, r.studies * k, r.moved * k, r.other * k) for k in bl.duration_multipliers))
        band_starts = tuple(float(b) for b in bl.duration_bands)
        stock = [getattr(sc.population.reasons, r) for r in REASONS]
        inflow_shares, readiness_cdf = _inflow_composition(rates, band_starts, stock, bl.readiness_work_effect)

        kids = sc.population.children
        n_max = max(kids)
        cdf = tuple(float(np.cumsum([kids.get(k, 0.0) for k in range(n_max + 1)])[k]) for k in range(n_max + 1))

        prog = sc.programme
        capacity, capacity_full = _capacity(sc, cal)
        departments = None
        if prog.allocation is not None:  # departments open their places over their lead times instead of one ramp
            departments = department_places(
                prog.allocation, capacity_full, cal, self.file, self._plans, self.departments
            )
            capacity = capacity_full.copy()
        ages = sorted(sc.population.age_shares)
        ret = bl.returns

        # a subsidy's rules are looked up only for months in which a job can start with it: the scenario has job
        # places and takes the subsidy up (so an unused or closed subsidy needs no rules, and is never stale)
        has_jobs = capacity_full[JOBS] > 0
        take_up = np.zeros((len(JOB_TYPES), cal.n_months))
        for t in SUBSIDY_TYPES:
            take_up[JOB_INDEX[t]] = _by_year(getattr(prog.financing.take_up, t), cal) * has_jobs
        key = law_key(sc, has_jobs, take_up > 0)
        if key not in self._law:
            self._law[key] = _law_tables(sc, self.rules, self.file, has_jobs, take_up > 0)
        inflow = _by_year(sc.population.inflow_per_month, cal)
        return Params(
            scenario=sc.name,
            calendar=cal,
            seed=sc.seed,
            replications=sc.replications,
            initial_households=sc.population.initial_households,
            inflow=inflow if market is None else inflow * market.inflow,
            stock_shares=tuple(stock),
            inflow_shares=inflow_shares,
            couple_share=sc.population.couple_share,
            children_cdf=cdf,
            ready_share=sc.population.ready_share,
            readiness_effect=bl.readiness_work_effect,
            readiness_cdf=readiness_cdf,
            assessment_months=prog.assessment_months,
            assessment_varies=prog.assessment_varies,
            decisions_monthly=prog.decisions_at_month_start,
            member_share=sc.population.akassa_member_share,
            age_lower=tuple(float(a) for a in ages),
            age_cdf=tuple(float(x) for x in np.cumsum([sc.population.age_shares[a] for a in ages])),
            newly_arrived_reasons=tuple(r in sc.population.newly_arrived_reasons for r in REASONS),
            away_before_mean=sc.population.months_away_before_benefit,
            other_income_share=sc.population.other_income_share,
            other_income_kept_with_pay=sc.population.other_income_kept_with_pay,
            band_starts=band_starts,
            rates=tuple(rates),
            return_probability=(ret.work.probability, ret.studies.probability, 0.0, ret.other.probability),
            return_mean_months=(ret.work.mean_months, ret.studies.mean_months, 1.0, ret.other.mean_months),
            job_guarantee_share=bl.job_guarantee_share,
            capacity=capacity,
            capacity_full=capacity_full,
            class_months=(float(prog.duration_months.jobs), float(prog.duration_months.internships)),
            hours_share=prog.hours_share,
            eligible_reasons=tuple(r in prog.eligible_reasons for r in REASONS),
            max_jobs=prog.max_jobs_per_household,
            max_internships=prog.max_internships_per_household,
            priority=tuple(prog.priority),
            placement_order=tuple(PLACE_CLASSES.index(c) for c in prog.placement_order),
            ordinary_share=prog.ordinary_workplace_share,
            financing_order=tuple(JOB_INDEX[t] for t in prog.financing.order),
            take_up=take_up,
            join_share=prog.akassa_join_at_job_start,
            lock_in=(sc.effects.lock_in.internship, sc.effects.lock_in.job),
            dropout=(sc.effects.dropout_per_month.internship, sc.effects.dropout_per_month.job),
            post_window=float(sc.effects.post_programme_window_months),
            post_multiplier=(
                sc.effects.post_programme_multiplier.internship,
                sc.effects.post_programme_multiplier.ordinary,
                sc.effects.post_programme_multiplier.created,
            ),
            job_length_response=(
                sc.effects.job_length_response.reference_months,
                sc.effects.job_length_response.elasticity,
                sc.effects.job_length_response.max_factor,
            ),
            hire_probability=(sc.effects.hire_probability.ordinary, sc.effects.hire_probability.created),
            supervision_cost=prog.supervision_cost_per_month,
            supervision_compensation=prog.supervision_compensation_per_month,
            administration=prog.administration_per_participant_month,
            frames=dict(sc.budget_frames),
            targets=tuple(sc.targets),
            law=self._law[key],
            departments=departments,
            market=market,
        )


def law_key(sc: Scenario, has_jobs: np.ndarray, used: np.ndarray) -> tuple:
    """Every scenario value :class:`LawTables` depends on: reforms, hours, job length, payroll, a-kassa counting,
    and in which months jobs and each subsidy can start."""
    prog = sc.programme
    reforms = sc.model_dump(mode="json", include={"reforms"})
    return (
        repr(reforms),
        prog.hours_share,
        prog.duration_months.jobs,
        prog.payroll,
        tuple(prog.akassa_new_law_counting_job_types),
        has_jobs.tobytes(),
        used.tobytes(),
    )


def _law_tables(sc: Scenario, rules: RuleSet, file: str, has_jobs: np.ndarray, used: np.ndarray) -> LawTables:
    """The rules of every month for the scenario's jobs (see :class:`LawTables`)."""
    rules = _reformed(rules, sc, file).tracked()
    cal = sc.calendar
    dates = [ym.first_day() for ym in cal.months()]
    open_for_new = np.array(
        [
            [rf.open_for_new_placements(rules, t, d) if used[k, m] else True for m, d in enumerate(dates)]
            for k, t in enumerate(JOB_TYPES)
        ]
    )
    can_start = np.vstack([has_jobs, (used & open_for_new)[1:]])  # municipal funds: whenever there are job places
    eligibility = tuple(
        tuple(rf.eligibility(rules, t, d) if can_start[k, m] and k else rf.Eligibility() for m, d in enumerate(dates))
        for k, t in enumerate(JOB_TYPES)
    )
    money = _money(sc, rules, dates, can_start)
    job_months, young_below = _job_months(sc, rules, dates, can_start)
    akassa_months = _akassa_months(sc, rules, dates, money.wage_full_time, job_months)
    after_job = _after_job(sc, rules, dates, money.wage_full_time, has_jobs)
    ny = JOB_INDEX["nystartsjobb"]
    long_away = [
        rules.value("nystartsjobb.long_away_months", d) if can_start[ny, m] else math.inf for m, d in enumerate(dates)
    ]
    return LawTables(
        calendar=cal,
        hours_share=sc.programme.hours_share,
        money=money,
        eligibility=eligibility,
        open_for_new=open_for_new,
        job_months=job_months,
        job_young_below=young_below,
        nystartsjobb_long_away=np.array(long_away, dtype=float),
        akassa_months=akassa_months,
        **after_job,
        rules=rules,
        stale_rules=tuple(rules.stale_uses()),
        closed_financing=_closed_financing(used, open_for_new, cal),
    )


def _closed_financing(used: np.ndarray, open_for_new: np.ndarray, cal: Calendar) -> tuple:
    """Each subsidy the scenario takes up in months the rules close to new decisions (extratjänst from 2022)."""
    out = []
    for k, t in enumerate(JOB_TYPES):
        closed = np.flatnonzero(used[k] & ~open_for_new[k])
        if len(closed):
            first, last = str(cal.month(int(closed[0]))), str(cal.month(int(closed[-1])))
            out.append((t, len(closed), first, last))
    return tuple(out)


def closed_financing_text(closed: tuple[str, int, str, str]) -> str:
    """One warning line (terminal, manifest) for an entry of :attr:`Params.closed_financing`."""
    t, n, first, last = closed
    return (
        f"{t}: taken up in {n} months of {first}–{last} in which the rules allow no new decisions (jobs go without it)"
    )


def _reformed(rules: RuleSet, sc: Scenario, file: str) -> RuleSet:
    """The rules with the scenario's reforms; each bad reform is a problem naming its field."""
    problems = []
    for path, dated in sc.reforms.items():
        try:
            rules.with_reforms({path: dated})
        except RuleError as err:
            problems.append(Problem(file, f"reforms.{path}", str(err)))
        except InputError as err:
            problems += [Problem(file, f"reforms.{path}", pr.message) for pr in err.problems]
    if problems:
        raise InputError(problems)
    return rules.with_reforms(sc.reforms, source=file)


def _job_months(sc: Scenario, rules: RuleSet, dates: list, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Months a job runs its course, by financing, start month and age group: the plan cut at the law's maximum.

    A job keeps the maximum of its start date; months in which a financing cannot start (``starts``) are not looked up.
    """
    out = np.zeros((len(JOB_TYPES), len(dates), 2))
    young_below = np.zeros((len(JOB_TYPES), len(dates)))
    planned = float(sc.programme.duration_months.jobs)
    for k, job in enumerate(JOB_TYPES):
        for m, d in enumerate(dates):
            most = rf.max_duration(rules, job, d) if starts[k, m] else rf.MaxDuration()
            young_below[k, m] = most.young_below
            out[k, m] = min(planned, most.months), min(planned, most.months_young)
    return out, young_below


def _akassa_months(
    sc: Scenario, rules: RuleSet, dates: list, wage_full_time: np.ndarray, job_months: np.ndarray
) -> dict[tuple[int, float], np.ndarray]:
    """Months of a-kassa a finished job earns, by job type and length, and decision month (the law of that date)."""
    prog = sc.programme
    counting = tuple(prog.akassa_new_law_counting_job_types)
    out = {}
    for k, job in enumerate(JOB_TYPES):
        for months in sorted(set(job_months[k].ravel().tolist())):
            table = np.zeros((len(dates), 2))
            for m, d in enumerate(dates):
                wage = wage_full_time[max(0, m - round(months))] * prog.hours_share
                hours = prog.hours_share * rules.value("wage.full_time_hours", d)
                per_month = rules.value("akassa.days.per_month", d)
                for parent in (0, 1):
                    days = rf.akassa_entitlement(rules, d, job, months, hours, wage, bool(parent), counting)
                    table[m, parent] = days / per_month
            out[k, months] = table
    return out


def _after_job(sc: Scenario, rules: RuleSet, dates: list, wage: np.ndarray, has_jobs: np.ndarray) -> dict:
    """Per decision month: karensdagar, who is paid, and how long the lowest aktivitetsstöd lasts.

    The ledger's rates are looked up here too (months with job places), so that their stale uses are reported.
    """
    hs, planned = sc.programme.hours_share, sc.programme.duration_months.jobs
    karens, access, lowest, thresholds = [], [], [], []
    jobs_so_far = np.cumsum(has_jobs) > 0  # a decision can only follow a job that started
    for m, d in enumerate(dates):
        if not jobs_so_far[m]:
            karens.append(0.0)
            access.append(rf.AkassaAccess(0.0, 0.0, 0.0))
            lowest.append(0.0)
            thresholds.append(())
            continue
        per_month = rules.value("akassa.days.per_month", d)
        karens.append(rules.value("akassa.karens_days", d) / per_month)
        access.append(rf.akassa_access(rules, d))
        thresholds.append(rf.akassa_membership_thresholds(rules, d))
        lowest.append(rules.value("aktivitetsstod.lowest.max_days", d) / per_month)
        for member_months in (0.0, math.inf):
            rf.akassa_schedule(rules, d, member_months, wage[m] * hs, hs, planned, days=math.inf)
        daily = rf.akassa_dagsforjanst(rules, d, wage[m] * hs, planned)
        for share_level in (False, True):
            rf.aktivitetsstod_schedule(rules, d, share_level, daily)
    width = max((len(t) for t in thresholds), default=0) or 1
    member_thresholds = np.full((len(dates), width), np.inf)
    for m, t in enumerate(thresholds):
        member_thresholds[m, : len(t)] = t
    return {
        "akassa_karens_months": np.array(karens),
        "akassa_access": tuple(access),
        "akassa_member_thresholds": member_thresholds,
        "aktivitetsstod_lowest_months": np.array(lowest),
    }


def _money(sc: Scenario, rules: RuleSet, dates: list, starts: np.ndarray) -> MoneyTables:
    """Rule values per month; a financing's subsidy and support only for months a job can start with it (``starts``)."""
    tables = [rf.norm_tables(rules, d) for d in dates]
    bands = {t.child_bands for t in tables}
    if len(bands) != 1:
        raise InputError(
            [Problem("model/rules/benefit_norm.yaml", "child.age_bands", "age bands must not change within a run")]
        )
    wage = np.array([rf.labour_market_wage(rules, d) for d in dates])
    # a subsidy is rate × (the capped wage, for a wage-cost subsidy, + the fee on it); rate and cap of the start month
    rate = np.zeros((len(JOB_TYPES), len(rf.NYSTARTSJOBB_LEVELS), len(dates)))
    cap = np.zeros((len(JOB_TYPES), len(dates)))
    for k, job in enumerate(JOB_TYPES[1:], start=1):
        for m, d in enumerate(dates):
            if not starts[k, m]:
                continue
            cap[k, m] = rules.value(f"{job}.wage_cap", d)
            if job == "nystartsjobb":
                rate[k, :, m] = [rules.value(f"nystartsjobb.k.{level}", d) for level in rf.NYSTARTSJOBB_LEVELS]
            else:
                rate[k, :, m] = rules.value(f"{job}.share", d)
    jobs_ever = starts[0].any()  # payroll rules only for runs with jobs
    support = np.array(
        [
            [
                rf.supervision_support_per_month(rules, job, d) if starts[k, m] else (0.0, 0.0)
                for m, d in enumerate(dates)
            ]
            for k, job in enumerate(JOB_TYPES)
        ]
    )
    return MoneyTables(
        single=np.array([t.single for t in tables]),
        couple=np.array([t.couple for t in tables]),
        child_bands=np.array(tables[0].child_bands),
        child_amounts=np.array([t.child_amounts for t in tables]),
        common_by_size=np.array([t.common_by_size for t in tables]),
        rent_adults=np.array([rules.value("housing.rent.adults_only", d) for d in dates]),
        rent_children=np.array([rules.value("housing.rent.with_children", d) for d in dates]),
        allowance_per_child=np.array([rules.value("child_allowance.per_child", d) for d in dates]),
        allowance_age_limit=float(rules.value("child_allowance.age_limit", dates[0])),
        tax_wage=np.array([rules.value("income_tax.effective_rate.wage", d) for d in dates]),
        tax_akassa=np.array([rules.value("income_tax.effective_rate.akassa", d) for d in dates]),
        arbetsgivaravgift=np.array([rules.value("payroll.arbetsgivaravgift", d) for d in dates]),
        youth_rate=np.array([rules.value("payroll.youth.rate", d) if jobs_ever else 0.0 for d in dates]),
        youth_cap=np.array([rules.value("payroll.youth.wage_cap", d) if jobs_ever else 0.0 for d in dates]),
        youth_ages=np.array(
            [
                (rules.value("payroll.youth.age_from", d), rules.value("payroll.youth.age_below", d))
                if jobs_ever
                else (0.0, 0.0)
                for d in dates
            ]
        ),
        pension_rate=np.array(
            [rf.pension_cost(rules, d, 1.0, sc.programme.payroll) if jobs_ever else 0.0 for d in dates]
        ),
        year_start=np.array([m - (d.month - 1) for m, d in enumerate(dates)], dtype=np.int64),
        wage_full_time=wage,
        subsidy_rate=rate,
        subsidy_cap=cap,
        subsidy_covers_wage=np.array([job in rf.WAGE_COST_SUBSIDIES for job in JOB_TYPES], dtype=float),
        support=support[..., 0],
        support_months=support[..., 1],
        studiebidrag=np.array(
            [
                rules.value("child_allowance.studiebidrag.per_month", d)
                if d.month in rules.value("child_allowance.studiebidrag.months", d)
                else 0.0
                for d in dates
            ]
        ),
        studiebidrag_age_below=float(rules.value("child_allowance.studiebidrag.age_below", dates[0])),
        flerbarn=np.array([[rf.flerbarnstillagg(rules, d, n) for n in range(7)] for d in dates]),
        flerbarn_extra=np.array([rules.value("child_allowance.flerbarnstillagg.per_extra_child", d) for d in dates]),
        jobbstimulans_share=np.array([rules.value("jobbstimulans.share", d) if jobs_ever else 0.0 for d in dates]),
        jobbstimulans_after=np.array(
            [rules.value("jobbstimulans.months_on_benefit", d) if jobs_ever else 0.0 for d in dates]
        ),
        jobbstimulans_months=np.array(
            [rules.value("jobbstimulans.duration_months", d) if jobs_ever else 0.0 for d in dates]
        ),
    )

"""The money ledger: every SEK a flow from a payer to a payee in a category.

Flows are accrued exactly into calendar months: a household in a state from
``t0`` to ``t1`` accrues its monthly amount × the overlap of ``[t0, t1)`` with
each month. Each category has one payer, one payee and the rule that sets it,
so every SEK can be traced to a household (through its visit) and a rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from model import ledger_kernel as lk
from model.params import Params
from model.population import Population
from model.states import State
from model.visits import Visits

PARTIES: tuple[str, ...] = ("social_board", "department", "state", "household", "external")
#: Parties inside the municipality; flows between them are internal transfers.
MUNICIPALITY: tuple[str, ...] = ("social_board", "department")


@dataclass(frozen=True)
class Category:
    name: str
    payer: str
    payee: str
    rule: str  # what sets the amount: a rule path (model/rules) or a scenario field


CATEGORIES: tuple[Category, ...] = (
    Category("benefit", "social_board", "household", "benefit_norm + housing − child_allowance"),
    Category(
        "topup_wage",
        "social_board",
        "household",
        "benefit_norm + housing − child_allowance − net wage (less jobbstimulans.share after 6 months on benefit)",
    ),
    Category("topup_akassa", "social_board", "household", "benefit_norm + housing − child_allowance − net a-kassa"),
    Category(
        "topup_aktivitetsstod",
        "social_board",
        "household",
        "benefit_norm + housing − child_allowance − net aktivitetsstöd",
    ),
    Category("wage", "social_board", "household", "wage.monthly_wage × programme.hours_share"),
    Category(
        "arbetsgivaravgift", "social_board", "state", "payroll.arbetsgivaravgift (payroll.youth.rate for ages 18–22)"
    ),
    Category(
        "pension_insurance",
        "social_board",
        "external",
        "payroll.bea_pension (AKAP-KR) or payroll.po_total − arbetsgivaravgift (programme.payroll)",
    ),
    Category(
        "subsidy_nystartsjobb", "state", "social_board", "nystartsjobb.k.<level> × the arbetsgivaravgift on the wage"
    ),
    Category("subsidy_introduktionsjobb", "state", "social_board", "introduktionsjobb.share × wage cost"),
    Category("subsidy_extratjanst", "state", "social_board", "extratjanst.share × wage cost"),
    Category("supervision_support", "state", "social_board", "<introduktionsjobb|extratjanst>.supervision_support"),
    Category("akassa", "state", "household", "akassa (old law) or akassa_new, by the decision date"),
    Category("aktivitetsstod", "state", "household", "aktivitetsstod, from the month the a-kassa ran out"),
    Category("supervision", "department", "external", "programme.supervision_cost_per_month"),
    Category("supervision_compensation", "social_board", "department", "programme.supervision_compensation_per_month"),
    Category("administration", "social_board", "external", "programme.administration_per_participant_month"),
    Category(
        "penalty",
        "department",
        "social_board",
        "programme.allocation.penalty_per_missing_place_month × missing place-months",
    ),
)
CATEGORY_INDEX = {c.name: i for i, c in enumerate(CATEGORIES)}
BENEFIT_CATEGORIES = ("benefit", "topup_wage", "topup_akassa", "topup_aktivitetsstod")

_INT, _AK = int(State.INTERNSHIP), int(State.AKASSA)
_AS = int(State.AKTIVITETSSTOD)


def party_signs() -> np.ndarray:
    """(parties, categories): +1 where the party pays, −1 where it receives."""
    s = np.zeros((len(PARTIES), len(CATEGORIES)))
    for j, c in enumerate(CATEGORIES):
        s[PARTIES.index(c.payer), j] += 1
        s[PARTIES.index(c.payee), j] -= 1
    return s


SIGNS = party_signs()


@dataclass(frozen=True)
class Rows:
    """Visit-month rows: which visit, which month, the overlap, and SEK per category."""

    visit: np.ndarray
    month: np.ndarray
    overlap: np.ndarray
    sek: np.ndarray  # (rows, categories)


@dataclass(frozen=True)
class Priced:
    """One arm priced: flows per category and month, and households on benefit."""

    flows: np.ndarray  # (categories, months) SEK
    households_on_benefit: np.ndarray  # (months,)
    on_benefit: np.ndarray  # (households, months) bool: received benefit or a top-up in the month
    rows: Rows | None = None
    paid: np.ndarray | None = None  # (households, months) SEK of benefit and top-ups, if asked for


def _money(p: Params) -> lk.Money:
    """The money tables and the scenario's money values, as the compiled ledger reads them."""
    mt = p.law.money
    f = {name: np.asarray(getattr(mt, name), dtype=np.float64) for name in lk.Money._fields if hasattr(mt, name)}
    f = {name: float(a) if a.ndim == 0 else a for name, a in f.items()}  # the scalars as floats
    return lk.Money(
        **f,
        need_version=_need_version(p),
        other_income_share=float(p.other_income_share),
        other_income_kept_with_pay=float(p.other_income_kept_with_pay),
        hours_share=float(p.hours_share),
        supervision_cost=float(p.supervision_cost),
        supervision_compensation=float(p.supervision_compensation),
        administration=float(p.administration),
    )


def _need_version(p: Params) -> np.ndarray:
    """(3, months): for households without children, with children none of school age, and with one, numbers
    for the runs of months in which every table :func:`~model.ledger_kernel.need` reads for them is the same,
    bit for bit (kept with the rules' tables). Within a run a household's need changes only as its children
    grow."""
    found = p.law.memo.get("need version")
    if found is None:
        mt = p.law.money
        T = p.n_months
        found = np.zeros((len(lk.NEED_TABLES), T), dtype=np.int64)
        for i, names in enumerate(lk.NEED_TABLES):
            changed = np.zeros(T, dtype=bool)
            changed[0] = True
            for name in names:
                bits = np.ascontiguousarray(getattr(mt, name), dtype=np.float64).reshape(T, -1).view(np.int64)
                changed[1:] |= (bits[1:] != bits[:-1]).any(axis=1)
            found[i] = np.cumsum(changed)
        p.law.memo["need version"] = found
    return found


def _households(pop: Population) -> lk.Households:
    return lk.Households(
        adults=pop.adults.astype(np.int64),
        n_children=pop.n_children.astype(np.int64),
        child_birth=pop.child_birth,
        age=pop.age,
        arrival=pop.arrival,
        kids_max=int(pop.n_children.max()) if pop.n else 0,
    )


def need(p: Params, pop: Population, hh: np.ndarray, month: np.ndarray, keep: np.ndarray | None = None) -> np.ndarray:
    """Benefit before programme income: norm + housing − other income − child allowances, per row.

    The same arithmetic as :func:`model.rules.functions.benefit_amount` (compiled: model/ledger_kernel.py);
    children's ages are taken at the start of the month. ``keep`` is the share of norm + housing not met by
    other income, per row (default: 1 − the scenario's other-income share).
    """
    if keep is None:
        keep = np.full(len(hh), 1 - p.other_income_share)
    hh, month = np.asarray(hh, dtype=np.int64), np.asarray(month, dtype=np.int64)
    return lk.need_rows(_money(p), _households(pop), hh, month, np.asarray(keep, dtype=np.float64))


class ScheduleTable:
    """Every a-kassa and aktivitetsstöd schedule met so far, as rows the compiled ledger reads.

    A schedule is a pure function of its key (:meth:`~model.params.LawTables.state_income`), so one table per
    rules' tables serves every replication: a call looks up the keys it meets (once each) and appends the new
    ones. Rows: each day band's lower and upper day and rate (padded with empty bands), days, days per month.
    Keys are found in compiled code (:func:`~model.ledger_kernel.find_rows`), bit for bit (NaN-safe, unlike ==).
    """

    def __init__(self) -> None:
        self.key_bits = np.zeros((0, lk.SCHEDULE_KEY), dtype=np.int64)
        self.slots = np.full(64, -1, dtype=np.int64)  # an open-addressing table of rows, at most half full
        self.lower, self.upper, self.rate = np.zeros((0, 1)), np.full((0, 1), np.inf), np.zeros((0, 1))
        self.days, self.per_month = np.zeros(0), np.zeros(0)

    def index(self, p: Params, keys: np.ndarray, inputs: Callable[[int], tuple]) -> np.ndarray:
        """The row of each key (rows of ``keys``), building the schedules not met before (from the first
        key i of each: ``inputs(i)`` gives its arguments of :meth:`~model.params.LawTables.state_income`)."""
        bits = keys.view(np.int64)
        found = np.empty(len(keys), dtype=np.int64)
        lk.find_rows(bits, self.slots, self.key_bits, found)
        missing = np.flatnonzero(found < 0)
        if len(missing):
            as_bytes = keys[missing].view(np.dtype((np.void, keys.shape[1] * 8))).ravel().tolist()
            new: dict[bytes, int] = {}
            for i, key in zip(missing.tolist(), as_bytes, strict=True):
                new.setdefault(key, i)  # the first visit of each new key
            self._append(p, [inputs(i) for i in new.values()], bits[list(new.values())])
            lk.find_rows(bits, self.slots, self.key_bits, found)
        return found

    def _append(self, p: Params, args: list[tuple], bits: np.ndarray) -> None:
        built = [p.law.state_income(*a) for a in args]
        n, width = len(self.days), max(self.rate.shape[1], *(len(s.rates) for s in built))
        lower, upper, rate = (
            np.zeros((n + len(built), width)),
            np.full((n + len(built), width), np.inf),
            np.zeros((n + len(built), width)),
        )
        w = self.rate.shape[1]
        lower[:n, :w], upper[:n, :w], rate[:n, :w] = self.lower, self.upper, self.rate
        for i, s in enumerate(built):
            edges = (0.0, *s.breaks, np.inf)
            k = len(s.rates)
            lower[n + i, :k], upper[n + i, :k], rate[n + i, :k] = edges[:k], edges[1 : k + 1], s.rates
        self.lower, self.upper, self.rate = lower, upper, rate
        self.days = np.append(self.days, [s.days for s in built])
        self.per_month = np.append(self.per_month, [s.days_per_month for s in built])
        n_rows, size, first = len(self.key_bits) + len(bits), len(self.slots), len(self.key_bits)
        if 2 * n_rows > size:  # keep it at most half full: build it again, a power of two as large as needed
            while 2 * n_rows > size:
                size *= 2
            self.slots, first = np.full(size, -1, dtype=np.int64), 0
        self.key_bits = np.concatenate([self.key_bits, bits])
        lk.add_rows(self.key_bits, first, self.slots)


def _schedules(p: Params, visits: Visits) -> tuple[np.ndarray, ScheduleTable]:
    """The schedule row of each a-kassa and aktivitetsstöd visit (−1 for others), and the table of rows.

    Visits that share the schedule's inputs share its row; the table is kept with the rules' tables, so
    replications build few schedules.
    """
    table = p.law.memo.get("ledger schedules")
    if table is None:
        table = p.law.memo["ledger schedules"] = ScheduleTable()
    law = p.law
    income_based = law.memo.get("income-based months")
    if income_based is None:
        months = [a.income_based_months for a in law.akassa_access]
        income_based = law.memo["income-based months"] = np.array(months, dtype=np.float64)
    n = len(visits)
    index = np.full(n, -1, dtype=np.int64)
    which, keys = np.empty(n, dtype=np.int64), np.empty((n, lk.SCHEDULE_KEY))
    m = lk.schedule_keys(
        visits.state, visits.t0, visits.t1, visits.ref, visits.job_months, visits.member_months, p.n_months - 1,
        np.asarray(law.akassa_member_thresholds, dtype=np.float64), income_based, which, keys,
    )  # fmt: skip
    if not m:
        return index, table
    which, keys = which[:m], keys[:m]

    def inputs(i: int) -> tuple:
        v = which[i]
        ref, months = visits.ref[v], visits.job_months[v]
        decided = np.minimum(np.floor(ref + months), p.n_months - 1)
        return bool(keys[i, 0]), int(keys[i, 1]), int(ref), float(months), float(visits.member_months[v]), int(decided)

    index[which] = table.index(p, keys, inputs)
    return index, table


def price(p: Params, pop: Population, visits: Visits, keep_rows: bool = False, per_household: bool = False) -> Priced:
    """Price one arm's visits into monthly flows per category (model/ledger_kernel.py does the arithmetic).

    Each row's amounts are summed straight into monthly totals; the full
    (rows × categories) table is built only for a trace. ``per_household``
    also keeps each household's benefit and top-ups by month (what a follow-up
    of particular households needs, model/follow_up.py).
    """
    T = p.n_months
    flows = np.zeros((len(CATEGORIES), T))
    mark = np.zeros((pop.n, T), dtype=bool)
    index, s = _schedules(p, visits)
    vc = lk.VisitColumns(
        hh=visits.hh, state=visits.state.astype(np.int64), t0=visits.t0, t1=visits.t1, ref=visits.ref,
        level=visits.level.astype(np.int64), spell_start=visits.spell_start, schedule=index, lower=s.lower,
        upper=s.upper, rate=s.rate, days=s.days, per_month=s.per_month,
    )  # fmt: skip
    n_rows = lk.count_rows(vc.state, visits.t0, visits.t1, T) if keep_rows else 0
    vis, month = np.zeros(n_rows, dtype=np.int64), np.zeros(n_rows, dtype=np.int64)
    overlap, sek = np.zeros(n_rows), np.zeros((n_rows, len(CATEGORIES)))
    marked = np.zeros(T, dtype=np.int64)
    paid = np.zeros((pop.n, T) if per_household else (0, 0))
    lk.price_visits(_money(p), _households(pop), vc, T, flows, mark, marked, paid, vis, month, overlap, sek)
    rows = Rows(vis, month, overlap, sek) if keep_rows else None
    return Priced(flows, marked, mark, rows, paid if per_household else None)


#: Per department and month (:func:`department_months`): places allocated and filled (place-months), missing
#: place-months and the penalty for them, placements started, and the department's supervision money.
DEPARTMENT_FIELDS: tuple[str, ...] = (
    "allocated_jobs",
    "allocated_internships",
    "filled_jobs",
    "filled_internships",
    "missing_place_months",
    "penalty_sek",
    "starts_jobs",
    "starts_internships",
    "supervision_sek",
    "compensation_sek",
)


def department_months(p: Params, visits: Visits) -> np.ndarray | None:
    """(departments, DEPARTMENT_FIELDS, months) for one arm's visits; None without departments.

    A department misses, in each month and class, the places allocated to it
    less the place-months filled (never below 0): places not yet created, closed
    months and places waiting for a household all count, as in Malmö's model.
    """
    dp = p.departments
    if dp is None:
        return None
    T = p.n_months
    out = np.zeros((dp.n, len(DEPARTMENT_FIELDS), T))
    out[:, 0:2] = dp.target
    lk.department_place_months(visits.state, visits.t0, visits.t1, visits.dept, T, out)
    missing = np.maximum(out[:, 0:2] - out[:, 2:4], 0.0).sum(axis=1)
    out[:, 4] = missing
    out[:, 5] = missing * dp.penalty
    filled = out[:, 2] + out[:, 3]
    out[:, 8] = filled * p.supervision_cost
    out[:, 9] = filled * p.supervision_compensation
    return out

"""The money ledger: every SEK a flow from a payer to a payee in a category.

Flows are accrued exactly into calendar months: a household in a state from
``t0`` to ``t1`` accrues its monthly amount × the overlap of ``[t0, t1)`` with
each month. Each category has one payer, one payee and the rule that sets it,
so every SEK can be traced to a household (through its visit) and a rule.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.params import Params
from model.population import Population
from model.rules import functions as rf
from model.states import JOB_STATES, PLACE_STATES, State
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

_BEN, _INT, _AK = int(State.BENEFIT), int(State.INTERNSHIP), int(State.AKASSA)
_AS = int(State.AKTIVITETSSTOD)
_MONEY_STATES = np.array([_BEN, _INT, *[int(s) for s in JOB_STATES], _AK, _AS])


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


def expand(
    visits: Visits, n_months: int, states: np.ndarray, which: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows (visit index, month, overlap) for the visits ``which`` in ``states`` with time in the horizon."""
    sel = visits.state[which]
    idx = which[np.isin(sel, states) & (visits.t1[which] > visits.t0[which])]
    t0, t1 = visits.t0[idx], visits.t1[idx]
    m0 = np.floor(t0).astype(np.int64)
    m1 = np.minimum(np.ceil(t1).astype(np.int64), n_months)  # exclusive
    n = np.maximum(m1 - m0, 0)
    vis = np.repeat(idx, n)
    offset = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    month = np.repeat(m0, n) + offset
    overlap = np.minimum(visits.t1[vis], month + 1) - np.maximum(visits.t0[vis], month)
    return vis, month, overlap


def need(p: Params, pop: Population, hh: np.ndarray, month: np.ndarray, keep: np.ndarray | None = None) -> np.ndarray:
    """Benefit before programme income: norm + housing − other income − child allowances, per row.

    The same arithmetic as :func:`model.rules.functions.benefit_amount`, on arrays;
    children's ages are taken at the start of the month. ``keep`` is the share
    of norm + housing not met by other income, per row (default: 1 − the
    scenario's other-income share). Rows of households without children read an
    (adults, month) table; only the others do the age-band work.
    """
    mt = p.law.money
    if keep is None:
        keep = np.full(len(hh), 1 - p.other_income_share)
    adults = pop.adults[hh].astype(np.int64) - 1  # 0: single, 1: couple
    width = mt.common_by_size.shape[1]
    no_kids_table = np.stack(
        [
            mt.single + mt.common_by_size[:, 0] + mt.rent_adults[:, 0],
            mt.couple + mt.common_by_size[:, 1] + mt.rent_adults[:, 1],
        ]
    )
    out = no_kids_table[adults, month] * keep
    with_kids = np.flatnonzero(pop.n_children[hh] > 0)
    if len(with_kids):
        kids_max = int(pop.n_children.max())
        births = pop.child_birth[hh[with_kids], :kids_max]
        mk, ak = month[with_kids], adults[with_kids]
        present = ~np.isnan(births)
        ages = np.where(present, np.maximum((mk[:, None] - births) / 12.0, 0.0), np.inf)
        in_norm = ages < mt.child_bands[-1] + 2
        band = np.searchsorted(mt.child_bands, np.where(in_norm, ages, 0.0), side="right") - 1
        child = np.where(in_norm, mt.child_amounts[mk[:, None], band], 0.0).sum(axis=1)
        n_kids = in_norm.sum(axis=1)
        size = ak + 1 + n_kids
        common = mt.common_by_size[mk, np.minimum(size, width) - 1]
        common += np.maximum(size - width, 0) * (mt.common_by_size[mk, -1] - mt.common_by_size[mk, -2])
        housing = np.where(
            n_kids > 0,
            mt.rent_children[mk, np.clip(n_kids, 1, mt.rent_children.shape[1]) - 1],
            mt.rent_adults[mk, ak],
        )
        personal = np.where(ak == 0, mt.single[mk], mt.couple[mk]) + child
        young = (ages < mt.allowance_age_limit).sum(axis=1)
        pupils = ((ages >= mt.allowance_age_limit) & (ages < mt.studiebidrag_age_below)).sum(axis=1)
        n = young + pupils
        width_f = mt.flerbarn.shape[1] - 1
        flerbarn = mt.flerbarn[mk, np.minimum(n, width_f)] + np.maximum(n - width_f, 0) * mt.flerbarn_extra[mk]
        allowance = mt.allowance_per_child[mk] * young + mt.studiebidrag[mk] * pupils + flerbarn
        out[with_kids] = (personal + common + housing) * keep[with_kids] - allowance
    return out


#: Visits priced at a time: keeps the working arrays in cache, so pricing stays linear in households.
CHUNK_VISITS = 20_000


def price(p: Params, pop: Population, visits: Visits, keep_rows: bool = False) -> Priced:
    """Price one arm's visits into monthly flows per category.

    Each category is summed straight into monthly totals for the rows it
    concerns; the full (rows × categories) table is built only for a trace.
    """
    T = p.n_months
    flows = np.zeros((len(CATEGORIES), T))
    mark = np.zeros((pop.n, T), dtype=bool)
    kept: list[Rows] = []
    for lo in range(0, max(len(visits), 1), CHUNK_VISITS):
        which = np.arange(lo, min(lo + CHUNK_VISITS, len(visits)))
        vis, month, f, parts = _price_rows(p, pop, visits, which)
        for cat, (idx, sek) in parts.items():
            flows[CATEGORY_INDEX[cat]] += np.bincount(month[idx], weights=sek, minlength=T)
            if cat in BENEFIT_CATEGORIES:
                paid = idx[sek > 0]
                mark[visits.hh[vis[paid]], month[paid]] = True
        if keep_rows:
            table = np.zeros((len(vis), len(CATEGORIES)))
            for cat, (idx, sek) in parts.items():
                table[idx, CATEGORY_INDEX[cat]] = sek
            kept.append(Rows(vis, month, f, table))
    rows = None
    if keep_rows:
        rows = Rows(*(np.concatenate([getattr(r, k) for r in kept]) for k in ("visit", "month", "overlap", "sek")))
    return Priced(flows, mark.sum(axis=0), mark, rows)


def _price_rows(
    p: Params, pop: Population, visits: Visits, which: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, tuple[np.ndarray, np.ndarray]]]:
    """The (visit, month) rows of the visits ``which``, and per category the rows it concerns with their SEK."""
    T = p.n_months
    mt = p.law.money
    vis, month, f = expand(visits, T, _MONEY_STATES, which)
    state = visits.state[vis]
    # in months with a wage, a-kassa or aktivitetsstöd only a part of the other income is kept (the scenario's)
    with_pay = state > _INT
    other = p.other_income_share * np.where(with_pay, p.other_income_kept_with_pay, 1.0)
    net_need = need(p, pop, visits.hh[vis], month, 1 - other)
    parts: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    b = np.flatnonzero(state <= _INT)  # benefit and internship: benefit continues
    parts["benefit"] = (b, np.maximum(net_need[b], 0.0) * f[b])

    place = np.flatnonzero((state >= _INT) & (state < _AK))
    parts["supervision"] = (place, p.supervision_cost * f[place])
    parts["supervision_compensation"] = (place, p.supervision_compensation * f[place])
    parts["administration"] = (place, p.administration * f[place])

    j = np.flatnonzero((state > _INT) & (state < _AK))
    if len(j):
        start = np.floor(visits.ref[vis[j]]).astype(np.int64)
        wage = mt.wage_full_time[start] * p.hours_share
        mj, fj = month[j], f[j]
        hh = visits.hh[vis[j]]
        age = pop.age[hh] + (mt.year_start[mj] - pop.arrival[hh]) / 12  # at the start of the year paid
        young = (age >= mt.youth_ages[mj, 0]) & (age < mt.youth_ages[mj, 1])

        def fee(w: np.ndarray) -> np.ndarray:
            full = mt.arbetsgivaravgift[mj]
            reduced = mt.youth_rate[mj] * np.minimum(w, mt.youth_cap[mj]) + full * np.maximum(w - mt.youth_cap[mj], 0)
            return np.where(young, reduced, full * w)

        parts["wage"] = (j, wage * fj)
        parts["arbetsgivaravgift"] = (j, fee(wage) * fj)
        parts["pension_insurance"] = (j, wage * mt.pension_rate[mj] * fj)
        # jobbstimulans: after 6 months on benefit in a row a share of the net wage is not counted for 24 months;
        # a household still on benefit qualifies again after another 6 (periods of 30 months from the spell's start)
        after, lasts = mt.jobbstimulans_after[mj], mt.jobbstimulans_months[mj]
        since = mj - np.floor(visits.spell_start[vis[j]] + after)
        applies = (since >= 0) & (np.mod(since, after + lasts) < lasts)
        counted = 1 - mt.jobbstimulans_share[mj] * applies
        parts["topup_wage"] = (j, np.maximum(net_need[j] - counted * wage * (1 - mt.tax_wage[mj]), 0.0) * fj)
        job_type = state[j].astype(np.int64) - int(State.MUNICIPAL_JOB)
        capped = np.minimum(wage, mt.subsidy_cap[job_type, start] * p.hours_share)
        base = mt.subsidy_covers_wage[job_type] * capped + fee(capped)
        subsidy = mt.subsidy_rate[job_type, visits.level[vis[j]], start] * base * fj
        for s in JOB_STATES[1:]:
            is_type = state[j] == int(s)
            parts[f"subsidy_{s.label}"] = (j[is_type], subsidy[is_type])
        # supervision support: the part of each job month within the support months after the job's start
        js, st_s = j, visits.ref[vis[j]]
        end = st_s + mt.support_months[job_type, start]
        lo = np.maximum(np.maximum(visits.t0[vis[js]], month[js]), st_s)
        hi = np.minimum(np.minimum(visits.t1[vis[js]], month[js] + 1), end)
        support = mt.support[job_type, start] * np.maximum(hi - lo, 0.0)
        has = support > 0
        parts["supervision_support"] = (js[has], support[has])

    for s, paid, topup in ((_AK, "akassa", "topup_akassa"), (_AS, "aktivitetsstod", "topup_aktivitetsstod")):
        a = np.flatnonzero(state == s)
        if len(a):
            amount = _state_income(p, visits, vis[a], month[a], f[a])
            parts[paid] = (a, amount)
            parts[topup] = (a, np.maximum(net_need[a] * f[a] - amount * (1 - mt.tax_akassa[month[a]]), 0.0))
    return vis, month, f, parts


def _schedule(p: Params, visits: Visits, v: int) -> rf.AkassaSchedule:
    """The daily schedule of an a-kassa or aktivitetsstöd visit (see :meth:`~model.params.LawTables.state_income`)."""
    state, m = int(visits.state[v]), int(visits.t0[v])
    start, months, member = int(visits.ref[v]), float(visits.job_months[v]), float(visits.member_months[v])
    decided = min(int(visits.ref[v] + months), p.n_months - 1)  # the month the a-kassa was decided
    return p.law.state_income(state == _AS, m, start, months, member, decided)


def _state_income(p: Params, visits: Visits, vis: np.ndarray, month: np.ndarray, f: np.ndarray) -> np.ndarray:
    """SEK of a-kassa or aktivitetsstöd in each (visit, month) row, by day number since the visit began.

    Each visit's schedule (:func:`_schedule`) is piecewise constant per day; the
    days falling in each month are priced on arrays with its cumulative amount.
    """
    uniq, inverse = np.unique(vis, return_inverse=True)
    schedules = [_schedule(p, visits, v) for v in uniq.tolist()]
    width = max(len(s.rates) for s in schedules)
    lower = np.zeros((len(uniq), width))
    upper = np.full((len(uniq), width), np.inf)
    rate = np.zeros((len(uniq), width))
    days = np.empty(len(uniq))
    per_month = np.empty(len(uniq))
    for i, s in enumerate(schedules):
        edges = (0.0, *s.breaks, np.inf)
        for k, r in enumerate(s.rates):
            lower[i, k], upper[i, k], rate[i, k] = edges[k], edges[k + 1], r
        days[i], per_month[i] = s.days, s.days_per_month

    def cumulative(day: np.ndarray) -> np.ndarray:
        d = np.clip(day, 0.0, days[inverse])[:, None]
        return (rate[inverse] * np.clip(d - lower[inverse], 0.0, upper[inverse] - lower[inverse])).sum(axis=1)

    t0 = visits.t0[vis]
    lo = np.maximum(t0, month) - t0
    pm = per_month[inverse]
    return cumulative((lo + f) * pm) - cumulative(lo * pm)


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
_PLACE_STATES = np.array([int(s) for s in PLACE_STATES])


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
    which = np.flatnonzero(np.isin(visits.state, _PLACE_STATES) & (visits.dept >= 0))
    vis, month, f = expand(visits, T, _PLACE_STATES, which)
    cls = (visits.state[vis] == _INT).astype(np.int64)  # 0 jobs, 1 internships
    np.add.at(out, (visits.dept[vis].astype(np.int64), 2 + cls, month), f)
    missing = np.maximum(out[:, 0:2] - out[:, 2:4], 0.0).sum(axis=1)
    out[:, 4] = missing
    out[:, 5] = missing * dp.penalty
    started = which[visits.t0[which] < T]
    np.add.at(
        out,
        (
            visits.dept[started].astype(np.int64),
            6 + (visits.state[started] == _INT).astype(np.int64),
            np.floor(visits.t0[started]).astype(np.int64),
        ),
        1,
    )
    filled = out[:, 2] + out[:, 3]
    out[:, 8] = filled * p.supervision_cost
    out[:, 9] = filled * p.supervision_compensation
    return out

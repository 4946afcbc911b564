"""The ledger's arithmetic, compiled: every (visit, month) row priced in one pass.

:func:`model.ledger.price` hands this module a visit log, the households and
the rules' money tables; it returns monthly flows per category and who
received benefit in which month. Each row's amounts are computed operation for
operation as the rules say (model/ledger.py documents each category), in the
order numpy computed them before this module existed, so each row's SEK has
the same bits; only the order in which rows are summed into months differs.
"""

from __future__ import annotations

import math
from collections import namedtuple

import numba
import numpy as np

from model.unowned import unowned

# states (model.states.State)
_INT, _MUNICIPAL, _AK, _AS = 1, 2, 6, 7
# categories (model.ledger.CATEGORIES), in order
(
    BENEFIT, TOPUP_WAGE, TOPUP_AKASSA, TOPUP_AKTIVITETSSTOD, WAGE, ARBETSGIVARAVGIFT, PENSION_INSURANCE,
    SUBSIDY_NYSTARTSJOBB, SUBSIDY_INTRODUKTIONSJOBB, SUBSIDY_EXTRATJANST, SUPERVISION_SUPPORT, AKASSA,
    AKTIVITETSSTOD, SUPERVISION, SUPERVISION_COMPENSATION, ADMINISTRATION, PENALTY, N_CATEGORIES,
) = range(18)  # fmt: skip

#: The money tables and scalars the kernel reads (model.params.MoneyTables, and Params' own).
Money = namedtuple(
    "Money",
    [
        "single", "couple", "child_bands", "child_amounts", "common_by_size", "rent_adults", "rent_children",
        "allowance_per_child", "allowance_age_limit", "studiebidrag", "studiebidrag_age_below", "flerbarn",
        "flerbarn_extra", "tax_wage", "tax_akassa", "arbetsgivaravgift", "youth_rate", "youth_cap", "youth_ages",
        "pension_rate", "year_start", "wage_full_time", "subsidy_rate", "subsidy_cap", "subsidy_covers_wage",
        "support", "support_months", "jobbstimulans_share", "jobbstimulans_after", "jobbstimulans_months",
        "other_income_share", "other_income_kept_with_pay", "hours_share", "supervision_cost",
        "supervision_compensation", "administration",
    ],
)  # fmt: skip
#: The households' columns the ledger reads.
Households = namedtuple("Households", ["adults", "n_children", "child_birth", "age", "arrival", "kids_max"])
#: Visit columns (model.visits.Visits) and, for a-kassa and aktivitetsstöd visits, their daily schedule.
VisitColumns = namedtuple(
    "VisitColumns",
    [
        "hh", "state", "t0", "t1", "ref", "level", "spell_start",
        "schedule", "lower", "upper", "rate", "days", "per_month",  # a-kassa and aktivitetsstöd
    ],
)  # fmt: skip


@numba.njit(cache=True, inline="always")  # a tuple of arrays costs more to pass than to use
def need(mt, hs, h, m, keep):
    """Benefit before programme income in month ``m``: norm + housing − other income − child allowances.

    :func:`model.rules.functions.benefit_amount` on the month's tables; children's ages at the start of the month.
    """
    ak = hs.adults[h] - 1  # 0: single, 1: couple
    if hs.n_children[h] == 0:
        if ak == 0:
            table = mt.single[m] + mt.common_by_size[m, 0] + mt.rent_adults[m, 0]
        else:
            table = mt.couple[m] + mt.common_by_size[m, 1] + mt.rent_adults[m, 1]
        return table * keep
    bands = mt.child_bands
    top = bands[len(bands) - 1] + 2
    child = 0.0
    n_kids = young = pupils = 0
    for k in range(hs.kids_max):
        b = hs.child_birth[h, k]
        if b != b:  # no such child
            continue
        age = max((m - b) / 12.0, 0.0)
        if age < top:
            band = np.searchsorted(bands, age, side="right") - 1
            child += mt.child_amounts[m, band]
            n_kids += 1
        if age < mt.allowance_age_limit:
            young += 1
        elif age < mt.studiebidrag_age_below:
            pupils += 1
    width = mt.common_by_size.shape[1]
    size = ak + 1 + n_kids
    common = mt.common_by_size[m, min(size, width) - 1]
    common += max(size - width, 0) * (mt.common_by_size[m, width - 1] - mt.common_by_size[m, width - 2])
    if n_kids > 0:
        housing = mt.rent_children[m, min(max(n_kids, 1), mt.rent_children.shape[1]) - 1]
    else:
        housing = mt.rent_adults[m, ak]
    personal = (mt.single[m] if ak == 0 else mt.couple[m]) + child
    n = young + pupils
    width_f = mt.flerbarn.shape[1] - 1
    flerbarn = mt.flerbarn[m, min(n, width_f)] + max(n - width_f, 0) * mt.flerbarn_extra[m]
    allowance = mt.allowance_per_child[m] * young + mt.studiebidrag[m] * pupils + flerbarn
    return (personal + common + housing) * keep - allowance


@numba.njit(cache=True, inline="always")
def _fee(mt, m, w, young):
    full = mt.arbetsgivaravgift[m]
    if young:
        return mt.youth_rate[m] * min(w, mt.youth_cap[m]) + full * max(w - mt.youth_cap[m], 0.0)
    return full * w


@numba.njit(cache=True, inline="always")
def _cumulative(vc, s, day):
    """SEK of state income paid over the first ``day`` days of schedule ``s``."""
    d = min(max(day, 0.0), vc.days[s])
    out = 0.0
    for k in range(vc.rate.shape[1]):
        lo, hi = vc.lower[s, k], vc.upper[s, k]
        out += vc.rate[s, k] * min(max(d - lo, 0.0), hi - lo)
    return out


@numba.njit(cache=True, inline="always")
def _add(flows, rows_sek, row, cat, m, sek):
    flows[cat, m] += sek
    if rows_sek.shape[0] > 0:
        rows_sek[row, cat] = sek


@numba.njit(cache=True)
def price_visits(mt_, hs_, vc_, T, flows_, mark_, marked_, rows_vis_, rows_month_, rows_overlap_, rows_sek_):
    """Price every visit in a money state into ``flows`` (categories × months) and ``mark`` (households × months:
    benefit or a top-up was paid; ``marked`` counts them per month). With room in ``rows_*`` (one row per
    visit-month), also keep each row."""
    mt, hs, vc, flows, mark = unowned(mt_), unowned(hs_), unowned(vc_), unowned(flows_), unowned(mark_)
    marked = unowned(marked_)
    rows_vis, rows_month, rows_overlap, rows_sek = (
        unowned(rows_vis_), unowned(rows_month_), unowned(rows_overlap_), unowned(rows_sek_)
    )  # fmt: skip
    row = 0
    for v in range(len(vc.hh)):
        st = vc.state[v]
        t0, t1 = vc.t0[v], vc.t1[v]
        if st > _AS or not t1 > t0:  # not a money state (the exits), or empty
            continue
        h = vc.hh[v]
        with_pay = st > _INT
        keep = 1 - mt.other_income_share * (mt.other_income_kept_with_pay if with_pay else 1.0)
        m0, m1 = math.floor(t0), min(math.ceil(t1), T)
        for m in range(m0, m1):
            f = min(t1, m + 1.0) - max(t0, float(m))
            if rows_sek.shape[0] > 0:
                rows_vis[row], rows_month[row], rows_overlap[row] = v, m, f
            net_need = need(mt, hs, h, m, keep)
            paid = False
            if st <= _INT:  # benefit and internship: benefit continues
                sek = max(net_need, 0.0) * f
                _add(flows, rows_sek, row, BENEFIT, m, sek)
                paid = sek > 0
            if _INT <= st < _AK:  # a place
                _add(flows, rows_sek, row, SUPERVISION, m, mt.supervision_cost * f)
                _add(flows, rows_sek, row, SUPERVISION_COMPENSATION, m, mt.supervision_compensation * f)
                _add(flows, rows_sek, row, ADMINISTRATION, m, mt.administration * f)
            if _INT < st < _AK:  # a job
                ref = vc.ref[v]
                start = math.floor(ref)
                wage = mt.wage_full_time[start] * mt.hours_share
                age = hs.age[h] + (mt.year_start[m] - hs.arrival[h]) / 12  # at the start of the year paid
                young = age >= mt.youth_ages[m, 0] and age < mt.youth_ages[m, 1]
                _add(flows, rows_sek, row, WAGE, m, wage * f)
                _add(flows, rows_sek, row, ARBETSGIVARAVGIFT, m, _fee(mt, m, wage, young) * f)
                _add(flows, rows_sek, row, PENSION_INSURANCE, m, wage * mt.pension_rate[m] * f)
                # jobbstimulans: after `after` months on benefit in a row a share of the net wage is not counted
                # for `lasts` months; a household still on benefit qualifies again (periods from the spell's start)
                after, lasts = mt.jobbstimulans_after[m], mt.jobbstimulans_months[m]
                since = m - np.floor(vc.spell_start[v] + after)
                period = after + lasts  # 0 only if a reform sets both to 0: then it never applies (as np.mod's NaN)
                applies = 1.0 if (since >= 0 and period > 0 and since % period < lasts) else 0.0
                counted = 1 - mt.jobbstimulans_share[m] * applies
                sek = max(net_need - counted * wage * (1 - mt.tax_wage[m]), 0.0) * f
                _add(flows, rows_sek, row, TOPUP_WAGE, m, sek)
                paid = sek > 0
                job = st - _MUNICIPAL
                capped = min(wage, mt.subsidy_cap[job, start] * mt.hours_share)
                base = mt.subsidy_covers_wage[job] * capped + _fee(mt, m, capped, young)
                subsidy = mt.subsidy_rate[job, vc.level[v], start] * base * f
                if job > 0:
                    _add(flows, rows_sek, row, SUBSIDY_NYSTARTSJOBB + job - 1, m, subsidy)
                end = ref + mt.support_months[job, start]
                lo = max(max(t0, float(m)), ref)
                hi = min(min(t1, m + 1.0), end)
                support = mt.support[job, start] * max(hi - lo, 0.0)
                if support > 0:
                    _add(flows, rows_sek, row, SUPERVISION_SUPPORT, m, support)
            if st == _AK or st == _AS:
                s = vc.schedule[v]
                pm = vc.per_month[s]
                lo = max(t0, float(m)) - t0
                amount = _cumulative(vc, s, (lo + f) * pm) - _cumulative(vc, s, lo * pm)
                topup = max(net_need * f - amount * (1 - mt.tax_akassa[m]), 0.0)
                _add(flows, rows_sek, row, AKASSA if st == _AK else AKTIVITETSSTOD, m, amount)
                _add(flows, rows_sek, row, TOPUP_AKASSA if st == _AK else TOPUP_AKTIVITETSSTOD, m, topup)
                paid = topup > 0
            if paid and not mark[h, m]:
                mark[h, m] = True
                marked[m] += 1
            row += 1
    return row


@numba.njit(cache=True)
def count_rows(state, t0, t1, T):
    """Visit-month rows of the visits in a money state (for a trace that keeps every row)."""
    n = 0
    for v in range(len(state)):
        if state[v] <= _AS and t1[v] > t0[v]:
            n += max(min(math.ceil(t1[v]), T) - math.floor(t0[v]), 0)
    return n


@numba.njit(cache=True)
def need_rows(mt_, hs_, hh, month, keep):
    """:func:`need` for each (household, month, keep) row."""
    mt, hs = unowned(mt_), unowned(hs_)
    out = np.empty(len(hh))
    for i in range(len(hh)):
        out[i] = need(mt, hs, hh[i], month[i], keep[i])
    return out

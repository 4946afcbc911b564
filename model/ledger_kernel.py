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
        "supervision_compensation", "administration", "need_version",
    ],
)  # fmt: skip
#: The tables :func:`need` reads by month for a household without children, with children but none at school
#: age (studiebidrag), and with one (``need_version`` numbers the runs of months in which they are equal).
_WITH_CHILDREN = (
    "single", "couple", "child_amounts", "common_by_size", "rent_adults", "rent_children", "allowance_per_child",
    "flerbarn", "flerbarn_extra",
)  # fmt: skip
NEED_TABLES = (("single", "couple", "common_by_size", "rent_adults"), _WITH_CHILDREN, (*_WITH_CHILDREN, "studiebidrag"))
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
    return need_until(mt, hs, h, m, keep, 0)[0]


@numba.njit(cache=True, inline="always")
def _first_month_at(b, edge, m):
    """The first month after ``m`` at whose start a child born at ``b`` is ``edge`` years or older, by the very
    arithmetic :func:`need_until` ages children with (``edge`` > 0)."""
    c = max(math.floor(b + 12.0 * edge), m + 1)
    while c > m + 1 and (c - 1 - b) / 12.0 >= edge:
        c -= 1
    while (c - b) / 12.0 < edge:
        c += 1
    return c


@numba.njit(cache=True, inline="always")
def need_until(mt, hs, h, m, keep, T):
    """:func:`need`; the first month (at most ``T``) in which any child's age reaches a band or an age limit
    it has not reached at month ``m``; and which tables the need read (the row of ``mt.need_version``).
    Until that month it changes only if those tables change."""
    ak = hs.adults[h] - 1  # 0: single, 1: couple
    if hs.n_children[h] == 0:
        if ak == 0:
            table = mt.single[m] + mt.common_by_size[m, 0] + mt.rent_adults[m, 0]
        else:
            table = mt.couple[m] + mt.common_by_size[m, 1] + mt.rent_adults[m, 1]
        return table * keep, T, 0
    bands = mt.child_bands
    nb = len(bands)
    top = bands[nb - 1] + 2
    child = 0.0
    n_kids = young = pupils = 0
    until = T
    for k in range(hs.kids_max):
        b = hs.child_birth[h, k]
        if b != b:  # no such child
            continue
        age = max((m - b) / 12.0, 0.0)
        edge = math.inf  # the next age at which this child counts differently
        if age < top:
            band = np.searchsorted(bands, age, side="right") - 1
            child += mt.child_amounts[m, band]
            n_kids += 1
            edge = bands[band + 1] if band + 1 < nb else top
        if age < mt.allowance_age_limit:
            young += 1
            edge = min(edge, mt.allowance_age_limit)
        elif age < mt.studiebidrag_age_below:
            pupils += 1
            edge = min(edge, mt.studiebidrag_age_below)
        if edge < math.inf and until > m + 1:
            until = min(until, _first_month_at(b, edge, m))
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
    return (personal + common + housing) * keep - allowance, until, 1 if pupils == 0 else 2


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
def price_visits(mt_, hs_, vc_, T, flows_, mark_, marked_, paid_, rows_vis_, rows_month_, rows_overlap_, rows_sek_):
    """Price every visit in a money state into ``flows`` (categories × months) and ``mark`` (households × months:
    benefit or a top-up was paid; ``marked`` counts them per month). With room in ``paid`` (households × months),
    also sum each household's benefit and top-ups per month; with room in ``rows_*`` (one row per visit-month,
    in visit order), keep each row. Returns the number of rows.

    Visits on benefit or in an internship (most rows) are priced in a loop of their own, the others in a
    second: a loop that reads few tables keeps them in registers, one that reads all of them reloads them
    at every row.
    """
    mt, hs, vc, flows, mark = unowned(mt_), unowned(hs_), unowned(vc_), unowned(flows_), unowned(mark_)
    marked, paid = unowned(marked_), unowned(paid_)
    per_household = paid.shape[0] > 0
    rows_vis, rows_month, rows_overlap, rows_sek = (
        unowned(rows_vis_), unowned(rows_month_), unowned(rows_overlap_), unowned(rows_sek_)
    )  # fmt: skip
    trace = rows_sek.shape[0] > 0
    n = len(vc.hh)
    first = np.zeros(n + 1 if trace else 0, dtype=np.int64)  # each visit's first row, for a trace
    if trace:
        for v in range(n):
            first[v + 1] = first[v] + _n_rows(vc.state[v], vc.t0[v], vc.t1[v], T)
    for v in range(n):  # benefit and internships
        st = vc.state[v]
        t0, t1 = vc.t0[v], vc.t1[v]
        if st > _INT or not t1 > t0:
            continue
        h = vc.hh[v]
        keep = 1 - mt.other_income_share * 1.0
        row = first[v] if trace else 0
        m0, m1 = math.floor(t0), min(math.ceil(t1), T)
        net_need, version, until, tables = 0.0, -1, m0, 0  # need is computed again only when it can change
        for m in range(m0, m1):
            f = min(t1, m + 1.0) - max(t0, float(m))
            if m >= until or mt.need_version[tables, m] != version:
                net_need, until, tables = need_until(mt, hs, h, m, keep, T)
                version = mt.need_version[tables, m]
            sek = max(net_need, 0.0) * f
            flows[BENEFIT, m] += sek
            if st == _INT:
                flows[SUPERVISION, m] += mt.supervision_cost * f
                flows[SUPERVISION_COMPENSATION, m] += mt.supervision_compensation * f
                flows[ADMINISTRATION, m] += mt.administration * f
            if trace:
                rows_vis[row], rows_month[row], rows_overlap[row] = v, m, f
                rows_sek[row, BENEFIT] = sek
                if st == _INT:
                    rows_sek[row, SUPERVISION] = mt.supervision_cost * f
                    rows_sek[row, SUPERVISION_COMPENSATION] = mt.supervision_compensation * f
                    rows_sek[row, ADMINISTRATION] = mt.administration * f
                row += 1
            if sek > 0 and not mark[h, m]:
                mark[h, m] = True
                marked[m] += 1
            if per_household:
                paid[h, m] += sek
    for v in range(n):  # jobs, a-kassa and aktivitetsstöd
        st = vc.state[v]
        t0, t1 = vc.t0[v], vc.t1[v]
        if st <= _INT or st > _AS or not t1 > t0:
            continue
        h = vc.hh[v]
        keep = 1 - mt.other_income_share * mt.other_income_kept_with_pay
        row = first[v] if trace else 0
        m0, m1 = math.floor(t0), min(math.ceil(t1), T)
        net_need, version, until, tables = 0.0, -1, m0, 0
        for m in range(m0, m1):
            f = min(t1, m + 1.0) - max(t0, float(m))
            if trace:
                rows_vis[row], rows_month[row], rows_overlap[row] = v, m, f
            if m >= until or mt.need_version[tables, m] != version:
                net_need, until, tables = need_until(mt, hs, h, m, keep, T)
                version = mt.need_version[tables, m]
            if st < _AK:  # a job
                _add(flows, rows_sek, row, SUPERVISION, m, mt.supervision_cost * f)
                _add(flows, rows_sek, row, SUPERVISION_COMPENSATION, m, mt.supervision_compensation * f)
                _add(flows, rows_sek, row, ADMINISTRATION, m, mt.administration * f)
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
                topup = sek
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
            else:  # a-kassa or aktivitetsstöd
                s = vc.schedule[v]
                pm = vc.per_month[s]
                lo = max(t0, float(m)) - t0
                amount = _cumulative(vc, s, (lo + f) * pm) - _cumulative(vc, s, lo * pm)
                topup = max(net_need * f - amount * (1 - mt.tax_akassa[m]), 0.0)
                _add(flows, rows_sek, row, AKASSA if st == _AK else AKTIVITETSSTOD, m, amount)
                _add(flows, rows_sek, row, TOPUP_AKASSA if st == _AK else TOPUP_AKTIVITETSSTOD, m, topup)
            if topup > 0 and not mark[h, m]:
                mark[h, m] = True
                marked[m] += 1
            if per_household:
                paid[h, m] += topup
            row += 1
    return first[n] if trace else 0


@numba.njit(cache=True, inline="always")
def _n_rows(state, t0, t1, T):
    """A visit's rows: its months in the horizon if it is in a money state and not empty."""
    if state <= _AS and t1 > t0:
        return max(min(math.ceil(t1), T) - math.floor(t0), 0)
    return 0


@numba.njit(cache=True)
def count_rows(state, t0, t1, T):
    """Visit-month rows of the visits in a money state (for a trace that keeps every row)."""
    n = 0
    for v in range(len(state)):
        n += _n_rows(state[v], t0[v], t1[v], T)
    return n


@numba.njit(cache=True)
def need_rows(mt_, hs_, hh, month, keep):
    """:func:`need` for each (household, month, keep) row."""
    mt, hs = unowned(mt_), unowned(hs_)
    out = np.empty(len(hh))
    for i in range(len(hh)):
        out[i] = need(mt, hs, hh[i], month[i], keep[i])
    return out


@numba.njit(cache=True)
def department_place_months(state, t0, t1, dept, T, out):
    """Place-months filled and placements started per department, class and month, added into ``out``
    (departments × fields × months: filled at fields 2 + class, started at 6 + class; class 0 jobs,
    1 internships) for the place visits held in a department. Rows are added in visit order, month by
    month, as ``np.add.at`` over the expanded rows would."""
    for v in range(len(state)):
        st, d = state[v], dept[v]
        if st < _INT or st >= _AK or d < 0:
            continue
        cls = 1 if st == _INT else 0
        a, b = t0[v], t1[v]
        if b > a:
            for m in range(math.floor(a), min(math.ceil(b), T)):
                out[d, 2 + cls, m] += min(b, m + 1.0) - max(a, float(m))
    for v in range(len(state)):
        st, d = state[v], dept[v]
        if st < _INT or st >= _AK or d < 0 or not t0[v] < T:
            continue
        out[d, 6 + (1 if st == _INT else 0), math.floor(t0[v])] += 1.0


#: Columns of an a-kassa or aktivitetsstöd schedule's key (:func:`schedule_keys`)
SCHEDULE_KEY = 6


@numba.njit(cache=True)
def schedule_keys(state, t0, t1, ref, job_months, member_months, last_month, thresholds, income_based, which, keys):
    """The a-kassa and aktivitetsstöd visits that are not empty (their indices into ``which``), each with the key
    its schedule depends on (a row of ``keys``): aktivitetsstöd (1) or a-kassa (0), the month the visit begins,
    the month its qualifying job started, the job's months, the membership's class (a-kassa: how many of the
    decision month's thresholds the membership reaches; aktivitetsstöd: whether its a-kassa was income-based)
    and, for aktivitetsstöd only, the month the a-kassa was decided (−1 otherwise). Returns how many.

    The arithmetic of the numpy steps it replaced, bit for bit (tests/test_ledger_schedules.py)."""
    n = 0
    for v in range(len(state)):
        st = state[v]
        if not ((st == _AK or st == _AS) and t1[v] > t0[v]):
            continue
        guarantee = st == _AS
        month = np.floor(t0[v])
        r, months, member = ref[v], job_months[v], member_months[v]
        decided = np.floor(r + months)
        if decided > last_month:  # np.minimum: NaN stays NaN
            decided = float(last_month)
        if guarantee:
            cls = 1.0 if (member > 0 and member >= income_based[int(decided)] - 1e-9) else 0.0
        else:
            reached = 0
            for k in range(thresholds.shape[1]):
                if member >= thresholds[int(month), k] - 1e-9:
                    reached += 1
            cls = float(reached)
        keys[n, 0] = 1.0 if guarantee else 0.0
        keys[n, 1] = month
        keys[n, 2] = np.floor(r)
        keys[n, 3] = months
        keys[n, 4] = cls
        keys[n, 5] = decided if guarantee else -1.0
        which[n] = v
        n += 1
    return n


@numba.njit(cache=True, inline="always")
def _slot(bits, i, mask):
    """Where key ``i`` (a row of int64 words) starts its search: its words mixed with splitmix64's finaliser,
    which spreads every bit over the hash (a key's floats differ mostly in their high bits)."""
    h = np.uint64(0)
    for c in range(bits.shape[1]):
        h ^= np.uint64(bits[i, c])
        h = (h ^ (h >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        h = (h ^ (h >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        h ^= h >> np.uint64(31)
    return np.int64(h & np.uint64(mask))


@numba.njit(cache=True)
def find_rows(bits, slots, table_bits, found):
    """The row of each key (``bits``: rows of int64 words) in an open-addressing table (``slots``: row numbers,
    −1 where empty, a power of two long) of the keys ``table_bits``; −1 for a key not there."""
    mask = len(slots) - 1
    for i in range(bits.shape[0]):
        s = _slot(bits, i, mask)
        found[i] = -1
        while slots[s] >= 0:
            r = slots[s]
            same = True
            for c in range(bits.shape[1]):
                if table_bits[r, c] != bits[i, c]:
                    same = False
                    break
            if same:
                found[i] = r
                break
            s = (s + 1) & mask


@numba.njit(cache=True)
def add_rows(table_bits, first, slots):
    """Put rows ``first`` … of ``table_bits`` (keys not in the table) into ``slots``."""
    mask = len(slots) - 1
    for r in range(first, table_bits.shape[0]):
        s = _slot(table_bits, r, mask)
        while slots[s] >= 0:
            s = (s + 1) & mask
        slots[s] = r

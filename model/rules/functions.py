"""Pure functions over the rules: what a rule says for a date, a household or a job.

Each function takes the :class:`RuleSet` first and a calendar date; none knows
about the simulation. The ledger evaluates the same *tables* these functions
use (``norm_tables`` …) once per month and applies them to arrays.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from model.errors import RuleError
from model.rules.ruleset import RuleSet
from model.states import JOB_TYPES, PLACE_TYPES


@dataclass(frozen=True)
class NormTables:
    """The riksnorm amounts in force on one date."""

    single: float
    couple: float
    child_bands: tuple[float, ...]
    child_amounts: tuple[float, ...]
    common_by_size: tuple[float, ...]

    def common(self, size: int) -> float:
        """Common household costs; beyond the table each person adds the last step."""
        table = self.common_by_size
        if size <= len(table):
            return table[size - 1]
        return table[-1] + (size - len(table)) * (table[-1] - table[-2])

    def child(self, age: float) -> float:
        """Personal costs of a child of ``age`` years (0 if 21 or older)."""
        if age < 0 or age >= self.child_bands[-1] + 2:
            return 0.0
        band = 0
        for i, lower in enumerate(self.child_bands):
            if age >= lower:
                band = i
        return self.child_amounts[band]

    @property
    def max_child_age(self) -> float:
        """Children at or above this age are no longer in the household's norm."""
        return self.child_bands[-1] + 2


def norm_tables(rules: RuleSet, on: dt.date) -> NormTables:
    return NormTables(
        single=rules.value("benefit_norm.adult.single", on),
        couple=rules.value("benefit_norm.adult.couple", on),
        child_bands=rules.value("benefit_norm.child.age_bands", on),
        child_amounts=rules.value("benefit_norm.child.amounts", on),
        common_by_size=rules.value("benefit_norm.common.by_size", on),
    )


def _check_household(adults: int, child_ages: Sequence[float]) -> None:
    if adults not in (1, 2):
        raise RuleError(f"adults must be 1 or 2, got {adults}")
    if any(a < 0 for a in child_ages):
        raise RuleError(f"child ages must be ≥ 0, got {list(child_ages)}")


def benefit_norm(rules: RuleSet, on: dt.date, adults: int, child_ages: Sequence[float]) -> float:
    """Riksnorm for a household, SEK per month.

    >>> from model.rules import load_rules
    >>> benefit_norm(load_rules(), dt.date(2021, 5, 1), 1, [])
    4180.0
    """
    _check_household(adults, child_ages)
    t = norm_tables(rules, on)
    children = [a for a in child_ages if a < t.max_child_age]
    personal = (t.single if adults == 1 else t.couple) + sum(t.child(a) for a in children)
    return personal + t.common(adults + len(children))


def housing_cost(rules: RuleSet, on: dt.date, adults: int, n_children: int) -> float:
    """Assumed monthly housing cost of a household (local guideline table)."""
    _check_household(adults, [])
    if n_children <= 0:
        return rules.value("housing.rent.adults_only", on)[adults - 1]
    table = rules.value("housing.rent.with_children", on)
    return table[min(n_children, len(table)) - 1]


def flerbarnstillagg(rules: RuleSet, on: dt.date, n_children: int) -> float:
    """Flerbarnstillägg for ``n_children`` children with barnbidrag or studiebidrag, SEK per month."""
    table = rules.value("child_allowance.flerbarnstillagg.by_children", on)
    extra = rules.value("child_allowance.flerbarnstillagg.per_extra_child", on)
    if n_children <= 0:
        return 0.0
    return table[min(n_children, len(table)) - 1] + max(n_children - len(table), 0) * extra


def child_allowance(rules: RuleSet, on: dt.date, child_ages: Sequence[float]) -> float:
    """Barnbidrag, studiebidrag and flerbarnstillägg for the household's children, SEK in the month of ``on``.

    Barnbidrag under the age limit; studiebidrag from it to 20 in the months it
    is paid (September–June; every child of that age is assumed in upper
    secondary school); flerbarnstillägg for all of them, in every month.
    """
    limit = rules.value("child_allowance.age_limit", on)
    per_child = rules.value("child_allowance.per_child", on)
    below = rules.value("child_allowance.studiebidrag.age_below", on)
    paid = on.month in rules.value("child_allowance.studiebidrag.months", on)
    studiebidrag = rules.value("child_allowance.studiebidrag.per_month", on) if paid else 0.0
    young = sum(1 for a in child_ages if 0 <= a < limit)
    pupils = sum(1 for a in child_ages if limit <= a < below)
    return per_child * young + studiebidrag * pupils + flerbarnstillagg(rules, on, young + pupils)


def net_income(rules: RuleSet, on: dt.date, gross_wage: float = 0.0, gross_akassa: float = 0.0) -> float:
    """Income after the (simplified) effective tax."""
    return gross_wage * (1 - rules.value("income_tax.effective_rate.wage", on)) + gross_akassa * (
        1 - rules.value("income_tax.effective_rate.akassa", on)
    )


def benefit_amount(
    rules: RuleSet,
    on: dt.date,
    adults: int,
    child_ages: Sequence[float],
    gross_wage: float = 0.0,
    gross_akassa: float = 0.0,
    other_income: float = 0.0,
    jobbstimulans: bool = False,
) -> float:
    """Försörjningsstöd for a month: norm + housing − child allowances − net and other income, not below 0.

    With ``jobbstimulans`` (after 6 months on benefit in a row, for 24 months)
    a share of the net wage is not counted (SoL 2025:400 12 kap. 8 §).
    """
    need = benefit_norm(rules, on, adults, child_ages) + housing_cost(
        rules, on, adults, sum(1 for a in child_ages if a < norm_tables(rules, on).max_child_age)
    )
    wage = net_income(rules, on, gross_wage=gross_wage)
    if jobbstimulans:
        wage *= 1 - rules.value("jobbstimulans.share", on)
    income = child_allowance(rules, on, child_ages) + wage + net_income(rules, on, gross_akassa=gross_akassa)
    return max(0.0, need - income - other_income)


def labour_market_wage(rules: RuleSet, on: dt.date, hours_share: float = 1.0) -> float:
    """Gross monthly wage of a labour-market job at ``hours_share`` of full time."""
    return rules.value("wage.monthly_wage", on) * hours_share


def _check_job_type(job_type: str) -> None:
    if job_type not in JOB_TYPES:
        raise RuleError(f"unknown job type {job_type!r}; allowed: {', '.join(JOB_TYPES)}")


#: Job types whose subsidy is a share of the (capped) wage cost, and which carry supervision support.
WAGE_COST_SUBSIDIES: tuple[str, ...] = ("introduktionsjobb", "extratjanst")


#: Subsidy levels of a nystartsjobb, lowest first (the leaves of ``nystartsjobb.k``).
NYSTARTSJOBB_LEVELS: tuple[str, ...] = ("regular", "long_away", "newly_arrived")


def nystartsjobb_level(rules: RuleSet, on: dt.date, months_away: float, newly_arrived: bool = False) -> str:
    """The subsidy level of a nystartsjobb started on ``on`` for a household away from work ``months_away``.

    Newly arrived households get their own level; others the long-away level
    from ``nystartsjobb.long_away_months`` on. Time on benefit counts as time away.
    """
    if months_away < 0:
        raise RuleError(f"months away must be ≥ 0, got {months_away:g}")
    return level_of(months_away, newly_arrived, rules.value("nystartsjobb.long_away_months", on))


def level_of(months_away: float, newly_arrived: bool, long_away_months: float) -> str:
    """The nystartsjobb level for a household, given the long-away threshold in force."""
    if newly_arrived:
        return "newly_arrived"
    return "long_away" if months_away >= long_away_months else "regular"


def youth_fee_applies(rules: RuleSet, on: dt.date, age_at_year_start: float | None) -> bool:
    """Is the youth rate of arbetsgivaravgift for an employee of this age (at the start of the year) in force?"""
    if age_at_year_start is None:
        return False
    return rules.value("payroll.youth.age_from", on) <= age_at_year_start < rules.value("payroll.youth.age_below", on)


def employer_fee(rules: RuleSet, on: dt.date, wage: float, age_at_year_start: float | None = None) -> float:
    """Arbetsgivaravgift in SEK on a month's pay ``wage`` paid on ``on``.

    Employees who at the start of the year were 18 but not 23 pay the youth
    rate on pay up to the cap when a reduction is in force (2021-01 – 2023-03,
    lower in the summers of 2021 and 2022; 2026-04 – 2027-09); the rest at the full rate.
    """
    if wage < 0:
        raise RuleError(f"wage must be ≥ 0, got {wage}")
    full = rules.value("payroll.arbetsgivaravgift", on)
    if not youth_fee_applies(rules, on, age_at_year_start):
        return full * wage
    cap = rules.value("payroll.youth.wage_cap", on)
    return rules.value("payroll.youth.rate", on) * min(wage, cap) + full * max(wage - cap, 0.0)


def pension_cost(rules: RuleSet, on: dt.date, wage: float, payroll: str = "bea") -> float:
    """The employer's pension and insurance cost in SEK on a month's pay, beyond the arbetsgivaravgift.

    ``bea``: a newly hired municipal employee: the AKAP-KR premium with
    särskild löneskatt, plus agreed insurances. ``average_po``: the municipal
    average PO-pålägg less the arbetsgivaravgift (it carries older pension costs).
    """
    if wage < 0:
        raise RuleError(f"wage must be ≥ 0, got {wage}")
    if payroll == "average_po":
        return wage * max(rules.value("payroll.po_total", on) - rules.value("payroll.arbetsgivaravgift", on), 0.0)
    if payroll != "bea":
        raise RuleError(f"unknown payroll {payroll!r}; allowed: bea, average_po")
    tax = rules.value("payroll.bea_pension.special_payroll_tax", on)
    premium = rules.value("payroll.bea_pension.premium", on) * (1 + tax)
    return wage * (premium + rules.value("payroll.bea_pension.insurances", on))


def subsidy(
    rules: RuleSet,
    job_type: str,
    on: dt.date,
    wage: float,
    hours_share: float = 1.0,
    level: str = "regular",
    k: float | None = None,
    age_at_year_start: float | None = None,
    paid_on: dt.date | None = None,
) -> float:
    """State subsidy to the employer for one month's pay (``paid_on``, default ``on``) of a job started on ``on``.

    nystartsjobb: k × the arbetsgivaravgift the employer pays on min(wage, cap ×
    hours share) (förordning 2018:43 16 §: the fees for the employee, so the
    youth rate where it applies), k by ``level`` (:func:`nystartsjobb_level`) unless given;
    introduktionsjobb, extratjänst: share × wage cost (the capped wage and its fee);
    municipal_job: none. The level, share and cap are those of the start; the fee that of the month paid.
    """
    _check_job_type(job_type)
    if wage < 0:
        raise RuleError(f"wage must be ≥ 0, got {wage}")
    if not 0 < hours_share <= 1:
        raise RuleError(f"hours share must be in (0, 1], got {hours_share}")
    if level not in NYSTARTSJOBB_LEVELS:
        raise RuleError(f"unknown nystartsjobb level {level!r}; allowed: {', '.join(NYSTARTSJOBB_LEVELS)}")
    if k is not None and k < 0:
        raise RuleError(f"k must be ≥ 0, got {k:g}")
    paid_on = paid_on or on
    if job_type == "nystartsjobb":
        capped = min(wage, rules.value("nystartsjobb.wage_cap", on) * hours_share)
        k = rules.value(f"nystartsjobb.k.{level}", on) if k is None else k
        return k * employer_fee(rules, paid_on, capped, age_at_year_start)
    if job_type in WAGE_COST_SUBSIDIES:
        capped = min(wage, rules.value(f"{job_type}.wage_cap", on) * hours_share)
        return rules.value(f"{job_type}.share", on) * (capped + employer_fee(rules, paid_on, capped, age_at_year_start))
    return 0.0


def supervision_support_per_month(rules: RuleSet, job_type: str, on: dt.date) -> tuple[float, float]:
    """(SEK per month, months from the start) of supervision support for a job started on ``on``.

    Introduktionsjobb: a monthly amount; extratjänst: a daily amount over the
    month's calendar days; other types: none.
    """
    _check_job_type(job_type)
    if job_type == "introduktionsjobb":
        per_month = rules.value("introduktionsjobb.supervision_support.per_month", on)
    elif job_type == "extratjanst":
        per_day = rules.value("extratjanst.supervision_support.per_day", on)
        per_month = per_day * rules.value("extratjanst.supervision_support.days_per_month", on)
    else:
        return 0.0, 0.0
    return per_month, rules.value(f"{job_type}.supervision_support.months", on)


def supervision_support(rules: RuleSet, job_type: str, on: dt.date, months_into_job: float) -> float:
    """State supervision support for a job started on ``on``, in a month ``months_into_job`` after its start."""
    per_month, months = supervision_support_per_month(rules, job_type, on)
    return per_month if 0 <= months_into_job < months else 0.0


def open_for_new_placements(rules: RuleSet, place_type: str, on: dt.date) -> bool:
    """Whether a place of ``place_type`` may start on ``on`` (extratjänst closed from 2022; ongoing ones run on)."""
    if place_type not in PLACE_TYPES:
        raise RuleError(f"unknown place type {place_type!r}; allowed: {', '.join(PLACE_TYPES)}")
    return place_type != "extratjanst" or rules.value("extratjanst.new_placements", on) >= 1


@dataclass(frozen=True)
class Eligibility:
    """Who may take a place of a type: an age floor, and months on benefit by age and arrival."""

    min_age: float = 0.0
    young_below: float = 0.0
    months_young: float = 0.0
    months: float = 0.0
    months_newly_arrived: float = 0.0

    def months_needed(self, age: float, newly_arrived: bool) -> float:
        if newly_arrived:
            return self.months_newly_arrived
        return self.months_young if age < self.young_below else self.months


def eligibility(rules: RuleSet, place_type: str, on: dt.date) -> Eligibility:
    """The eligibility rules of ``place_type`` for a placement on ``on`` (none for municipal places)."""
    if place_type not in PLACE_TYPES:
        raise RuleError(f"unknown place type {place_type!r}; allowed: {', '.join(PLACE_TYPES)}")
    if place_type not in ("nystartsjobb", *WAGE_COST_SUBSIDIES):
        return Eligibility()
    e = f"{place_type}.eligibility"
    return Eligibility(
        rules.value(f"{e}.min_age", on),
        rules.value(f"{e}.young_below", on),
        rules.value(f"{e}.months_away_young", on),
        rules.value(f"{e}.months_away", on),
        rules.value(f"{e}.months_away_newly_arrived", on),
    )


def months_before_eligible(
    rules: RuleSet, place_type: str, on: dt.date, age: float, newly_arrived: bool = False
) -> float:
    """Months on benefit a household needs before a place of ``place_type`` on ``on`` (inf: too young)."""
    if age < 0:
        raise RuleError(f"age must be ≥ 0, got {age}")
    e = eligibility(rules, place_type, on)
    return math.inf if age < e.min_age else e.months_needed(age, newly_arrived)


@dataclass(frozen=True)
class MaxDuration:
    """The longest a job of a type may run, by age at its start (no limit: inf)."""

    young_below: float = 0.0
    months_young: float = math.inf
    months: float = math.inf

    def months_for(self, age: float) -> float:
        return self.months_young if age < self.young_below else self.months


def max_duration(rules: RuleSet, job_type: str, on: dt.date) -> MaxDuration:
    """The law's longest duration of a ``job_type`` started on ``on``.

    nystartsjobb: by age at the start (1 year under 25, 2 years from 25);
    introduktionsjobb: the longest with extensions (a first decision is 12
    months); municipal jobs: set by the municipality, no limit here.
    """
    _check_job_type(job_type)
    if job_type == "nystartsjobb":
        return MaxDuration(
            rules.value("nystartsjobb.duration.young_below", on),
            rules.value("nystartsjobb.duration.max_months_young", on),
            rules.value("nystartsjobb.duration.max_months", on),
        )
    if job_type == "introduktionsjobb":
        most = rules.value("introduktionsjobb.duration.max_months", on)
        return MaxDuration(0.0, most, most)
    return MaxDuration()


def job_months(rules: RuleSet, job_type: str, on: dt.date, planned_months: float, age: float) -> float:
    """Months a job planned for ``planned_months`` runs if it runs its course: the plan, cut at the law's maximum."""
    if planned_months <= 0 or age < 0:
        raise RuleError(f"planned months must be > 0 and age ≥ 0, got {planned_months:g}, {age:g}")
    return min(planned_months, max_duration(rules, job_type, on).months_for(age))


#: Job types assumed to count toward a-kassa under the new law (facts.md §5 leaves it open): as under the old law.
NEW_LAW_COUNTING_DEFAULT: tuple[str, ...] = ("municipal_job", "nystartsjobb")


def akassa_law(rules: RuleSet, on: dt.date) -> str:
    """'old' or 'new': the law that decides a-kassa for a decision on ``on``."""
    return rules.value("akassa.law", on)


def akassa_days(rules: RuleSet, on: dt.date, parent_of_child_under_18: bool) -> float:
    """Days of a-kassa for a period decided on ``on`` under the old law."""
    key = "parent_child_under_18" if parent_of_child_under_18 else "standard"
    return rules.value(f"akassa.days.{key}", on)


def akassa_entitlement(
    rules: RuleSet,
    on: dt.date,
    job_type: str,
    months_worked: float,
    hours_per_month: float,
    monthly_wage: float,
    parent_of_child_under_18: bool,
    counting_new_law: Sequence[str] = NEW_LAW_COUNTING_DEFAULT,
) -> float:
    """Days of a-kassa earned by one finished job of ``months_worked`` months (0: not qualified).

    Old law: the job type counts, ≥ 6 months of ≥ 60 hours → 300 days (450 for a
    parent of a child under 18). New law: the job type counts (which types do is
    unknown, so a scenario parameter), its months with income ≥ 11 000 and the
    12-month total decide 300/200/100 days, or 66 for 4 consecutive months alone.
    """
    _check_job_type(job_type)
    if monthly_wage < 0 or months_worked < 0:
        raise RuleError(f"wage and months must be ≥ 0, got {monthly_wage}, {months_worked}")
    if akassa_law(rules, on) == "old":
        counting = rules.value("akassa.work_condition.counting_job_types", on)
        ok = (
            job_type in counting
            and months_worked >= rules.value("akassa.work_condition.min_months", on) - 1e-9
            and hours_per_month >= rules.value("akassa.work_condition.min_hours_per_month", on)
        )
        return akassa_days(rules, on, parent_of_child_under_18) if ok else 0.0
    if job_type not in counting_new_law:
        return 0.0
    months_in_12 = min(months_worked, 12.0)
    qualifying = (
        int(months_in_12 + 1e-9) if monthly_wage >= rules.value("akassa_new.income_condition.month_income", on) else 0
    )
    if qualifying < rules.value("akassa_new.income_condition.min_months", on):
        return 0.0
    if monthly_wage * months_in_12 >= rules.value("akassa_new.income_condition.total_12_months", on) - 1e-6:
        for threshold, days in zip(
            rules.value("akassa_new.days.months_thresholds", on),
            rules.value("akassa_new.days.by_months", on),
            strict=True,
        ):
            if qualifying >= threshold:
                return days
    return rules.value("akassa_new.days.consecutive_only", on)  # a job's months are consecutive


@dataclass(frozen=True)
class AkassaAccess:
    """Who is paid a-kassa under the law of a decision date (the amounts are :func:`akassa_schedule`'s).

    Old law: members of ``income_based_months`` or more get the income-based
    amount at any age; others the basic amount from ``min_age_other``. New law:
    everyone is paid on income (non-members at the lowest rate) from age 20.
    """

    income_based_months: float
    min_age_income_based: float
    min_age_other: float

    def income_based(self, member_months: float) -> bool:
        return member_months >= self.income_based_months - 1e-9

    def pays(self, member_months: float, age: float) -> bool:
        """Is a household with this membership and age paid a-kassa at all (given a qualifying job)?"""
        least = self.min_age_income_based if self.income_based(member_months) else self.min_age_other
        return age >= least

    def share_level_after(self, member_months: float) -> bool:
        """After exhausting the a-kassa: aktivitetsstöd at a share of the dagsförtjänst (else the lowest level).

        The share goes to members whose a-kassa was income-based (forsakringskassan.se: 65 % 'så länge du är medlem').
        """
        return member_months > 0 and self.income_based(member_months)


def akassa_access(rules: RuleSet, on: dt.date) -> AkassaAccess:
    """Membership and age conditions for a-kassa decided on ``on``."""
    if akassa_law(rules, on) == "new":
        age = rules.value("akassa_new.min_age", on)
        return AkassaAccess(0.0, age, age)
    return AkassaAccess(
        rules.value("akassa.income_based.membership_months", on), 0.0, rules.value("akassa.basic.min_age", on)
    )


def akassa_membership_thresholds(rules: RuleSet, on: dt.date) -> tuple[float, ...]:
    """The months of membership at which an a-kassa decided on ``on`` changes, ascending.

    :func:`akassa_schedule` depends on the membership only through which of
    these it has reached (less 1e-9, as it compares): the new law's tiers, the
    old law's months for the income-based amount. Two memberships that reach
    the same ones get the same schedule, so a ledger can share it.
    """
    if akassa_law(rules, on) == "new":
        return tuple(sorted(float(t) for t in rules.value("akassa_new.rate.membership_months", on)))
    return (float(akassa_access(rules, on).income_based_months),)


def akassa_access_check(rules: RuleSet, on: dt.date, member_months: float, age: float) -> bool:
    """Whether a household is paid a-kassa after a qualifying job decided on ``on`` (for rule cases and the CLI)."""
    if member_months < 0 or age < 0:
        raise RuleError(f"membership months and age must be ≥ 0, got {member_months:g}, {age:g}")
    return akassa_access(rules, on).pays(member_months, age)


@dataclass(frozen=True)
class AkassaSchedule:
    """Daily compensation by day number since the decision: ``rates[i]`` holds up to day ``breaks[i]``.

    Karensdagar come first at rate 0; ``days`` counts them and the compensated days.
    """

    breaks: tuple[float, ...]
    rates: tuple[float, ...]
    days: float
    days_per_month: float

    def amount(self, first_day: float, last_day: float) -> float:
        """SEK paid for the (fractional) days in ``[first_day, last_day)`` counted from 0."""
        return self.cumulative(last_day) - self.cumulative(first_day)

    def cumulative(self, day: float) -> float:
        day = min(max(day, 0.0), self.days)
        total, lower = 0.0, 0.0
        for brk, rate in zip((*self.breaks, float("inf")), self.rates, strict=True):
            total += rate * max(0.0, min(day, brk) - lower)
            lower = brk
        return total

    @property
    def months(self) -> float:
        return self.days / self.days_per_month


def _check_work(monthly_wage: float, hours_share: float, months_worked: float, member_months: float) -> None:
    if monthly_wage < 0 or months_worked < 0 or member_months < 0:
        raise RuleError(
            f"wage, months worked and membership months must be ≥ 0, got {monthly_wage:g}, {months_worked:g}, "
            f"{member_months:g}"
        )
    if not 0 < hours_share <= 1:
        raise RuleError(f"hours share must be in (0, 1], got {hours_share}")


def akassa_dagsforjanst(rules: RuleSet, on: dt.date, monthly_wage: float, months_worked: float) -> float:
    """Income per compensated day behind an a-kassa decided on ``on`` after ``months_worked`` months at a wage.

    Old law: the income in the 12-month ramtid over 12 months and 22 days (months
    without work count as zero, ALF 25 a §). New law: the 12-month average capped
    at the income ceiling, per 22 days. ``monthly_wage`` is what the job paid a month.
    """
    _check_work(monthly_wage, 1.0, months_worked, 0.0)
    per_month = rules.value("akassa.days.per_month", on)
    if akassa_law(rules, on) == "new":
        span = rules.value("akassa_new.income_basis_months", on)
        income = monthly_wage * min(months_worked, span) / span
        return min(income, rules.value("akassa_new.income_ceiling", on)) / per_month
    span = rules.value("akassa.ramtid.months", on)
    return monthly_wage * min(months_worked, span) / span / per_month


def _with_karens(rules: RuleSet, on: dt.date, breaks: list[float], rates: list[float], days: float) -> AkassaSchedule:
    karens = rules.value("akassa.karens_days", on)
    per_month = rules.value("akassa.days.per_month", on)
    shifted = [b + karens for b in breaks]
    if karens > 0:
        shifted, rates = [karens, *shifted], [0.0, *rates]
    return AkassaSchedule(tuple(shifted), tuple(rates), days + karens, per_month)


def akassa_schedule(
    rules: RuleSet,
    on: dt.date,
    member_months: float,
    monthly_wage: float,
    hours_share: float,
    months_worked: float,
    days: float,
) -> AkassaSchedule:
    """The a-kassa a household is paid after a qualifying job decided on ``on`` (karensdagar first, unpaid).

    Old law: the normalarbetstid is the average weekly hours over the 12-month
    ramtid (full time × hours share × months worked / 12), so 6 months full time
    give 20 hours and half the basic amount (255 SEK/day). Members of 12 months
    get the income-based amount: 80 % (70 % from day 201) of the dagsförtjänst,
    at least the basic amount for their hours and at most the daily caps. New
    law: a share of the 12-month average income (capped) by months of
    membership (80 / 60 / 50 %), stepping down after 100 and 200 days. Who is
    paid at all (membership, age) is :func:`akassa_access`; ``days`` are the
    compensated days (:func:`akassa_entitlement`).
    """
    _check_work(monthly_wage, hours_share, months_worked, member_months)
    daily = akassa_dagsforjanst(rules, on, monthly_wage, months_worked)
    if akassa_law(rules, on) == "new":
        tiers = rules.value("akassa_new.rate.membership_months", on)
        shares = rules.value("akassa_new.rate.by_membership", on)
        rate = next(r for t, r in zip(tiers, shares, strict=True) if member_months >= t - 1e-9)
        rates = [rate * daily]
        for d in rules.value("akassa_new.rate.step_points", on):
            rate -= d
            rates.append(max(rate, 0.0) * daily)
        return _with_karens(rules, on, list(rules.value("akassa_new.rate.step_days", on)), rates, days)
    span = rules.value("akassa.ramtid.months", on)
    hours = rules.value("akassa.basic.full_time_hours_per_week", on) * hours_share * min(months_worked, span) / span
    full = rules.value("akassa.basic.full_time_hours_per_week", on)
    basic = max(rules.value("akassa.basic.daily_max", on) * hours / full, rules.value("akassa.basic.daily_floor", on))
    if not akassa_access(rules, on).income_based(member_months):
        return _with_karens(rules, on, [], [basic], days)
    repl = rules.value("akassa.income_based.replacement", on)
    caps = rules.value("akassa.income_based.daily_cap", on)
    step = rules.value("akassa.income_based.step_day", on)
    cap_step = rules.value("akassa.income_based.cap_step_day", on)
    breaks = sorted({step, cap_step})

    def rate_on(day: float) -> float:
        r = repl[0] if day <= step else repl[1]
        c = caps[0] if day <= cap_step else caps[1]
        return min(
            max(r * daily, basic), c
        )  # the lowest income-based amount is the basic one (förordning 1997:835 4 §)

    rates = [*(rate_on(b) for b in breaks), rate_on(breaks[-1] + 1)]
    return _with_karens(rules, on, breaks, rates, days)


def aktivitetsstod_schedule(rules: RuleSet, on: dt.date, share_level: bool, dagsforjanst: float) -> AkassaSchedule:
    """Aktivitetsstöd in jobb- och utvecklingsgarantin from ``on``, after the a-kassa ran out.

    ``share_level`` (a member whose a-kassa was income-based, :meth:`AkassaAccess.share_level_after`):
    a share of the ``dagsforjanst`` behind the last a-kassa, at least the minimum, stepping down from
    2025-10-01 every 100 days to that minimum; for as long as the household stays in the guarantee.
    Others: the lowest daily amount for at most ``aktivitetsstod.lowest.max_days`` days.
    """
    if dagsforjanst < 0:
        raise RuleError(f"dagsförtjänst must be ≥ 0, got {dagsforjanst:g}")
    if not share_level:
        days = rules.value("aktivitetsstod.lowest.max_days", on)
        daily = rules.value("aktivitetsstod.lowest.daily", on)
        return AkassaSchedule((), (daily,), days, rules.value("akassa.days.per_month", on))
    share = rules.value("aktivitetsstod.share.of_dagsforjanst", on)
    least = rules.value("aktivitetsstod.share.min_daily", on)
    points = rules.value("aktivitetsstod.share.step_points", on)
    step = rules.value("aktivitetsstod.share.step_days", on)
    rates = [max(share * dagsforjanst, least)]
    while points > 0 and share * dagsforjanst > least:
        share -= points
        rates.append(max(share * dagsforjanst, least))
    breaks = tuple(step * (i + 1) for i in range(len(rates) - 1))
    return AkassaSchedule(breaks, tuple(rates), math.inf, rules.value("akassa.days.per_month", on))

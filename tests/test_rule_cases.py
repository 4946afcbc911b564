"""Rule cases a non-programmer can read and extend: tests/rule_cases/*.yaml.

Each case names a rule function, a date, its input and the expected output
with a margin (or the error it must raise), and the source of the expected value.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

import pytest
import yaml

from model.errors import RuleError
from model.rules import RuleSet, load_rules
from model.rules import functions as rf

CASES = Path(__file__).parent / "rule_cases"
RULES = load_rules()


def _akassa_amount(rules, on, first_day, last_day, **kw):
    """SEK for the compensated days [first_day, last_day) counted after the karensdagar."""
    karens = rules.value("akassa.karens_days", on)
    return rf.akassa_schedule(rules, on, days=1000, **kw).amount(karens + first_day, karens + last_day)


def _aktivitetsstod_amount(rules, on, decided, first_day, last_day, monthly_wage, months_worked, member_months):
    """SEK of aktivitetsstöd for days [first_day, last_day) in the guarantee, after an a-kassa decided then."""
    decided = decided if isinstance(decided, dt.date) else dt.date.fromisoformat(str(decided))
    share_level = rf.akassa_access(rules, decided).share_level_after(member_months)
    daily = rf.akassa_dagsforjanst(rules, decided, monthly_wage, months_worked)
    return rf.aktivitetsstod_schedule(rules, on, share_level, daily).amount(first_day, last_day)


def _rule_value(rules, on, path):
    return rules.value(path, on)


FUNCTIONS = {
    "benefit_norm": rf.benefit_norm,
    "housing_cost": rf.housing_cost,
    "child_allowance": rf.child_allowance,
    "benefit_amount": rf.benefit_amount,
    "subsidy": rf.subsidy,
    "nystartsjobb_level": rf.nystartsjobb_level,
    "job_months": rf.job_months,
    "open_for_new_placements": rf.open_for_new_placements,
    "supervision_support": rf.supervision_support,
    "akassa_days": rf.akassa_days,
    "akassa_entitlement": rf.akassa_entitlement,
    "months_before_eligible": rf.months_before_eligible,
    "akassa_amount": _akassa_amount,
    "akassa_paid": rf.akassa_access_check,
    "aktivitetsstod_amount": _aktivitetsstod_amount,
    "rule_value": _rule_value,
    "labour_market_wage": rf.labour_market_wage,
    "net_income": rf.net_income,
    "employer_fee": rf.employer_fee,
    "flerbarnstillagg": rf.flerbarnstillagg,
    "pension_cost": rf.pension_cost,
}


def _cases() -> list:
    out = []
    for file in sorted(CASES.glob("*.yaml")):
        for case in yaml.safe_load(file.read_text(encoding="utf-8")):
            out.append(pytest.param(case, id=f"{file.stem}: {case['name']}"))
    return out


def _date(case: dict) -> dt.date:
    return case["date"] if isinstance(case["date"], dt.date) else dt.date.fromisoformat(str(case["date"]))


@pytest.mark.parametrize("case", _cases())
def test_rule_case(case: dict) -> None:
    assert case.get("source"), "every case cites the source of its expected value"
    fn = FUNCTIONS[case["function"]]
    on = _date(case)
    if "error" in case:
        with pytest.raises(RuleError, match=case["error"]):
            fn(RULES, on=on, **case["input"])
        return
    got = fn(RULES, on=on, **case["input"])
    if isinstance(case["expected"], bool | str):
        assert got == case["expected"]
    else:
        assert got == pytest.approx(case["expected"], abs=case.get("margin", 0))


def test_every_rule_function_has_cases():
    used = {c.values[0]["function"] for c in _cases()}
    assert used == set(FUNCTIONS)


class _Recording(RuleSet):
    """Rules that note every (path, date) a case reads, and the files whose first date a case asked before."""

    def __init__(self, rules: RuleSet) -> None:
        super().__init__(rules.rules)
        self.read: set[tuple[str, dt.date]] = set()
        self.before_start: set[tuple[str, dt.date]] = set()

    def value(self, path: str, on: dt.date):
        self.read.add((path, on))
        try:
            return super().value(path, on)
        except RuleError:
            self.before_start.add((path.split(".")[0], on))
            raise


#: The new a-kassa law's values are read only from the law switch (akassa.law) on; the day before it the
#: old law decides, which the akassa cases check on 2025-09-30.
_NOT_READ_THE_DAY_BEFORE = ("akassa_new.",)


def test_every_change_date_has_cases():
    """For each date a rule value starts or changes, cases read it on that day and on the day before.

    The day before a rule's first value is covered by a case that fails there with 'no value before'.
    """
    rec = _Recording(RULES)
    for param in _cases():
        case = param.values[0]
        with contextlib.suppress(RuleError):
            FUNCTIONS[case["function"]](rec, on=_date(case), **case["input"])
    missing = []
    for path in RULES.paths():
        values = RULES.rule(path).values
        for i, v in enumerate(values):
            day, before = v.valid_from, v.valid_from - dt.timedelta(days=1)
            if (path, day) not in rec.read:
                missing.append(f"{path} on {day}")
            if i == 0:
                covered = (path.split(".")[0], before) in rec.before_start or path.startswith(_NOT_READ_THE_DAY_BEFORE)
            else:
                covered = (path, before) in rec.read
            if not covered:
                missing.append(f"{path} on {before} (the day before)")
    assert not missing, "rule dates without a case:\n" + "\n".join(missing)

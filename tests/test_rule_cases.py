"""Rule cases a non-programmer can read and extend: tests/rule_cases/*.yaml.

Each case names a rule function, a date, its input and the expected output
with a margin (or the error it must raise), and the source of the expected value.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from model.errors import RuleError
from model.rules import functions as rf
from model.rules import load_rules

CASES = Path(__file__).parent / "rule_cases"
RULES = load_rules()


def _akassa_amount(rules, on, first_day, last_day, **kw):
    return rf.akassa_schedule(rules, on, days=1000, **kw).amount(first_day, last_day)


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
}


def _cases() -> list:
    out = []
    for file in sorted(CASES.glob("*.yaml")):
        for case in yaml.safe_load(file.read_text(encoding="utf-8")):
            out.append(pytest.param(case, id=f"{file.stem}: {case['name']}"))
    return out


@pytest.mark.parametrize("case", _cases())
def test_rule_case(case: dict) -> None:
    assert case.get("source"), "every case cites the source of its expected value"
    fn = FUNCTIONS[case["function"]]
    on = case["date"] if isinstance(case["date"], dt.date) else dt.date.fromisoformat(str(case["date"]))
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

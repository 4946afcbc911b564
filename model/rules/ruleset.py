"""Rules as dated data: load the YAML files of this folder and look values up by date.

Each file is a tree; a leaf has ``values``: a list of ``{valid_from, value,
reference}``. A value holds from its ``valid_from`` until the next one. The
dotted path of a leaf is the file name followed by the keys, e.g.
``benefit_norm.adult.single``. Files (and leaves) carry ``last_verified``;
looking a value up for a date after it is recorded as a *stale use*, which a
run reports as a warning.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import difflib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from model import yamlfile
from model.errors import InputError, Problem, RuleError

RULES_DIR = Path(__file__).resolve().parent

Value = float | tuple[Any, ...] | str


@dataclass(frozen=True)
class DatedValue:
    valid_from: dt.date
    value: Value
    reference: str


@dataclass(frozen=True)
class Rule:
    """One dated parameter."""

    path: str
    description: str
    values: tuple[DatedValue, ...]
    file: str
    last_verified: dt.date | None
    reformed_from: dt.date | None = None  # a scenario sets the value from this date on

    def stale_on(self, on: dt.date) -> bool:
        """Is the value for ``on`` carried forward past the rule's last check (and not set by a reform)?"""
        if self.reformed_from is not None and on >= self.reformed_from:
            return False
        return self.last_verified is not None and on > self.last_verified

    def at(self, on: dt.date) -> DatedValue:
        """The value in force on ``on``."""
        starts = [v.valid_from for v in self.values]
        i = bisect.bisect_right(starts, on) - 1
        if i < 0:
            raise RuleError(
                f"rule {self.path}: no value before {self.values[0].valid_from.isoformat()} "
                f"(asked for {on.isoformat()})"
            )
        return self.values[i]


@dataclass(frozen=True)
class StaleUse:
    """A rule used for dates after it was last verified."""

    path: str
    last_verified: dt.date
    first: dt.date
    last: dt.date

    def __str__(self) -> str:
        return (
            f"{self.path}: last verified {self.last_verified.isoformat()}, "
            f"carried forward to {self.first:%Y-%m}–{self.last:%Y-%m}"
        )


@dataclass
class RuleSet:
    """All rules, with lookups by path and date.

    A ``RuleSet`` records stale uses as it is asked; :meth:`tracked` gives a
    fresh view with an empty record, so each run reports its own.
    """

    rules: Mapping[str, Rule]
    _stale: dict[str, list[dt.date]] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, directory: Path | None = None) -> RuleSet:
        directory = directory or RULES_DIR
        rules: dict[str, Rule] = {}
        problems: list[Problem] = []
        for file in sorted(directory.glob("*.yaml")):
            try:
                rules.update(_load_file(file))
            except InputError as err:
                problems.extend(err.problems)
        if problems:
            raise InputError(problems)
        return cls(rules)

    def tracked(self) -> RuleSet:
        return RuleSet(self.rules)

    def paths(self) -> list[str]:
        return sorted(self.rules)

    def rule(self, path: str) -> Rule:
        try:
            return self.rules[path]
        except KeyError:
            near = difflib.get_close_matches(path, self.rules, n=3, cutoff=0.5)
            hint = f"; nearest: {', '.join(near)}" if near else ""
            raise RuleError(f"unknown rule {path!r}{hint}") from None

    def value(self, path: str, on: dt.date) -> Any:
        """The value of ``path`` in force on ``on`` (a float, a tuple or a string)."""
        rule = self.rule(path)
        dated = rule.at(on)
        if rule.stale_on(on):
            self._stale.setdefault(path, []).append(on)
        return dated.value

    def with_reforms(self, reforms: Mapping[str, Mapping[dt.date, Any]], source: str = "scenario") -> RuleSet:
        """These rules with dated overrides: ``{path: {date: value}}``.

        From each date on the rule takes the reform's value, whatever the law's
        later changes (they are dropped). A reform value must have the shape of
        the rule's own values (a number, or a list of the same length).
        """
        rules = dict(self.rules)
        for path, dated in reforms.items():
            rule = self.rule(path)
            if not dated:
                raise RuleError(f"reform of {path}: give at least one {{date: value}}")
            first = min(dated)
            kept = tuple(v for v in rule.values if v.valid_from < first)
            added = tuple(DatedValue(d, _reform_value(rule, dated[d]), f"reform in {source}") for d in sorted(dated))
            rules[path] = dataclasses.replace(rule, values=kept + added, reformed_from=first)
        return RuleSet(rules)

    def reference(self, path: str, on: dt.date) -> str:
        return self.rule(path).at(on).reference

    def stale_uses(self) -> list[StaleUse]:
        """Rules that were used after their ``last_verified`` date, one entry per rule."""
        out = []
        for path in sorted(self._stale):
            dates = self._stale[path]
            lv = self.rules[path].last_verified
            assert lv is not None
            out.append(StaleUse(path, lv, min(dates), max(dates)))
        return out


def _reform_value(rule: Rule, raw: Any) -> Value:
    """A reform value, checked against the shape of the rule's own values."""
    current = rule.values[-1].value
    value = _freeze(raw, "reform", rule.path)
    if isinstance(current, tuple):
        if not isinstance(value, tuple) or len(value) != len(current):
            raise RuleError(f"reform of {rule.path}: expected a list of {len(current)} values like {list(current)}")
    elif isinstance(current, float) and not isinstance(value, float):
        raise RuleError(f"reform of {rule.path}: expected a number like {current:g}, got {raw!r}")
    if isinstance(value, float) and value < 0:
        raise RuleError(f"reform of {rule.path}: must be ≥ 0, got {raw!r}")
    return value


def summarise_stale(uses: Iterable[StaleUse]) -> list[str]:
    """One line per rule file: how many of its values are carried forward, from when, to when."""
    by_file: dict[str, list[StaleUse]] = {}
    for u in uses:
        by_file.setdefault(u.path.split(".")[0], []).append(u)
    lines = []
    for name, items in sorted(by_file.items()):
        verified = min(u.last_verified for u in items)
        first, last = min(u.first for u in items), max(u.last for u in items)
        lines.append(
            f"{name}: {len(items)} value(s) last verified {verified.isoformat()} carried forward to "
            f"{first:%Y-%m}–{last:%Y-%m}"
        )
    return lines


def _parse_date(raw: Any, file: str, where: str) -> dt.date:
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        raise InputError([Problem(file, where, f"expected a date YYYY-MM-DD, got {raw!r}")]) from None


def _freeze(value: Any, file: str, where: str) -> Value:
    if isinstance(value, bool):
        raise InputError([Problem(file, where, "booleans are not rule values; use 0/1")])
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise InputError([Problem(file, where, f"{value} is not a finite number")])
        return float(value)
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return tuple(_freeze(v, file, where) for v in value)
    raise InputError([Problem(file, where, f"unsupported value {value!r}")])


_LEAF_KEYS = {"description", "values", "last_verified"}
_FILE_KEYS = {"description", "unit", "last_verified", "parameters"}


def _load_file(path: Path) -> dict[str, Rule]:
    name = str(path)
    try:
        doc = yamlfile.load_file(path)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise InputError([Problem(name, "", f"cannot read rule file: {err}")]) from None
    if not isinstance(doc, dict):
        raise InputError([Problem(name, "", "a rule file must be a mapping")])
    unknown = set(doc) - _FILE_KEYS
    if unknown:
        raise InputError(
            [Problem(name, k, f"unknown key; valid keys: {', '.join(sorted(_FILE_KEYS))}") for k in unknown]
        )
    if "parameters" not in doc or "last_verified" not in doc:
        raise InputError([Problem(name, "", "a rule file needs 'parameters' and 'last_verified'")])
    file_lv = _parse_date(doc["last_verified"], name, "last_verified")
    rules: dict[str, Rule] = {}
    _walk(doc["parameters"], [path.stem], name, file_lv, rules)
    return rules


def _walk(node: Any, keys: list[str], file: str, lv: dt.date, out: dict[str, Rule]) -> None:
    where = ".".join(keys[1:])
    if not isinstance(node, dict):
        raise InputError([Problem(file, where, "expected a mapping of parameters")])
    if "values" in node:
        unknown = set(node) - _LEAF_KEYS
        if unknown:
            raise InputError(
                [
                    Problem(file, f"{where}.{k}", f"unknown key; valid keys: {', '.join(sorted(_LEAF_KEYS))}")
                    for k in unknown
                ]
            )
        out[".".join(keys)] = _leaf(node, keys, file, lv)
        return
    for key, child in node.items():
        _walk(child, [*keys, str(key)], file, lv, out)


def _leaf(node: dict[str, Any], keys: list[str], file: str, lv: dt.date) -> Rule:
    where = ".".join(keys[1:])
    raw_values = node["values"]
    if not isinstance(raw_values, list) or not raw_values:
        raise InputError([Problem(file, f"{where}.values", "expected a non-empty list")])
    values: list[DatedValue] = []
    for i, item in enumerate(raw_values):
        at = f"{where}.values[{i}]"
        if not isinstance(item, dict) or set(item) != {"valid_from", "value", "reference"}:
            raise InputError([Problem(file, at, "each value needs exactly valid_from, value, reference")])
        values.append(
            DatedValue(
                _parse_date(item["valid_from"], file, f"{at}.valid_from"),
                _freeze(item["value"], file, f"{at}.value"),
                str(item["reference"]),
            )
        )
    starts = [v.valid_from for v in values]
    if starts != sorted(starts) or len(set(starts)) != len(starts):
        raise InputError([Problem(file, f"{where}.values", "valid_from dates must increase")])
    if "last_verified" not in node:
        leaf_lv: dt.date | None = lv
    elif node["last_verified"] is None:  # a definition, not a figure that can go stale
        leaf_lv = None
    else:
        leaf_lv = _parse_date(node["last_verified"], file, f"{where}.last_verified")
    return Rule(".".join(keys), str(node.get("description", "")), tuple(values), file, leaf_lv)


def load_rules(directory: Path | None = None) -> RuleSet:
    """Load the rule files (default: the ones shipped in ``model/rules``)."""
    return RuleSet.load(directory)

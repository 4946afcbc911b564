"""Every value of a scenario with its unit and source: the assumptions sheet and the report's assumptions section.

A shipped scenario says on each line where its value comes from (a comment).
This module pairs each value's path with the comment on its line, or on the
nearest key above it, and with the references it names ("Lund §4.4",
"facts §8", "IFAU …"), which dashboards/labels.py writes out for people.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from model import yamlfile
from model.posterior import Posterior
from model.scenario import Scenario, extends_path
from model.uncertainty import Distribution

#: Unit of a value, by path pattern (first match wins); units are rendered in either language by the labels.
UNITS: tuple[tuple[str, str], ...] = (
    ("population.initial_households", "households"),
    ("population.inflow_per_month*", "households_per_month"),
    ("population.children.*", "share"),
    ("population.age_shares.*", "share"),
    ("population.months_away_before_benefit", "months"),
    ("population.*", "share"),
    ("baseline.exit_per_month.*", "per_month"),
    ("baseline.duration_bands*", "months"),
    ("baseline.duration_multipliers*", "multiplier"),
    ("baseline.readiness_work_effect", "log_ratio"),
    ("baseline.returns.*.probability", "share"),
    ("baseline.returns.*.mean_months", "months"),
    ("baseline.*", "share"),
    ("programme.starts_per_year.*", "starts_per_year"),
    ("programme.places_per_year.*", "places"),
    ("programme.financing.take_up.*", "share"),
    ("programme.duration_months.*", "months"),
    ("programme.ramp_up_months", "months"),
    ("programme.assessment_months", "months"),
    ("programme.allocation.lead_time_months.*", "months"),
    ("programme.allocation.created_share.*", "share"),
    ("programme.allocation.penalty_per_missing_place_month", "sek_per_place_month"),
    ("programme.supervision_*", "sek_per_place_month"),
    ("programme.administration_per_participant_month", "sek_per_participant_month"),
    ("programme.max_*", "count"),
    ("programme.*", "share"),
    ("effects.lock_in.*", "multiplier"),
    ("effects.dropout_per_month.*", "per_month"),
    ("effects.post_programme_window_months", "months"),
    ("effects.post_programme_multiplier.*", "multiplier"),
    ("effects.job_length_response.reference_months", "months"),
    ("effects.job_length_response.*", "multiplier"),
    ("effects.hire_probability.*", "share"),
    ("budget_frames.*", "sek_per_year"),
    ("targets.*", "households"),
    ("labour_market.first_year", "year"),
    ("labour_market.*", "elasticity"),
    ("reforms.*", "rule_value"),
)

#: References a comment may name, as (kind, section): kind is lund, linkoping, facts or ifau.
_REFS = re.compile(r"(Lund|Linköping|facts)(?:\.md)? §\s*([0-9]+(?:\.[0-9]+)*)|(IFAU [0-9]{4}:[0-9]+)")


@dataclass(frozen=True)
class AssumptionRow:
    path: str
    value: float | str  # the central value (or a list/text for non-numbers)
    distribution: Distribution | None
    unit: str
    comment: str  # the scenario author's words, verbatim
    references: tuple[tuple[str, str], ...]  # (kind, section) named in the comment
    assumption: bool  # the comment marks it an assumption
    #: P50, P5, P95 over the scenario's posterior, when it gives the value (its distribution was the prior)
    posterior: tuple[float, float, float] | None = None
    posterior_rows: int = 0


def unit_of(path: str) -> str:
    return next((u for pattern, u in UNITS if fnmatch.fnmatchcase(path, pattern)), "number")


def references(comment: str) -> tuple[tuple[str, str], ...]:
    """The references a comment names, e.g. (("lund", "4.4"), ("ifau", "IFAU 2021:16"))."""
    out = []
    for m in _REFS.finditer(comment):
        if m.group(3):
            out.append(("ifau", m.group(3)))
        else:
            out.append((m.group(1).lower().replace("ö", "o"), m.group(2)))
    return tuple(dict.fromkeys(out))


def comments_by_path(text: str) -> dict[str, str]:
    """The comment of each key in a YAML text, by dotted path (block mappings and list items)."""
    out: dict[str, str] = {}
    stack: list[tuple[int, str]] = []  # (indent, path) of the open keys
    items: dict[str, int] = {}  # next list index under a path
    for line in text.splitlines():
        body, _, comment = line.partition("#")
        if not body.strip():
            continue
        indent = len(body) - len(body.lstrip())
        while stack and stack[-1][0] >= indent:
            stack.pop()
        parent = stack[-1][1] if stack else ""
        stripped = body.strip()
        if stripped.startswith("- "):
            index = items.get(parent, 0)
            items[parent] = index + 1
            path = f"{parent}.{index}" if parent else str(index)
            stack.append((indent, path))
            inner = stripped[2:]
            if ":" in inner and not inner.startswith("{"):
                key = inner.split(":", 1)[0].strip()
                path = f"{path}.{key}"
        elif ":" in stripped:
            key = stripped.split(":", 1)[0].strip().strip("'\"")
            path = f"{parent}.{key}" if parent else key
            stack.append((indent, path))
        else:
            continue
        if comment.strip():
            out[path] = comment.strip()
    return out


def _comment(path: str, comments: dict[str, str]) -> str:
    """The comment on the value's line or on the nearest key above it."""
    parts = path.split(".")
    for n in range(len(parts), 0, -1):
        c = comments.get(".".join(parts[:n]))
        if c:
            return c
    return ""


def _leaves(data: Any, path: str = "") -> list[tuple[str, Any]]:
    if isinstance(data, dict):
        return [leaf for k, v in data.items() for leaf in _leaves(v, f"{path}.{k}" if path else str(k))]
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in data) if isinstance(data, list) else 0
    if isinstance(data, list) and data and (numbers or all(isinstance(v, dict) for v in data)):
        return [leaf for i, v in enumerate(data) for leaf in _leaves(v, f"{path}.{i}")]  # each its own row
    return [(path, data)]


#: Keys that are labels, links or settings of the run rather than parameters.
_NOT_PARAMETERS = ("name", "municipality", "description", "start", "horizon", "replications", "seed", "distributions")


def assumption_rows(sc: Scenario, files: list[Path], posterior: Posterior | None = None) -> list[AssumptionRow]:
    """Every value of the scenario (central values), its distribution if uncertain, unit and comment.

    ``files``: the scenario file and the files it extends (base first); a later file's comment wins.
    ``posterior``: the scenario's posterior, whose columns give their values instead of a distribution.
    """
    comments: dict[str, str] = {}
    for f in files:
        try:
            comments |= comments_by_path(f.read_text(encoding="utf-8"))
        except OSError:
            continue
    data = sc.model_dump(mode="json", exclude={"distributions"}, by_alias=True)
    rows = []
    for path, value in _leaves(data):
        if path.split(".")[0] in _NOT_PARAMETERS or value is None:
            continue
        comment = _comment(path, comments)
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        rows.append(
            AssumptionRow(
                path=path,
                value=value if numeric else _text(value),
                distribution=sc.distributions.get(path),
                unit=unit_of(path) if numeric else "text",
                comment=comment,
                references=references(comment),
                assumption="assumption" in comment.lower(),
                posterior=posterior.band(path) if posterior is not None and path in posterior.paths else None,
                posterior_rows=len(posterior.values) if posterior is not None and path in posterior.paths else 0,
            )
        )
    return rows


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True).strip()
    return str(value)


def scenario_files(path: Path) -> list[Path]:
    """The scenario file and the files it extends, base first."""
    chain = [path]
    seen = {path.resolve()}
    current = path
    while True:
        try:
            data = yamlfile.load_file(current)
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            break
        if not isinstance(data, dict) or "extends" not in data:
            break
        nxt = extends_path(current, str(data["extends"]))
        if nxt is None or nxt.resolve() in seen:
            break
        seen.add(nxt.resolve())
        chain.append(nxt)
        current = nxt
    return list(reversed(chain))

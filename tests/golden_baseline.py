"""The golden baseline: key outputs of a fixed-seed run of the default scenario.

A restructure must not move a number; a deliberate change of the model must
show up in review. ``tests/test_golden.py`` compares a fresh run with
``tests/golden/lund.json``; after a deliberate change, update it with::

    make golden        # = .venv/bin/python -m tests.golden_baseline --update

and commit the new file with the change, so the diff shows what moved.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np

from model.montecarlo import run_replications
from model.outcomes import annual_frame, monthly_frame, summarise
from model.params import Resolver
from model.scenario import load_scenario

FILE = Path(__file__).parent / "golden" / "lund.json"
#: replications of the golden run: enough to exercise every path, quick enough for every test run
REPS = 8
#: relative tolerance: numpy or pandas may reorder a sum; anything larger is a change of the model
RTOL = 1e-9


def compute(workers: int = 2) -> dict:
    """The golden figures of the default, at its central values (``--fixed``) and with its uncertainty."""
    sc = load_scenario()
    return {"fixed": _figures(Resolver(sc, fixed=True), workers), "uncertain": _figures(Resolver(sc), workers)}


def _figures(resolver: Resolver, workers: int) -> dict:
    """Per year P5/P50/P95 of households and cost, breakeven, targets, participants."""
    p = resolver.central
    tables = run_replications(resolver, range(REPS), workers)
    monthly = monthly_frame(p, tables)
    annual = annual_frame(p, monthly)
    s = summarise(
        p, annual, monthly, np.stack([t.participants for t in tables]), uncertain=resolver.uncertain
    ).model_dump(mode="json")
    return {
        "scenario": s["scenario"],
        "replications": REPS,
        "events": int(sum(t.events for t in tables)),
        "household_months": float(sum(t.household_months for t in tables)),
        "years": s["years"],
        "breakeven": s["breakeven"],
        "targets": s["targets"],
        "participants": s["participants"],
        "participant_counts": s["participant_counts"],
        # households on benefit per month summed over the replications: integers, so any move shows exactly
        "households_by_month": {
            arm: monthly[monthly["arm"] == arm].groupby("month")["households_on_benefit"].sum().astype(int).tolist()
            for arm in ("programme", "counterfactual")
        },
    }


def differences(expected: object, actual: object, path: str = "") -> list[str]:
    """Every leaf that differs (numbers beyond ``RTOL``), as 'path: expected → actual'."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        out = [f"{path}.{k}: missing" for k in expected if k not in actual]
        out += [f"{path}.{k}: new" for k in actual if k not in expected]
        for k in expected.keys() & actual.keys():
            out += differences(expected[k], actual[k], f"{path}.{k}")
        return out
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        pairs = enumerate(zip(expected, actual, strict=True))
        return [d for i, (e, a) in pairs for d in differences(e, a, f"{path}[{i}]")]
    if isinstance(expected, int | float) and isinstance(actual, int | float) and not isinstance(expected, bool):
        e, a = float(expected), float(actual)
        same = (math.isnan(e) and math.isnan(a)) or math.isclose(e, a, rel_tol=RTOL, abs_tol=1e-6)
        return [] if same else [f"{path}: {expected!r} → {actual!r}"]
    return [] if expected == actual else [f"{path}: {expected!r} → {actual!r}"]


def _json(data: dict) -> str:
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--update", action="store_true", help="write the current figures as the new baseline")
    args = ap.parse_args(argv)
    actual = json.loads(_json(compute()))
    if args.update:
        FILE.write_text(_json(actual), encoding="utf-8")
        print(f"wrote {FILE}")
        return 0
    diffs = differences(json.loads(FILE.read_text(encoding="utf-8")), actual)
    print("\n".join(diffs) if diffs else "golden baseline holds")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())

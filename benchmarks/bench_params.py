"""Cost of a replication's parameters (draws, labour-market factor, resolving) against the replication itself.

Measured in one process: the default Lund scenario fixed (every replication gets
the central parameters), the default with its uncertain values, and the same
with one value the rules' tables depend on (hours_share) made uncertain, so
that every draw resolves the rules again. Writes benchmarks/results/params-*.json.

    python benchmarks/bench_params.py [--draws 200] [--reps 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from model.params import Resolver  # noqa: E402
from model.scenario import load_scenario, parse_scenario  # noqa: E402
from model.simulate import simulate  # noqa: E402


def per_replication(resolver: Resolver, draws: int) -> float:
    """Seconds per replication to get its parameters (each draw is new: replications 0, 2, 4, …)."""
    resolver.for_replication(0)  # warm-up: caches, imports
    t0 = time.perf_counter()
    for rep in range(2, 2 * draws + 2, 2):
        resolver.for_replication(rep)
    return (time.perf_counter() - t0) / draws


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--draws", type=int, default=200)
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args(argv)
    sc = load_scenario()
    structural = sc.model_dump(mode="json")
    structural["distributions"] = {
        **structural["distributions"],
        "programme.hours_share": {"dist": "uniform", "loc": 0.75, "scale": 0.25},
    }
    cases = {
        "fixed": Resolver(sc, fixed=True),
        "uncertain": Resolver(sc),
        "uncertain_with_rules_resolved": Resolver(parse_scenario(structural)),
    }
    out: dict = {"uncertain_values": len(sc.distributions), "labour_market": sc.labour_market is not None}
    for name, r in cases.items():
        out[f"{name}_ms_per_replication"] = round(1e3 * per_replication(r, args.draws), 4)
    p = cases["uncertain"].for_replication(0)
    simulate(p, 0)
    t0 = time.perf_counter()
    for rep in range(args.reps):
        simulate(cases["uncertain"].for_replication(rep), rep)
    engine = (time.perf_counter() - t0) / args.reps
    out["engine_ms_per_replication"] = round(1e3 * engine, 1)
    out["uncertain_share_of_replication"] = round(out["uncertain_ms_per_replication"] / (1e3 * engine), 5)
    out |= {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "draws": args.draws,
    }
    print(json.dumps(out, indent=2))
    folder = ROOT / "benchmarks" / "results"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"params-{dt.datetime.now():%Y%m%d-%H%M%S}.json").write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()

"""Speed of the amsim engine against the naive SimPy peer, measured side by side.

Prints replications, events and household-months per second for the default
Lund scenario, and the same for ``shared/peers/naive_simpy.py``, at ×1, ×4
and ×16 households; writes the figures to ``benchmarks/results/``.

Household-months: months households spend in the model before they settle for
good (the peer counts months until a household is GONE). amsim's output has
two arms; "output" counts both, "simulated" counts what the engine actually
ran (the counterfactual re-simulates only the programme's participants).

    python benchmarks/bench_engine.py [--reps 10] [--rounds 3] [--scales 1,4,16] [--peer-dir ../shared/peers]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from model.params import resolve  # noqa: E402
from model.scenario import load_scenario  # noqa: E402
from model.simulate import simulate  # noqa: E402


def scaled_scenario(scale: float):
    """The default Lund scenario with its households and places × ``scale``, places in one pool.

    The departments table is left out (its supervisor capacity does not scale);
    places open over 4 months instead, as they did before the default had departments.
    """
    sc = load_scenario()
    pop = sc.population.model_copy(
        update={
            "initial_households": round(sc.population.initial_households * scale),
            "inflow_per_month": sc.population.inflow_per_month * scale,
        }
    )
    starts = {
        y: s.model_copy(update={"jobs": s.jobs * scale, "internships": s.internships * scale})
        for y, s in sc.programme.starts_per_year.items()
    }
    prog = sc.programme.model_copy(update={"starts_per_year": starts, "allocation": None, "ramp_up_months": 4})
    return sc.model_copy(update={"population": pop, "programme": prog})


def bench_amsim(scale: float, reps: int) -> dict:
    p = resolve(scaled_scenario(scale))
    simulate(p, 10_000)  # warm-up (imports, caches), not timed
    events = months = simulated = 0.0
    t0 = time.perf_counter()
    for r in range(reps):
        res = simulate(p, r)
        events += res.events
        months += res.household_months
        simulated += res.simulated_household_months
    wall = time.perf_counter() - t0
    return {
        "impl": "amsim",
        "scale": scale,
        "reps": reps,
        "wall_s": wall,
        "per_rep_s": wall / reps,
        "reps_per_s": reps / wall,
        "events_per_s": events / wall,
        "household_months_per_s": months / wall,
        "simulated_household_months_per_s": simulated / wall,
        "household_months_per_rep": months / reps,
    }


def bench_peer(peer_dir: Path, scale: float, reps: int) -> dict:
    cmd = [sys.executable, str(peer_dir / "naive_simpy.py"), "--reps", str(reps), "--households-scale", str(scale)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rec = json.loads(re.search(r"^RESULT (.*)$", out, re.M).group(1))
    wall = rec["wall_s"]
    return {
        "impl": "naive_simpy",
        "scale": scale,
        "reps": reps,
        "wall_s": wall,
        "per_rep_s": wall / reps,
        "reps_per_s": reps / wall,
        "events_per_s": rec["events"] / wall,
        "household_months_per_s": rec["household_months"] / wall,
        "household_months_per_rep": rec["household_months"] / reps,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=10, help="replications per round at ×1 (fewer at larger scales)")
    ap.add_argument("--rounds", type=int, default=3, help="alternating rounds at ×1 (the machine's speed drifts)")
    ap.add_argument("--scales", default="1,4,16")
    ap.add_argument("--peer-dir", type=Path, default=ROOT.parent / "shared" / "peers")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    a = ap.parse_args()
    scales = [float(s) for s in a.scales.split(",")]
    has_peer = (a.peer_dir / "naive_simpy.py").is_file()
    rows = []
    for s in scales:
        rounds = max(1, round(a.rounds / s))
        ours, peer = [], []
        for _ in range(rounds):  # alternate, so both see the same machine
            ours.append(bench_amsim(s, max(1, round(a.reps / s))))
            if has_peer:
                peer.append(bench_peer(a.peer_dir, s, max(1, round(a.reps / s**1.5))))
        for runs in (ours, peer):
            if runs:
                best = sorted(runs, key=lambda r: r["per_rep_s"])[len(runs) // 2]  # the median round
                rows.append({**best, "rounds": len(runs), "per_rep_s_rounds": [r["per_rep_s"] for r in runs]})
    print(f"{'impl':12s} {'scale':>5s} {'reps':>4s} {'s/rep':>8s} {'reps/s':>7s}", end=" ")
    print(f"{'events/s':>10s} {'hh-months/s':>12s}")
    for r in rows:
        print(
            f"{r['impl']:12s} {r['scale']:5g} {r['reps']:4d} {r['per_rep_s']:8.3f} {r['reps_per_s']:7.2f} "
            f"{r['events_per_s']:10.4g} {r['household_months_per_s']:12.4g}"
        )
    ratios = {}
    for s in scales:
        ours = next(r for r in rows if r["impl"] == "amsim" and r["scale"] == s)
        peer = next((r for r in rows if r["impl"] == "naive_simpy" and r["scale"] == s), None)
        if peer:
            ratios[str(s)] = {
                "household_months_per_s": ours["household_months_per_s"] / peer["household_months_per_s"],
                "simulated_household_months_per_s": ours["simulated_household_months_per_s"]
                / peer["household_months_per_s"],
            }
    base = {r["impl"]: r for r in rows if r["scale"] == scales[0]}
    growth = {}
    for r in rows:
        b = base[r["impl"]]
        # time per replication relative to ×1, against the ×scale a linear engine would show
        growth.setdefault(r["impl"], {})[str(r["scale"])] = r["per_rep_s"] / b["per_rep_s"]
    print("\namsim / naive_simpy, household-months per second (output; simulated):")
    for s, v in ratios.items():
        print(f"  ×{float(s):g}: {v['household_months_per_s']:.2f}; {v['simulated_household_months_per_s']:.2f}")
    print("\ntime per replication relative to ×1 (linear = the scale):")
    for impl, g in growth.items():
        print(f"  {impl:12s} " + "  ".join(f"×{float(s):g}: {v:.1f}" for s, v in g.items()))
    a.out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = a.out / f"engine-{stamp}.json"
    path.write_text(
        json.dumps(
            {
                "when": stamp,
                "python": platform.python_version(),
                "machine": platform.machine(),
                "rows": rows,
                "ratios": ratios,
                "growth": growth,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"\nwritten: {path}")


if __name__ == "__main__":
    main()

"""amsim: household-flow simulation of Swedish municipal labour-market programmes.

The Python API mirrors the CLI::

    from model import load_scenario, resolve, simulate, run_monte_carlo
    scenario = load_scenario()          # the packaged Lund default
    params = resolve(scenario)
    one = simulate(params, rep=0)       # one replication, both arms
    tables = run_monte_carlo(params, reps=20, workers=2)
"""

from model.compiled_cache import ensure_fresh

ensure_fresh()  # before any compiled function loads its cache (model/compiled_cache.py says why)

from model.montecarlo import run_monte_carlo, run_replications  # noqa: E402
from model.params import Params, resolve  # noqa: E402
from model.scenario import Scenario, load_scenario  # noqa: E402
from model.simulate import simulate  # noqa: E402

__all__ = ["Params", "Scenario", "load_scenario", "resolve", "run_monte_carlo", "run_replications", "simulate"]

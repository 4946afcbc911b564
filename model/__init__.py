"""amsim: household-flow simulation of Swedish municipal labour-market programmes.

The Python API mirrors the CLI::

    from model import load_scenario, resolve, simulate, run_monte_carlo
    scenario = load_scenario()          # the packaged Lund default
    params = resolve(scenario)
    one = simulate(params, rep=0)       # one replication, both arms
    tables = run_monte_carlo(params, reps=20, workers=2)
"""

from model.montecarlo import run_monte_carlo, run_replications
from model.params import Params, resolve
from model.scenario import Scenario, load_scenario
from model.simulate import simulate

__all__ = ["Params", "Scenario", "load_scenario", "resolve", "run_monte_carlo", "run_replications", "simulate"]

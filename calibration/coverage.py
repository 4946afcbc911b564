"""Does the calibration recover what it should? A coverage study on data the model itself made.

For each of ``datasets`` synthetic data sets: draw true values from the
priors, simulate one history with them (replications no fit ever uses), take
the target statistics of that history as the observed figures, calibrate, and
ask whether each true value lies inside its 90 % posterior interval. A
calibrated method covers about 90 % of them; ABC with a threshold above zero
covers more (its posterior is wider than the exact one), which is the safe
side. The width of the intervals against the prior's says whether the fit
learned anything.

    python -m calibration.coverage SCENARIO TARGETS PATH [PATH ...] [--datasets 20]

prints the study as Markdown (the README's table).
"""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from calibration.calibrate import Request, Settings, calibrate
from calibration.particles import Simulator, fit_observations, fit_parameters, is_value_of
from calibration.targets import load_targets
from model.params import Resolver
from model.scenario import load_scenario
from model.uncertainty import weighted_quantile

#: The generation number of the synthetic histories' replications (no calibration's generation reaches it)
DATA_GENERATION = 30_000


@dataclass(frozen=True)
class Study:
    rows: pd.DataFrame  # dataset, path, truth, p5, p50, p95, covered, width (posterior 90 % / prior 90 %)

    def coverage(self) -> float:
        return float(self.rows["covered"].mean())

    def markdown(self) -> str:
        by = self.rows.groupby("path", sort=False)
        lines = ["| value | datasets | true value inside the 90 % interval | interval width / prior's |",
                 "|---|---|---|---|"]  # fmt: skip
        for path, g in by:
            lines.append(
                f"| `{path}` | {len(g)} | {int(g['covered'].sum())} ({100 * g['covered'].mean():.0f} %) | "
                f"{g['width'].median():.2f} (median) |"
            )
        n = len(self.rows)
        lines.append(f"| all | {n} | {int(self.rows['covered'].sum())} ({100 * self.coverage():.0f} %) | |")
        return "\n".join(lines)


def study(scenario: Path, targets: Path, paths: list[str], datasets: int = 20, settings: Settings | None = None,
          workers: int = 1, seed: int = 2026) -> Study:  # fmt: skip
    """Run the study; ``targets``' rows name the statistics (their figures are replaced by simulated ones)."""
    settings = settings or Settings(population=120, generations=3, check_draws=20)
    sc = load_scenario(scenario)
    template = load_targets(targets)
    rows = fit_observations(template, sc.calendar, str(targets))
    parameters = fit_parameters(sc.distributions, is_value_of(sc), paths, str(scenario))
    resolver = Resolver(sc, file=str(scenario))
    make_data = Simulator(resolver, rows, 1, settings.engine, None, workers)
    rng = np.random.default_rng(seed)
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(datasets):
            truth = {f.path: float(f.prior.ppf(rng.uniform())) for f in parameters}
            observed = make_data(DATA_GENERATION, i, [truth])[0]
            data = template.model_dump(mode="json", exclude_none=True)
            data["observations"] = [
                {k: v for k, v in o.model_dump(mode="json", exclude_none=True).items() if k not in ("low", "high")}
                | {"value": float(x)}
                for o, x in zip(rows, observed, strict=True)
            ]
            file = Path(tmp) / f"targets-{i}.yaml"
            file.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
            fitted = fit_observations(load_targets(file), sc.calendar, str(file))
            s = Settings(**(settings.__dict__ | {"seed": i}))
            req = Request(sc, str(scenario), file, parameters, fitted, fitted, s, Path(tmp) / f"fit-{i}", None, workers)
            outcome = calibrate(req)
            post = pd.read_csv(outcome.out / "posterior.csv")
            w = post["weight"].to_numpy()
            for f in parameters:
                x = post[f.path].to_numpy()
                p5, p50, p95 = (weighted_quantile(x, w, q) for q in (0.05, 0.5, 0.95))
                prior_width = float(f.prior.ppf(0.95) - f.prior.ppf(0.05))
                out.append(
                    {
                        "dataset": i, "path": f.path, "truth": truth[f.path], "p5": p5, "p50": p50, "p95": p95,
                        "covered": p5 <= truth[f.path] <= p95, "width": (p95 - p5) / prior_width,
                    }
                )  # fmt: skip
    return Study(pd.DataFrame(out))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("scenario", type=Path)
    ap.add_argument("targets", type=Path)
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--datasets", type=int, default=20)
    ap.add_argument("--population", type=int, default=120)
    ap.add_argument("--generations", type=int, default=3)
    ap.add_argument("--workers", type=int, default=1)
    a = ap.parse_args()
    s = Settings(population=a.population, generations=a.generations, check_draws=20)
    result = study(a.scenario, a.targets, a.paths, a.datasets, s, a.workers)
    print(result.markdown())


if __name__ == "__main__":
    main()

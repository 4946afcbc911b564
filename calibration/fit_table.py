"""A finished fit as Markdown: observed vs the posterior's predictive band, and each value's prior and posterior.

    python -m calibration.fit_table FIT_FOLDER

prints the README's fit tables from the folder's ``fit.json``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from dashboards.labels import model_band_text, observed_text


def markdown(fit: dict, lang: str = "en") -> str:
    lines = ["| figure | observed | prior P50 [P5–P95] | posterior P50 [P5–P95] | fitted | inside the 90 % band |",
             "|---|---|---|---|---|---|"]  # fmt: skip
    for o in fit["targets"]:
        prior = model_band_text(o["unit"], o["prior"], lang) if o["prior"] is not None else "–"
        lines.append(
            f"| {o['text_en']} | {observed_text(o['value'], o['low'], o['high'], o['unit'], lang)} | {prior} | "
            f"{model_band_text(o['unit'], o['posterior'], lang)} | {'yes' if o['fitted'] else 'no (a check)'} | "
            f"{'yes' if o['within'] else '**no**'} |"
        )
    lines += ["", "| value | prior | prior P50 [P5–P95] | posterior P50 [P5–P95] |", "|---|---|---|---|"]
    for v in fit["values"]:
        pb, qb = v["prior_band"], v["posterior_band"]
        lines.append(
            f"| `{v['path']}` | {v['prior']} | {pb[0]:.4g} [{pb[1]:.4g}–{pb[2]:.4g}] | "
            f"{qb[0]:.4g} [{qb[1]:.4g}–{qb[2]:.4g}] |"
        )
    lines += [
        "",
        "| generation | ε | judged | accepted | acceptance | ESS | wall time (s) |",
        "|---|---|---|---|---|---|---|",
    ]
    for g in fit["generations"]:
        wall = f"{g['wall_seconds']:.1f}" if g["wall_seconds"] is not None else "–"
        lines.append(
            f"| {g['generation'] + 1} | {g['epsilon']:.3f} | {g['evaluated']} | {g['accepted']} | "
            f"{100 * g['acceptance']:.1f} % | {g['ess']:.0f} | {wall} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(json.loads((Path(sys.argv[1]) / "fit.json").read_text(encoding="utf-8"))))

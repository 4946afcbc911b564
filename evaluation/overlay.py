"""The solver's result as a scenario: an overlay that extends the scenario it was solved on.

Every value carries its source, as every default does: the published effect it
was solved from, what the solution reached, and how it was made, so a run of
the overlay can be traced back to the finding.
"""

from __future__ import annotations

import os
from pathlib import Path

from evaluation.solver import Solution, Solved
from model.scenario import packaged_scenarios


def extends_value(scenario: Path, overlay: Path) -> str:
    """What ``extends:`` must say in ``overlay`` to mean ``scenario``: a packaged scenario by name, else its path
    relative to the overlay's folder."""
    if any(scenario.resolve() == p.resolve() for p in packaged_scenarios()):
        return scenario.stem
    return Path(os.path.relpath(scenario.resolve(), overlay.resolve().parent)).as_posix()


def _what(s: Solved) -> str:
    sel = s.target.selection
    months = f"month {sel.first}" if sel.first == sel.last else f"months {sel.first}–{sel.last}"
    ages = f", ages {sel.ages[0]:g} to under {sel.ages[1]:g}" if sel.ages else ""
    return f"{sel.outcome} {months} after the start{ages}"


def _value(s: Solved, source: str) -> str:
    if s.range is None:
        return f"{s.multiplier:.4f}"
    lo, hi = (round(x, 4) for x in s.range)
    m = round(s.multiplier, 4)
    quoted = source.replace("\\", "\\\\").replace('"', '\\"')
    # the solved value is the central one, unless the effect's small steps put it outside the range's ends
    central = f"central: {m:.4f}, " if lo <= m <= lo + round(hi - lo, 4) else ""
    return f'{{dist: uniform, loc: {lo:.4f}, scale: {hi - lo:.4f}, {central}source: "{quoted}"}}'


def overlay_text(solution: Solution, scenario: Path, overlay: Path, name: str, made_by: str,
                 reference: str | None) -> str:  # fmt: skip
    """The overlay's YAML: ``extends`` the scenario, sets the solved multipliers, each with its source."""
    lines = [
        "# Post-programme multipliers solved from published effects (amsim effects): each gives its target's true",
        "# effect, the participants' mean outcome with the programme minus without it (the paired counterfactual),",
        "# over the replications of the command below. A target with a half-width gives a range: the multipliers at",
        "# its ends.",
        f"# Made by: {made_by}",
        f"extends: {extends_value(scenario, overlay)}",
        f"name: {name}",
        "effects:",
        "  post_programme_multiplier:",
    ]
    for s in solution.solved:
        t, r = s.target, s.reached
        ends = f" (range for {t.value - t.half_width:+g} to {t.value + t.half_width:+g} pp)" if s.range else ""
        solved = (
            f"solved for {t.value:+g} pp {_what(s)}{ends}: reached {r.effect:+.2f} pp (Monte Carlo se {r.se:.2f}, "
            f"{r.participants} participants) with {s.multiplier:.4f}"
        )
        source = f"reference: {reference}; {solved}" if reference else f"assumption: {solved}"
        lines.append(f"    {t.group}: {_value(s, source)}    # {source}")
    return "\n".join(lines) + "\n"

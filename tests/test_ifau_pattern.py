"""The default's effects by workplace have IFAU's signs (IFAU 2021:16, facts §8): ordinary workplaces raise
employment after the job, created workplaces lower it; both lower benefit receipt and raise a-kassa receipt."""

from __future__ import annotations

import numpy as np
import pytest

from evaluation.true_effects import Selection, effect_sum, participants
from model.params import Resolver
from model.scenario import load_scenario, scenario_path
from model.simulate import simulate

#: what IFAU found, as (first place, outcome, months since the start) → sign of the true effect
PATTERN = {
    ("ordinary", "work", 13, 42): +1,
    ("created", "work", 13, 42): -1,
    ("ordinary", "benefit", 0, 36): -1,
    ("created", "benefit", 0, 36): -1,
    ("ordinary", "akassa", 0, 36): +1,
    ("created", "akassa", 0, 36): +1,
}


@pytest.mark.slow
def test_the_default_reproduces_ifaus_pattern_by_workplace():
    """40 replications of the Lund default, each with its own draws of every uncertain value (the multipliers
    among them): the participants' true effects, pooled, have IFAU's signs."""
    path = scenario_path("lund")
    resolver = Resolver(load_scenario(path), file=str(path))
    sums = np.zeros(len(PATTERN))
    counts = np.zeros(len(PATTERN))
    for rep in range(40):
        p = resolver.for_replication(rep)
        pt = participants(p, simulate(p, rep))
        for i, (group, outcome, first, last) in enumerate(PATTERN):
            s, n = effect_sum(pt, Selection(group, outcome, first, last))
            sums[i] += s
            counts[i] += n
    effects = dict(zip(PATTERN, 100 * sums / counts, strict=True))
    for key, sign in PATTERN.items():
        assert np.sign(effects[key]) == sign, (key, effects)
    assert effects[("created", "akassa", 0, 36)] > effects[("ordinary", "akassa", 0, 36)]  # most for created

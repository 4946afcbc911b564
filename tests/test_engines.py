"""The fast engine gives the SimPy engine's answers: the same visit log, bit for bit, and the same run folder."""

from __future__ import annotations

import copy
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model import hazards
from model.engines import ENGINES, engine, kernel, pcg
from model.engines import fast as fast_engine
from model.params import Resolver
from model.population import generate
from model.random_streams import HouseholdStreams, Purpose
from model.runfolder import RunRequest, run
from model.scenario import load_scenario, parse_scenario
from tests.test_invariants import scenarios, scenarios_after_jobs

RUNS = Path(__file__).parents[1] / "runs"


def assert_same_arm(a, b) -> None:
    """Two ArmResults are the same: every visit column bit for bit (NaN where NaN), counters, participants.

    The visits are compared in the canonical order (by household, then time): the fast engine runs
    households that meet no one on their own (docs/engines.md), so its log is in another order.
    """
    va, vb = a.visits.sorted(), b.visits.sorted()
    for name in va.__dataclass_fields__:
        x, y = getattr(va, name), getattr(vb, name)
        assert x.dtype == y.dtype, name
        np.testing.assert_array_equal(x, y, err_msg=name)
    np.testing.assert_array_equal(a.sampled_stocks, b.sampled_stocks)
    np.testing.assert_array_equal(a.participants, b.participants)
    assert a.events == b.events
    assert a.tracked_months == b.tracked_months
    assert a.participants_tracked_months == b.participants_tracked_months


def both_engines(p, rep: int) -> None:
    """Both arms of replication ``rep`` (the counterfactual for everyone and for the participants) in both engines."""
    pop = generate(p, rep)
    ts = HouseholdStreams(p.seed, rep, Purpose.TRANSITIONS, pop.n)
    ps = HouseholdStreams(p.seed, rep, Purpose.PROGRAMME, pop.n)
    des, fast = engine("des"), engine("fast")
    prog = des(p, pop, ts, ps)
    assert_same_arm(prog, fast(p, pop, ts, ps))
    cf = p.without_programme()
    assert_same_arm(des(cf, pop, ts, ps), fast(cf, pop, ts, ps))
    assert_same_arm(des(cf, pop, ts, ps, ids=prog.participants), fast(cf, pop, ts, ps, ids=prog.participants))


# the shared pieces ----------------------------------------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(
    st.integers(0, 2**64 - 1), st.integers(0, 10**6), st.sampled_from(list(Purpose)), st.integers(0, 10**6),
    st.integers(1, 50),
)  # fmt: skip
def test_compiled_pcg64_is_numpys(seed: int, rep: int, purpose: Purpose, hh: int, block: int) -> None:
    key = (seed, rep, int(purpose), hh, block)
    out = np.empty(16)
    pcg.uniforms(pcg.entropy_words(*key), out)
    np.testing.assert_array_equal(out, np.random.default_rng(np.random.SeedSequence(key)).random(16))


def test_further_blocks_of_a_stream_are_numpys() -> None:
    """What the fast engine draws past a household's first block is what HouseholdStreams gives."""
    s = HouseholdStreams(7, 3, Purpose.TRANSITIONS, 5)
    stream = s.stream(4)
    expected = [next(stream) for _ in range(16 * 4)]
    out = np.empty(16)
    got = list(s.first_matrix()[4])
    for block in (1, 2, 3):
        words = np.concatenate([pcg.entropy_words(7, 3, int(Purpose.TRANSITIONS)), [4, block]]).astype(np.uint64)
        pcg.uniforms(words, out)
        got += out.tolist()
    assert got == expected


def test_exponential_has_the_same_bits_compiled() -> None:
    u = np.concatenate([np.random.default_rng(0).random(200_000), [0.0, 2.0**-53, 0.5, 1 - 2.0**-53]])
    compiled = np.array([kernel.exponential(x) for x in u[:2000]] + [kernel.exponential(x) for x in u[-4:]])
    python = np.array([hazards.exponential(x) for x in u[:2000]] + [hazards.exponential(x) for x in u[-4:]])
    np.testing.assert_array_equal(compiled, python)


rates = st.floats(0.0, 0.5)


@settings(max_examples=300, deadline=None)
@given(
    now=st.floats(0, 100), back=st.floats(0, 60), e=st.floats(0, 20), u=st.floats(0, 1, exclude_max=True),
    band=st.lists(st.tuples(rates, rates, rates, rates), min_size=1, max_size=4),
    mult=st.floats(0, 3), until=st.floats(-5, 150), lock=st.floats(0, 2), extra=st.floats(0, 0.2),
    years=st.lists(st.floats(0.1, 2.0), min_size=1, max_size=6),
)  # fmt: skip
def test_draw_exit_has_the_same_bits_compiled(now, back, e, u, band, mult, until, lock, extra, years) -> None:
    starts = tuple(float(6 * i) for i in range(len(band)))
    year_starts = tuple([-math.inf] + [float(12 * i) for i in range(1, len(years))])
    args = (now, now - back, starts, tuple(band), e, u, mult, until, lock, extra, year_starts, tuple(years))
    python = hazards.draw_exit(*args)
    arrays = (np.array(starts), np.array(band), *args[4:10], np.array(year_starts), np.array(years))
    compiled = kernel.draw_exit(*args[:2], *arrays)
    assert compiled == python


@settings(max_examples=200, deadline=None)
@given(
    st.floats(0, 3), st.one_of(st.just(0.0), st.floats(0.5, 40)), st.floats(1, 24), st.floats(0, 3), st.floats(1, 4)
)  # the scenario's ranges: elasticity 0–3, a job's months 0 or at least half a month
def test_length_adjusted_has_the_same_bits_compiled(multiplier, months, reference, elasticity, most) -> None:
    python = hazards.length_adjusted(multiplier, months, reference, elasticity, most)
    assert kernel.length_adjusted(multiplier, months, reference, elasticity, most) == python


# identity of the engines -----------------------------------------------------------------------------------
def test_the_default_scenario_is_identical() -> None:
    """Lund with departments, uncertain values and the labour market: two replications, every arm."""
    resolver = Resolver(load_scenario())
    for rep in (0, 3):
        both_engines(resolver.for_replication(rep), rep)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(scenarios(), scenarios_after_jobs()), st.integers(0, 5))
def test_random_scenarios_are_identical(d: dict, rep: int) -> None:
    both_engines(Resolver(parse_scenario(copy.deepcopy(d))).for_replication(rep), rep)


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(scenarios(), scenarios_after_jobs()), st.integers(0, 1000))
def test_many_random_scenarios_are_identical(d: dict, rep: int) -> None:
    """The acceptance's ≥ 200 generated scenarios: every place type, departments, reforms, both laws, draws."""
    both_engines(Resolver(parse_scenario(copy.deepcopy(d))).for_replication(rep), rep)


def test_a_log_that_runs_out_of_room_gives_the_same_result(monkeypatch: pytest.MonkeyPatch) -> None:
    """Too little room for visits, queues or buckets: the arm runs again with more, to the same result."""
    p = Resolver(load_scenario()).central
    pop = generate(p, 1)
    ts = HouseholdStreams(p.seed, 1, Purpose.TRANSITIONS, pop.n)
    ps = HouseholdStreams(p.seed, 1, Purpose.PROGRAMME, pop.n)
    roomy = fast_engine.run_arm(p, pop, ts, ps)
    monkeypatch.setattr(fast_engine, "ROOM_PER_HOUSEHOLD", 0)
    monkeypatch.setattr(fast_engine, "ROOM_MIN", 16)
    assert_same_arm(fast_engine.run_arm(p, pop, ts, ps), roomy)


def test_an_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="allowed: fast, des"):
        engine("simpy")
    assert ENGINES == ("fast", "des")


@pytest.mark.parametrize("path", sorted(RUNS.glob("*.yaml")), ids=lambda p: p.stem)
def test_shipped_scenarios_give_byte_identical_run_folders(path: Path, tmp_path: Path) -> None:
    """Every scenario in runs/: the run folder's Parquet files are the same bytes with either engine."""
    sc = load_scenario(path)
    resolver = Resolver(sc, file=str(path))
    folders = {}
    for name in ENGINES:
        out = tmp_path / name
        run(RunRequest(sc, str(path), resolver, 2, sc.seed, 1, out, engine=name))
        folders[name] = out
    files = sorted(f.name for f in folders["des"].glob("*.parquet"))
    assert "monthly.parquet" in files
    assert files == sorted(f.name for f in folders["fast"].glob("*.parquet"))
    for name in files:
        assert (folders["des"] / name).read_bytes() == (folders["fast"] / name).read_bytes(), name


def test_compiled_code_is_dropped_when_any_of_its_sources_changes(tmp_path: Path, monkeypatch) -> None:
    """numba watches only the defining file; the stamp covers every file compiled into the cache."""
    from model import compiled_cache as cc

    source, cache = tmp_path / "hazards.py", tmp_path / "__pycache__"
    source.write_text("A = 1\n")
    cache.mkdir()
    monkeypatch.setattr(cc, "SOURCES", (source,))
    monkeypatch.setattr(cc, "CACHES", (cache,))

    def check() -> None:
        monkeypatch.setattr(cc, "_checked", False)
        cc.ensure_fresh()

    (cache / "hazards.draw_exit-1.py311.nbi").write_text("old")
    (cache / "other.f-1.py311.nbi").write_text("not ours")
    check()  # no stamp yet: whatever is there may be stale
    assert not (cache / "hazards.draw_exit-1.py311.nbi").exists() and (cache / cc.STAMP).is_file()
    assert (cache / "other.f-1.py311.nbi").exists()  # another module's cache is left alone
    (cache / "hazards.draw_exit-1.py311.nbi").write_text("fresh")
    check()  # same sources: kept
    assert (cache / "hazards.draw_exit-1.py311.nbi").read_text() == "fresh"
    source.write_text("A = 2\n")
    check()  # a source changed: dropped
    assert not (cache / "hazards.draw_exit-1.py311.nbi").exists()

"""The golden baseline holds: a fixed-seed run of the default gives the recorded figures (tests/golden)."""

from __future__ import annotations

import json

from tests.golden_baseline import FILE, compute, differences


def test_golden_baseline_holds():
    expected = json.loads(FILE.read_text(encoding="utf-8"))
    actual = json.loads(json.dumps(compute()))
    diffs = differences(expected, actual)
    hint = "the model's figures moved; if on purpose, run `make golden` and commit:\n"
    assert not diffs, hint + "\n".join(diffs[:40])


def test_differences_sees_a_moved_number():
    assert differences({"a": {"b": 1.0}}, {"a": {"b": 1.0 + 1e-12}}) == []
    assert differences({"a": {"b": 1.0}}, {"a": {"b": 1.001}}) == [".a.b: 1.0 → 1.001"]
    assert differences({"a": 1}, {"a": 1, "c": 2}) == [".c: new"]

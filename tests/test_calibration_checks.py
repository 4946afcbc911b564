"""Observed figures against the model: inside or outside the model's 90 % band."""

from __future__ import annotations

from calibration.checks import within_band
from calibration.observed import OBSERVED_BY_KEY, Observed


def _obs(value=None, low=None, high=None) -> Observed:
    return Observed("x", value, low, high, "households", "test", "x", "x")


def test_a_point_is_inside_when_between_p5_and_p95():
    assert within_band(_obs(142), (148.0, 140.0, 158.0))
    assert not within_band(_obs(139), (148.0, 140.0, 158.0))
    assert not within_band(_obs(0.5), (0.91, 0.89, 0.93))


def test_an_interval_is_inside_when_it_overlaps_the_band():
    assert within_band(_obs(low=1000, high=1100), (1064.0, 1031.0, 1088.0))
    assert within_band(_obs(low=1000, high=1100), (1120.0, 1095.0, 1150.0))  # overlaps at 1 095–1 100
    assert not within_band(_obs(low=35e6, high=42e6), (12.2e6, 9.2e6, 15.1e6))


def test_every_observed_figure_has_a_source_and_both_languages():
    for o in OBSERVED_BY_KEY.values():
        assert o.source and o.text_sv and o.text_en
        assert (o.value is None) != (o.low is None and o.high is None)

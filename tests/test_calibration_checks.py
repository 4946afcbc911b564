"""Observed figures: the target file, the statistics it names, and the model's band against them."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from calibration.checks import within_band
from calibration.statistics import Tables, values, year_band
from calibration.targets import DATA, Observation, Period, check_within, load_targets
from model.calendar import Calendar, YearMonth
from model.errors import InputError
from model.follow_up import FIELDS as FOLLOW_UP_FIELDS


def _obs(**fields) -> Observation:
    row = {"key": "x", "statistic": "households_on_benefit", "period": 2022, "unit": "households"}
    row |= {"source": "test", "text_sv": "x", "text_en": "x"}
    return Observation(**(row | fields))


def test_a_point_is_inside_when_between_p5_and_p95():
    assert within_band(_obs(value=142), (148.0, 140.0, 158.0))
    assert not within_band(_obs(value=139), (148.0, 140.0, 158.0))
    assert not within_band(_obs(value=0.5), (0.91, 0.89, 0.93))


def test_an_interval_is_inside_when_it_overlaps_the_band():
    assert within_band(_obs(low=1000, high=1100), (1064.0, 1031.0, 1088.0))
    assert within_band(_obs(low=1000, high=1100), (1120.0, 1095.0, 1150.0))  # overlaps at 1 095–1 100
    assert not within_band(_obs(low=35e6, high=42e6), (12.2e6, 9.2e6, 15.1e6))
    assert within_band(_obs(low=1000), (990.0, 950.0, 1001.0))  # a bound on one side only


@pytest.mark.parametrize("path", sorted(DATA.glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_figure_has_a_source_and_both_languages(path):
    targets = load_targets(path)
    assert targets.observations
    for o in targets.observations:
        assert o.source and o.text_sv and o.text_en and o.unit


def test_periods_read_a_year_a_month_or_months():
    assert (str(Period.parse(2022).first), str(Period.parse(2022).last)) == ("2022-01", "2022-12")
    assert str(Period.parse("2022-03")) == "2022-03"
    p = Period.parse("2021-09..2022-02")
    assert (p.first, p.last) == (YearMonth(2021, 9), YearMonth(2022, 2))
    assert Period.parse("2021..2022").years() == [2021, 2022]


# bad target files: exit 2 in the CLI; here the error names file, row and field -------------------------------


def _file(tmp_path: Path, *rows: dict) -> Path:
    path = tmp_path / "targets.yaml"
    base = {"unit": "households", "source": "s", "text_sv": "x", "text_en": "x"}
    data = {"municipality": "Lund", "observations": [base | r for r in rows]}
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


GOOD = {"key": "ok", "statistic": "households_on_benefit", "period": 2022, "value": 1000}


@pytest.mark.parametrize(
    "row, field, words",
    [
        ({"key": "a", "statistic": "households", "period": 2022, "value": 1}, "observations[1] (a)", "one of"),
        ({"key": "a", "statistic": "starts_jobs", "period": 2022, "low": 5, "high": 3}, "observations[1] (a)", "empty"),
        (
            {"key": "a", "statistic": "starts_jobs", "period": 2022},
            "observations[1] (a)",
            "either value or an interval",
        ),
        ({"key": "a", "statistic": "starts_jobs", "period": 2022, "value": 1, "low": 0}, "(a)", "not both"),
        ({"key": "a", "statistic": "starts_jobs", "period": "2022-13", "value": 1}, "(a)", "month must be 1–12"),
        ({"key": "a", "statistic": "starts_jobs", "period": "2022-05..2022-01", "value": 1}, "(a)", "ends before"),
        ({"key": "a", "statistic": "starts_jobs", "value": 1}, "(a)", "needs a period"),
        ({"key": "a", "statistic": "households_change", "period": 2022, "value": -0.1}, "(a)", "needs a base_period"),
        ({"key": "a", "statistic": "social_board_deficit", "period": "2022-01..2022-06", "value": 1}, "(a)", "whole"),
        ({"key": "a", "statistic": "breakeven_cumulative", "period": 2022, "value": 2025}, "(a)", "remove period"),
        ({"key": "a", "statistic": "starts_jobs", "period": 2022, "value": 1, "weight": 2}, "(a).weight", "fields:"),
        ({"key": "a", "statistic": "starts_jobs", "period": 2022, "value": float("nan")}, "(a)", "finite"),
        ({"key": "a", "statistic": "starts_jobs", "period": 2022, "value": 1, "stat": "max"}, "(a)", "stat"),
        ({"key": "a", "statistic": "ledger_sek", "period": 2022, "value": 1}, "(a)", "needs categories"),
        (
            {"key": "a", "statistic": "ledger_sek", "period": 2022, "value": 1, "categories": ["wages"]},
            "(a)",
            "categories wages: not the ledger's; one of benefit",
        ),
        (
            {"key": "a", "statistic": "starts_jobs", "period": 2022, "value": 1, "categories": ["wage"]},
            "(a)",
            "takes no categories",
        ),
    ],
)
def test_a_bad_row_is_refused_naming_file_row_and_field(tmp_path, row, field, words):
    path = _file(tmp_path, GOOD, row)
    with pytest.raises(InputError) as err:
        load_targets(path)
    text = str(err.value)
    assert str(path) in text and field in text and words in text, text


def test_a_key_given_twice_and_a_file_that_is_no_mapping_are_refused(tmp_path):
    with pytest.raises(InputError, match="appears twice"):
        load_targets(_file(tmp_path, GOOD, GOOD))
    path = tmp_path / "t.yaml"
    path.write_text("- 1\n", encoding="utf-8")
    with pytest.raises(InputError, match="a mapping"):
        load_targets(path)


def test_a_period_outside_the_scenario_is_refused_for_a_calibration(tmp_path):
    path = _file(tmp_path, GOOD, {"key": "early", "statistic": "starts_jobs", "period": "2020-01..2022-02", "value": 1})
    targets = load_targets(path)
    calendar = Calendar.between(YearMonth(2021, 9), YearMonth(2023, 12))
    with pytest.raises(InputError) as err:
        check_within(targets, calendar, str(path))
    assert "observations[1] (early).period" in str(err.value) and "2021-09..2023-12" in str(err.value)
    check_within(targets, calendar, str(path), keys=["ok"])  # the rows a calibration uses


# statistics, hand-computed -------------------------------------------------------------------------------------


def _tables() -> Tables:
    """Two replications, two arms, Dec 2021 – Feb 2022."""
    months = pd.to_datetime(["2021-12-01", "2022-01-01", "2022-02-01"])
    rows = []
    for rep in (0, 1):
        for arm, base in (("programme", 100), ("counterfactual", 110)):
            for i, m in enumerate(months):
                hh = base + 10 * rep + i
                follow = (3.0, 1.0, 2.0, 1000.0 * (i + 1), 600.0) if arm == "programme" else (0.0,) * 5
                rows.append((rep, arm, m, hh, i + rep, 1.0, 2.0, *follow))
    monthly = pd.DataFrame(
        rows,
        columns=[
            "rep",
            "arm",
            "month",
            "households_on_benefit",
            "starts_municipal_job",
            "starts_nystartsjobb",
            "starts_internship",
            *FOLLOW_UP_FIELDS,
        ],
    )
    ledger = pd.DataFrame(
        [
            (0, "programme", months[1], "benefit", 1000.0),
            (0, "programme", months[2], "topup_wage", 500.0),
            (0, "counterfactual", months[1], "benefit", 2000.0),
            (0, "programme", months[1], "wage", 20000.0),
            (1, "programme", months[2], "wage", 21000.0),
            (1, "programme", months[2], "subsidy_nystartsjobb", 3000.0),
            (1, "programme", months[0], "wage", 99999.0),  # December 2021: outside the periods below
        ],
        columns=["rep", "arm", "month", "category", "sek"],
    )
    annual = pd.DataFrame(
        {
            "rep": [0, 0, 1, 1, 0, 0, 1, 1],
            "arm": ["programme"] * 4 + ["counterfactual"] * 4,
            "year": [2022, 2023] * 4,
            "months": [12] * 8,
            "deficit_sek": [5.0, 6.0, 7.0, 8.0, 1.0, 1.0, 1.0, 1.0],
            "social_board_net_sek": [10.0, 1.0, 10.0, 10.0, 5.0, 5.0, 5.0, 5.0],
        }
    )
    return Tables(np.array([0, 1]), monthly, ledger, annual, np.zeros((2, 0)))


def test_statistics_by_hand():
    t = _tables()
    jan_feb = "2022-01..2022-02"
    np.testing.assert_allclose(values(_obs(period=jan_feb, value=1), t), [101.5, 111.5])  # mean of 101, 102
    np.testing.assert_allclose(values(_obs(period=jan_feb, value=1, stat="max"), t), [102, 112])
    np.testing.assert_allclose(values(_obs(period="2021-12", value=1, arm="counterfactual"), t), [110, 120])
    # jobs: municipal (i + rep) + nystartsjobb (1) per month; internships 2 a month
    np.testing.assert_allclose(values(_obs(statistic="starts_jobs", period=jan_feb, value=1), t), [5, 7])
    np.testing.assert_allclose(values(_obs(statistic="starts_internships", period=jan_feb, value=1), t), [4, 4])
    # nystartsjobb 1 a month of municipal (i + rep) + 1: Jan–Feb 2 of 5 (rep 0) and 2 of 7 (rep 1)
    share = values(_obs(statistic="subsidised_share_of_job_starts", period=jan_feb, value=0.5), t)
    np.testing.assert_allclose(share, [2 / 5, 2 / 7])
    np.testing.assert_allclose(values(_obs(statistic="benefit_paid", period=jan_feb, value=1), t), [1500, 0])
    saved = values(_obs(statistic="benefit_saved", period="2022-01", value=1), t)
    np.testing.assert_allclose(saved, [1000, 0])
    per_month = values(_obs(statistic="benefit_per_household_month", period=jan_feb, value=1), t)
    np.testing.assert_allclose(per_month, [1500 / 203, 0])
    wages = _obs(statistic="ledger_sek", period=jan_feb, value=1, categories=["wage", "subsidy_nystartsjobb"])
    np.testing.assert_allclose(values(wages, t), [20000, 24000])  # the benefit rows are not summed
    deficit = values(_obs(statistic="social_board_deficit", period="2022..2023", value=1), t)
    np.testing.assert_allclose(deficit, [11, 15])
    change = _obs(statistic="households_change", period="2022-02", base_period="2021-12", value=-0.1)
    np.testing.assert_allclose(values(change, t), [102 / 100 - 1, 112 / 110 - 1])
    # the follow-up (programme arm only): 3 new participants, 1 left for work, 2 for studies a month; the report's
    # way 1 000 × (month index + 1), the counterfactual saving 600 a month
    follow = {
        "participants_started": [6, 6],
        "participants_left_for_work": [2, 2],
        "participants_left_for_studies": [4, 4],
        "leavers_benefit_not_paid": [5000, 5000],
        "leavers_benefit_saved": [1200, 1200],
    }
    for statistic, expected in follow.items():
        np.testing.assert_allclose(values(_obs(statistic=statistic, period=jan_feb, value=1), t), expected)
    # payback: cumulative programme 10, 11 against 5, 10 (never) and 10, 20 against 5, 10 (never)
    breakeven = _obs(statistic="breakeven_cumulative", period=None, value=2025, unit="year")
    assert list(values(breakeven, t)) == [math.inf, math.inf]


def test_a_year_band_ranks_never_last():
    assert year_band(np.array([2024.0, math.inf, 2023.0, 2025.0])) == (2024.0, 2023.0, math.inf)

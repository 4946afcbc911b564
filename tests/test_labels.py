"""Swedish and English number formatting."""

from dashboards.labels import mnkr, number, percent, target_text, tkr


def test_swedish_formatting():
    assert number(1234567.891, 1, "sv") == "1 234 567,9"
    assert number(-1.25, 1, "sv") == "−1,2"
    assert mnkr(17_250_000, "sv") == "17,2 mnkr"
    assert tkr(10_155, "sv") == "10 tkr"


def test_english_formatting():
    assert number(1234567.891, 1, "en") == "1,234,567.9"
    assert mnkr(17_250_000, "en") == "17.2 MSEK"


def test_percent_keeps_small_probabilities_visible():
    assert percent(0.005, "sv") == "0,5 %"
    assert percent(0.0, "sv") == "0 %"
    assert percent(0.4, "en") == "40 %"
    assert percent(0.995, "en") == "99.5 %"


def test_target_text():
    t = {"statistic": "max", "first_year": 2022, "last_year": 2022, "threshold": 1000}
    assert target_text(t, "sv") == "högst 1 000 hushåll varje månad 2022"
    t = {"statistic": "mean", "first_year": 2023, "last_year": 2025, "threshold": 900}
    assert target_text(t, "en") == "at most 900 households on average 2023–2025"

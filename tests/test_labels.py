"""Swedish and English number formatting, with no-break spaces inside numbers and before units."""

from dashboards.labels import NBSP, mnkr, number, percent, sources_text, target_text, tkr
from model.assumptions import references
from model.scenario import Target


def plain(s: str) -> str:
    return s.replace(NBSP, " ")


def test_swedish_formatting():
    assert number(1234567.891, 1, "sv") == f"1{NBSP}234{NBSP}567,9"
    assert number(-1.25, 1, "sv") == "−1,2"
    assert mnkr(17_250_000, "sv") == f"17,2{NBSP}mnkr"
    assert plain(tkr(10_155, "sv")) == "10 tkr"
    assert " " not in mnkr(1_234_500_000, "sv")  # nothing a browser may break


def test_english_formatting():
    assert number(1234567.891, 1, "en") == "1,234,567.9"
    assert plain(mnkr(17_250_000, "en")) == "17.2 MSEK"


def test_percent_keeps_small_probabilities_visible():
    assert plain(percent(0.005, "sv")) == "0,5 %"
    assert plain(percent(0.0, "sv")) == "0 %"
    assert plain(percent(0.4, "en")) == "40 %"
    assert plain(percent(0.995, "en")) == "99.5 %"


def test_target_text():
    t = Target(name="a", statistic="max", first_year=2022, last_year=2022, threshold=1000)
    assert plain(target_text(t, "sv")) == "högst 1 000 hushåll varje månad 2022"
    t = Target(name="b", statistic="mean", first_year=2023, last_year=2025, threshold=900)
    assert target_text(t, "en") == "at most 900 households on average 2023–2025"


def test_sources_are_written_for_people():
    refs = references("assumption: ≈1 230/month in 2020 (facts §1) less ≈15 % (Lund §4.4); IFAU 2021:16")
    text = sources_text(refs, "sv")
    assert "Lunds utredning om fördelningsmodell 2022, avsnitt 4.4" in text and "IFAU 2021:16" in text
    assert "facts" not in text and ".md" not in text

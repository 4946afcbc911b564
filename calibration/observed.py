"""Figures Lund and national statistics report, each with its source (facts.md).

These are not model inputs: they are what a run is held against, in the
report's "Lund's figures vs the model" table and in the README's calibration.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The municipality these figures describe: a run of another municipality is not held against them.
OBSERVED_MUNICIPALITY = "Lund"


@dataclass(frozen=True)
class Observed:
    key: str
    value: float | None
    low: float | None
    high: float | None
    unit: str
    source: str
    text_sv: str
    text_en: str


OBSERVED: tuple[Observed, ...] = (
    Observed(
        "deficit_2022",
        17e6,
        None,
        None,
        "SEK",
        "Lund §4.4 (facts.md §1)",
        "Socialnämndens underskott 2022",
        "Social board deficit 2022",
    ),
    Observed(
        "breakeven_claim",
        2025,
        None,
        None,
        "year",
        "Lund §4.4 (facts.md §1)",
        "Brytpunkt enligt socialnämnden (år)",
        "Breakeven year claimed by the social board",
    ),
    Observed(
        "benefit_saved_by_2025",
        None,
        35e6,
        42e6,
        "SEK",
        "Lund §4.4 (facts.md §1): +35–42 mkr higher benefit costs by 2025 without the strategy",
        "Högre kostnad för försörjningsstöd utan strategin, 2025",
        "Higher benefit cost without the strategy, 2025",
    ),
    Observed(
        "benefit_per_household_month_2022",
        67020 / 6.6,
        None,
        None,
        "SEK",
        "D: 67 020 SEK per household-year (2022) / 6.6 months per year, facts.md §6 (national)",
        "Försörjningsstöd per hushåll och månad 2022 (riket)",
        "Benefit per household and month 2022 (national)",
    ),
    Observed(
        "work_or_studies_3m_after_job",
        0.25,
        None,
        None,
        "share",
        "Malmö 2022 follow-up, facts.md §2 (Malmö's participants and jobs, mostly state-subsidised)",
        "Andel i arbete eller studier 3 månader efter avslutad anställning (Malmö)",
        "Share in work or studies 3 months after a finished job (Malmö)",
    ),
    Observed(
        "on_benefit_year_after_job",
        0.50,
        None,
        None,
        "share",
        "Malmö, Lund §3.3 (facts.md §2): 'endast 50 % … erhåller kommunalt försörjningsstöd efterföljande år'",
        "Andel med försörjningsstöd året efter avslutad anställning (Malmö)",
        "Share on benefit the year after a finished job (Malmö)",
    ),
    Observed(
        "households_early_2022",
        None,
        1000,
        1100,
        "households",
        "facts.md §1: ≈1 230 in 2020, −15 % 2021→2022; issue 2 calibration band",
        "Hushåll med försörjningsstöd i början av 2022",
        "Households on benefit in early 2022",
    ),
    Observed(
        "jobs_filled_2021",
        68,
        None,
        None,
        "starts",
        "Lund §4 (facts.md §1): 68 of 340 jobs filled in 2021; the work started in September",
        "Tillsatta anställningar sep–dec 2021",
        "Jobs filled Sep–Dec 2021",
    ),
    Observed(
        "internships_filled_2021",
        27,
        None,
        None,
        "starts",
        "Lund §4 (facts.md §1): 27 of 200 internships filled in 2021",
        "Tillsatta praktikplatser sep–dec 2021",
        "Internships filled Sep–Dec 2021",
    ),
    Observed(
        "jobs_filled_2022_aug",
        142,
        None,
        None,
        "starts",
        "Lund §4 (facts.md §1): 142 jobs filled by August 2022 (target 200)",
        "Tillsatta anställningar jan–aug 2022",
        "Jobs filled Jan–Aug 2022",
    ),
    Observed(
        "internships_filled_2022_aug",
        16,
        None,
        None,
        "starts",
        "Lund §4 (facts.md §1): 16 internships filled by August 2022 (target 100)",
        "Tillsatta praktikplatser jan–aug 2022",
        "Internships filled Jan–Aug 2022",
    ),
)

OBSERVED_BY_KEY: dict[str, Observed] = {o.key: o for o in OBSERVED}

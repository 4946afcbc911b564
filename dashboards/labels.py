"""User-facing text in Swedish (default) and English, and number formatting.

SEK amounts are shown as mnkr / tkr with Swedish formatting (space as thousands
separator, decimal comma); English uses MSEK / kSEK with a decimal point.
"""

from __future__ import annotations

import math

LANGS = ("sv", "en")

TEXT: dict[str, dict[str, str]] = {
    "title": {"sv": "amsim – resultat", "en": "amsim – results"},
    "scenario": {"sv": "Scenario", "en": "Scenario"},
    "replications": {"sv": "Replikeringar", "en": "Replications"},
    "seed": {"sv": "Frö", "en": "Seed"},
    "period": {"sv": "Period", "en": "Period"},
    "programme": {"sv": "Med insatserna", "en": "With the programme"},
    "counterfactual": {"sv": "Utan insatserna", "en": "Without the programme"},
    "households_on_benefit": {"sv": "Hushåll med försörjningsstöd per månad", "en": "Households on benefit per month"},
    "households": {"sv": "Hushåll", "en": "Households"},
    "month": {"sv": "Månad", "en": "Month"},
    "year": {"sv": "År", "en": "Year"},
    "target": {"sv": "Mål", "en": "Target"},
    "band": {"sv": "P5–P95", "en": "P5–P95"},
    "median": {"sv": "median", "en": "median"},
    "sb_cost": {"sv": "Socialnämndens nettokostnad per år mot ram", "en": "Social board net cost per year vs frame"},
    "cost": {"sv": "Nettokostnad", "en": "Net cost"},
    "frame": {"sv": "Budgetram", "en": "Budget frame"},
    "frame_short": {"sv": "Ram", "en": "Frame"},
    "hh_with_without": {"sv": "Hushåll (med/utan)", "en": "Households (w/wo)"},
    "cost_short": {"sv": "Kostnad", "en": "Cost"},
    "breakeven": {"sv": "Brytpunkt", "en": "Breakeven"},
    "breakeven_dist": {"sv": "Fördelning av brytpunktsår", "en": "Distribution of the breakeven year"},
    "breakeven_annual": {
        "sv": "Årlig (kostnaden med insatser förblir lägre)",
        "en": "Annual (cost with the programme stays lower)",
    },
    "breakeven_cumulative": {
        "sv": "Ackumulerad (återbetald)",
        "en": "Cumulative (payback)",
    },
    "breakeven_first_below": {
        "sv": "Första år då årskostnaden är lägre än utan insatser",
        "en": "First year the annual cost is below the cost without the programme",
    },
    "difference_short": {"sv": "Skillnad", "en": "Difference"},
    "cost_with_without": {"sv": "Kostnad (med/utan)", "en": "Cost (w/wo)"},
    "difference_caption": {
        "sv": "Socialnämndens nettokostnad; skillnad = med − utan insatserna i samma replikering (parvis)",
        "en": "Social board net cost; difference = with − without the programme in the same replication (paired)",
    },
    "probability": {"sv": "Sannolikhet", "en": "Probability"},
    "never": {"sv": "aldrig", "en": "never"},
    "deficit": {"sv": "Underskott", "en": "Deficit"},
    "p_deficit": {"sv": "P(underskott > 0)", "en": "P(deficit > 0)"},
    "frame_80": {"sv": "Ram för 80 % säkerhet", "en": "Frame for 80 % confidence"},
    "difference": {
        "sv": "Skillnad i socialnämndens kostnad (med − utan insatser)",
        "en": "Difference in social board cost (with − without programme)",
    },
    "targets": {"sv": "Mål för antal hushåll", "en": "Targets for households on benefit"},
    "p_target": {"sv": "Sannolikhet att målet nås", "en": "Probability the target is met"},
    "key_results": {"sv": "Huvudresultat", "en": "Key results"},
    "per_year": {"sv": "Per år", "en": "Per year"},
    "departments_title": {
        "sv": "Platser per förvaltning ({method}), hela perioden",
        "en": "Places per department ({method}), whole horizon",
    },
    "departments_note": {
        "sv": "Genomsnittligt antal platser per månad; P50 över replikeringarna. Vite: P50 [P5–P95].",
        "en": "Mean places per month; P50 over replications. Penalty: P50 [P5–P95].",
    },
    "department": {"sv": "Förvaltning", "en": "Department"},
    "jobs_allocated": {"sv": "Anställningar tilldelade", "en": "Jobs allocated"},
    "internships_allocated": {"sv": "Praktik tilldelade", "en": "Internships allocated"},
    "filled": {"sv": "tillsatta", "en": "filled"},
    "missing_place_months": {"sv": "Saknade platsmånader", "en": "Missing place-months"},
    "penalty": {"sv": "Vite", "en": "Penalty"},
    "jobs_allocated_short": {"sv": "Anst.", "en": "Jobs"},
    "internships_allocated_short": {"sv": "Prakt.", "en": "Intern."},
    "filled_short": {"sv": "tills.", "en": "filled"},
    "missing_place_months_short": {"sv": "Saknade pm", "en": "Missing pm"},
    "penalty_short": {"sv": "Vite tkr", "en": "Penalty kSEK"},
    "closed": {"sv": "Stöd som inte kan beviljas", "en": "Subsidies that cannot be granted"},
    "closed_text": {
        "sv": "{type}: scenariot använder stödet {n} månader {first}–{last} då reglerna inte tillåter nya beslut; "
        "anställningar som börjar då får det inte",
        "en": "{type}: the scenario takes the subsidy up in {n} months of {first}–{last} in which the rules allow "
        "no new decisions; jobs starting then go without it",
    },
    "stale": {"sv": "Regler som förs vidare efter senaste kontroll", "en": "Rules carried forward past their check"},
    "no_stale": {"sv": "Inga regler används efter sitt kontrolldatum.", "en": "No rule is used past its check date."},
    "places": {"sv": "Platser och starter per år", "en": "Places and starts per year"},
    "type": {"sv": "Typ", "en": "Type"},
    "jobs": {"sv": "Anställningar", "en": "Jobs"},
    "internships": {"sv": "Praktikplatser", "en": "Internships"},
    "financing": {
        "sv": "Anställningar som startar per år, efter finansiering (P50)",
        "en": "Jobs started per year, by financing (P50)",
    },
    "subsidised_share": {"sv": "Andel med statligt stöd", "en": "Share with a state subsidy"},
    "places_col": {"sv": "Platser (samtidiga)", "en": "Places (concurrent)"},
    "starts_col": {"sv": "Starter per år", "en": "Starts per year"},
    "simulated_starts": {"sv": "Simulerade starter (P50)", "en": "Simulated starts (P50)"},
    "observed": {"sv": "Lunds uppgifter mot modellen", "en": "Lund's figures vs the model"},
    "outside_band": {"sv": "utanför modellens 90 %-band", "en": "outside the model's 90 % band"},
    "within_band": {"sv": "Inom modellens 90 %-band", "en": "Inside the model's 90 % band"},
    "yes": {"sv": "ja", "en": "yes"},
    "no": {"sv": "nej", "en": "no"},
    "observed_note": {
        "sv": "Rader där den rapporterade uppgiften ligger utanför modellens 90 %-band (P5–P95) är markerade. "
        "Brytpunkten och de undvikna kostnaderna är socialnämndens egna bedömningar, inte utfall.",
        "en": "Rows where the reported figure lies outside the model's 90 % band (P5–P95) are marked. "
        "The breakeven year and the avoided costs are the social board's own estimates, not outcomes.",
    },
    "figure": {"sv": "Uppgift", "en": "Figure"},
    "reported": {"sv": "Rapporterat", "en": "Reported"},
    "modelled": {"sv": "Modellen (P50 [P5–P95])", "en": "Model (P50 [P5–P95])"},
    "source": {"sv": "Källa", "en": "Source"},
    "footer": {
        "sv": "Alla belopp är beräknade av modellen; antaganden och källor står i scenariofilen och regelfilerna.",
        "en": "Every amount is computed by the model; assumptions and sources are in the scenario and rule files.",
    },
    "participants": {"sv": "Deltagarnas utfall (med insatserna)", "en": "Participant outcomes (with the programme)"},
    "part_work_or_studies_3m_after_job": {
        "sv": "I arbete eller studier 3 månader efter avslutad anställning",
        "en": "In work or studies 3 months after a finished job",
    },
    "part_hired_at_end_of_job": {
        "sv": "Anställd av arbetsplatsen vid slutet",
        "en": "Hired by the workplace at the end",
    },
    "part_akassa_after_job": {"sv": "A-kassa efter anställningen", "en": "A-kassa after the job"},
    "part_jobs_completed": {"sv": "Anställningar som fullföljs", "en": "Jobs completed"},
    "part_internships_completed": {"sv": "Praktikperioder som fullföljs", "en": "Internships completed"},
    "part_on_benefit_year_after_job": {
        "sv": "Försörjningsstöd någon gång under året efter avslutad anställning",
        "en": "On benefit at some time in the year after a finished job",
    },
    "internship": {"sv": "Praktik", "en": "Internship"},
    "municipal_job": {"sv": "Kommunalt finansierad", "en": "Municipal funds"},
    "nystartsjobb": {"sv": "Nystartsjobb", "en": "Nystartsjobb"},
    "introduktionsjobb": {"sv": "Introduktionsjobb", "en": "Introduktionsjobb"},
    "extratjanst": {"sv": "Extratjänst", "en": "Extratjänst"},
}


def t(key: str, lang: str) -> str:
    """The text for ``key`` in ``lang``."""
    return TEXT[key][lang]


def department_table(departments: dict, lang: str, compact: bool = False) -> tuple[str, list[str], list[list[str]]]:
    """(title, header, rows) of the per-department table over the whole horizon (summary['departments']).

    ``compact`` (a terminal): short headers, the penalty's P50 only.
    """
    keys = ("department", "jobs_allocated", "filled", "internships_allocated", "filled", "missing_place_months")
    header = [t(k + ("_short" if compact and k != "department" else ""), lang) for k in keys]
    header.append(t("penalty_short", lang) if compact else t("penalty", lang))
    rows = []
    for r in departments["rows"]:
        if r["year"] != "all":
            continue
        pen = r["penalty_sek"]
        rows.append(
            [
                r["department"],
                number(r["allocated_jobs_places"], 1, lang),
                number(r["filled_jobs_places"], 1, lang),
                number(r["allocated_internships_places"], 1, lang),
                number(r["filled_internships_places"], 1, lang),
                number(r["missing_place_months"], 0, lang),
                number(pen["p50"] / 1e3, 0, lang)
                if compact
                else f"{tkr(pen['p50'], lang)} [{tkr(pen['p5'], lang)}–{tkr(pen['p95'], lang)}]",
            ]
        )
    return t("departments_title", lang).format(method=departments["method"]), header, rows


def closed_text(closed: dict, lang: str) -> str:
    """One line on a subsidy a scenario takes up in months closed to new decisions."""
    n = number(float(closed["months"]), 0, lang)
    return t("closed_text", lang).format(type=t(closed["type"], lang), n=n, first=closed["first"], last=closed["last"])


def number(x: float, decimals: int, lang: str) -> str:
    """Format a number: '1 234,5' (sv) or '1,234.5' (en)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    s = f"{x:,.{decimals}f}"
    if lang == "sv":
        s = s.replace(",", " ").replace(".", ",").replace("-", "−")
    return s


def mnkr(sek: float, lang: str, decimals: int = 1) -> str:
    """SEK as millions: '17,3 mnkr' / '17.3 MSEK'."""
    return f"{number(sek / 1e6, decimals, lang)} {'mnkr' if lang == 'sv' else 'MSEK'}"


def tkr(sek: float, lang: str, decimals: int = 0) -> str:
    """SEK as thousands: '12 tkr' / '12 kSEK'."""
    return f"{number(sek / 1e3, decimals, lang)} {'tkr' if lang == 'sv' else 'kSEK'}"


def percent(p: float, lang: str) -> str:
    """A probability as a percentage; one decimal near 0 and 1, so 0.5 % is not shown as 0 %."""
    decimals = 1 if 0 < p < 0.01 or 0.99 < p < 1 else 0
    return f"{number(100 * p, decimals, lang)} %"


def target_text(target: dict, lang: str) -> str:
    """'at most 1 000 households in every month of 2022' in the chosen language."""
    years = (
        str(target["first_year"])
        if target["first_year"] == target["last_year"]
        else f"{target['first_year']}–{target['last_year']}"
    )
    n = number(target["threshold"], 0, lang)
    if target["statistic"] == "max":
        return (
            f"högst {n} hushåll varje månad {years}" if lang == "sv" else f"at most {n} households every month {years}"
        )
    return f"högst {n} hushåll i genomsnitt {years}" if lang == "sv" else f"at most {n} households on average {years}"

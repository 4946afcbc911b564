"""User-facing text in Swedish (default) and English, and number formatting.

SEK amounts are shown as mnkr / tkr with Swedish formatting (space as thousands
separator, decimal comma); English uses MSEK / kSEK with a decimal point.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from model.scenario import Target
    from model.summary import Band, ClosedFinancing, DepartmentsSummary, Notice, TargetResult

LANGS = ("sv", "en")
#: A no-break space: inside numbers ('1 234,5') and between a number and its unit, so neither is split.
NBSP = "\u00a0"

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
    "breakeven_annual_short": {"sv": "årlig", "en": "annual"},
    "breakeven_cumulative_short": {"sv": "ackumulerad", "en": "cumulative"},
    "breakeven_first_below_short": {"sv": "första år lägre", "en": "first year below"},
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
    "penalty": {"sv": "Vite, tkr P50 [P5–P95]", "en": "Penalty, kSEK P50 [P5–P95]"},
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
    "observed": {"sv": "Observerade uppgifter mot modellen", "en": "Observed figures vs the model"},
    "outside_band": {"sv": "utanför modellens 90 %-band", "en": "outside the model's 90 % band"},
    "within_band": {"sv": "Inom modellens 90 %-band", "en": "Inside the model's 90 % band"},
    "yes": {"sv": "ja", "en": "yes"},
    "no": {"sv": "nej", "en": "no"},
    "observed_note": {
        "sv": "Rader där den rapporterade uppgiften ligger utanför modellens 90 %-band (P5–P95) är markerade. "
        "Några rader är bedömningar (som socialnämndens brytpunkt) eller en annan kommuns utfall: källan säger vilket.",
        "en": "Rows where the reported figure lies outside the model's 90 % band (P5–P95) are marked. "
        "Some rows are estimates (such as the social board's breakeven) or another municipality's outcomes: "
        "the source says which.",
    },
    "from_posterior": {
        "sv": "a posteriori, {rows} dragningar ur kalibreringen",
        "en": "posterior, {rows} draws from the calibration",
    },
    "fit_title": {"sv": "amsim – kalibrering", "en": "amsim – calibration"},
    "fit_meta": {
        "sv": "Mål: {targets} · {population} partiklar per generation · {generations} generationer · "
        "{reps} replikering(ar) per förslag · frö {seed} · {simulations} simuleringar · {seconds} s",
        "en": "Targets: {targets} · {population} particles a generation · {generations} generations · "
        "{reps} replication(s) a proposal · seed {seed} · {simulations} simulations · {seconds} s",
    },
    "fit_how": {
        "sv": "Approximativ bayesiansk beräkning (ABC-SMC, pyabc): värden dras ur sina a priori-fördelningar "
        "(scenariots), simuleras, och behålls när de simulerade uppgifterna ligger nära de observerade; "
        "tröskeln sänks generation för generation. A posteriori-dragningarna står i posterior.csv: skriv "
        "<code>posterior: posterior.csv</code> i ett scenario för att bära osäkerheten vidare i varje resultat.",
        "en": "Approximate Bayesian computation (ABC-SMC, pyabc): values are drawn from their priors (the "
        "scenario's), simulated, and kept when the simulated figures come close to the observed ones; the "
        "threshold falls generation by generation. The posterior draws are in posterior.csv: write "
        "<code>posterior: posterior.csv</code> in a scenario to carry the remaining uncertainty into every result.",
    },
    "fit_targets": {"sv": "Observerat mot simulerat", "en": "Observed vs simulated"},
    "fit_targets_note": {
        "sv": "Banden är P50 [P5–P95] över simuleringar med värden dragna ur a priori- respektive "
        "a posteriori-fördelningen. Markerade rader ligger utanför a posteriori-bandet. Rader som inte "
        "anpassades (kontroller) visas också.",
        "en": "The bands are P50 [P5–P95] over simulations with values drawn from the prior and from the "
        "posterior. Marked rows lie outside the posterior band. Rows not fitted to (checks) are shown too.",
    },
    "prior_band": {"sv": "A priori P50 [P5–P95]", "en": "Prior P50 [P5–P95]"},
    "posterior_band": {"sv": "A posteriori P50 [P5–P95]", "en": "Posterior P50 [P5–P95]"},
    "fitted": {"sv": "Anpassad", "en": "Fitted"},
    "fit_values": {"sv": "Anpassade värden", "en": "Fitted values"},
    "prior": {"sv": "A priori", "en": "Prior"},
    "posterior": {"sv": "A posteriori", "en": "Posterior"},
    "marginals": {"sv": "Marginalfördelningar", "en": "Marginal distributions"},
    "pairs": {"sv": "Par av värden (a posteriori)", "en": "Pairs of values (posterior)"},
    "diagnostics": {"sv": "Diagnostik per generation", "en": "Diagnostics by generation"},
    "generation": {"sv": "Generation", "en": "Generation"},
    "epsilon": {"sv": "Tröskel (ε)", "en": "Threshold (ε)"},
    "evaluated": {"sv": "Bedömda förslag", "en": "Proposals judged"},
    "simulated": {"sv": "Simulerade förslag", "en": "Proposals simulated"},
    "accepted": {"sv": "Accepterade", "en": "Accepted"},
    "acceptance": {"sv": "Acceptansgrad", "en": "Acceptance rate"},
    "ess": {"sv": "Effektiv urvalsstorlek", "en": "Effective sample size"},
    "wall": {"sv": "Tid (s)", "en": "Wall time (s)"},
    "fit_stopped": {
        "sv": "Kalibreringen stannade i generation {generation}: för få förslag accepterades (under --min-acceptance).",
        "en": "The calibration stopped in generation {generation}: too few proposals were accepted "
        "(below --min-acceptance).",
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
    "follow_up": {
        "sv": "Uppföljning av deltagarna över hela perioden (med insatserna)",
        "en": "Follow-up of the participants over the whole run (with the programme)",
    },
    "follow_up_note": {
        "sv": "Så som en kommun själv följer upp (Linköpings slutrapport §2.3): de som lämnat för arbete och "
        "försörjningsstödet de hade när de placerades, för varje månad efter den de lämnade. Bredvid: vad samma "
        "hushåll hade fått samma månader utan insatserna. Skillnaden är vad uppföljningen inte ser: hushåll som "
        "hade lämnat ändå, och de som kommer tillbaka.",
        "en": "As a municipality follows up itself (Linköping's final report §2.3): those who left for work and the "
        "benefit they had when placed, for every month after the one they left. Beside it: what the same "
        "households would have been paid in the same months without the programme. The gap is what the "
        "follow-up cannot see: households that would have left anyway, and those who come back.",
    },
    "follow_participants_new": {"sv": "Deltagare", "en": "Participants"},
    "follow_left_for_work": {"sv": "Lämnade försörjningsstöd för arbete", "en": "Left benefit for work"},
    "follow_left_for_studies": {"sv": "Gick till studier", "en": "Went to studies"},
    "follow_leavers_not_paid_sek": {
        "sv": "Försörjningsstöd som inte betalats ut till dem, uppföljningens sätt",
        "en": "Benefit not paid to them, the follow-up's way",
    },
    "follow_leavers_saved_sek": {
        "sv": "Sparat på samma hushåll och månader jämfört med utan insatserna",
        "en": "Saved on the same households and months, against no programme",
    },
    "follow_leavers_saved_share": {
        "sv": "Det sparade som andel av uppföljningens belopp",
        "en": "The saving as a share of the follow-up's figure",
    },
    "internship": {"sv": "Praktik", "en": "Internship"},
    "municipal_job": {"sv": "Kommunalt finansierad", "en": "Municipal funds"},
    "nystartsjobb": {"sv": "Nystartsjobb", "en": "Nystartsjobb"},
    "introduktionsjobb": {"sv": "Introduktionsjobb", "en": "Introduktionsjobb"},
    "extratjanst": {"sv": "Extratjänst", "en": "Extratjänst"},
    "warnings": {"sv": "Varningar", "en": "Warnings"},
    # amsim compare
    "compared": {"sv": "Jämförda scenarier", "en": "Compared scenarios"},
    "what_differs": {"sv": "Det som skiljer scenarierna åt", "en": "What differs between the scenarios"},
    "nothing_differs": {
        "sv": "Scenarierna är lika i alla värden (utom namn och beskrivning).",
        "en": "The scenarios are equal in every value (names and descriptions aside).",
    },
    "paired": {"sv": "parvis", "en": "paired"},
    "p_better": {"sv": "P(bättre)", "en": "P(better)"},
    "better_caption": {
        "sv": "Med insatserna i varje scenario, samma replikering; kostnad = socialnämndens; "
        "bättre = färre hushåll / lägre kostnad. Kommun, stat och underskott: report.html och comparison.xlsx",
        "en": "With the programme in each scenario, same replication; cost = the social board's; "
        "better = fewer households / lower cost. Municipality, state and deficit: report.html and comparison.xlsx",
    },
    "side_by_side": {"sv": "Sida vid sida", "en": "Side by side"},
    "compare_title": {"sv": "amsim – jämförelse", "en": "amsim – comparison"},
    "unpaired": {"sv": "oparat P5–P95", "en": "unpaired P5–P95"},
    "compare_note": {
        "sv": "Alla scenarier körs med samma frö, så varje replikering möter samma hushåll, händelser och dragningar "
        "(gemensamma slumptal). Skillnaden per replikering visar effekten av det som skiljer; det oparade bandet "
        "visar vad två oberoende körningar hade gett.",
        "en": "Every scenario runs with the same seed, so each replication meets the same households, events and "
        "draws (common random numbers). The difference per replication shows the effect of what differs; the "
        "unpaired band shows what two independent runs would have given.",
    },
    "measure_households_on_benefit": {"sv": "Hushåll (genomsnitt per månad)", "en": "Households (mean per month)"},
    "measure_social_board_cost": {"sv": "Socialnämndens kostnad", "en": "Social board cost"},
    "measure_municipality_cost": {"sv": "Kommunens kostnad", "en": "Municipality cost"},
    "measure_state_cost": {"sv": "Statens kostnad", "en": "State cost"},
    "measure_deficit": {"sv": "Underskott mot ram", "en": "Deficit against the frame"},
    "x_comparison": {"sv": "Jämförelse", "en": "Comparison"},
    "x_differences": {"sv": "Skillnader i scenarier", "en": "Scenario differences"},
    "x_side": {"sv": "Sida vid sida", "en": "Side by side"},
    # results.xlsx and the CSV tables
    "x_overview": {"sv": "Översikt", "en": "Overview"},
    "x_municipality": {"sv": "Kommun", "en": "Municipality"},
    "x_uncertainty": {"sv": "Osäkerhet", "en": "Uncertainty"},
    "x_value": {"sv": "Värde", "en": "Value"},
    "x_note_mnkr": {
        "sv": "Belopp i mnkr; andelar som procent; P5/P50/P95 över replikeringarna.",
        "en": "Amounts in MSEK; shares as percentages; P5/P50/P95 over replications.",
    },
    "x_households": {"sv": "Hushåll per år", "en": "Households by year"},
    "x_months": {"sv": "Månader", "en": "Months"},
    "x_note_households": {
        "sv": "Hushåll med försörjningsstöd, genomsnitt per månad; skillnad = med − utan i samma replikering.",
        "en": "Households on benefit, mean per month; difference = with − without in the same replication.",
    },
    "x_costs": {"sv": "Kostnad per år", "en": "Cost by year"},
    "x_view": {"sv": "Perspektiv", "en": "View"},
    "x_view_social_board": {"sv": "Socialnämnden", "en": "Social board"},
    "x_view_municipality": {"sv": "Kommunen", "en": "Municipality"},
    "x_view_state": {"sv": "Staten", "en": "State"},
    "x_note_costs": {
        "sv": "Nettokostnad i mnkr per perspektiv; skillnad = med − utan insatserna i samma replikering (parvis).",
        "en": "Net cost in MSEK by view; difference = with − without the programme in the same replication (paired).",
    },
    "x_budget": {"sv": "Budgetram", "en": "Budget frame"},
    "x_note_budget": {
        "sv": "Socialnämndens nettokostnad mot ramen (mnkr). Ram för X % säkerhet = X:e percentilen av kostnaden.",
        "en": "The social board's net cost against the frame (MSEK). Frame for X % confidence = the Xth percentile "
        "of the cost.",
    },
    "x_mandate": {"sv": "Mandatperiod", "en": "Mandate period"},
    "x_households_mean": {"sv": "Hushåll, genomsnitt per månad", "en": "Households, mean per month"},
    "x_frames_total": {"sv": "Ramar, summa (mnkr)", "en": "Frames, total (MSEK)"},
    "x_note_mandate": {
        "sv": "Summor över mandatperioden per replikering, sedan P5/P50/P95 (mnkr).",
        "en": "Totals over the mandate period per replication, then P5/P50/P95 (MSEK).",
    },
    "x_breakeven": {"sv": "Brytpunkt", "en": "Breakeven"},
    "x_note_breakeven": {
        "sv": "Sannolikhet att brytpunkten nåtts senast året; sista raden: aldrig inom perioden.",
        "en": "Probability of breakeven by the year; last row: never within the horizon.",
    },
    "x_variance": {"sv": "Spridning", "en": "Spread"},
    "x_measure": {"sv": "Mått", "en": "Measure"},
    "x_process_sd": {"sv": "sd, slump", "en": "sd, chance"},
    "x_parameter_sd": {"sv": "sd, antaganden", "en": "sd, assumptions"},
    "x_split_households_on_benefit": {"sv": "Hushåll (med insatserna)", "en": "Households (with the programme)"},
    "x_split_social_board_cost": {
        "sv": "Socialnämndens kostnad, mnkr (med insatserna)",
        "en": "Social board cost, MSEK (with the programme)",
    },
    "x_split_social_board_difference": {
        "sv": "Skillnad i socialnämndens kostnad, mnkr",
        "en": "Difference in social board cost, MSEK",
    },
    "x_departments": {"sv": "Förvaltningar", "en": "Departments"},
    "x_supervision": {"sv": "Handledning", "en": "Supervision"},
    "x_compensation": {"sv": "Ersättning", "en": "Compensation"},
    "x_all_years": {"sv": "hela perioden", "en": "whole horizon"},
    "x_assumptions": {"sv": "Antaganden", "en": "Assumptions"},
    "x_comment": {"sv": "Motivering i scenariofilen", "en": "Reason given in the scenario file"},
    "x_warnings": {"sv": "Varningar", "en": "Warnings"},
    "x_warning": {"sv": "Varning", "en": "Warning"},
    "uncertain_note": {
        "sv": "Osäkra antaganden dras per replikering: banden visar både osäkerheten i antagandena och slumpen.",
        "en": "Uncertain assumptions are drawn per replication: the bands show both that uncertainty and chance.",
    },
    "per_year_note": {
        "sv": "Hushåll: genomsnitt per månad. Kostnad: socialnämndens nettokostnad. P50 över replikeringarna; "
        "skillnaden är parvis (med − utan insatserna i samma replikering).",
        "en": "Households: mean per month. Cost: the social board's net cost. P50 over replications; the "
        "difference is paired (with − without the programme in the same replication).",
    },
    "p_cheaper": {
        "sv": "P(billigare med insatserna)",
        "en": "P(cheaper with the programme)",
    },
    "frame_50": {"sv": "Ram för 50 % säkerhet", "en": "Frame for 50 % confidence"},
    "frame_95": {"sv": "Ram för 95 % säkerhet", "en": "Frame for 95 % confidence"},
    "charts": {"sv": "Diagram", "en": "Charts"},
    "breakeven_cdf": {
        "sv": "Sannolikhet att brytpunkten nåtts senast ett visst år",
        "en": "Probability of breakeven by each year",
    },
    "variance_title": {
        "sv": "Spridningen: osäkra antaganden och slump",
        "en": "The spread: uncertain assumptions and chance",
    },
    "variance_note": {
        "sv": "Standardavvikelse över replikeringarna (med insatserna) och den andel av variansen som kommer från "
        "osäkra antaganden och arbetsmarknaden; resten är slump (lagen om total varians, två replikeringar per "
        "dragning).",
        "en": "Standard deviation over replications (with the programme) and the share of its variance that comes "
        "from uncertain assumptions and the labour market; the rest is chance (law of total variance, two "
        "replications per draw).",
    },
    "parameter_share": {"sv": "andel från antaganden", "en": "share from assumptions"},
    "unit_starts": {"sv": "starter per år", "en": "starts per year"},
    "unit_places": {"sv": "platser", "en": "places"},
    "given_as": {"sv": "Angivet som", "en": "Given as"},
    "fill": {"sv": "Fyllnadsgrad (P50)", "en": "Fill (P50)"},
    "places_note": {
        "sv": "Platser = starter × planerade månader / 12. Fyllnadsgrad = besatta platsmånader mot planen; "
        "rader under 90 % är markerade.",
        "en": "Places = starts × planned months / 12. Fill = place-months held against the plan; rows below 90 % "
        "are marked.",
    },
    "assumption": {"sv": "Antagande", "en": "Assumption"},
    "assumptions": {"sv": "Osäkra antaganden och källor", "en": "Uncertain assumptions and sources"},
    "assumptions_note": {
        "sv": "Varje osäkert värde dras per replikering ur sin fördelning (scipy.stats-parametrar); det centrala "
        "värdet används med --fixed. Alla värden med enhet och källa finns i results.xlsx.",
        "en": "Each uncertain value is drawn per replication from its distribution (scipy.stats parameters); the "
        "central value is used with --fixed. Every value with unit and source is in results.xlsx.",
    },
    "no_uncertain": {
        "sv": "Scenariot har inga osäkra värden (eller kördes med --fixed).",
        "en": "The scenario has no uncertain values (or was run with --fixed).",
    },
    "value_path": {"sv": "Värde", "en": "Value"},
    "central": {"sv": "Centralt", "en": "Central"},
    "distribution": {"sv": "Fördelning", "en": "Distribution"},
    "unit": {"sv": "Enhet", "en": "Unit"},
    "p_cheaper_short": {"sv": "P(billigare)", "en": "P(cheaper)"},
    "programme_short": {"sv": "Med", "en": "With"},
    "counterfactual_short": {"sv": "Utan", "en": "Without"},
    "sb_cost_short": {"sv": "socialnämndens nettokostnad", "en": "social board net cost"},
    "frame_80_short": {"sv": "Ram 80 %", "en": "Frame 80 %"},
    "paired_caption": {
        "sv": "Med/utan insatserna; skillnad = med − utan i samma replikering (parvis)",
        "en": "With/without the programme; difference = with − without in the same replication (paired)",
    },
    "spread": {"sv": "Spridning", "en": "Spread"},
    "split_households_on_benefit": {
        "sv": "hushåll sd {sd}, varav {share} av variansen från osäkra antaganden",
        "en": "households sd {sd}, {share} of the variance from uncertain assumptions",
    },
    "split_social_board_cost": {
        "sv": "kostnad sd {sd}, varav {share} från osäkra antaganden",
        "en": "cost sd {sd}, {share} from uncertain assumptions",
    },
    "fixed_note": {
        "sv": "Alla antaganden på sina centrala värden (--fixed eller inga fördelningar): banden visar bara slumpen.",
        "en": "Every assumption at its central value (--fixed or no distributions): the bands show chance only.",
    },
    "places_given_starts": {
        "sv": "{cls} angivna som {starts} starter per år → {places} platser",
        "en": "{cls} given as {starts} starts a year → {places} places",
    },
    "places_given_places": {
        "sv": "{cls} angivna som {places} platser → {starts} starter per år",
        "en": "{cls} given as {places} places → {starts} starts a year",
    },
    "notice_places_empty": {
        "sv": "{place_class}: platser står tomma, fyllnadsgrad under 90 % av planen ({fills})",
        "en": "{place_class}: places stay empty, filled below 90 % of the plan ({fills})",
    },
    "notice_frame_small": {
        "sv": "budget_frames.{year} = {frame}: ramar anges i kronor per år; ser ut som mnkr skrivna som kronor",
        "en": "budget_frames.{year} = {frame}: frames are SEK per year; this looks like MSEK typed as SEK",
    },
    "notice_reform_after_horizon": {
        "sv": "{field}: gäller från {dates}, efter simuleringens slut, och används inte",
        "en": "{field}: applies from {dates}, after the end of the run, and is not used",
    },
    "notice_years_unused": {
        "sv": "{field}: åren {years} ligger utanför simuleringen (eller ersätts av ett senare år) och används inte",
        "en": "{field}: the years {years} lie outside the run (or are replaced by a later year) and are not used",
    },
}


#: References in scenario comments and observed figures, written out for people (model/assumptions.py).
REFERENCES: dict[str, dict[str, str]] = {
    "lund": {
        "sv": "Lunds utredning om fördelningsmodell 2022, avsnitt {section}",
        "en": "Lund's investigation of an allocation model (2022), section {section}",
    },
    "linkoping": {
        "sv": "Linköpings slutrapport om 500-uppdraget 2021, avsnitt {section}",
        "en": "Linköping's final report on the 500 assignment (2021), section {section}",
    },
    "ifau": {"sv": "{section}", "en": "{section}"},
}
#: What each section of the project's fact sheet rests on (its sources, not the sheet itself).
FACT_SOURCES: dict[str, dict[str, str]] = {
    "1": {
        "sv": "Lunds utredning 2022 och socialnämndens beslut (lund.se)",
        "en": "Lund's investigation 2022 and the social board's decisions (lund.se)",
    },
    "2": {"sv": "Malmö enligt Lunds utredning 2022, avsnitt 3.1", "en": "Malmö per Lund's investigation 2022, §3.1"},
    "3": {"sv": "Linköpings slutrapport 2021", "en": "Linköping's final report 2021"},
    "4": {
        "sv": "Förordningarna om nystartsjobb (2018:43), introduktionsjobb (2018:42) och extratjänster",
        "en": "The ordinances on nystartsjobb (2018:43), introduktionsjobb (2018:42) and extratjänster",
    },
    "5": {
        "sv": "Lagen om arbetslöshetsförsäkring (1997:238) och lagen från 2025-10-01",
        "en": "The unemployment insurance act (1997:238) and the act from 2025-10-01",
    },
    "6": {
        "sv": "Socialstyrelsen: riksnormen och statistik om ekonomiskt bistånd",
        "en": "Socialstyrelsen: the national norm and statistics on social assistance",
    },
    "7": {"sv": "Skatteverket och SKR (personalomkostnader)", "en": "Skatteverket and SKR (payroll overheads)"},
    "8": {
        "sv": "IFAU 2021:16 och andra utvärderingar av kommunala anställningar",
        "en": "IFAU 2021:16 and other evaluations of municipal jobs",
    },
    "9": {"sv": "Lagtext och förordningar (se regelfilerna)", "en": "Statutes and ordinances (see the rule files)"},
}

UNIT_TEXT: dict[str, dict[str, str]] = {
    "households": {"sv": "hushåll", "en": "households"},
    "households_per_month": {"sv": "hushåll per månad", "en": "households per month"},
    "share": {"sv": "andel", "en": "share"},
    "months": {"sv": "månader", "en": "months"},
    "per_month": {"sv": "per månad", "en": "per month"},
    "multiplier": {"sv": "faktor", "en": "multiplier"},
    "log_ratio": {"sv": "log-kvot", "en": "log ratio"},
    "starts_per_year": {"sv": "starter per år", "en": "starts per year"},
    "places": {"sv": "platser", "en": "places"},
    "sek_per_place_month": {"sv": "kr per plats och månad", "en": "SEK per place and month"},
    "sek_per_participant_month": {"sv": "kr per deltagare och månad", "en": "SEK per participant and month"},
    "sek_per_year": {"sv": "kr per år", "en": "SEK per year"},
    "count": {"sv": "antal", "en": "count"},
    "year": {"sv": "år", "en": "year"},
    "elasticity": {"sv": "elasticitet", "en": "elasticity"},
    "rule_value": {"sv": "regelvärde", "en": "rule value"},
    "text": {"sv": "text", "en": "text"},
    "number": {"sv": "tal", "en": "number"},
}


def reference_text(kind: str, section: str, lang: str) -> str:
    """One reference for people: 'Lunds utredning … avsnitt 4.4', the sources of a fact-sheet section, or IFAU."""
    if kind == "facts":
        return FACT_SOURCES.get(section.split(".")[0], FACT_SOURCES["9"])[lang]
    return REFERENCES[kind][lang].format(section=section)


def sources_text(refs: Iterable[tuple[str, str]], lang: str) -> str:
    """The references of a value or figure, joined, each once."""
    return "; ".join(dict.fromkeys(reference_text(k, s, lang) for k, s in refs))


def unit_text(unit: str, lang: str) -> str:
    return UNIT_TEXT.get(unit, UNIT_TEXT["number"])[lang]


def t(key: str, lang: str) -> str:
    """The text for ``key`` in ``lang``."""
    return TEXT[key][lang]


def department_table(
    departments: DepartmentsSummary, lang: str, compact: bool = False
) -> tuple[str, list[str], list[list[str]]]:
    """(title, header, rows) of the per-department table over the whole horizon (Summary.departments).

    ``compact`` (a terminal): short headers, the penalty's P50 only.
    """
    keys = ("department", "jobs_allocated", "filled", "internships_allocated", "filled", "missing_place_months")
    header = [t(k + ("_short" if compact and k != "department" else ""), lang) for k in keys]
    header.append(t("penalty_short", lang) if compact else t("penalty", lang))
    rows = []
    for r in departments.rows:
        if r.year != "all":
            continue
        pen = r.penalty_sek
        rows.append(
            [
                r.department,
                number(r.allocated_jobs_places, 1, lang),
                number(r.filled_jobs_places, 1, lang),
                number(r.allocated_internships_places, 1, lang),
                number(r.filled_internships_places, 1, lang),
                number(r.missing_place_months, 0, lang),
                number(pen.p50 / 1e3, 0, lang) if compact else band_text(pen, _thousands, lang),
            ]
        )
    return t("departments_title", lang).format(method=departments.method), header, rows


def _thousands(sek: float, lang: str) -> str:
    return number(sek / 1e3, 0, lang)


def band_text(band: Band, fmt: Callable[[float, str], str], lang: str) -> str:
    """'P50 [P5–P95]' of a band in a format (mnkr, tkr, percent, …)."""
    return f"{fmt(band.p50, lang)} [{fmt(band.p5, lang)}–{fmt(band.p95, lang)}]"


def closed_text(closed: ClosedFinancing, lang: str) -> str:
    """One line on a subsidy a scenario takes up in months closed to new decisions."""
    n = number(float(closed.months), 0, lang)
    return t("closed_text", lang).format(type=t(closed.type, lang), n=n, first=closed.first, last=closed.last)


def notice_text(notice: Notice, lang: str) -> str:
    """A warning in the chosen language (``notice.code`` names its text in :data:`TEXT`)."""
    v = dict(notice.values)
    if "fills" in v:  # "2021=0.21,2023=0.77" → "2021: 21 %, 2023: 77 %"
        pairs = (item.split("=") for item in str(v["fills"]).split(","))
        v["fills"] = ", ".join(f"{y}: {percent(float(f), lang)}" for y, f in pairs)
    if "frame" in v:
        v["frame"] = number(float(v["frame"]), 1, lang)
    if "place_class" in v:
        v["place_class"] = t(str(v["place_class"]), lang).lower()
    return t(f"notice_{notice.code}", lang).format(**v)


def number(x: float, decimals: int, lang: str) -> str:
    """Format a number: '1 234,5' (sv) or '1,234.5' (en)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    s = f"{x:,.{decimals}f}"
    if lang == "sv":
        s = s.replace(",", NBSP).replace(".", ",").replace("-", "−")
    return s


def mnkr(sek: float, lang: str, decimals: int = 1) -> str:
    """SEK as millions: '17,3 mnkr' / '17.3 MSEK'."""
    return f"{number(sek / 1e6, decimals, lang)}{NBSP}{'mnkr' if lang == 'sv' else 'MSEK'}"


def tkr(sek: float, lang: str, decimals: int = 0) -> str:
    """SEK as thousands: '12 tkr' / '12 kSEK'."""
    return f"{number(sek / 1e3, decimals, lang)}{NBSP}{'tkr' if lang == 'sv' else 'kSEK'}"


def percent(p: float, lang: str) -> str:
    """A probability as a percentage; one decimal near 0 and 1, so 0.5 % is not shown as 0 %."""
    decimals = 1 if 0 < p < 0.01 or 0.99 < p < 1 else 0
    return f"{number(100 * p, decimals, lang)}{NBSP}%"


def figure_text(unit: str, x: float | None, lang: str) -> str:
    """An observed or modelled figure in its unit: a percentage, a year ("never" for none), mnkr for large
    sums, else a count; "–" for no value."""
    if unit == "year" and (x is None or math.isinf(x)):
        return t("never", lang)
    if x is None or math.isnan(x):
        return "–"
    if unit == "share":
        return percent(x, lang)
    if unit == "year":
        return str(int(x))
    if unit == "SEK" and abs(x) > 1e5:
        return mnkr(x, lang)
    return number(x, 0, lang)


def observed_text(value: float | None, low: float | None, high: float | None, unit: str, lang: str) -> str:
    """An observed figure: its value, or its interval ('≤ a', '≥ b', 'a–b')."""
    if value is not None:
        return figure_text(unit, value, lang)
    if low is None:
        return f"≤ {figure_text(unit, high, lang)}"  # type: ignore[arg-type]
    if high is None:
        return f"≥ {figure_text(unit, low, lang)}"
    return f"{figure_text(unit, low, lang)}–{figure_text(unit, high, lang)}"


def model_band_text(unit: str, band: tuple[float, float, float] | list[float], lang: str) -> str:
    """A modelled figure as P50 [P5–P95] in the observed figure's unit."""
    p50, p5, p95 = band
    if (p50 is None and unit != "year") or (isinstance(p50, float) and math.isnan(p50)):
        return "–"
    if unit == "SEK" and any(x is not None and abs(x) > 1e5 for x in band):  # one unit for the three: mnkr
        return f"{mnkr(p50, lang)} [{mnkr(p5, lang)}–{mnkr(p95, lang)}]"
    return f"{figure_text(unit, p50, lang)} [{figure_text(unit, p5, lang)}–{figure_text(unit, p95, lang)}]"


def target_text(target: Target | TargetResult, lang: str) -> str:
    """'at most 1 000 households in every month of 2022' in the chosen language."""
    first, last = target.first_year, target.last_year
    years = str(first) if first == last else f"{first}–{last}"
    n = number(target.threshold, 0, lang)
    if target.statistic == "max":
        return (
            f"högst {n} hushåll varje månad {years}" if lang == "sv" else f"at most {n} households every month {years}"
        )
    return f"högst {n} hushåll i genomsnitt {years}" if lang == "sv" else f"at most {n} households on average {years}"

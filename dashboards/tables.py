"""The finance tables of a run: what results.xlsx and the CSV export hold, sheet by sheet.

Each table is plain data (header, rows of numbers or text, a format per column),
so the spreadsheet and the CSV files show the same figures. Money in mnkr,
probabilities as shares (formatted as percentages), bands as P5/P50/P95 over
replications; every figure computed from the run, none typed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dashboards.labels import sources_text, t, target_text, unit_text
from model.outcomes import BREAKEVEN_DEFINITIONS, NEVER
from model.rundata import RunData
from model.summary import Band

#: Column formats: count (whole numbers), mnkr (one decimal), share (a percentage), year, text.
Fmt = str
#: Swedish municipal mandate periods (elections every four years from 2022): the first year of each.
MANDATE_START = 2023
MANDATE_YEARS = 4
VIEWS = ("social_board", "municipality", "state")


@dataclass
class Sheet:
    key: str  # the label key of the sheet's name (and the CSV file's stem)
    header: list[str]
    formats: list[Fmt]
    rows: list[list[float | int | str | None]] = field(default_factory=list)
    note: str = ""


def _pct(values: np.ndarray | pd.Series) -> list[float]:
    v = np.asarray(values, dtype=float)
    return [float(np.percentile(v, q)) for q in (5, 50, 95)]


def _band(b: Band, scale: float = 1.0) -> list[float]:
    return [b.p5 / scale, b.p50 / scale, b.p95 / scale]


def _three(name: str, lang: str) -> list[str]:
    return [f"{name} P5", f"{name} P50", f"{name} P95"]


def mandate_periods(years: list[int]) -> list[tuple[int, int]]:
    """Mandate periods (2023–2026, 2027–2030, …) whose every year is a full year of the run."""
    full = set(years)
    out = []
    start = MANDATE_START
    while start <= max(years, default=0):
        span = list(range(start, start + MANDATE_YEARS))
        if all(y in full for y in span):
            out.append((span[0], span[-1]))
        start += MANDATE_YEARS
    return out


def finance_tables(data: RunData) -> list[Sheet]:
    """Every sheet of results.xlsx, in order."""
    lang = data.lang
    s = data.summary
    sheets = [_overview(data), _households(data), _costs(data), _budget(data)]
    sheets += [_mandate(data, period) for period in mandate_periods(s.full_years)]
    sheets += [_breakeven(data), _targets(data), _variance(data), _places(data)]
    if s.departments is not None:
        sheets.append(_departments(data))
    sheets.append(_assumptions(data))
    if s.notices or s.closed_financing:
        from dashboards.labels import closed_text, notice_text

        sheets.append(
            Sheet(
                "x_warnings",
                [t("x_warning", lang)],
                ["text"],
                [[notice_text(n, lang)] for n in s.notices] + [[closed_text(c, lang)] for c in s.closed_financing],
            )
        )
    return sheets


def _overview(data: RunData) -> Sheet:
    s, p, lang = data.summary, data.params, data.lang
    cal = p.calendar
    rows: list[list] = [
        [t("scenario", lang), s.scenario],
        [t("x_municipality", lang), s.municipality],
        [t("period", lang), f"{cal.month(0)} – {cal.month(cal.n_months - 1)}"],
        [t("replications", lang), s.replications],
        [t("seed", lang), p.seed],
        [t("x_uncertainty", lang), t("uncertain_note" if s.uncertain else "fixed_note", lang)],
    ]
    for name in BREAKEVEN_DEFINITIONS:
        b = s.breakeven[name]
        rows.append(
            [
                f"{t('breakeven', lang)} – {t(f'breakeven_{name}', lang)}, P50",
                t("never", lang) if b.p50 == NEVER else b.p50,
            ]
        )
    for tgt in s.targets.values():
        rows.append([f"{t('p_target', lang)}: {target_text(tgt, lang)}", tgt.programme])
    return Sheet("x_overview", [t("figure", lang), t("x_value", lang)], ["text", "auto"], rows, t("x_note_mnkr", lang))


def _households(data: RunData) -> Sheet:
    lang = data.lang
    header = [t("year", lang), t("x_months", lang)]
    header += _three(t("programme_short", lang), lang) + _three(t("counterfactual_short", lang), lang)
    header += _three(t("difference_short", lang), lang)
    rows = []
    for y, row in data.summary.years.items():
        rows.append(
            [
                int(y),
                row.months,
                *_band(row.programme.households_on_benefit_mean),
                *_band(row.counterfactual.households_on_benefit_mean),
                *_band(row.difference_households_on_benefit),
            ]
        )
    return Sheet("x_households", header, ["year", "count"] + ["count"] * 9, rows, t("x_note_households", lang))


def _costs(data: RunData) -> Sheet:
    lang = data.lang
    header = [t("year", lang), t("x_view", lang)]
    header += _three(t("programme_short", lang), lang) + _three(t("counterfactual_short", lang), lang)
    header += [*_three(t("difference_short", lang), lang), t("p_cheaper", lang)]
    rows = []
    annual = data.annual
    for y, row in data.summary.years.items():
        for view in VIEWS:
            cheaper = None
            if view != "social_board":
                a = annual[annual["year"] == int(y)]
                prog = a[a["arm"] == "programme"].sort_values("rep")[f"{view}_net_sek"].to_numpy()
                cf = a[a["arm"] == "counterfactual"].sort_values("rep")[f"{view}_net_sek"].to_numpy()
                cheaper = float(np.mean(prog < cf))
            rows.append(
                [
                    int(y),
                    t(f"x_view_{view}", lang),
                    *_band(row.programme.cost(view), 1e6),
                    *_band(row.counterfactual.cost(view), 1e6),
                    *_band(row.difference(view), 1e6),
                    row.p_programme_cheaper if view == "social_board" else cheaper,
                ]
            )
    return Sheet("x_costs", header, ["year", "text"] + ["mnkr"] * 9 + ["share"], rows, t("x_note_costs", lang))


def _budget(data: RunData) -> Sheet:
    lang = data.lang
    header = [t("year", lang), t("frame_short", lang), *_three(t("deficit", lang), lang), t("p_deficit", lang)]
    header += [t("frame_50", lang), t("frame_80", lang), t("frame_95", lang)]
    rows = []
    for y, row in data.summary.years.items():
        prog = row.programme
        need = prog.frame_needed_sek
        rows.append(
            [
                int(y),
                prog.frame_sek / 1e6 if prog.frame_sek is not None else None,
                *(_band(prog.deficit_sek, 1e6) if prog.deficit_sek is not None else [None, None, None]),
                prog.p_deficit,
                need.p50 / 1e6,
                need.p80 / 1e6,
                need.p95 / 1e6,
            ]
        )
    return Sheet("x_budget", header, ["year"] + ["mnkr"] * 4 + ["share"] + ["mnkr"] * 3, rows, t("x_note_budget", lang))


def _mandate(data: RunData, period: tuple[int, int]) -> Sheet:
    """Totals over a mandate period, per replication, then P5/P50/P95: what the period costs, not a sum of P50s."""
    lang = data.lang
    first, last = period
    a = data.annual[(data.annual["year"] >= first) & (data.annual["year"] <= last)]
    by = {arm: a[a["arm"] == arm].groupby("rep") for arm in ("programme", "counterfactual")}
    rows: list[list] = []
    hh = {arm: g["households_on_benefit_mean"].mean() for arm, g in by.items()}
    rows.append(
        [t("x_households_mean", lang), *_pct(hh["programme"]), *_pct(hh["counterfactual"]),
         *_pct(hh["programme"] - hh["counterfactual"])]
    )  # fmt: skip
    for view in VIEWS:
        tot = {arm: g[f"{view}_net_sek"].sum() / 1e6 for arm, g in by.items()}
        rows.append(
            [t(f"x_view_{view}", lang), *_pct(tot["programme"]), *_pct(tot["counterfactual"]),
             *_pct(tot["programme"] - tot["counterfactual"])]
        )  # fmt: skip
    frames = [data.params.frames[y] for y in range(first, last + 1) if y in data.params.frames]
    if len(frames) == last - first + 1:
        frame = sum(frames) / 1e6
        cost = by["programme"]["social_board_net_sek"].sum() / 1e6
        blank = [None] * 8
        rows.append([t("x_frames_total", lang), frame, *blank])
        rows.append([t("deficit", lang), *_pct(cost - frame), *blank[:6]])
        rows.append([t("p_deficit", lang), float(np.mean(cost > frame)), *blank])
        for q in (50, 80, 95):
            rows.append([t(f"frame_{q}", lang), float(np.percentile(cost, q)), *blank])
    header = [f"{first}–{last}", *_three(t("programme_short", lang), lang)]
    header += _three(t("counterfactual_short", lang), lang) + _three(t("difference_short", lang), lang)
    sheet = Sheet("x_mandate", header, ["text"] + ["auto"] * 9, rows, t("x_note_mandate", lang))
    sheet.key = f"x_mandate:{first}-{last}"
    return sheet


def _breakeven(data: RunData) -> Sheet:
    lang = data.lang
    s = data.summary
    header = [t("year", lang), *(t(f"breakeven_{name}", lang) for name in BREAKEVEN_DEFINITIONS)]
    rows: list[list] = [[int(y), *(s.breakeven[n].cdf[str(y)] for n in BREAKEVEN_DEFINITIONS)] for y in s.full_years]
    rows.append([t("never", lang), *(s.breakeven[n].distribution[NEVER] for n in BREAKEVEN_DEFINITIONS)])
    return Sheet(
        "x_breakeven", header, ["year"] + ["share"] * len(BREAKEVEN_DEFINITIONS), rows, t("x_note_breakeven", lang)
    )


def _targets(data: RunData) -> Sheet:
    lang = data.lang
    rows = [[name, target_text(tg, lang), tg.programme, tg.counterfactual] for name, tg in data.summary.targets.items()]
    header = [t("target", lang), "", t("programme", lang), t("counterfactual", lang)]
    return Sheet("targets", header, ["text", "text", "share", "share"], rows, t("p_target", lang))


def _variance(data: RunData) -> Sheet:
    lang = data.lang
    header = [t("year", lang), t("x_measure", lang), "sd", t("x_process_sd", lang), t("x_parameter_sd", lang)]
    header.append(t("parameter_share", lang))
    rows = []
    for y in data.summary.full_years:
        row = data.summary.year(y)
        if row is None:
            continue
        for name, split in row.variance_split.items():
            scale = 1.0 if name == "households_on_benefit" else 1e6
            rows.append(
                [
                    y,
                    t(f"x_split_{name}", lang),
                    split.total_sd / scale,
                    split.process_sd / scale if split.process_sd is not None else None,
                    split.parameter_sd / scale if split.parameter_sd is not None else None,
                    split.parameter_share,
                ]
            )
    note = t("variance_note" if data.summary.uncertain else "fixed_note", lang)
    return Sheet("x_variance", header, ["year", "text", "auto", "auto", "auto", "share"], rows, note)


def _places(data: RunData) -> Sheet:
    lang = data.lang
    header = [t("year", lang), t("type", lang), t("given_as", lang), t("places_col", lang), t("starts_col", lang)]
    header += [t("simulated_starts", lang), t("fill", lang)]
    rows = [
        [
            r.year,
            t(r.place_class, lang),
            t(f"unit_{r.unit}", lang),
            r.places,
            r.starts_per_year,
            r.simulated_starts,
            r.fill,
        ]
        for r in data.summary.places
    ]
    return Sheet(
        "places", header, ["year", "text", "text", "count", "count", "count", "share"], rows, t("places_note", lang)
    )


def _departments(data: RunData) -> Sheet:
    lang = data.lang
    deps = data.summary.departments
    assert deps is not None
    header = [
        t("year", lang),
        t("department", lang),
        t("jobs_allocated", lang),
        f"{t('jobs', lang)} {t('filled', lang)}",
        t("internships_allocated", lang),
        f"{t('internships', lang)} {t('filled', lang)}",
        t("missing_place_months", lang),
        f"{t('penalty', lang)} P50 (mnkr)",
        f"{t('x_supervision', lang)} (mnkr)",
        f"{t('x_compensation', lang)} (mnkr)",
    ]
    rows = [
        [
            t("x_all_years", lang) if r.year == "all" else int(r.year),
            r.department,
            r.allocated_jobs_places,
            r.filled_jobs_places,
            r.allocated_internships_places,
            r.filled_internships_places,
            r.missing_place_months,
            r.penalty_sek.p50 / 1e6,
            r.supervision_sek / 1e6,
            r.compensation_sek / 1e6,
        ]
        for r in deps.rows
    ]
    formats = ["auto", "text", "places", "places", "places", "places", "count", "mnkr", "mnkr", "mnkr"]
    return Sheet("x_departments", header, formats, rows, t("departments_note", lang))


def _assumptions(data: RunData) -> Sheet:
    lang = data.lang
    header = [t("value_path", lang), t("central", lang), t("distribution", lang), "P5", "P95", t("unit", lang)]
    header += [t("source", lang), t("x_comment", lang)]
    rows = []
    for a in data.assumptions:
        d = a.distribution
        rows.append(
            [
                a.path,
                a.value,
                d.text() if d is not None else "",
                float(d.ppf(0.05)) if d is not None else None,
                float(d.ppf(0.95)) if d is not None else None,
                unit_text(a.unit, lang),
                sources_text(a.references, lang) or (t("assumption", lang) if a.assumption else ""),
                a.comment,
            ]
        )
    return Sheet(
        "x_assumptions", header, ["text", "auto", "text", "auto", "auto", "text", "text", "text"], rows,
        t("assumptions_note", lang),
    )  # fmt: skip

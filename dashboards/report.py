"""The static run report: one self-contained HTML file that works offline.

Built from a :class:`~model.rundata.RunData`; identical runs give identical
bytes (fixed element ids, no timestamps). Tables fit a 900 px window: headers
wrap, numbers never do (no-break spaces inside them).
"""

from __future__ import annotations

import html
from pathlib import Path

import plotly.io as pio

from dashboards.figures import breakeven_figure, cost_figure, difference_figure, households_figure
from dashboards.labels import (
    NBSP,
    band_text,
    closed_text,
    department_table,
    mnkr,
    model_band_text,
    notice_text,
    number,
    observed_text,
    percent,
    sources_text,
    t,
    target_text,
    unit_text,
)
from model.assumptions import references
from model.outcomes import BREAKEVEN_DEFINITIONS
from model.rundata import RunData
from model.states import JOB_TYPES
from model.summary import Summary

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:1.5rem auto;max-width:1100px;
padding:0 1rem;color:#222;box-sizing:border-box}
h1{margin-bottom:.2rem} h2{margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.3rem}
table{border-collapse:collapse;margin:.8rem 0;width:100%;font-size:.85rem}
td,th{border:1px solid #ddd;padding:.25rem .45rem;vertical-align:top}
th{background:#f4f6f8;text-align:center;font-weight:600;white-space:normal}
td.num{text-align:right} td.txt{text-align:left;overflow-wrap:break-word;hyphens:auto}
.meta{color:#555} .warn{background:#fff7e0;border:1px solid #f0c36d;padding:.6rem 1rem}
tr.warn td{background:#fff7e0}
.kpi{display:flex;gap:1rem;flex-wrap:wrap}
.kpi div{background:#f4f6f8;padding:.8rem 1rem;border-radius:6px;flex:1 1 12rem}
.kpi b{display:block;font-size:1.3rem}
.note{color:#555;font-size:.85rem}
"""

#: Plotly without its toolbar; the chart stays interactive (hover).
PLOT_CONFIG = {"displayModeBar": False, "responsive": True}


#: U+2060 WORD JOINER: no line break beside the dash of a range such as [P5–P95].
WJ = "\u2060"


def _cell(c: str) -> str:
    """A table cell: numbers right-aligned, a range kept whole (it may break only before its bracket)."""
    numeric = bool(c) and (c[0].isdigit() or c[0] in "−-–")
    text = html.escape(c).replace("–", f"{WJ}–{WJ}") if numeric else html.escape(c)
    return f"<td class='{'num' if numeric else 'txt'}'>{text}</td>"


def _table(header: list[str], rows: list[list[str]], marked: list[bool] | None = None) -> str:
    """An HTML table; rows with ``marked`` True get the warning colour."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    marked = marked or [False] * len(rows)
    body = "".join(
        ("<tr class='warn'>" if m else "<tr>") + "".join(_cell(c) for c in r) + "</tr>"
        for r, m in zip(rows, marked, strict=True)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _year(v: int | str, lang: str) -> str:
    return t("never", lang) if v == "never" else str(v)


def _m(x: float, lang: str) -> str:
    return number(x / 1e6, 1, lang)


def _n0(x: float, lang: str) -> str:
    return number(x, 0, lang)


def build_report(data: RunData) -> str:
    """The report as an HTML string."""
    s, p, lang = data.summary, data.params, data.lang
    cal = p.calendar
    unit = "mnkr" if lang == "sv" else "MSEK"
    parts = [
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{html.escape(t('title', lang))} – {html.escape(p.scenario)}</title><style>{CSS}</style></head><body>",
        f"<h1>{html.escape(t('title', lang))}: {html.escape(p.scenario)}</h1>",
        f"<p class='meta'>{t('period', lang)}: {cal.month(0)} – {cal.month(cal.n_months - 1)} · "
        f"{t('replications', lang)}: {s.replications} · {t('seed', lang)}: {p.seed} · "
        f"{t('uncertain_note' if s.uncertain else 'fixed_note', lang)}</p>",
    ]
    parts += _warnings(s, lang)
    parts += _key_results(s, lang)

    rows = []
    for y, row in s.years.items():
        prog, cf = row.programme, row.counterfactual
        rows.append(
            [
                y,
                _n0(prog.households_on_benefit_mean.p50, lang),
                _n0(cf.households_on_benefit_mean.p50, lang),
                band_text(row.difference_households_on_benefit, _n0, lang),
                _m(prog.social_board_net_sek.p50, lang),
                _m(cf.social_board_net_sek.p50, lang),
                band_text(row.difference_social_board_sek, _m, lang),
                percent(row.p_programme_cheaper, lang),
            ]
        )
    header = [
        t("year", lang),
        f"{t('households', lang)}, {t('programme', lang).lower()}",
        f"{t('households', lang)}, {t('counterfactual', lang).lower()}",
        f"{t('difference_short', lang)} [P5–P95]",
        f"{t('cost', lang)} ({unit}), {t('programme', lang).lower()}",
        f"{t('cost', lang)} ({unit}), {t('counterfactual', lang).lower()}",
        f"{t('difference_short', lang)} [P5–P95]",
        t("p_cheaper", lang),
    ]
    parts += [
        f"<h2>{t('per_year', lang)}</h2>",
        f"<p class='note'>{t('per_year_note', lang)}</p>",
        _table(header, rows),
    ]

    budget = []
    for y, row in s.years.items():
        prog = row.programme
        if prog.frame_sek is None or prog.deficit_sek is None or prog.p_deficit is None:
            continue
        need = prog.frame_needed_sek
        budget.append(
            [
                y,
                _m(prog.frame_sek, lang),
                band_text(prog.deficit_sek, _m, lang),
                percent(prog.p_deficit, lang),
                _m(need.p50, lang),
                _m(need.p80, lang),
                _m(need.p95, lang),
            ]
        )
    if budget:
        parts += [
            f"<h2>{t('frame', lang)} ({unit})</h2>",
            _table(
                [
                    t("year", lang),
                    t("frame_short", lang),
                    f"{t('deficit', lang)} P50 [P5–P95]",
                    t("p_deficit", lang),
                    t("frame_50", lang),
                    t("frame_80", lang),
                    t("frame_95", lang),
                ],
                budget,
            ),
        ]

    figs = [
        households_figure(data.households, list(p.targets), lang)[0],
        cost_figure(data.annual, p.frames, lang)[0],
        difference_figure(data.annual, lang)[0],
        breakeven_figure(s, lang)[0],
    ]
    parts.append(f"<h2>{t('charts', lang)}</h2>")
    for i, fig in enumerate(figs):
        parts.append(
            pio.to_html(fig, include_plotlyjs=(i == 0), full_html=False, config=PLOT_CONFIG, div_id=f"figure-{i + 1}")
        )

    parts += _variance_section(s, lang)

    tg_rows = [
        [
            name,
            target_text(tg, lang),
            percent(tg.programme, lang) if tg.programme is not None else "–",
            percent(tg.counterfactual, lang) if tg.counterfactual is not None else "–",
        ]
        for name, tg in s.targets.items()
    ]
    if tg_rows:
        parts += [
            f"<h2>{t('targets', lang)}</h2>",
            _table([t("target", lang), "", t("programme", lang), t("counterfactual", lang)], tg_rows),
        ]

    parts += _places_section(s, data, lang)
    parts += _observed_section(s, lang)

    if s.participants:
        prow = [[t(f"part_{k}", lang), band_text(v, percent, lang)] for k, v in s.participants.items()]
        parts += [f"<h2>{t('participants', lang)}</h2>", _table([t("figure", lang), t("modelled", lang)], prow)]
    parts += _follow_up_section(s, lang)

    if s.departments is not None:
        title, header, rows = department_table(s.departments, lang)
        parts += [f"<h2>{html.escape(title)}</h2>", f"<p class='note'>{t('departments_note', lang)}</p>"]
        parts.append(_table(header, rows))

    parts += _assumptions_section(data, lang)

    parts.append(f"<h2>{t('stale', lang)}</h2>")
    if s.stale_rules:
        items = "".join(f"<li>{html.escape(x)}</li>" for x in s.stale_rules)
        parts.append(f"<div class='warn'><ul>{items}</ul></div>")
    else:
        parts.append(f"<p>{t('no_stale', lang)}</p>")
    parts.append(f"<p class='meta'>{t('footer', lang)}</p></body></html>")
    return "\n".join(parts)


def _warnings(s: Summary, lang: str) -> list[str]:
    items = [notice_text(n, lang) for n in s.notices] + [closed_text(c, lang) for c in s.closed_financing]
    if not items:
        return []
    body = "".join(f"<li>{html.escape(x)}</li>" for x in items)
    return [f"<h2>{t('warnings', lang)}</h2><div class='warn'><ul>{body}</ul></div>"]


def _key_results(s: Summary, lang: str) -> list[str]:
    out = [f"<h2>{t('key_results', lang)}</h2><div class='kpi'>"]
    for name in BREAKEVEN_DEFINITIONS:
        out.append(
            f"<div>{t('breakeven', lang)} – {t(f'breakeven_{name}', lang)}"
            f"<b>P50: {_year(s.breakeven[name].p50, lang)}</b></div>"
        )
    for tgt in s.targets.values():
        shown = percent(tgt.programme, lang) if tgt.programme is not None else "–"
        out.append(
            f"<div>{html.escape(target_text(tgt, lang))}<b>{shown}</b>"
            f"{t('p_target', lang)} ({t('programme', lang).lower()})</div>"
        )
    out.append("</div>")
    return out


def _variance_section(s: Summary, lang: str) -> list[str]:
    """The spread of households and cost split into parameter and process uncertainty, per full year."""
    rows = []
    for y in s.full_years:
        row = s.year(y)
        if row is None:
            continue
        hh, cost = row.variance_split["households_on_benefit"], row.variance_split["social_board_cost"]
        rows.append(
            [
                str(y),
                _n0(hh.total_sd, lang),
                percent(hh.parameter_share, lang) if hh.parameter_share is not None else "–",
                _m(cost.total_sd, lang),
                percent(cost.parameter_share, lang) if cost.parameter_share is not None else "–",
            ]
        )
    if not rows:
        return []
    unit = "mnkr" if lang == "sv" else "MSEK"
    return [
        f"<h2>{t('variance_title', lang)}</h2>",
        f"<p class='note'>{t('variance_note' if s.uncertain else 'fixed_note', lang)}</p>",
        _table(
            [
                t("year", lang),
                f"{t('households', lang)}: sd",
                f"{t('households', lang)}: {t('parameter_share', lang)}",
                f"{t('cost', lang)}: sd ({unit})",
                f"{t('cost', lang)}: {t('parameter_share', lang)}",
            ],
            rows,
        ),
    ]


def _places_section(s: Summary, data: RunData, lang: str) -> list[str]:
    out = []
    rows, marked = [], []
    for r in s.places:
        if r.places == 0:
            continue
        rows.append(
            [
                str(r.year),
                t(r.place_class, lang),
                t(f"unit_{r.unit}", lang),
                number(r.places, 0, lang),
                number(r.starts_per_year, 0, lang),
                number(r.simulated_starts, 0, lang) if r.simulated_starts is not None else "–",
                percent(r.fill, lang) if r.fill is not None else "–",
            ]
        )
        marked.append(r.fill is not None and r.fill < 0.9)
    if rows:
        out += [
            f"<h2>{t('places', lang)}</h2>",
            f"<p class='note'>{t('places_note', lang)}</p>",
            _table(
                [
                    t("year", lang),
                    t("type", lang),
                    t("given_as", lang),
                    t("places_col", lang),
                    t("starts_col", lang),
                    t("simulated_starts", lang),
                    t("fill", lang),
                ],
                rows,
                marked,
            ),
        ]
    prog_annual = data.annual[data.annual["arm"] == "programme"]
    fin_cols = [f"starts_{j}" for j in JOB_TYPES]
    fin = prog_annual.groupby("year")[[*fin_cols, "starts_jobs"]].median()
    share = (prog_annual[fin_cols[1:]].sum(axis=1) / prog_annual["starts_jobs"]).groupby(prog_annual["year"]).median()
    fin_rows = [
        [str(y), *(number(float(fin.loc[y, c]), 0, lang) for c in fin_cols), percent(float(share.loc[y]), lang)]
        for y in fin.index
        if fin.loc[y, "starts_jobs"] > 0
    ]
    if fin_rows:
        out += [
            f"<h2>{t('financing', lang)}</h2>",
            _table([t("year", lang), *(t(j, lang) for j in JOB_TYPES), t("subsidised_share", lang)], fin_rows),
        ]
    return out


def _observed_section(s: Summary, lang: str) -> list[str]:
    """Observed figures against the model: only for a scenario of the municipality they describe."""
    if not s.calibration:
        return []
    rows, outside = [], []
    for row in s.calibration:
        o, m = row, row.model
        reported = observed_text(o.value, o.low, o.high, o.unit, lang)
        if isinstance(m, str):
            modelled = _year(m if m == "never" else int(m), lang)
        else:
            modelled = model_band_text(o.unit, m, lang)
        within = t("yes", lang) if row.within else t("no", lang)
        source = sources_text(references(o.source), lang) or o.source
        rows.append([o.text_sv if lang == "sv" else o.text_en, reported, modelled, within, source])
        outside.append(not row.within)
    return [
        f"<h2>{t('observed', lang)}</h2><p class='note'>{t('observed_note', lang)}</p>",
        _table(
            [t("figure", lang), t("reported", lang), t("modelled", lang), t("within_band", lang), t("source", lang)],
            rows,
            outside,
        ),
    ]


def _follow_up_section(s: Summary, lang: str) -> list[str]:
    """The programme's own follow-up over the run, beside the counterfactual's saving on the same leavers."""
    if not s.follow_up or s.follow_up["participants_new"].p50 <= 0:
        return []

    def count(x: float, lang: str) -> str:
        return number(x, 0, lang)

    formats = {"leavers_not_paid_sek": mnkr, "leavers_saved_sek": mnkr, "leavers_saved_share": percent}
    rows = [[t(f"follow_{k}", lang), band_text(b, formats.get(k, count), lang)] for k, b in s.follow_up.items()]
    return [
        f"<h2>{t('follow_up', lang)}</h2><p class='note'>{t('follow_up_note', lang)}</p>",
        _table([t("figure", lang), t("modelled", lang)], rows),
    ]


def _assumptions_section(data: RunData, lang: str) -> list[str]:
    """The uncertain values: central value, distribution and its 90 % range, unit and sources, for people."""
    rows = []
    for a in data.assumptions:
        d = a.distribution
        if a.posterior is not None:  # the fit's posterior gives it; its distribution was the prior
            central, lo, hi = a.posterior
            shown = t("from_posterior", lang).format(rows=a.posterior_rows)
            shown += f" ({t('prior', lang).lower()}: {d.text()})" if d is not None else ""
        elif d is not None:
            central, lo, hi, shown = float(a.value), d.ppf(0.05), d.ppf(0.95), d.text()
        else:
            continue
        digits = 3 if max(abs(lo), abs(hi)) < 10 else 0
        rows.append(
            [
                a.path.replace(".", ".\u200b"),  # a break opportunity after each dot
                number(float(central), digits, lang),
                f"{number(float(lo), digits, lang)}–{number(float(hi), digits, lang)}",
                shown,
                unit_text(a.unit, lang),
                "; ".join(
                    x for x in (t("assumption", lang) if a.assumption else "", sources_text(a.references, lang)) if x
                )
                or "–",
            ]
        )
    out = [f"<h2>{t('assumptions', lang)}</h2>", f"<p class='note'>{t('assumptions_note', lang)}</p>"]
    if not rows:
        return [*out, f"<p>{t('no_uncertain', lang)}</p>"]
    header = [
        t("value_path", lang),
        t("central", lang),
        "P5–P95",
        t("distribution", lang),
        t("unit", lang),
        t("source", lang),
    ]
    return [*out, _table(header, rows)]


def write_report(folder: Path, data: RunData) -> Path:
    path = folder / "report.html"
    path.write_text(build_report(data), encoding="utf-8")
    return path


__all__ = ["NBSP", "build_report", "write_report"]

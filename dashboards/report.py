"""The static run report: one self-contained HTML file that works offline."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
import plotly.io as pio

from calibration.checks import summary_rows
from calibration.observed import OBSERVED_BY_KEY
from dashboards.figures import breakeven_figure, cost_figure, difference_figure, households_figure
from dashboards.labels import closed_text, department_table, mnkr, number, percent, t, target_text
from model.outcomes import BREAKEVEN_DEFINITIONS
from model.params import Params
from model.states import JOB_TYPES

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1100px;color:#222}
h1{margin-bottom:.2rem} h2{margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.3rem}
table{border-collapse:collapse;margin:.8rem 0} td,th{border:1px solid #ddd;padding:.3rem .6rem}
th{background:#f4f6f8;text-align:center} td.num{text-align:right} td.txt{text-align:left}
.meta{color:#555} .warn{background:#fff7e0;border:1px solid #f0c36d;padding:.6rem 1rem}
.kpi{display:flex;gap:1rem;flex-wrap:wrap} .kpi div{background:#f4f6f8;padding:.8rem 1rem;border-radius:6px}
.kpi b{display:block;font-size:1.4rem}
"""


def _cell(c: str) -> str:
    numeric = bool(c) and (c[0].isdigit() or c[0] in "−-–")
    return f"<td class='{'num' if numeric else 'txt'}'>{html.escape(c)}</td>"


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


def build_report(
    summary: dict,
    monthly: pd.DataFrame,
    annual: pd.DataFrame,
    ledger: pd.DataFrame | None,
    p: Params,
    lang: str = "sv",
) -> str:
    """The report as an HTML string."""
    cal = p.calendar
    be = summary["breakeven"]
    parts = [
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>",
        f"<title>{html.escape(t('title', lang))} – {html.escape(p.scenario)}</title><style>{CSS}</style></head><body>",
        f"<h1>{html.escape(t('title', lang))}: {html.escape(p.scenario)}</h1>",
        f"<p class='meta'>{t('period', lang)}: {cal.month(0)} – {cal.month(cal.n_months - 1)} · "
        f"{t('replications', lang)}: {summary['replications']} · {t('seed', lang)}: {p.seed}</p>",
        f"<h2>{t('key_results', lang)}</h2><div class='kpi'>",
        *(
            f"<div>{t('breakeven', lang)} – {t(f'breakeven_{name}', lang)}"
            f"<b>P50: {_year(be[name]['p50'], lang)}</b></div>"
            for name in BREAKEVEN_DEFINITIONS
        ),
    ]
    for tgt in summary["targets"].values():
        parts.append(
            f"<div>{html.escape(target_text(tgt, lang))}<b>{percent(tgt['programme'], lang)}</b>"
            f"{t('p_target', lang)} ({t('programme', lang).lower()})</div>"
        )
    parts.append("</div>")

    rows = []
    for y, row in summary["years"].items():
        prog = row["programme"]
        rows.append(
            [
                y,
                number(prog["households_on_benefit_mean"]["p50"], 0, lang),
                number(row["counterfactual"]["households_on_benefit_mean"]["p50"], 0, lang),
                mnkr(prog["social_board_net_sek"]["p50"], lang),
                mnkr(row["counterfactual"]["social_board_net_sek"]["p50"], lang),
                mnkr(row["difference_social_board_sek"]["p50"], lang),
                mnkr(prog["frame_sek"], lang) if "frame_sek" in prog else "–",
                mnkr(prog["deficit_sek"]["p50"], lang) if "deficit_sek" in prog else "–",
                percent(prog["p_deficit"], lang) if "p_deficit" in prog else "–",
                mnkr(prog["frame_needed_sek"]["p80"], lang),
            ]
        )
    header = [
        t("year", lang),
        f"{t('households', lang)} ({t('programme', lang).lower()})",
        f"{t('households', lang)} ({t('counterfactual', lang).lower()})",
        f"{t('cost', lang)} ({t('programme', lang).lower()})",
        f"{t('cost', lang)} ({t('counterfactual', lang).lower()})",
        t("difference", lang),
        t("frame", lang),
        t("deficit", lang),
        t("p_deficit", lang),
        t("frame_80", lang),
    ]
    parts += [f"<h2>{t('per_year', lang)} (P50)</h2>", _table(header, rows)]

    figs = [
        households_figure(monthly, list(p.targets), lang)[0],
        cost_figure(annual, p.frames, lang)[0],
        difference_figure(annual, lang)[0],
        breakeven_figure(summary, lang)[0],
    ]
    for i, fig in enumerate(figs):
        parts.append(pio.to_html(fig, include_plotlyjs=(i == 0), full_html=False, config={"displaylogo": False}))

    tg_rows = [
        [name, target_text(tg, lang), percent(tg["programme"], lang), percent(tg["counterfactual"], lang)]
        for name, tg in summary["targets"].items()
    ]
    parts += [
        f"<h2>{t('targets', lang)}</h2>",
        _table([t("target", lang), "", t("programme", lang), t("counterfactual", lang)], tg_rows),
    ]

    place_rows = []
    prog_annual = annual[annual["arm"] == "programme"]
    sim = prog_annual.groupby("year")[["starts_jobs", "starts_internships"]].median()
    for r in summary.get("places", []):
        if r["places"] == 0:
            continue
        col = f"starts_{r['class']}"
        place_rows.append(
            [
                str(r["year"]),
                t(r["class"], lang),
                number(r["places"], 0, lang),
                number(r["starts_per_year"], 0, lang),
                number(float(sim.loc[r["year"], col]) if r["year"] in sim.index else float("nan"), 0, lang),
            ]
        )
    parts += [
        f"<h2>{t('places', lang)}</h2>",
        _table(
            [
                t("year", lang),
                t("type", lang),
                t("places_col", lang),
                t("starts_col", lang),
                t("simulated_starts", lang),
            ],
            place_rows,
        ),
    ]
    fin_cols = [f"starts_{j}" for j in JOB_TYPES]
    fin = prog_annual.groupby("year")[[*fin_cols, "starts_jobs"]].median()
    share = (prog_annual[fin_cols[1:]].sum(axis=1) / prog_annual["starts_jobs"]).groupby(prog_annual["year"]).median()
    fin_rows = [
        [str(y), *(number(float(fin.loc[y, c]), 0, lang) for c in fin_cols), percent(float(share.loc[y]), lang)]
        for y in fin.index
        if fin.loc[y, "starts_jobs"] > 0
    ]
    if fin_rows:
        parts += [
            f"<h2>{t('financing', lang)}</h2>",
            _table([t("year", lang), *(t(j, lang) for j in JOB_TYPES), t("subsidised_share", lang)], fin_rows),
        ]

    obs_rows, outside = [], []
    checked = summary.get("calibration") or summary_rows(monthly, annual, ledger, summary)
    for row in checked:
        o, m = OBSERVED_BY_KEY[row["key"]], row["model"]
        if o.unit == "share":
            reported = percent(o.value or 0.0, lang)
        elif o.unit == "year":
            reported = str(int(o.value or 0))
        elif o.value is None:
            if o.unit == "SEK":
                reported = f"{mnkr(o.low, lang)}–{mnkr(o.high, lang)}"
            else:
                reported = f"{number(o.low, 0, lang)}–{number(o.high, 0, lang)}"
        else:
            reported = mnkr(o.value, lang) if o.unit == "SEK" and o.value > 1e5 else number(o.value, 0, lang)
        if isinstance(m, str):
            modelled = _year(m if m == "never" else int(m), lang)
        elif o.unit == "share":
            modelled = f"{percent(m[0], lang)} [{percent(m[1], lang)} – {percent(m[2], lang)}]"
        elif o.unit == "SEK" and abs(m[0]) > 1e5:
            modelled = f"{mnkr(m[0], lang)} [{mnkr(m[1], lang)} – {mnkr(m[2], lang)}]"
        else:
            modelled = f"{number(m[0], 0, lang)} [{number(m[1], 0, lang)} – {number(m[2], 0, lang)}]"
        within = t("yes", lang) if row["within"] else t("no", lang)
        obs_rows.append([o.text_sv if lang == "sv" else o.text_en, reported, modelled, within, o.source])
        outside.append(not row["within"])
    parts += [
        f"<h2>{t('observed', lang)}</h2><p>{t('observed_note', lang)}</p>",
        _table(
            [t("figure", lang), t("reported", lang), t("modelled", lang), t("within_band", lang), t("source", lang)],
            obs_rows,
            outside,
        ),
    ]

    part = summary.get("participants", {})
    if part:
        prow = [
            [t(f"part_{k}", lang), f"{percent(v['p50'], lang)} [{percent(v['p5'], lang)} – {percent(v['p95'], lang)}]"]
            for k, v in part.items()
            if k != "counts_p50"
        ]
        parts += [f"<h2>{t('participants', lang)}</h2>", _table([t("figure", lang), t("modelled", lang)], prow)]

    if "departments" in summary:
        title, header, rows = department_table(summary["departments"], lang)
        parts += [f"<h2>{html.escape(title)}</h2>", f"<p>{t('departments_note', lang)}</p>", _table(header, rows)]
    closed = summary.get("closed_financing", [])
    if closed:
        items = "".join(f"<li>{html.escape(closed_text(c, lang))}</li>" for c in closed)
        parts.append(f"<h2>{t('closed', lang)}</h2><div class='warn'><ul>{items}</ul></div>")
    stale = summary.get("stale_rules", [])
    parts.append(f"<h2>{t('stale', lang)}</h2>")
    if stale:
        parts.append("<div class='warn'><ul>" + "".join(f"<li>{html.escape(s)}</li>" for s in stale) + "</ul></div>")
    else:
        parts.append(f"<p>{t('no_stale', lang)}</p>")
    parts.append(f"<p class='meta'>{t('footer', lang)}</p></body></html>")
    return "\n".join(parts)


def write_report(
    folder: Path,
    summary: dict,
    monthly: pd.DataFrame,
    annual: pd.DataFrame,
    ledger: pd.DataFrame | None,
    p: Params,
    lang: str,
) -> Path:
    path = folder / "report.html"
    path.write_text(build_report(summary, monthly, annual, ledger, p, lang), encoding="utf-8")
    return path

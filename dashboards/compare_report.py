"""The comparison folder's report.html and comparison.xlsx (see model/compare.py)."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
from openpyxl import Workbook
from openpyxl.styles import Font

from dashboards.excel import NUMBER_FORMATS, safe_text, save_reproducibly
from dashboards.figures import style
from dashboards.labels import band_text, number, percent, t
from dashboards.report import CSS, PLOT_CONFIG, _table
from model.compare import MEASURES, Comparison

_MONEY = {"social_board_cost", "municipality_cost", "state_cost", "deficit"}


def _fmt(measure: str, lang: str) -> Callable[[float, str], str]:
    """How a measure's numbers are shown: mnkr for money, whole households otherwise."""
    if measure in _MONEY:
        return lambda x, _lang: number(x / 1e6, 1, lang)
    return lambda x, _lang: number(x, 0, lang)


def build_compare_report(c: Comparison, lang: str) -> str:
    unit = "mnkr" if lang == "sv" else "MSEK"
    names = " · ".join(f"{k} = {html.escape(v)}" for k, v in c.names.items())
    parts = [
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{t('compare_title', lang)}</title><style>{CSS}</style></head><body>",
        f"<h1>{t('compare_title', lang)}</h1>",
        f"<p class='meta'>{names} · {t('seed', lang)}: {c.seed} · {t('replications', lang)}: {c.replications}</p>",
        f"<p class='note'>{t('compare_note', lang)}</p>",
        f"<h2>{t('what_differs', lang)}</h2>",
    ]
    if c.differences:
        rows = [[d.path.replace(".", ".\u200b"), *(d.values[k] for k in c.names)] for d in c.differences]
        parts.append(_table([t("value_path", lang), *c.names], rows))
    else:
        parts.append(f"<p>{t('nothing_differs', lang)}</p>")
    for label in c.names:
        if label == c.base:
            continue
        for measure in MEASURES:
            rows = []
            for y in c.years:
                d = y.differences[label].get(measure)
                if d is None:
                    continue
                f = _fmt(measure, lang)
                rows.append(
                    [
                        str(y.year),
                        band_text(d, f, lang),
                        f"{f(d.unpaired_p5, lang)}–{f(d.unpaired_p95, lang)}",
                        percent(d.p_better, lang),
                    ]
                )
            if not rows:
                continue
            what = t(f"measure_{measure}", lang) + (f" ({unit})" if measure in _MONEY else "")
            parts += [
                f"<h2>{label} − {c.base}: {html.escape(what)}</h2>",
                _table(
                    [t("year", lang), f"{t('paired', lang)} P50 [P5–P95]", t("unpaired", lang), t("p_better", lang)],
                    rows,
                ),
            ]
    fig = go.Figure()
    for label in c.names:
        if label == c.base:
            continue
        ys = [y for y in c.years if "social_board_cost" in y.differences[label]]
        d = [y.differences[label]["social_board_cost"] for y in ys]
        fig.add_trace(
            go.Scatter(
                x=[y.year for y in ys],
                y=[x.p50 / 1e6 for x in d],
                mode="markers+lines",
                name=f"{label} − {c.base}, P50 (P5–P95)",
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": [(x.p95 - x.p50) / 1e6 for x in d],
                    "arrayminus": [(x.p50 - x.p5) / 1e6 for x in d],
                },
            )
        )
    style(
        fig,
        lang,
        title=t("measure_social_board_cost", lang) + f" ({t('paired', lang)})",
        xaxis={"title": t("year", lang), "dtick": 1, "tickformat": "d"},
        yaxis={"title": unit, "zeroline": True, "zerolinecolor": "#444"},
    )
    parts.append(pio.to_html(fig, include_plotlyjs=True, full_html=False, config=PLOT_CONFIG, div_id="figure-1"))
    parts.append(f"<h2>{t('side_by_side', lang)}</h2>")
    rows = []
    for name in c.breakeven[c.base]:
        rows.append(
            [f"{t('breakeven', lang)} ({t(f'breakeven_{name}', lang)}) P50"]
            + [
                t("never", lang) if c.breakeven[k][name].p50 == "never" else str(c.breakeven[k][name].p50)
                for k in c.names
            ]
        )
    for target in c.targets[c.base]:
        rows.append([f"P({target})", *(percent(c.targets[k].get(target) or 0.0, lang) for k in c.names)])
    parts.append(_table(["", *c.names], rows))
    parts.append("</body></html>")
    return "\n".join(parts)


def write_compare_report(folder: Path, c: Comparison, lang: str) -> Path:
    path = folder / "report.html"
    path.write_text(build_compare_report(c, lang), encoding="utf-8")
    return path


def write_compare_xlsx(folder: Path, c: Comparison, lang: str) -> Path:
    """comparison.xlsx: the differences between scenarios, the paired bands per year, and side by side."""
    wb = Workbook()
    ws = wb.active
    ws.title = t("x_differences", lang)[:31]
    ws.append([safe_text(t("value_path", lang)), *c.names])
    for d in c.differences:
        ws.append([safe_text(d.path), *(safe_text(d.values[k]) for k in c.names)])
    ws = wb.create_sheet(t("x_comparison", lang)[:31])
    header = [t("year", lang), t("x_view", lang), t("x_measure", lang), "P5", "P50", "P95", t("p_better", lang)]
    header += [f"{t('unpaired', lang)} P5", f"{t('unpaired', lang)} P95"]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for label in c.names:
        if label == c.base:
            continue
        for y in c.years:
            for measure, d in y.differences[label].items():
                scale = 1e6 if measure in _MONEY else 1.0
                ws.append(
                    [y.year, f"{label} − {c.base}", t(f"measure_{measure}", lang), d.p5 / scale, d.p50 / scale,
                     d.p95 / scale, d.p_better, d.unpaired_p5 / scale, d.unpaired_p95 / scale]
                )  # fmt: skip
                row = ws.max_row
                for col in (4, 5, 6, 8, 9):
                    ws.cell(row=row, column=col).number_format = NUMBER_FORMATS["mnkr" if scale > 1 else "count"]
                ws.cell(row=row, column=7).number_format = NUMBER_FORMATS["share"]
    ws = wb.create_sheet(t("x_side", lang)[:31])
    ws.append(["", *c.names])
    for name in c.breakeven[c.base]:
        ws.append(
            [f"{t('breakeven', lang)} ({t(f'breakeven_{name}', lang)}) P50"]
            + [t("never", lang) if c.breakeven[k][name].p50 == "never" else c.breakeven[k][name].p50 for k in c.names]
        )
    for target in c.targets[c.base]:
        ws.append([safe_text(f"P({target})"), *(c.targets[k].get(target) for k in c.names)])
        for cell in ws[ws.max_row][1:]:
            cell.number_format = NUMBER_FORMATS["share"]
    return save_reproducibly(wb, folder / "comparison.xlsx")

"""The fit report of a calibration: one self-contained HTML file, from the fit folder's files.

Observed figures against the prior's and the posterior's predictive bands,
each fitted value's prior and posterior (marginals and pairs), and each
generation's diagnostics. Identical fits give identical bytes (no
timestamps, fixed element ids) except for the wall times it reports.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from dashboards.figures import style
from dashboards.labels import model_band_text, number, observed_text, percent, sources_text, t
from dashboards.report import CSS, PLOT_CONFIG, _table
from model.assumptions import references


def build_fit_report(fit: dict, posterior: pd.DataFrame, prior_sample: pd.DataFrame, lang: str) -> str:
    """The report as an HTML string."""
    s = fit["settings"]
    gens = fit["generations"]
    meta = t("fit_meta", lang).format(
        targets=html.escape(Path(fit["targets_file"]).name), population=s["population"], generations=len(gens),
        reps=s["per_proposal"], seed=s["seed"], simulations=number(fit["simulations"], 0, lang),
        seconds=number(fit["wall_seconds"], 0, lang),
    )  # fmt: skip
    title = f"{t('fit_title', lang)}: {fit['scenario']}"
    parts = [
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1><p class='meta'>{meta}</p><p class='note'>{t('fit_how', lang)}</p>",
    ]
    if fit.get("stopped"):
        parts.append(
            f"<p class='warn'>{t('fit_stopped', lang).format(generation=fit['stopped']['generation'] + 1)}</p>"
        )
    parts += _targets_section(fit, lang)
    parts += _values_section(fit, lang)
    figures = [_marginals(fit, posterior, prior_sample, lang)]
    if len(fit["values"]) > 1:
        figures.append(_pairs(fit, posterior, lang))
    for i, (heading, fig) in enumerate(figures):
        chart = pio.to_html(fig, include_plotlyjs=(i == 0), full_html=False, config=PLOT_CONFIG, div_id=f"fit-{i + 1}")
        parts.append(f"<h2>{heading}</h2>{chart}")
    parts += _diagnostics(gens, lang)
    parts.append("</body></html>")
    return "\n".join(parts)


def _targets_section(fit: dict, lang: str) -> list[str]:
    rows, marked = [], []
    for o in fit["targets"]:
        prior = model_band_text(o["unit"], o["prior"], lang) if o["prior"] is not None else "–"
        rows.append(
            [
                o["text_sv"] if lang == "sv" else o["text_en"],
                observed_text(o["value"], o["low"], o["high"], o["unit"], lang),
                prior,
                model_band_text(o["unit"], o["posterior"], lang),
                t("yes" if o["fitted"] else "no", lang),
                t("yes" if o["within"] else "no", lang),
                sources_text(references(o["source"]), lang) or o["source"],
            ]
        )
        marked.append(not o["within"])
    header = [t("figure", lang), t("reported", lang), t("prior_band", lang), t("posterior_band", lang),
              t("fitted", lang), t("within_band", lang), t("source", lang)]  # fmt: skip
    return [f"<h2>{t('fit_targets', lang)}</h2><p class='note'>{t('fit_targets_note', lang)}</p>",
            _table(header, rows, marked)]  # fmt: skip


def _value(x: float, lang: str) -> str:
    """A fitted value: enough significant digits to tell prior from posterior."""
    decimals = max(0, 3 - int(np.floor(np.log10(abs(x)))) - 1) if x else 0
    return number(x, min(decimals, 6), lang)


def _values_section(fit: dict, lang: str) -> list[str]:
    rows = []
    for v in fit["values"]:
        pb, qb = v["prior_band"], v["posterior_band"]
        rows.append(
            [
                v["path"],
                v["prior"],
                f"{_value(pb[0], lang)} [{_value(pb[1], lang)}–{_value(pb[2], lang)}]",
                f"{_value(qb[0], lang)} [{_value(qb[1], lang)}–{_value(qb[2], lang)}]",
            ]
        )
    header = [t("value_path", lang), t("prior", lang), t("prior_band", lang), t("posterior_band", lang)]
    return [f"<h2>{t('fit_values', lang)}</h2>", _table(header, rows)]


def _marginals(fit: dict, posterior: pd.DataFrame, prior_sample: pd.DataFrame, lang: str) -> tuple[str, go.Figure]:
    paths = [v["path"] for v in fit["values"]]
    fig = make_subplots(rows=1, cols=len(paths), subplot_titles=paths)
    w = posterior["weight"].to_numpy()
    for i, path in enumerate(paths):
        edges = np.histogram_bin_edges(np.concatenate([prior_sample[path], posterior[path]]), bins=30)
        for name, x, weights, colour in (
            (t("prior", lang), prior_sample[path].to_numpy(), None, "#bbbbbb"),
            (t("posterior", lang), posterior[path].to_numpy(), w, "#1f77b4"),
        ):
            density, _ = np.histogram(x, bins=edges, weights=weights, density=True)
            fig.add_trace(
                go.Bar(x=(edges[:-1] + edges[1:]) / 2, y=density, width=np.diff(edges), name=name, marker_color=colour,
                       opacity=0.6, showlegend=i == 0, legendgroup=name),
                row=1, col=i + 1,
            )  # fmt: skip
    style(fig, lang, barmode="overlay", height=340)
    return t("marginals", lang), fig


def _pairs(fit: dict, posterior: pd.DataFrame, lang: str) -> tuple[str, go.Figure]:
    paths = [v["path"] for v in fit["values"]]
    w = posterior["weight"].to_numpy()
    size = 4 + 10 * w / w.max()
    fig = go.Figure(
        go.Splom(
            dimensions=[{"label": p.rsplit(".", 1)[-1] if len(p) > 24 else p, "values": posterior[p]} for p in paths],
            marker={"size": size, "color": "#1f77b4", "opacity": 0.5}, showupperhalf=False, diagonal_visible=False,
        )
    )  # fmt: skip
    style(fig, lang, height=min(900, 260 * len(paths)))
    return t("pairs", lang), fig


def _diagnostics(gens: list[dict], lang: str) -> list[str]:
    rows = []
    for g in gens:
        rows.append(
            [
                str(g["generation"] + 1),
                number(g["epsilon"], 3, lang),
                number(g["evaluated"], 0, lang),
                number(g["simulated"], 0, lang) if g["simulated"] is not None else "–",
                number(g["accepted"], 0, lang),
                percent(g["acceptance"], lang),
                number(g["ess"], 0, lang),
                number(g["wall_seconds"], 1, lang) if g["wall_seconds"] is not None else "–",
            ]
        )
    header = [t(k, lang) for k in ("generation", "epsilon", "evaluated", "simulated", "accepted", "acceptance",
                                   "ess", "wall")]  # fmt: skip
    return [f"<h2>{t('diagnostics', lang)}</h2>", _table(header, rows)]


def write_fit_report(folder: Path, lang: str) -> Path:
    """fit.html in a finished fit folder."""
    fit = json.loads((folder / "fit.json").read_text(encoding="utf-8"))
    posterior = pd.read_csv(folder / "posterior.csv")
    prior_sample = pd.read_parquet(folder / "prior_sample.parquet")
    path = folder / "fit.html"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(build_fit_report(fit, posterior, prior_sample, lang), encoding="utf-8")
    tmp.replace(path)
    return path

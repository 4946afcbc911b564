"""The report of `amsim evaluate`: event-time profiles of the estimates beside the truth, coverage, balance.

One self-contained HTML file in Swedish or English. Identical evaluations give
identical bytes (no timestamps, fixed element ids).
"""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from dashboards.figures import style
from dashboards.labels import number
from dashboards.report import CSS, PLOT_CONFIG, _table
from evaluation.evaluate import Evaluation

TEXT: dict[str, dict[str, str]] = {
    "title": {
        "sv": "amsim – utvärdering av ett syntetiskt register",
        "en": "amsim – evaluation of a synthetic register",
    },
    "meta": {
        "sv": "Register: {register}. Replikeringar: {reps}. Månader efter start: 0–{months}. Trimning: propensitet "
              "över {trim} utesluts.",
        "en": "Register: {register}. Replications: {reps}. Months after the start: 0–{months}. Trimming: "
              "propensities above {trim} left out.",
    },
    "how": {
        "sv": "Dynamisk inverse probability weighting (van den Berg & Vikström; IFAU 2021:16): de som börjar en "
              "insats en månad jämförs med alla som då har försörjningsstöd och ännu inte deltagit, viktade med "
              "oddset att börja (logit på registrets kovariater). Jämförelsepersoner som börjar senare censureras "
              "och de kvarvarande viktas upp. Effekten är alltså att börja nu mot att inte delta. Sanningen är "
              "deltagarnas egen skillnad mot det parade kontrafaktiska förloppet utan programmet – det som inget "
              "verkligt register har. Den naiva jämförelsen ställer deltagarna mot dem som aldrig deltar, utan vikter.",
        "en": "Dynamic inverse probability weighting (van den Berg & Vikström; IFAU 2021:16): those who start a "
              "place in a month are compared with everyone then on benefit and not yet placed, weighted by the odds "
              "of starting (a logit on the register's covariates). Comparisons who start later are censored and "
              "those left weighted up, so the effect is starting now against not taking part. The truth is the "
              "participants' own difference to their paired counterfactual without the programme – what no real "
              "register has. The naive comparison sets the participants against those never placed, unweighted.",
    },
    "profiles": {
        "sv": "Effekter efter månader sedan start (procentenheter)",
        "en": "Effects by months since the start (percentage points)",
    },
    "replication_shown": {"sv": "replikering {rep}", "en": "replication {rep}"},
    "estimate": {"sv": "IPW-skattning", "en": "IPW estimate"},
    "ci": {"sv": "95 % KI", "en": "95 % CI"},
    "truth": {"sv": "sanning (parat kontrafaktiskt)", "en": "truth (paired counterfactual)"},
    "naive": {"sv": "naiv jämförelse", "en": "naive comparison"},
    "months_since": {"sv": "månader sedan start", "en": "months since the start"},
    "pp": {"sv": "procentenheter", "en": "percentage points"},
    "coverage": {"sv": "Täckning över replikeringarna", "en": "Coverage over the replications"},
    "coverage_note": {
        "sv": "Andelen register vars 95 %-intervall innehåller sanningen, per månad sedan start; lägst {low} "
              "(alla deltagare). Medelvärden i procentenheter.",
        "en": "The share of registers whose 95 % interval holds the truth, by month since the start; lowest {low} "
              "(all participants). Means in percentage points.",
    },
    "bias_note": {
        "sv": "Skattningen avviker från sanningen med i snitt {bias} procentenheter på {outcome} (månad 12–36): "
              "mer än osäkerheten förklarar. Något som styr urvalet och utfallet syns inte i registret – här "
              "arbetsberedskapen, som socialtjänsten bedömer men inget register har.",
        "en": "The estimate is off the truth by {bias} percentage points on average on {outcome} (months 12–36): "
              "more than uncertainty explains. Something that decides both who is placed and the outcome is not "
              "in the register – here readiness, which the social services judge and no register holds.",
    },
    "workplace": {"sv": "Efter arbetsplats (medel månad 13–36)", "en": "By workplace (mean of months 13–36)"},
    "balance": {
        "sv": "Balans vid start (standardiserade skillnader)",
        "en": "Balance at the start (standardised differences)",
    },
    "balance_note": {
        "sv": "Deltagare mot jämförelsegrupp, utan och med vikter. Arbetsberedskap är inte observerad: vikterna "
              "kan inte balansera den.",
        "en": "Participants against the comparison, unweighted and weighted. Readiness is unobserved: the "
              "weights cannot balance it.",
    },
    "covariate": {"sv": "kovariat", "en": "covariate"},
    "mean": {"sv": "deltagarnas medel", "en": "participants' mean"},
    "raw": {"sv": "utan vikter", "en": "unweighted"},
    "weighted": {"sv": "med vikter", "en": "weighted"},
    "group": {"sv": "grupp", "en": "group"},
    "outcome": {"sv": "utfall", "en": "outcome"},
    "month": {"sv": "månad", "en": "month"},
    "registers": {"sv": "register", "en": "registers"},
    "unobserved": {"sv": " (ej observerad)", "en": " (unobserved)"},
    "benefit": {"sv": "försörjningsstöd", "en": "benefit"},
    "work": {"sv": "arbete", "en": "work"},
    "akassa": {"sv": "a-kassa", "en": "a-kassa"},
    "all": {"sv": "alla deltagare", "en": "all participants"},
    "internship": {"sv": "praktik", "en": "internship"},
    "ordinary": {"sv": "anställning, ordinarie arbetsplats", "en": "job, ordinary workplace"},
    "created": {"sv": "anställning, skapad arbetsplats", "en": "job, created workplace"},
    "participants": {"sv": "deltagare", "en": "participants"},
}  # fmt: skip
OUTCOMES = ("benefit", "work", "akassa")
SHOWN_K = (0, 3, 6, 12, 24, 36)


def tr(key: str, lang: str) -> str:
    return TEXT[key][lang]


def _pp(x: float, lang: str) -> str:
    return "–" if not np.isfinite(x) else number(100 * x, 1, lang)


def build_evaluation_report(ev: Evaluation, lang: str) -> str:
    """The report as an HTML string."""
    s = ev.settings
    reps = s["replications"]
    meta = tr("meta", lang).format(
        register=html.escape(Path(s["register"]).parent.name or s["register"]),
        reps=len(reps), months=s["months"], trim=number(s["trim"], 2, lang),
    )  # fmt: skip
    parts = [
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{html.escape(tr('title', lang))}</title><style>{CSS}</style></head><body>",
        f"<h1>{html.escape(tr('title', lang))}</h1><p class='meta'>{meta}</p><p class='note'>{tr('how', lang)}</p>",
    ]
    rep = reps[0]
    fig = _profiles_figure(ev.profiles[ev.profiles["replication"] == rep], lang)
    chart = pio.to_html(fig, include_plotlyjs=True, full_html=False, config=PLOT_CONFIG, div_id="evaluation-1")
    heading = f"{tr('profiles', lang)}: {tr('replication_shown', lang).format(rep=rep)}"
    parts.append(f"<h2>{heading}</h2>{chart}")
    if ev.has_truth and len(reps) > 1:
        parts += _coverage_section(ev, lang)
    parts += _workplace_section(ev, lang)
    parts += _balance_section(ev, rep, lang)
    parts.append("</body></html>")
    return "\n".join(parts)


def _groups(profiles: pd.DataFrame) -> list[str]:
    present = profiles.dropna(subset=["estimate"])["group"].unique().tolist()
    return [g for g in ("all", "ordinary", "created", "internship") if g in present]


def _profiles_figure(profiles: pd.DataFrame, lang: str) -> go.Figure:
    groups = _groups(profiles)
    fig = make_subplots(
        rows=len(groups), cols=len(OUTCOMES), shared_xaxes=True, vertical_spacing=0.06, horizontal_spacing=0.06,
        subplot_titles=[f"{tr(g, lang)}: {tr(o, lang)}" for g in groups for o in OUTCOMES],
    )  # fmt: skip
    for i, g in enumerate(groups, start=1):
        for j, o in enumerate(OUTCOMES, start=1):
            df = profiles[(profiles["group"] == g) & (profiles["outcome"] == o)].sort_values("k")
            first = i == 1 and j == 1
            k = df["k"].to_numpy()
            fig.add_trace(go.Scatter(
                x=np.r_[k, k[::-1]], y=100 * np.r_[df["upper"], df["lower"][::-1]], fill="toself", line={"width": 0},
                fillcolor="rgba(31,119,180,0.2)", name=tr("ci", lang), legendgroup="ci", showlegend=first,
                hoverinfo="skip"), row=i, col=j)  # fmt: skip
            fig.add_trace(go.Scatter(x=k, y=100 * df["estimate"], line={"color": "#1f77b4"}, name=tr("estimate", lang),
                                     legendgroup="est", showlegend=first), row=i, col=j)  # fmt: skip
            if df["truth"].notna().any():
                fig.add_trace(
                    go.Scatter(
                        x=k,
                        y=100 * df["truth"],
                        line={"color": "#2ca02c", "width": 3},
                        name=tr("truth", lang),
                        legendgroup="truth",
                        showlegend=first,
                    ),
                    row=i,
                    col=j,
                )
            fig.add_trace(
                go.Scatter(
                    x=k,
                    y=100 * df["naive"],
                    line={"color": "#d62728", "dash": "dash"},
                    name=tr("naive", lang),
                    legendgroup="naive",
                    showlegend=first,
                ),
                row=i,
                col=j,
            )
    style(fig, lang, height=260 * len(groups) + 120)
    fig.update_xaxes(title_text=tr("months_since", lang), row=len(groups))
    fig.update_yaxes(title_text=tr("pp", lang), col=1)
    return fig


def _coverage_section(ev: Evaluation, lang: str) -> list[str]:
    cov = ev.coverage()
    out = [f"<h2>{tr('coverage', lang)}</h2>"]
    low = cov.loc[cov["group"] == "all", "coverage"].min()
    out.append(f"<p class='note'>{tr('coverage_note', lang).format(low=number(100 * low, 0, lang) + ' %')}</p>")
    header = [tr("group", lang), tr("outcome", lang), tr("month", lang), tr("registers", lang), "%",
              tr("estimate", lang), tr("truth", lang), tr("naive", lang)]  # fmt: skip
    rows, marked = [], []
    for g in _groups(ev.profiles):
        for o in OUTCOMES:
            part = cov[(cov["group"] == g) & (cov["outcome"] == o) & cov["k"].isin(SHOWN_K)]
            for r in part.itertuples():
                rows.append([tr(g, lang), tr(o, lang), str(r.k), str(r.registers), number(100 * r.coverage, 0, lang),
                             _pp(r.estimate, lang), _pp(r.truth, lang), _pp(r.naive, lang)])  # fmt: skip
                marked.append(r.coverage < 0.9)
    out.append(_table(header, rows, marked))
    late = cov[(cov["group"] == "all") & (cov["k"] >= 12)]
    for o in OUTCOMES:
        part = late[late["outcome"] == o]
        bias = (part["estimate"] - part["truth"]).mean()
        if len(part) and abs(bias) > 2 * part["se"].mean() / np.sqrt(max(part["registers"].min(), 1)):
            out.append(f"<p class='warn'>{tr('bias_note', lang).format(bias=_pp(bias, lang), outcome=tr(o, lang))}</p>")
    return out


def _workplace_section(ev: Evaluation, lang: str) -> list[str]:
    df = ev.profiles[(ev.profiles["k"] >= 13)].dropna(subset=["estimate"])
    if df.empty:
        return []
    means = df.groupby(["group", "outcome"], observed=True)[["estimate", "truth", "naive"]].mean()
    header = [tr("group", lang), tr("outcome", lang), tr("estimate", lang), tr("truth", lang), tr("naive", lang)]
    rows = []
    for g in _groups(ev.profiles):
        for o in OUTCOMES:
            if (g, o) in means.index:
                m = means.loc[(g, o)]
                rows.append([tr(g, lang), tr(o, lang), _pp(m["estimate"], lang), _pp(m["truth"], lang),
                             _pp(m["naive"], lang)])  # fmt: skip
    return [f"<h2>{tr('workplace', lang)}</h2>", _table(header, rows)]


def _balance_section(ev: Evaluation, rep: int, lang: str) -> list[str]:
    b = ev.balance[(ev.balance["replication"] == rep) & (ev.balance["group"] == "all")]
    header = [tr("covariate", lang), tr("mean", lang), tr("raw", lang), tr("weighted", lang)]
    rows, marked = [], []
    for r in b.itertuples():
        name = r.covariate + (tr("unobserved", lang) if r.covariate == "readiness" else "")
        rows.append([name, number(r.participants_mean, 2, lang), number(r.smd_raw, 2, lang),
                     number(r.smd_weighted, 2, lang)])  # fmt: skip
        marked.append(abs(r.smd_weighted) > 0.1)
    return [
        f"<h2>{tr('balance', lang)}</h2><p class='note'>{tr('balance_note', lang)}</p>",
        _table(header, rows, marked),
    ]


def write_evaluation_report(folder: Path, ev: Evaluation, lang: str) -> Path:
    path = folder / "report.html"
    path.write_text(build_evaluation_report(ev, lang), encoding="utf-8")
    return path

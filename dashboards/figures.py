"""Plotly figures of a run. Each function returns the figure and the data it plots."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboards.labels import t, target_text
from model.outcomes import BREAKEVEN_DEFINITIONS, NEVER

COLOURS = {"programme": "#1f6fb2", "counterfactual": "#c0504d"}
FILL = {"programme": "rgba(31,111,178,0.18)", "counterfactual": "rgba(192,80,77,0.18)"}


def _band(df: pd.DataFrame, by: list[str], value: str) -> pd.DataFrame:
    g = df.groupby(by, observed=True)[value]
    return pd.DataFrame({"p5": g.quantile(0.05), "p50": g.quantile(0.5), "p95": g.quantile(0.95)}).reset_index()


def households_figure(monthly: pd.DataFrame, targets: list, lang: str) -> tuple[go.Figure, pd.DataFrame]:
    """Households on benefit per month, both arms with P5–P95 bands, and the target lines."""
    data = _band(monthly, ["arm", "month"], "households_on_benefit")
    fig = go.Figure()
    for arm in ("counterfactual", "programme"):
        d = data[data["arm"] == arm]
        fig.add_trace(go.Scatter(x=d["month"], y=d["p95"], line={"width": 0}, showlegend=False, hoverinfo="skip"))
        fig.add_trace(
            go.Scatter(
                x=d["month"],
                y=d["p5"],
                fill="tonexty",
                fillcolor=FILL[arm],
                line={"width": 0},
                name=f"{t(arm, lang)} {t('band', lang)}",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=d["month"], y=d["p50"], line={"color": COLOURS[arm]}, name=f"{t(arm, lang)}, {t('median', lang)}"
            )
        )
    for target in targets:
        x0 = pd.Timestamp(year=target.first_year, month=1, day=1)
        x1 = pd.Timestamp(year=target.last_year, month=12, day=31)
        fig.add_trace(
            go.Scatter(
                x=[x0, x1],
                y=[target.threshold, target.threshold],
                mode="lines",
                line={"color": "black", "dash": "dash"},
                name=f"{t('target', lang)}: {target_text(target.model_dump(), lang)}",
            )
        )
    fig.update_layout(
        title=t("households_on_benefit", lang),
        xaxis_title=t("month", lang),
        yaxis_title=t("households", lang),
        template="plotly_white",
        legend={"orientation": "h", "y": -0.2},
    )
    return fig, data


def cost_figure(annual: pd.DataFrame, frames: dict[int, float], lang: str) -> tuple[go.Figure, pd.DataFrame]:
    """The social board's annual net cost, both arms (P50 with P5–P95), against the frame."""
    data = _band(annual, ["arm", "year"], "social_board_net_sek")
    fig = go.Figure()
    for arm in ("programme", "counterfactual"):
        d = data[data["arm"] == arm]
        fig.add_trace(
            go.Bar(
                x=d["year"],
                y=d["p50"] / 1e6,
                name=t(arm, lang),
                marker_color=COLOURS[arm],
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": (d["p95"] - d["p50"]) / 1e6,
                    "arrayminus": (d["p50"] - d["p5"]) / 1e6,
                },
            )
        )
    if frames:
        years = sorted(frames)
        fig.add_trace(
            go.Scatter(
                x=years,
                y=[frames[y] / 1e6 for y in years],
                mode="markers+lines",
                line={"color": "black", "dash": "dot"},
                name=t("frame", lang),
            )
        )
    unit = "mnkr" if lang == "sv" else "MSEK"
    fig.update_layout(
        title=t("sb_cost", lang),
        xaxis_title=t("year", lang),
        yaxis_title=f"{t('cost', lang)} ({unit})",
        barmode="group",
        template="plotly_white",
        legend={"orientation": "h", "y": -0.2},
    )
    data = data.assign(frame_sek=data["year"].map(lambda y: frames.get(int(y), np.nan)))
    return fig, data


def breakeven_figure(summary: dict, lang: str) -> tuple[go.Figure, pd.DataFrame]:
    """Probability of each breakeven year (and of never), under each definition."""
    rows = []
    for name in BREAKEVEN_DEFINITIONS:
        for year, prob in summary["breakeven"][name]["distribution"].items():
            rows.append({"definition": name, "year": t("never", lang) if year == NEVER else year, "probability": prob})
    data = pd.DataFrame(rows)
    fig = go.Figure()
    for name, colour in zip(BREAKEVEN_DEFINITIONS, ("#1f6fb2", "#7f7f7f", "#9ecae1"), strict=True):
        d = data[data["definition"] == name]
        fig.add_trace(go.Bar(x=d["year"], y=d["probability"], name=t(f"breakeven_{name}", lang), marker_color=colour))
    fig.update_layout(
        title=t("breakeven_dist", lang),
        xaxis_title=t("year", lang),
        yaxis_title=t("probability", lang),
        yaxis={"range": [0, 1]},
        barmode="group",
        template="plotly_white",
        legend={"orientation": "h", "y": -0.2},
    )
    return fig, data


def difference_figure(annual: pd.DataFrame, lang: str) -> tuple[go.Figure, pd.DataFrame]:
    """Paired difference in the social board's cost, programme − counterfactual, per year."""
    piv = annual.pivot_table(index=["rep", "year"], columns="arm", values="social_board_net_sek", observed=True)
    diff = (piv["programme"] - piv["counterfactual"]).rename("difference_sek").reset_index()
    data = _band(diff, ["year"], "difference_sek")
    fig = go.Figure(
        go.Bar(
            x=data["year"],
            y=data["p50"] / 1e6,
            marker_color="#4a7c59",
            error_y={
                "type": "data",
                "symmetric": False,
                "array": (data["p95"] - data["p50"]) / 1e6,
                "arrayminus": (data["p50"] - data["p5"]) / 1e6,
            },
            name=t("difference", lang),
        )
    )
    unit = "mnkr" if lang == "sv" else "MSEK"
    fig.update_layout(
        title=t("difference", lang), xaxis_title=t("year", lang), yaxis_title=unit, template="plotly_white"
    )
    return fig, data

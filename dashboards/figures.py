"""Plotly figures of a run. Each function returns the figure and the data it plots.

Axes use the language's number format (Swedish: decimal comma, no-break space
between thousands); probabilities are shown as percentages; every band says
it is P5–P95.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboards.labels import t, target_text
from model.outcomes import BREAKEVEN_DEFINITIONS
from model.summary import Summary

COLOURS = {"programme": "#1f6fb2", "counterfactual": "#c0504d"}
FILL = {"programme": "rgba(31,111,178,0.18)", "counterfactual": "rgba(192,80,77,0.18)"}
#: One look per target line, so two targets are told apart.
TARGET_STYLES = (("#222222", "dash"), ("#7b3294", "dot"), ("#008837", "dashdot"), ("#e66101", "longdash"))


def _band(df: pd.DataFrame, by: list[str], value: str) -> pd.DataFrame:
    g = df.groupby(by, observed=True)[value]
    return pd.DataFrame({"p5": g.quantile(0.05), "p50": g.quantile(0.5), "p95": g.quantile(0.95)}).reset_index()


def style(fig: go.Figure, lang: str, **kw: object) -> None:
    """Shared look: the language's number separators, a legend below, room for long titles."""
    fig.update_layout(
        template="plotly_white",
        separators=",\u00a0" if lang == "sv" else ".,",
        legend={"orientation": "h", "y": -0.22},
        margin={"l": 60, "r": 20, "t": 60, "b": 40},
        **kw,
    )


def households_figure(monthly: pd.DataFrame, targets: list, lang: str) -> tuple[go.Figure, pd.DataFrame]:
    """Households on benefit per month, both arms with P5–P95 bands, and each target as its own line."""
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
                name=f"{t(arm, lang)}, P5–P95",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=d["month"], y=d["p50"], line={"color": COLOURS[arm]}, name=f"{t(arm, lang)}, {t('median', lang)}"
            )
        )
    for i, target in enumerate(targets):
        colour, dash = TARGET_STYLES[i % len(TARGET_STYLES)]
        x0 = pd.Timestamp(year=target.first_year, month=1, day=1)
        x1 = pd.Timestamp(year=target.last_year, month=12, day=31)
        fig.add_trace(
            go.Scatter(
                x=[x0, x1],
                y=[target.threshold, target.threshold],
                mode="lines",
                line={"color": colour, "dash": dash, "width": 2},
                name=f"{t('target', lang)}: {target_text(target, lang)}",
            )
        )
    style(
        fig,
        lang,
        title=t("households_on_benefit", lang),
        xaxis_title=t("month", lang),
        yaxis_title=t("households", lang),
    )
    return fig, data


def cost_figure(annual: pd.DataFrame, frames: dict[int, float], lang: str) -> tuple[go.Figure, pd.DataFrame]:
    """The social board's annual net cost, both arms (P50 with P5–P95 whiskers), and the frame of every year.

    Points rather than bars from zero: a bar of 150 mnkr hides a 15 mnkr gap between the arms.
    Full years only: a run's first or last part-year would look like a fall in cost.
    """
    data = _band(annual[annual["months"] == 12], ["arm", "year"], "social_board_net_sek")
    fig = go.Figure()
    for arm, shift in (("programme", -0.12), ("counterfactual", 0.12)):
        d = data[data["arm"] == arm]
        fig.add_trace(
            go.Scatter(
                x=d["year"] + shift,
                y=d["p50"] / 1e6,
                mode="markers+lines",
                name=f"{t(arm, lang)}, P50 (P5–P95)",
                marker={"color": COLOURS[arm], "size": 9},
                line={"color": COLOURS[arm], "width": 1},
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": (d["p95"] - d["p50"]) / 1e6,
                    "arrayminus": (d["p50"] - d["p5"]) / 1e6,
                },
            )
        )
    if frames:
        xs: list[float | None] = []
        ys: list[float | None] = []
        for y in sorted(frames):
            xs += [y - 0.4, y + 0.4, None]
            ys += [frames[y] / 1e6, frames[y] / 1e6, None]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"color": "black", "width": 3}, name=t("frame", lang)))
    unit = "mnkr" if lang == "sv" else "MSEK"
    style(
        fig,
        lang,
        title=t("sb_cost", lang),
        xaxis={"title": t("year", lang), "dtick": 1, "tickformat": "d"},
        yaxis_title=f"{t('cost', lang)} ({unit})",
    )
    data = data.assign(frame_sek=data["year"].map(lambda y: frames.get(int(y), np.nan)))
    return fig, data


def breakeven_figure(summary: Summary, lang: str) -> tuple[go.Figure, pd.DataFrame]:
    """P(breakeven in or before each year), under each definition: a curve that reads off any year."""
    rows = [
        {"definition": name, "year": int(year), "probability": prob}
        for name in BREAKEVEN_DEFINITIONS
        for year, prob in summary.breakeven[name].cdf.items()
    ]
    data = pd.DataFrame(rows, columns=["definition", "year", "probability"])
    fig = go.Figure()
    for name, colour in zip(BREAKEVEN_DEFINITIONS, ("#1f6fb2", "#7f7f7f", "#e66101"), strict=True):
        d = data[data["definition"] == name]
        fig.add_trace(
            go.Scatter(
                x=d["year"],
                y=d["probability"],
                mode="lines+markers",
                line={"color": colour, "shape": "hv"},
                name=t(f"breakeven_{name}", lang),
            )
        )
    style(
        fig,
        lang,
        title=t("breakeven_cdf", lang),
        xaxis={"title": t("year", lang), "dtick": 1, "tickformat": "d"},
        yaxis={"title": t("probability", lang), "range": [0, 1.02], "tickformat": ".0%"},
    )
    return fig, data


def difference_figure(annual: pd.DataFrame, lang: str) -> tuple[go.Figure, pd.DataFrame]:
    """Paired difference in the social board's cost, programme − counterfactual, per full year (P50, P5–P95)."""
    annual = annual[annual["months"] == 12]
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
            name=f"{t('difference_short', lang)}, P50 (P5–P95)",
        )
    )
    unit = "mnkr" if lang == "sv" else "MSEK"
    style(
        fig,
        lang,
        title=t("difference", lang),
        xaxis={"title": t("year", lang), "dtick": 1, "tickformat": "d"},
        yaxis={"title": unit, "zeroline": True, "zerolinecolor": "#444"},
        showlegend=True,
    )
    return fig, data

"""Figures for the evidence pages: functions from engine results (plain dicts) to Plotly
figure dicts, rendered by static/js/charts.js. No request, no ORM."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from decisions.charts import API_COLOUR, FT_COLOUR, MARK_COLOUR, MUTED

CANDIDATE_LABELS = {"baseline": "Baseline API", "base": "Base model", "finetuned": "Fine-tuned"}
CANDIDATE_COLOURS = {"baseline": API_COLOUR, "base": MUTED, "finetuned": FT_COLOUR}
OPTION_LABELS = {"adapters": "Adapters, one deployment", "merged": "Merged models", "api": "API"}
OPTION_COLOURS = {"adapters": FT_COLOUR, "merged": MARK_COLOUR, "api": API_COLOUR}


def _layout(title: str, x_title: str, y_title: str) -> dict[str, Any]:
    return {
        "title": {"text": title},
        "xaxis": {"title": {"text": x_title}},
        "yaxis": {"title": {"text": y_title}},
        "margin": {"l": 70, "r": 20, "t": 60, "b": 60},
        "legend": {"orientation": "h", "y": -0.2},
        "template": "plotly_white",
    }


def candidate_label(candidate: Mapping[str, Any]) -> str:
    label = CANDIDATE_LABELS[candidate["candidate"]]
    return f"{label} ({candidate['model']})" if candidate["model"] else label


def accuracy_figure(evaluation: Mapping[str, Any]) -> dict[str, Any]:
    """Measured accuracy per candidate with its 95% interval, against the target."""
    rows = evaluation["candidates"]
    percent = [round(c["accuracy"] * 100, 1) for c in rows]
    data = [
        {
            "type": "bar",
            "x": [candidate_label(c) for c in rows],
            "y": percent,
            "marker": {"color": [CANDIDATE_COLOURS[c["candidate"]] for c in rows]},
            "error_y": {
                "type": "data",
                "symmetric": False,
                "array": [round((c["ci_high"] - c["accuracy"]) * 100, 1) for c in rows],
                "arrayminus": [round((c["accuracy"] - c["ci_low"]) * 100, 1) for c in rows],
            },
            "name": "Accuracy",
            "hovertemplate": "%{x}: %{y:.1f}%<extra></extra>",
        }
    ]
    layout = _layout("Measured accuracy with 95% interval", "Candidate", "Accuracy (%)")
    layout["yaxis"]["range"] = [0, 100]
    target = evaluation["target_quality"] * 100
    layout["shapes"] = [
        {
            "type": "line",
            "xref": "paper",
            "x0": 0,
            "x1": 1,
            "y0": target,
            "y1": target,
            "line": {"color": MARK_COLOUR, "dash": "dash"},
        }
    ]
    layout["annotations"] = [
        {
            "xref": "paper",
            "x": 1,
            "y": target,
            "text": f"target {target:.0f}%",
            "showarrow": False,
            "yshift": 10,
            "xanchor": "right",
        }
    ]
    return {"data": data, "layout": layout}


def portfolio_monthly_figure(result: Mapping[str, Any]) -> dict[str, Any]:
    """Month-1 cost of each option (hosting and maintenance; the API's per-call bill)."""
    options = result["options"]
    keys = ["adapters", "merged", "api"]
    data = [
        {
            "type": "bar",
            "x": [OPTION_LABELS[k] for k in keys],
            "y": [options[k]["monthly"] for k in keys],
            "marker": {"color": [OPTION_COLOURS[k] for k in keys]},
            "name": "Monthly cost",
            "hovertemplate": "%{x}: $%{y:,.2f}<extra></extra>",
        }
    ]
    layout = _layout("Monthly cost", "Option", "USD per month")
    layout["yaxis"]["tickprefix"] = "$"
    return {"data": data, "layout": layout}


def portfolio_cumulative_figure(result: Mapping[str, Any]) -> dict[str, Any]:
    """Cumulative cost of each option over the horizon (training included)."""
    data = [
        {
            "type": "scatter",
            "mode": "lines",
            "x": result["months"],
            "y": result["options"][k]["cumulative"],
            "name": OPTION_LABELS[k],
            "line": {"color": OPTION_COLOURS[k], "width": 3},
            "hovertemplate": f"{OPTION_LABELS[k]} $%{{y:,.0f}}<extra></extra>",
        }
        for k in ("adapters", "merged", "api")
    ]
    layout = _layout("Cumulative cost", "Month", "Cumulative cost (USD)")
    layout["yaxis"]["tickprefix"] = "$"
    layout["hovermode"] = "x unified"
    return {"data": data, "layout": layout}

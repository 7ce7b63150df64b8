"""Charts are functions from engine results (plain dicts) to Plotly figure dicts.

No request, no ORM: a figure is built from the result JSON (and, for GPU capacities, a
plain {gpu slug: GB} mapping). Each chart has a table function with the same numbers,
shown as the screen-reader (and no-JavaScript) alternative. Figures are plain dicts in
Plotly's JSON shape: building them through plotly.graph_objects validates every
property and costs milliseconds per chart on the results page, so the tests do the
validating instead.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

API_COLOUR = "#c2410c"
FT_COLOUR = "#1d4ed8"
BAND_COLOUR = "rgba(29, 78, 216, 0.15)"
MARK_COLOUR = "#15803d"
MUTED = "#6b7280"

TORNADO_LABELS = {
    "daily_calls": "Calls per day",
    "input_tokens_per_call": "Input tokens per call",
    "output_tokens_per_call": "Output tokens per call",
    "baseline_price": "API price",
    "finetuned_price": "Fine-tuned inference price",
    "hosting_price": "Hosting price",
    "training_price": "Training price",
    "mfu": "GPU utilisation (MFU)",
    "data_prep_share": "Data preparation share",
    "engineering_hours": "Engineering hours",
}
METHOD_LABELS = {"full": "Full", "lora": "LoRA", "qlora": "QLoRA", "serving": "Serving"}


def _layout(title: str, x_title: str, y_title: str, **extra: Any) -> dict[str, Any]:
    layout = {
        "title": {"text": title},
        "xaxis": {"title": {"text": x_title}},
        "yaxis": {"title": {"text": y_title}},
        "margin": {"l": 70, "r": 20, "t": 60, "b": 60},
        "legend": {"orientation": "h", "y": -0.2},
        "hovermode": "x unified",
        "template": "plotly_white",
    }
    layout.update(extra)
    return layout


def _money(x: float | None) -> str:
    return "—" if x is None else f"${x:,.0f}"


def _months(x: float | None) -> str:
    return "never" if x is None else f"{x:,.1f}"


# --- Cumulative cost ----------------------------------------------------------------------


def cumulative_cost_figure(result: Mapping[str, Any]) -> dict[str, Any]:
    curves = result["curves"]
    months = curves["months"]
    data: list[dict[str, Any]] = []
    p10, p90 = curves.get("finetuned_cumulative_p10"), curves.get("finetuned_cumulative_p90")
    if p10 and p90:
        data.append(
            {
                "type": "scatter",
                "x": months,
                "y": p90,
                "mode": "lines",
                "line": {"width": 0},
                "name": "Fine-tune P90",
                "showlegend": False,
                "hovertemplate": "P90 $%{y:,.0f}<extra></extra>",
            }
        )
        data.append(
            {
                "type": "scatter",
                "x": months,
                "y": p10,
                "mode": "lines",
                "line": {"width": 0},
                "fill": "tonexty",
                "fillcolor": BAND_COLOUR,
                "name": "Fine-tune P10–P90",
                "hovertemplate": "P10 $%{y:,.0f}<extra></extra>",
            }
        )
    data.append(
        {
            "type": "scatter",
            "x": months,
            "y": curves["baseline_cumulative"],
            "mode": "lines",
            "name": "Today's API",
            "line": {"color": API_COLOUR, "width": 3},
            "hovertemplate": "API $%{y:,.0f}<extra></extra>",
        }
    )
    data.append(
        {
            "type": "scatter",
            "x": months,
            "y": curves["finetuned_cumulative"],
            "mode": "lines",
            "name": "Fine-tune",
            "line": {"color": FT_COLOUR, "width": 3},
            "hovertemplate": "Fine-tune $%{y:,.0f}<extra></extra>",
        }
    )
    layout = _layout("Cumulative cost: today's API vs fine-tune", "Month", "Cumulative cost (USD)")
    layout["yaxis"]["tickprefix"] = "$"
    month = result.get("breakeven_month")
    if month is not None:
        layout["shapes"] = [_vline(month)]
        layout["annotations"] = [_vlabel(month, f"Break-even: month {month}")]
    return {"data": data, "layout": layout}


def cumulative_cost_table(result: Mapping[str, Any]) -> dict[str, Any]:
    curves = result["curves"]
    p10 = curves.get("finetuned_cumulative_p10") or [None] * len(curves["months"])
    p90 = curves.get("finetuned_cumulative_p90") or [None] * len(curves["months"])
    rows = [
        [m, _money(a), _money(f), _money(lo), _money(hi)]
        for m, a, f, lo, hi in zip(
            curves["months"],
            curves["baseline_cumulative"],
            curves["finetuned_cumulative"],
            p10,
            p90,
            strict=True,
        )
    ]
    return {
        "caption": "Cumulative cost by month (USD)",
        "headers": ["Month", "Today's API", "Fine-tune", "Fine-tune P10", "Fine-tune P90"],
        "rows": rows,
    }


def _vline(x: float) -> dict[str, Any]:
    return {
        "type": "line",
        "x0": x,
        "x1": x,
        "xref": "x",
        "y0": 0,
        "y1": 1,
        "yref": "paper",
        "line": {"color": MARK_COLOUR, "dash": "dash", "width": 2},
    }


def _vlabel(x: float, text: str) -> dict[str, Any]:
    return {
        "x": x,
        "xref": "x",
        "y": 1,
        "yref": "paper",
        "text": text,
        "showarrow": False,
        "xanchor": "left",
        "yanchor": "bottom",
        "font": {"color": MARK_COLOUR},
    }


# --- Monthly breakdown --------------------------------------------------------------------

BREAKDOWN_PARTS = (
    ("baseline_api", "API calls", API_COLOUR),
    ("finetuned_inference", "Fine-tuned inference", FT_COLOUR),
    ("hosting", "Hosting", "#7c3aed"),
    ("maintenance", "Maintenance", MUTED),
)


def monthly_breakdown_figure(result: Mapping[str, Any]) -> dict[str, Any]:
    parts = result.get("monthly_breakdown") or {}
    options = ["Today's API", "Fine-tune"]
    data = []
    for key, label, colour in BREAKDOWN_PARTS:
        value = float(parts.get(key) or 0.0)
        y = [value, 0.0] if key == "baseline_api" else [0.0, value]
        data.append(
            {
                "type": "bar",
                "x": options,
                "y": y,
                "name": label,
                "marker": {"color": colour},
                "hovertemplate": f"{label}: $%{{y:,.2f}}/month<extra></extra>",
            }
        )
    layout = _layout(
        "Monthly cost in the first month",
        "",
        "Cost (USD per month)",
        barmode="stack",
        hovermode="closest",
    )
    layout["yaxis"]["tickprefix"] = "$"
    return {"data": data, "layout": layout}


def monthly_breakdown_table(result: Mapping[str, Any]) -> dict[str, Any]:
    parts = result.get("monthly_breakdown") or {}
    rows = [[label, f"${float(parts.get(key) or 0):,.2f}"] for key, label, _ in BREAKDOWN_PARTS]
    monthly = result.get("monthly") or {}
    rows.append(["Monthly savings", f"${float(monthly.get('savings') or 0):,.2f}"])
    return {
        "caption": "Monthly cost in the first month (USD per month)",
        "headers": ["Part", "USD per month"],
        "rows": rows,
    }


# --- Payback distribution -----------------------------------------------------------------


def payback_distribution_figure(result: Mapping[str, Any]) -> dict[str, Any]:
    unc = result.get("uncertainty") or {}
    hist = unc.get("payback_histogram") or {"edges": [], "counts": []}
    edges, counts = hist.get("edges") or [], hist.get("counts") or []
    centres = [(a + b) / 2 for a, b in zip(edges[:-1], edges[1:], strict=False)]
    widths = [b - a for a, b in zip(edges[:-1], edges[1:], strict=False)]
    total = int(unc.get("samples") or sum(counts) or 1)
    starts, ends = edges[:-1], edges[1:]
    data = [
        {
            "type": "bar",
            "x": centres,
            "y": counts,
            "width": widths,
            "name": "Samples",
            "marker": {"color": FT_COLOUR},
            "customdata": [
                [a, b, c / total] for a, b, c in zip(starts, ends, counts, strict=False)
            ],
            "hovertemplate": "%{customdata[0]:.1f}–%{customdata[1]:.1f} months: "
            "%{y:,} samples (%{customdata[2]:.1%})<extra></extra>",
        }
    ]
    beyond = int(hist.get("beyond_horizon") or 0) + int(hist.get("never") or 0)
    title = "Payback distribution (Monte Carlo)"
    if beyond:
        title += f" · {beyond / total:.0%} beyond the horizon or never"
    layout = _layout(title, "Payback (months)", "Samples", hovermode="closest", bargap=0.05)
    bands = (unc.get("payback_months") or {}).items()
    shapes, notes = [], []
    for i, (name, value) in enumerate(bands):
        if value is not None:
            shapes.append(_vline(value))
            notes.append(_vlabel(value, name.upper()) | {"y": 1 - 0.07 * i})
    layout["shapes"], layout["annotations"] = shapes, notes
    return {"data": data, "layout": layout}


def payback_distribution_table(result: Mapping[str, Any]) -> dict[str, Any]:
    unc = result.get("uncertainty") or {}
    hist = unc.get("payback_histogram") or {"edges": [], "counts": []}
    edges, counts = hist.get("edges") or [], hist.get("counts") or []
    rows = [
        [f"{a:g}–{b:g}", f"{c:,}"]
        for a, b, c in zip(edges[:-1], edges[1:], counts, strict=False)
        if c
    ]
    rows.append(["Beyond the horizon", f"{int(hist.get('beyond_horizon') or 0):,}"])
    rows.append(["Never pays back", f"{int(hist.get('never') or 0):,}"])
    return {
        "caption": "Payback months by sample count",
        "headers": ["Months", "Samples"],
        "rows": rows,
    }


# --- Tornado ------------------------------------------------------------------------------


def tornado_figure(result: Mapping[str, Any]) -> dict[str, Any]:
    unc = result.get("uncertainty") or {}
    rows = [
        r for r in unc.get("tornado") or [] if r.get("low") is not None or r.get("high") is not None
    ]
    base = result.get("payback_months")
    base = 0.0 if base is None else float(base)
    rows = sorted(rows, key=lambda r: _span(r, base))  # widest on top
    labels = [TORNADO_LABELS.get(r["input"], r["input"]) for r in rows]
    data = []
    for side, name, colour in (
        ("low", "Input at its low value", MARK_COLOUR),
        ("high", "Input at its high value", API_COLOUR),
    ):
        values = [r.get(side) for r in rows]
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "y": labels,
                "name": name,
                "x": [None if v is None else v - base for v in values],
                "base": base,
                "marker": {"color": colour},
                "customdata": [
                    [v, r.get(f"{side}_value")] for v, r in zip(values, rows, strict=True)
                ],
                "hovertemplate": "%{y}: payback %{customdata[0]:.1f} months "
                "(input %{customdata[1]:,})<extra></extra>",
            }
        )
    layout = _layout(
        "What moves payback most (one input at a time)",
        "Payback (months)",
        "",
        barmode="overlay",
        hovermode="closest",
    )
    layout["shapes"] = [_vline(base)]
    layout["margin"]["l"] = 180
    return {"data": data, "layout": layout}


def _span(row: Mapping[str, Any], base: float) -> float:
    values = [v for v in (row.get("low"), row.get("high")) if v is not None]
    return max(abs(v - base) for v in values) if values else 0.0


def tornado_table(result: Mapping[str, Any]) -> dict[str, Any]:
    unc = result.get("uncertainty") or {}
    rows = [
        [TORNADO_LABELS.get(r["input"], r["input"]), _months(r.get("low")), _months(r.get("high"))]
        for r in unc.get("tornado") or []
    ]
    return {
        "caption": f"Payback (months) with one input at its low or high value; "
        f"base {_months(result.get('payback_months'))}",
        "headers": ["Input", "Low", "High"],
        "rows": rows,
    }


# --- Payback against volume ---------------------------------------------------------------


def payback_by_volume_figure(result: Mapping[str, Any]) -> dict[str, Any]:
    series = result.get("payback_by_daily_calls") or {"daily_calls": [], "payback_months": []}
    horizon = max(len(result["curves"]["months"]) - 1, 1)
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "x": series["daily_calls"],
            "y": series["payback_months"],
            "name": "Payback",
            "line": {"color": FT_COLOUR},
            "hovertemplate": "%{x:,} calls/day: payback %{y:.1f} months<extra></extra>",
        }
    ]
    layout = _layout(
        "Payback against daily calls",
        "Calls per day (log scale)",
        "Payback (months)",
        hovermode="closest",
    )
    layout["xaxis"]["type"] = "log"
    layout["yaxis"]["range"] = [0, horizon * 2]
    calls = result.get("breakeven_daily_calls")
    if calls:
        # On a log axis shapes take data values but annotations take log10 positions.
        layout["shapes"] = [_vline(calls)]
        layout["annotations"] = [
            _vlabel(math.log10(calls), f"Break-even volume: {calls:,} calls/day")
        ]
    return {"data": data, "layout": layout}


def payback_by_volume_table(result: Mapping[str, Any]) -> dict[str, Any]:
    series = result.get("payback_by_daily_calls") or {"daily_calls": [], "payback_months": []}
    rows = [
        [f"{c:,}", _months(p)]
        for c, p in zip(series["daily_calls"], series["payback_months"], strict=False)
    ]
    return {
        "caption": f"Payback by daily calls; break-even volume "
        f"{result.get('breakeven_daily_calls') or '—'} calls/day",
        "headers": ["Calls per day", "Payback (months)"],
        "rows": rows,
    }


# --- Memory -------------------------------------------------------------------------------


def memory_figure(
    result: Mapping[str, Any], gpu_memory: Mapping[str, float] | None = None
) -> dict[str, Any]:
    bands = result.get("memory_gb") or {}
    methods = [m for m in ("qlora", "lora", "full", "serving") if m in bands]
    expected = [bands[m]["expected"] for m in methods]
    data = [
        {
            "type": "bar",
            "x": [METHOD_LABELS[m] for m in methods],
            "y": expected,
            "name": "Expected per GPU",
            "marker": {"color": FT_COLOUR},
            "error_y": {
                "type": "data",
                "symmetric": False,
                "array": [bands[m]["high"] - bands[m]["expected"] for m in methods],
                "arrayminus": [bands[m]["expected"] - bands[m]["low"] for m in methods],
            },
            "customdata": [[bands[m]["low"], bands[m]["high"]] for m in methods],
            "hovertemplate": "%{x}: %{y:.1f} GB (range %{customdata[0]:.1f}–"
            "%{customdata[1]:.1f} GB)<extra></extra>",
        }
    ]
    layout = _layout(
        "Memory per method (one GPU) against GPU capacities",
        "Method",
        "Memory (GB)",
        hovermode="closest",
    )
    shapes, notes = [], []
    by_size: dict[float, list[str]] = {}
    for slug, gb in (gpu_memory or {}).items():
        by_size.setdefault(float(gb), []).append(slug)
    for gb, slugs in sorted(by_size.items()):
        shapes.append(
            {
                "type": "line",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "y0": gb,
                "y1": gb,
                "line": {"color": MUTED, "dash": "dot", "width": 1},
            }
        )
        notes.append(
            {
                "xref": "paper",
                "x": 1,
                "y": gb,
                "text": f"{', '.join(sorted(slugs))} ({gb:g} GB)",
                "showarrow": False,
                "xanchor": "right",
                "yanchor": "bottom",
                "font": {"size": 10, "color": MUTED},
            }
        )
    layout["shapes"], layout["annotations"] = shapes, notes
    top = max([b["high"] for b in bands.values()] + list(by_size) + [1.0])
    layout["yaxis"]["range"] = [0, top * 1.1]
    return {"data": data, "layout": layout}


def memory_table(result: Mapping[str, Any]) -> dict[str, Any]:
    bands = result.get("memory_gb") or {}
    rows = [
        [METHOD_LABELS.get(m, m), f"{b['low']:.1f}", f"{b['expected']:.1f}", f"{b['high']:.1f}"]
        for m, b in bands.items()
    ]
    return {
        "caption": "Memory per GPU (GB), low to high",
        "headers": ["Method", "Low", "Expected", "High"],
        "rows": rows,
    }


def fits_by_gpu(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The fits list regrouped per GPU: [{"gpu", "qlora", "lora", "full"}] (GPU counts)."""
    rows: dict[str, dict[str, Any]] = {}
    for fit in result.get("fits") or []:
        rows.setdefault(fit["gpu"], {"gpu": fit["gpu"]})[fit["method"]] = fit["gpus"]
    return list(rows.values())


# --- Compare ------------------------------------------------------------------------------

COMPARE_COLOURS = ("#1d4ed8", "#15803d", "#7c3aed", "#b45309")


def compare_curves_figure(named_results: list[tuple[str, Mapping[str, Any]]]) -> dict[str, Any]:
    """Overlaid cumulative curves: one API line and one fine-tune line per scenario."""
    data = []
    for i, (name, result) in enumerate(named_results):
        colour = COMPARE_COLOURS[i % len(COMPARE_COLOURS)]
        curves = result["curves"]
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": curves["months"],
                "y": curves["finetuned_cumulative"],
                "name": f"{name}: fine-tune",
                "line": {"color": colour, "width": 3},
                "hovertemplate": f"{name} fine-tune $%{{y:,.0f}}<extra></extra>",
            }
        )
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": curves["months"],
                "y": curves["baseline_cumulative"],
                "name": f"{name}: API",
                "line": {"color": colour, "width": 2, "dash": "dash"},
                "hovertemplate": f"{name} API $%{{y:,.0f}}<extra></extra>",
            }
        )
    layout = _layout("Cumulative cost by scenario", "Month", "Cumulative cost (USD)")
    layout["yaxis"]["tickprefix"] = "$"
    return {"data": data, "layout": layout}


def compare_curves_table(named_results: list[tuple[str, Mapping[str, Any]]]) -> dict[str, Any]:
    headers = ["Month"]
    columns = []
    for name, result in named_results:
        headers += [f"{name}: API", f"{name}: fine-tune"]
        columns += [
            result["curves"]["baseline_cumulative"],
            result["curves"]["finetuned_cumulative"],
        ]
    months = max((r["curves"]["months"] for _, r in named_results), key=len, default=[])
    rows = [
        [m] + [_money(col[i]) if i < len(col) else "—" for col in columns]
        for i, m in enumerate(months)
    ]
    return {"caption": "Cumulative cost by month (USD)", "headers": headers, "rows": rows}


RESULT_CHARTS = (
    ("cumulative", cumulative_cost_figure, cumulative_cost_table),
    ("breakdown", monthly_breakdown_figure, monthly_breakdown_table),
    ("payback", payback_distribution_figure, payback_distribution_table),
    ("tornado", tornado_figure, tornado_table),
    ("volume", payback_by_volume_figure, payback_by_volume_table),
)


def result_charts(
    result: Mapping[str, Any], gpu_memory: Mapping[str, float] | None = None
) -> list[dict[str, Any]]:
    """Every results-page chart: [{"id", "data_id", "figure", "table"}], in page order."""
    charts = [(name, figure(result), table(result)) for name, figure, table in RESULT_CHARTS]
    charts.append(("memory", memory_figure(result, gpu_memory), memory_table(result)))
    return [
        {"id": f"chart-{name}", "data_id": f"chart-{name}-data", "figure": fig, "table": tab}
        for name, fig, tab in charts
    ]

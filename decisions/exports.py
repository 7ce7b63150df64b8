"""CSV of a result's cost tables and curves, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from typing import Any

from decisions.models import Result
from pricing.formats import escape_cell


def flatten(data: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """{"a": {"b": 1}} -> [("a.b", 1)]: every input of a scenario as one row."""
    if isinstance(data, dict):
        rows = []
        for key, value in data.items():
            rows += flatten(value, f"{prefix}.{key}" if prefix else str(key))
        return rows
    if isinstance(data, list):
        return [(prefix, ", ".join(str(item) for item in data))]
    return [(prefix, data)]


def result_csv(result: Result) -> str:
    """Three tables, one after another: summary figures, monthly costs, cumulative curves."""
    output = result.output
    monthly = output.get("monthly") or {}
    curves = output.get("curves") or {}
    rows: list[list[Any]] = [["Tunecase result", result.scenario.name]]
    rows += [["catalog_version", result.catalog_version], ["computed", result.created.isoformat()]]
    rows += [[], ["figure", "value", "unit"]]
    rows += [
        ["verdict", (output.get("framework") or {}).get("verdict"), ""],
        ["upfront_cost", output.get("upfront_cost"), "USD"],
        ["monthly_baseline", monthly.get("baseline"), "USD/month"],
        ["monthly_finetuned", monthly.get("finetuned"), "USD/month"],
        ["monthly_savings", monthly.get("savings"), "USD/month"],
        ["payback_months", output.get("payback_months"), "months"],
        ["breakeven_month", output.get("breakeven_month"), "month"],
        ["breakeven_daily_calls", output.get("breakeven_daily_calls"), "calls/day"],
        ["npv", output.get("npv"), "USD"],
    ]
    breakdown = output.get("monthly_breakdown") or {}
    rows += [[], ["monthly_cost_item", "USD/month"]]
    rows += [[name, value] for name, value in breakdown.items()]
    columns = [
        "months",
        "baseline_cumulative",
        "finetuned_cumulative",
        "finetuned_cumulative_p10",
        "finetuned_cumulative_p90",
    ]
    rows += [[], columns]
    for i, month in enumerate(curves.get("months") or []):
        rows.append([month] + [_at(curves.get(name), i) for name in columns[1:]])
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([escape_cell(cell) for cell in row])
    return out.getvalue()


def _at(values: list | None, i: int) -> Any:
    return values[i] if values and i < len(values) else ""

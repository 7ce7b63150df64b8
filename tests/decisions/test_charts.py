"""Chart functions: valid Plotly figures with titles, units and hover text, plus tables."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from decisions import charts
from decisions.engine import evaluate, parse_scenario
from decisions.engine.pricebook import price_book_from_dict
from pricing.services import DEFAULT_CATALOG_PATH


@pytest.fixture(scope="module")
def book():
    import json

    return price_book_from_dict(json.loads(DEFAULT_CATALOG_PATH.read_text()))


@pytest.fixture(scope="module")
def result(book):
    scenario = parse_scenario(
        {"training": {"base_model": "llama-3.1-8b"}, "uncertainty": {"samples": 500}}, book
    )
    return evaluate(scenario, book)


@pytest.fixture(scope="module")
def gpu_memory(book):
    return {g.slug: g.memory_gb for g in book.gpus.values()}


FIGURES = [
    charts.cumulative_cost_figure,
    charts.monthly_breakdown_figure,
    charts.payback_distribution_figure,
    charts.tornado_figure,
    charts.payback_by_volume_figure,
    charts.memory_figure,
]


@pytest.mark.parametrize("figure", FIGURES, ids=lambda f: f.__name__)
def test_each_figure_is_valid_plotly_with_title_units_and_hover(result, figure):
    fig = figure(result)
    go.Figure(fig)  # raises on any property Plotly does not know
    layout = fig["layout"]
    assert layout["title"]["text"]
    axis_titles = layout["xaxis"]["title"]["text"] + layout["yaxis"]["title"]["text"]
    assert "(" in axis_titles  # a unit in brackets: (USD), (months), (GB)...
    assert all("hovertemplate" in trace for trace in fig["data"])


def test_cumulative_marks_the_break_even_month_and_the_band(result):
    fig = charts.cumulative_cost_figure(result)
    names = [t["name"] for t in fig["data"]]
    assert "Fine-tune P10–P90" in names
    month = result["breakeven_month"]
    assert fig["layout"]["shapes"][0]["x0"] == month
    assert f"month {month}" in fig["layout"]["annotations"][0]["text"]


def test_cumulative_without_break_even_has_no_marker(result):
    never = {**result, "breakeven_month": None}
    assert "shapes" not in charts.cumulative_cost_figure(never)["layout"]


def test_payback_distribution_uses_the_server_histogram(result):
    fig = charts.payback_distribution_figure(result)
    hist = result["uncertainty"]["payback_histogram"]
    assert fig["data"][0]["y"] == hist["counts"]
    assert len(fig["data"][0]["x"]) == len(hist["edges"]) - 1


def test_tornado_puts_the_widest_input_on_top(result):
    fig = charts.tornado_figure(result)
    base = result["payback_months"]
    labels = fig["data"][0]["y"]
    spans = {
        r["input"]: max(abs((r["low"] or base) - base), abs((r["high"] or base) - base))
        for r in result["uncertainty"]["tornado"]
    }
    widest = max(spans, key=spans.get)
    assert labels[-1] == charts.TORNADO_LABELS[widest]  # Plotly draws the last row on top


def test_volume_chart_marks_the_break_even_volume(result):
    fig = charts.payback_by_volume_figure(result)
    assert fig["layout"]["xaxis"]["type"] == "log"
    calls = result["breakeven_daily_calls"]
    assert f"{calls:,}" in fig["layout"]["annotations"][0]["text"]
    assert fig["layout"]["shapes"][0]["x0"] == calls  # data value, not log10


def test_memory_chart_draws_gpu_capacities(result, gpu_memory):
    fig = charts.memory_figure(result, gpu_memory)
    go.Figure(fig)
    levels = {s["y0"] for s in fig["layout"]["shapes"]}
    assert 80.0 in levels and 24.0 in levels


@pytest.mark.parametrize(
    "table",
    [
        charts.cumulative_cost_table,
        charts.monthly_breakdown_table,
        charts.payback_distribution_table,
        charts.tornado_table,
        charts.payback_by_volume_table,
        charts.memory_table,
    ],
    ids=lambda f: f.__name__,
)
def test_every_table_has_a_caption_and_rectangular_rows(result, table):
    t = table(result)
    assert t["caption"] and t["rows"]
    assert all(len(row) == len(t["headers"]) for row in t["rows"])


def test_cumulative_table_has_one_row_per_month(result):
    assert len(charts.cumulative_cost_table(result)["rows"]) == len(result["curves"]["months"])


def test_preview_results_without_uncertainty_still_chart(book):
    from decisions.engine import preview

    scenario = parse_scenario({"training": {"base_model": "qwen3-8b"}}, book)
    result = preview(scenario, book)
    for chart in charts.result_charts(result):
        go.Figure(chart["figure"])


def test_compare_overlays_two_curves_per_scenario(result):
    fig = charts.compare_curves_figure([("A", result), ("B", result)])
    go.Figure(fig)
    assert len(fig["data"]) == 4
    table = charts.compare_curves_table([("A", result), ("B", result)])
    assert table["headers"] == ["Month", "A: API", "A: fine-tune", "B: API", "B: fine-tune"]


def test_a_scenario_that_never_pays_back_still_charts(book):
    scenario = parse_scenario(
        {
            "training": {"base_model": "llama-3.1-8b", "method": "full"},
            "inference": {"daily_calls": 5, "serving": "dedicated"},
            "uncertainty": {"samples": 200},
        },
        book,
    )
    result = evaluate(scenario, book)
    assert result["payback_months"] is None
    for chart in charts.result_charts(result):
        go.Figure(chart["figure"])
        assert chart["table"]["rows"]

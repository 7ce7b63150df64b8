"""What a report shows, for members, share-link readers and the PDF alike."""

from __future__ import annotations

from typing import Any

from decisions import charts
from decisions.exports import flatten
from decisions.models import Result
from decisions.pdf import pdf_unavailable_reason, report_assets
from pricing.services import CatalogNotFound, price_book_for

# The report prints one page per section; two charts fit on an A4 page.
CHART_GROUPS = (
    ("costs", "Costs over time", ("cumulative", "breakdown")),
    ("uncertainty", "Uncertainty", ("payback", "tornado")),
    ("volume", "Volume and hardware", ("volume", "memory")),
)


def gpu_memory(catalog_version: str) -> dict[str, float]:
    try:
        book = price_book_for(catalog_version)
    except CatalogNotFound:
        return {}
    return {slug: gpu.memory_gb for slug, gpu in book.gpus.items()}


def report_context(result: Result, *, for_pdf: bool = False) -> dict[str, Any]:
    output = result.output
    figures = charts.result_charts(output, gpu_memory(result.catalog_version))
    by_name = {figure["id"].removeprefix("chart-"): figure for figure in figures}
    return {
        "scenario": result.scenario,
        "result": result,
        "output": output,
        "framework": output.get("framework") or {},
        "chart_groups": [
            {"id": key, "title": title, "charts": [by_name[name] for name in names]}
            for key, title, names in CHART_GROUPS
        ],
        "inputs": flatten(result.inputs),
        "assets": report_assets(for_pdf=for_pdf),
        "for_pdf": for_pdf,
        "pdf_unavailable": pdf_unavailable_reason(),
    }

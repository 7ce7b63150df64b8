"""Scenario JSON in, result JSON out: the stateless path shared by the `evaluate`
command and `POST /api/v1/evaluate`. Nothing is stored."""

from __future__ import annotations

from typing import Any

from decisions.engine import evaluate
from decisions.services import scenario_check


def scenario_evaluate_json(data: Any, *, catalog: str | None = None) -> dict:
    """Validate and evaluate scenario-format JSON; raises ScenarioError on bad input.
    `catalog` (a version slug or "latest") overrides the scenario's own `catalog` key."""
    if isinstance(data, dict) and catalog:
        data = {**data, "catalog": catalog}
    checked = scenario_check(inputs=data).valid()
    return evaluate(checked.scenario, checked.book)

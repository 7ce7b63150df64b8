from __future__ import annotations

import pytest

from decisions.models import Scenario
from decisions.services import scenario_evaluate
from tests.conftest import scenario_inputs


@pytest.fixture
def scenario(project, default_catalog):
    return Scenario.objects.create(
        project=project, name="Support replies", inputs=scenario_inputs()
    )


@pytest.fixture
def result(scenario):
    return scenario_evaluate(scenario=scenario)

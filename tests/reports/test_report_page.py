from __future__ import annotations

import pytest
from django.urls import reverse


def report_url(scenario):
    return reverse("reports:report", args=[scenario.pk])


@pytest.mark.parametrize("who", ["alice", "bob", "victor"])
def test_members_read_the_report(request, client_for, result, scenario, who):
    response = client_for(request.getfixturevalue(who)).get(report_url(scenario))
    assert response.status_code == 200
    page = response.content.decode()
    assert scenario.name in page
    for section in (
        "summary",
        "questions",
        "costs",
        "uncertainty",
        "volume",
        "assumptions",
        "risks",
    ):
        assert f'id="{section}"' in page
    # Every price used is listed with its source and date.
    for price in result.output["prices_used"]:
        assert price["source_url"] in page
        assert price["as_of"] in page


def test_outsider_gets_404_and_anonymous_is_sent_to_login(client_for, charlie, result, scenario):
    client = client_for(None)
    assert client.get(report_url(scenario))["Location"].startswith(reverse("login"))
    client.force_login(charlie)
    for name in ("reports:report", "reports:pdf", "reports:csv", "reports:share_links"):
        assert client.get(reverse(name, args=[scenario.pk])).status_code == 404, name


def test_without_results_the_report_sends_you_to_compute(client_for, alice, scenario):
    response = client_for(alice).get(report_url(scenario))
    assert response.status_code == 302
    assert response["Location"] == reverse("decisions:results", args=[scenario.pk])


def test_csv_export_cannot_start_a_formula(client_for, alice, project, default_catalog):
    from decisions.models import Scenario
    from decisions.services import scenario_evaluate
    from tests.conftest import scenario_inputs

    evil = Scenario.objects.create(
        project=project,
        name='=HYPERLINK("http://evil.example","x")',
        inputs=scenario_inputs(),
    )
    scenario_evaluate(scenario=evil)
    response = client_for(alice).get(reverse("reports:csv", args=[evil.pk]))
    assert response["Content-Type"].startswith("text/csv")
    import csv
    import io

    cells = [cell for row in csv.reader(io.StringIO(response.content.decode())) for cell in row]
    assert '\'=HYPERLINK("http://evil.example","x")' in cells
    for cell in cells:
        if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
            float(cell)  # only plain numbers (a negative NPV) may start with a sign
    assert "months" in cells and "baseline_cumulative" in cells


def test_pdf_button_explains_when_no_renderer_is_installed(
    client_for, alice, result, scenario, settings
):
    settings.CHROMIUM_PATH = "no-such-chromium-binary"
    client = client_for(alice)
    page = client.get(report_url(scenario)).content.decode()
    assert "PDF unavailable" in page and "apt-get install chromium" in page
    response = client.get(reverse("reports:pdf", args=[scenario.pk]))
    assert response.status_code == 503
    assert "Print" in response.content.decode()


def test_report_shows_measured_quality_with_its_interval(client_for, alice, scenario):
    from datetime import date

    from decisions.models import EvaluationResult, EvaluationSet
    from decisions.services import scenario_evaluate

    test_set = EvaluationSet.objects.create(scenario=scenario, examples=80, description="Tickets")
    for candidate, accuracy in (("base", 0.41), ("finetuned", 0.78)):
        EvaluationResult.objects.create(
            evaluation_set=test_set,
            candidate=candidate,
            model_label="llama-3.1-8b",
            accuracy=accuracy,
            measured_on=date(2026, 11, 20),
        )
    scenario_evaluate(scenario=scenario)
    page = client_for(alice).get(report_url(scenario)).content.decode()
    assert "Measured quality" in page
    assert "41%" in page and "78%" in page
    assert "base 41% -&gt; fine-tuned 78%" in page  # question 1 cites the measurement

"""The evaluation page: test set, results, upload; owner/editor/viewer/outsider."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from decisions.evidence import evaluation_result_add, evaluation_set_save
from decisions.models import EvaluationResult, EvaluationSet
from tests.evidence.conftest import outcomes


def url(scenario, action: str = "") -> str:
    base = f"/scenarios/{scenario.pk}/evaluation/"
    return base + (f"{action}/" if action else "")


def test_anonymous_is_sent_to_log_in(client, scenario):
    response = client.get(url(scenario))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("name", "status"), [("alice", 200), ("bob", 200), ("victor", 200), ("charlie", 404)]
)
def test_the_page_is_visible_to_members_only(client_for, scenario, users, name, status):
    assert client_for(users[name]).get(url(scenario)).status_code == status


def test_the_page_shows_accuracy_interval_and_chart(client_for, scenario, alice):
    evaluation_set_save(scenario=scenario, examples=80)
    evaluation_result_add(scenario=scenario, user=alice, candidate="base", accuracy=0.41)
    evaluation_result_add(scenario=scenario, user=alice, candidate="finetuned", accuracy=0.78)
    page = client_for(alice).get(url(scenario)).content.decode()
    assert "Measured on 80 examples: base 41% -&gt; fine-tuned 78%" in page
    assert "78.0%" in page
    assert 'data-figure="chart-accuracy-data"' in page
    assert 'id="chart-accuracy-data"' in page
    assert "<script>" not in page  # no inline code, only JSON data blocks


def test_a_viewer_sees_no_forms_and_cannot_post(client_for, scenario, victor):
    client = client_for(victor)
    assert "Save the test set" not in client.get(url(scenario)).content.decode()
    response = client.post(url(scenario, "test-set"), {"examples": 80})
    assert response.status_code == 403
    assert not EvaluationSet.objects.exists()


@pytest.mark.parametrize(("name", "status"), [("bob", 302), ("victor", 403), ("charlie", 404)])
def test_saving_the_test_set(client_for, scenario, users, name, status):
    response = client_for(users[name]).post(url(scenario, "test-set"), {"examples": 80})
    assert response.status_code == status
    assert EvaluationSet.objects.filter(scenario=scenario).exists() == (status == 302)


def test_an_editor_adds_a_result(client_for, scenario, bob):
    evaluation_set_save(scenario=scenario, examples=80)
    data = {
        "candidate": "finetuned",
        "model_label": "adapter v1",
        "accuracy": "0.78",
        "format_reliability": "0.97",
        "measured_on": "2026-11-20",
        "notes": "first",
    }
    response = client_for(bob).post(url(scenario, "results"), data)
    assert response.status_code == 302
    result = EvaluationResult.objects.get()
    assert (result.candidate, result.model_label, result.accuracy) == (
        "finetuned",
        "adapter v1",
        0.78,
    )


def test_an_invalid_result_is_shown_with_its_errors(client_for, scenario, bob):
    evaluation_set_save(scenario=scenario, examples=80)
    data = {"candidate": "finetuned", "accuracy": "1.7", "measured_on": "2026-11-20"}
    response = client_for(bob).post(url(scenario, "results"), data)
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 1" in response.content.decode()
    assert not EvaluationResult.objects.exists()


def test_an_upload_imports_every_candidate(client_for, scenario, bob):
    rows = [(i, "finetuned", i < 62) for i in range(80)] + [(i, "base", i < 33) for i in range(80)]
    file = SimpleUploadedFile("outcomes.jsonl", outcomes(rows))
    data = {"file": file, "measured_on": "2026-11-20"}
    response = client_for(bob).post(url(scenario, "upload"), data)
    assert response.status_code == 302
    assert EvaluationResult.objects.get(candidate="finetuned").accuracy == 0.775
    page = client_for(bob).get(url(scenario)).content.decode()
    assert "77.5%" in page and "67.2% – 85.3%" in page  # Wilson 95%: 0.6721-0.8527


def test_a_bad_upload_lists_the_lines_and_saves_nothing(client_for, scenario, bob):
    file = SimpleUploadedFile("o.jsonl", b'{"id": 1, "candidate": "base", "correct": true}\nnope')
    response = client_for(bob).post(
        url(scenario, "upload"), {"file": file, "measured_on": "2026-11-20"}
    )
    assert response.status_code == 200
    assert "line 2: is not a JSON object" in response.content.decode()
    assert not EvaluationResult.objects.exists()


def test_the_intervals_show_while_the_draft_does_not_validate(client_for, scenario, alice):
    scenario.inputs["inference"] = {"daily_calls": -1}
    scenario.save()
    evaluation_set_save(scenario=scenario, examples=80)
    evaluation_result_add(scenario=scenario, user=alice, candidate="finetuned", accuracy=0.78)
    response = client_for(alice).get(url(scenario))
    assert response.status_code == 200
    assert "fine-tuned 78%" in response.content.decode()

"""Publishing a catalog recomputes the scenarios that follow "latest", not pinned ones."""

from __future__ import annotations

from decisions.models import PriceChange, Result, Scenario
from decisions.services import scenario_evaluate
from pricing.models import InferencePrice
from pricing.services import catalog_clone, catalog_publish
from tests.conftest import scenario_inputs


def test_publishing_recomputes_followers_and_leaves_pinned_scenarios_alone(
    project, default_catalog, django_capture_on_commit_callbacks, client_for, alice
):
    followers = [
        Scenario.objects.create(
            project=project,
            name=f"Follower {calls}",
            inputs=scenario_inputs(inference={"daily_calls": calls}),
        )
        for calls in (2_000, 10_000, 50_000)
    ]
    pinned = Scenario.objects.create(
        project=project, name="Pinned", inputs=scenario_inputs(catalog="2026-11")
    )
    for scenario in [*followers, pinned]:
        scenario_evaluate(scenario=scenario)

    # December: GPT-4o, today's API, gets twice as expensive.
    draft = catalog_clone(source=default_catalog, slug="2026-12")
    gpt4o = InferencePrice.objects.filter(version=draft, model__slug="gpt-4o", fine_tuned=False)
    for price in gpt4o:
        price.input_per_1m *= 2
        price.output_per_1m *= 2
        price.save()
    with django_capture_on_commit_callbacks(execute=True):
        catalog_publish(version=draft)

    changes = {c.scenario_id: c for c in PriceChange.objects.filter(catalog_version="2026-12")}
    assert set(changes) == {s.pk for s in followers}
    for scenario in followers:
        change = changes[scenario.pk]
        assert change.new_result.catalog_version == "2026-12"
        assert change.old_result.catalog_version == "2026-11"
        assert change.payback_changed  # a dearer API pays a fine-tune back sooner
        old, new = change.old_result.payback_months, change.new_result.payback_months
        assert old is None or new < old
    assert not PriceChange.objects.filter(scenario=pinned).exists()
    assert list(
        Result.objects.filter(scenario=pinned).values_list("catalog_version", flat=True)
    ) == ["2026-11"]


def test_a_repeated_batch_does_not_recompute_twice(project, default_catalog):
    from decisions.recompute import scenarios_recompute

    scenario = Scenario.objects.create(project=project, name="S", inputs=scenario_inputs())
    assert scenarios_recompute(scenario_ids=[scenario.pk], catalog_version="2026-11") == 1
    assert scenarios_recompute(scenario_ids=[scenario.pk], catalog_version="2026-11") == 0
    assert Result.objects.filter(scenario=scenario).count() == 1

"""When a catalog version is published, every scenario that follows "latest" is computed
again against it, in batches spread over the workers; each gets a PriceChange saying
whether its verdict or payback moved. Scenarios pinned to a version stay as they are."""

from __future__ import annotations

import logging

from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

from decisions.engine import ScenarioError
from decisions.models import PriceChange, Scenario

log = logging.getLogger(__name__)

BATCH_SIZE = 50


def on_catalog_published(sender, version, **kwargs) -> None:
    """Start the recompute once the publishing transaction has committed."""
    transaction.on_commit(lambda: recompute_enqueue(catalog_version=version.slug))


def recompute_enqueue(*, catalog_version: str) -> None:
    from decisions.tasks import recompute_for_catalog

    try:
        recompute_for_catalog.apply_async(args=[catalog_version], retry=False)
    except (BrokerError, RedisError, OSError) as exc:
        # Publishing is rare and must not lose its recompute: do it here instead.
        log.warning("broker unavailable (%s): recomputing %s inline", exc, catalog_version)
        scenarios_recompute(scenario_ids=following_latest_ids(), catalog_version=catalog_version)


def following_latest_ids() -> list[int]:
    return list(
        Scenario.objects.active().following_latest().order_by("pk").values_list("pk", flat=True)
    )


def catalog_recompute_start(*, catalog_version: str) -> int:
    """Split the scenarios into batches, one task each, so workers share the work."""
    from decisions.tasks import recompute_batch

    ids = following_latest_ids()
    for start in range(0, len(ids), BATCH_SIZE):
        recompute_batch.delay(ids[start : start + BATCH_SIZE], catalog_version)
    return len(ids)


def scenarios_recompute(*, scenario_ids: list[int], catalog_version: str) -> int:
    """Recompute each scenario once for this catalog version (a repeated batch skips
    the ones already done). Drafts that do not validate are left alone."""
    from decisions.services import scenario_evaluate

    recomputed = 0
    already = set(
        PriceChange.objects.filter(
            scenario_id__in=scenario_ids, catalog_version=catalog_version
        ).values_list("scenario_id", flat=True)
    )
    for scenario in Scenario.objects.filter(pk__in=scenario_ids).exclude(pk__in=already):
        old = scenario.latest_result()
        try:
            with transaction.atomic():
                new = scenario_evaluate(scenario=scenario, user=None)
                PriceChange.objects.create(
                    scenario=scenario,
                    catalog_version=new.catalog_version,
                    old_result=old,
                    new_result=new,
                    verdict_changed=old is None or old.verdict != new.verdict,
                    payback_changed=old is None or old.payback_months != new.payback_months,
                )
        except ScenarioError:
            continue
        recomputed += 1
    return recomputed


def project_price_changes(*, project) -> dict | None:
    """What the newest catalog that recomputed this project's scenarios changed."""
    newest = PriceChange.objects.filter(scenario__project=project).order_by("-created").first()
    if newest is None:
        return None
    rows = (
        PriceChange.objects.filter(
            scenario__project=project, catalog_version=newest.catalog_version
        )
        .select_related("scenario", "old_result", "new_result")
        .order_by("scenario__name")
    )
    changed = [row for row in rows if row.verdict_changed or row.payback_changed]
    return {
        "catalog_version": newest.catalog_version,
        "when": newest.created,
        "changed": changed,
        "unchanged": len(rows) - len(changed),
    }

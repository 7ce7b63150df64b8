"""Fixtures for the evidence pages and services: a published catalog, scenarios, runs."""

from __future__ import annotations

import pytest

from decisions.services import scenario_create
from tests.conftest import scenario_inputs

USERS = ["alice", "bob", "victor", "charlie"]  # owner, editor, viewer, outsider


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def scenario(default_catalog, project, alice):
    return scenario_create(
        project=project,
        user=alice,
        name="Brand voice",
        inputs=scenario_inputs(prompting={"target_quality": 0.95}),
    )


@pytest.fixture
def users(alice, bob, victor, charlie):
    return {"alice": alice, "bob": bob, "victor": victor, "charlie": charlie}


def run_fields(**changes) -> dict:
    """A measured run (H100 LoRA on llama-3.1-8b, ~30% MFU)."""
    fields = {
        "gpu": "h100-80gb",
        "gpus": 1,
        "tokens": 30_000_000,
        "wall_hours": 1.3,
        "peak_memory_gb": 21.5,
        "cost": 4.2,
        "method": "lora",
        "base_model": "llama-3.1-8b",
        "lora_rank": 16,
        "batch_size": 4,
        "sequence_length": 2048,
    }
    fields.update(changes)
    return fields


def outcomes(rows: list[tuple[str, str, bool]]) -> bytes:
    import json

    lines = [json.dumps({"id": i, "candidate": c, "correct": ok}) for i, c, ok in rows]
    return "\n".join(lines).encode()

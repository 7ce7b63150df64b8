"""Shared fixtures: an organisation with an owner (alice), an editor (bob) and a viewer
(victor), and an outsider (charlie) who owns another organisation."""

from __future__ import annotations

import os
import shutil

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(condition: bool, reason: str) -> None:
    """Skip locally when a service or tool is missing; under CI=true that is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI needs this and it is missing: {reason}")
    pytest.skip(reason)


@pytest.fixture
def require_chromium():
    require(shutil.which("chromium") is not None, "Debian's chromium is not installed")


def member(username: str, organisation, role: str):
    # Imported here so the engine's tests can run without Django (`-p no:django`).
    from tests.factories import MembershipFactory, UserFactory

    user = UserFactory(username=username)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def organisation(db):
    from tests.factories import OrganisationFactory

    return OrganisationFactory(name="Acme")


@pytest.fixture
def alice(organisation):
    return member("alice", organisation, "owner")


@pytest.fixture
def bob(organisation):
    return member("bob", organisation, "editor")


@pytest.fixture
def victor(organisation):
    return member("victor", organisation, "viewer")


@pytest.fixture
def charlie(db):
    from tests.factories import OrganisationFactory

    return member("charlie", OrganisationFactory(name="Rival"), "owner")


@pytest.fixture
def project(organisation, alice):
    from tests.factories import ProjectFactory

    return ProjectFactory(organisation=organisation, name="Support bot", created_by=alice)


@pytest.fixture
def client_for(client):
    """client_for(user) -> a test client logged in as that user (None: anonymous)."""

    def login(user):
        if user is not None:
            client.force_login(user)
        return client

    return login


@pytest.fixture(autouse=True)
def fast_password_hashing(request):
    # Fixtures create several users per test; PBKDF2 would be most of the run time.
    if request.config.pluginmanager.hasplugin("django"):
        settings = request.getfixturevalue("settings")
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def tasks_run_inline(request):
    """Tasks run inline unless a test is marked `redis` and drives a real worker."""
    from config.celery import app

    eager = "redis" not in request.keywords
    before = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def default_catalog(db):
    """The shipped catalog 2026-11, published: what `make run` loads."""
    from pricing.services import catalog_load_default

    version, _ = catalog_load_default()
    return version


def scenario_inputs(**sections) -> dict:
    """A small valid scenario-format input, with sections overridden by keyword."""
    inputs = {
        "schema": "tunecase.scenario/v1",
        "name": "Support replies",
        "training": {"base_model": "llama-3.1-8b"},
        "uncertainty": {"samples": 1000, "seed": 7},
    }
    inputs.update(sections)
    return inputs

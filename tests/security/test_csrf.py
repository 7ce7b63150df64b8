"""CSRF on every state change (HTMX included) and no state change over GET, for every
row of the permission matrix."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.urls import reverse

from tests.security.conftest import client_as
from tests.security.test_permission_matrix import MATRIX, request_as

CHANGES = ("POST", "PUT", "PATCH", "DELETE")
HTML_CHANGES = [
    (name, method)
    for name, row in MATRIX.items()
    if not name.startswith("api:")
    for method in row.expect
    if method in CHANGES
]
API_CHANGES = [
    (name, method)
    for name, row in MATRIX.items()
    if name.startswith("api:")
    for method, expect in row.expect.items()
    # Token-authenticated methods (the public OpenAPI pages are not: CSRF guards them)
    if method in CHANGES and expect["anonymous"] == 401
]
GETS = [name for name, row in MATRIX.items() if "GET" in row.expect]

# Bookkeeping a read is allowed to write: sessions (renewed on every request for the idle
# timeout), a share link's view counter, a token's last use, a user's last login.
READ_BOOKKEEPING = {
    "sessions.session": None,
    "admin.logentry": None,
    "decisions.sharelink": {"views", "last_viewed"},
    "accounts.apitoken": {"last_used"},
    "auth.user": {"last_login"},
}


@pytest.mark.parametrize(
    ("name", "method"), HTML_CHANGES, ids=[f"{n}-{m}" for n, m in HTML_CHANGES]
)
@pytest.mark.parametrize("role", ["anonymous", "owner"])
def test_a_state_change_without_the_csrf_token_is_refused(world, name, method, role):
    row = MATRIX[name]
    client = client_as(world, role, enforce_csrf_checks=True)
    url = reverse(name, kwargs=row.kwargs(world))
    body = row.data.get(method, lambda w: {})(world)
    response = client.post(url, body, headers=row.headers)
    assert response.status_code == 403, f"{method} {name} as {role}: {response.status_code}"


@pytest.mark.parametrize("name", ["decisions:wizard", "decisions:results"])
def test_htmx_needs_the_token_in_its_header(world, name):
    """htmx sends the token from hx-headers on <body>; without it the POST is refused."""
    row = MATRIX[name]
    client = client_as(world, "editor", enforce_csrf_checks=True)
    url = reverse(name, kwargs=row.kwargs(world))
    page = client.get(reverse("decisions:wizard", args=[world.scenario.pk, 0]))
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page.content.decode())
    assert token, "base.html must put the CSRF token in hx-headers"
    refused = client.post(url, {}, headers={"HX-Request": "true"})
    assert refused.status_code == 403
    accepted = client.post(url, {}, headers={"HX-Request": "true", "X-CSRFToken": token[1]})
    assert accepted.status_code in (200, 204, 302)


@pytest.mark.parametrize(("name", "method"), API_CHANGES, ids=[f"{n}-{m}" for n, m in API_CHANGES])
def test_a_session_cookie_does_not_authenticate_the_api(world, name, method):
    """The API is CSRF-exempt because a cookie is never its credential: a forged request
    from a signed-in browser carries no Bearer token and gets 401."""
    row = MATRIX[name]
    client = client_as(world, "owner", enforce_csrf_checks=True)
    client.defaults.pop("HTTP_AUTHORIZATION")
    response = client.generic(method, reverse(name, kwargs=row.kwargs(world)), "{}")
    assert response.status_code == 401


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table the product owns, minus what reads may touch."""
    state = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label not in {"accounts", "decisions", "pricing", "auth"}:
            if label not in READ_BOOKKEEPING:
                continue
        skip = READ_BOOKKEEPING.get(label, set())
        if label in READ_BOOKKEEPING and skip is None:
            continue
        fields = [f.attname for f in model._meta.concrete_fields if f.name not in skip]
        state[label] = list(model.objects.order_by("pk").values_list(*fields))
    return state


@pytest.mark.parametrize("name", GETS)
@pytest.mark.parametrize("role", ["owner", "share_holder"])
def test_a_get_changes_nothing(world, fake_pdf, name, role):
    row = MATRIX[name]
    client_as(world, role)  # log in first: a login is a write of its own
    before = snapshot()
    request_as(world, role, name, row, "GET")
    assert snapshot() == before, f"GET {name} as {role} changed the database"

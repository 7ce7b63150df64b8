"""Who can see what: every URL pattern x method x role, with the status each must get.

The rows are keyed by the pattern's namespaced name and the set of keys must equal the
set of patterns the URL conf has (admin apart: tested below on its own), so a new URL
without a row fails here until someone decides who may use it.

Statuses: LOGIN is a redirect to the login page. HTML views POST with CSRF checks off
(Django's test client default); CSRF is enforced in test_csrf.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import scenario_inputs
from tests.security.conftest import ROLES, World, client_as

LOGIN = "login"
Expect = dict[str, int | str]
ANONYMOUS_LIKE = ("anonymous", "share_holder", "foreign_token")


def everyone(status: int | str) -> Expect:
    return dict.fromkeys(ROLES, status)


def html(*, viewer: int, editor: int, owner: int, outsider: int) -> Expect:
    """A login-required view: no session (even holding a share link or a token) -> login."""
    return {
        **dict.fromkeys(ANONYMOUS_LIKE, LOGIN),
        "viewer": viewer,
        "editor": editor,
        "owner": owner,
        "outsider": outsider,
    }


def members(read: int, *, outsider: int = 404) -> Expect:
    """Any member may; another organisation's user gets 404 (existence not leaked)."""
    return html(viewer=read, editor=read, owner=read, outsider=outsider)


def editors(status: int, *, outsider: int = 404) -> Expect:
    """Editors and owners may; a viewer gets 403."""
    return html(viewer=403, editor=status, owner=status, outsider=outsider)


def signed_in(status: int) -> Expect:
    """Any signed-in user, whatever the organisation (global pages, their own account)."""
    return html(viewer=status, editor=status, owner=status, outsider=status)


def api(*, viewer: int, editor: int, owner: int, foreign: int = 404) -> Expect:
    """Token-authenticated: no token -> 401 (a share link or a session is not a token)."""
    return {
        "anonymous": 401,
        "share_holder": 401,
        "viewer": viewer,
        "editor": editor,
        "owner": owner,
        "outsider": foreign,
        "foreign_token": foreign,
    }


def api_read(status: int = 200, *, foreign: int = 404) -> Expect:
    return api(viewer=status, editor=status, owner=status, foreign=foreign)


def api_change(status: int, *, foreign: int = 404) -> Expect:
    return api(viewer=403, editor=status, owner=status, foreign=foreign)


Kwargs = Callable[[World], dict[str, Any]]
Data = Callable[[World], Any]


@dataclass
class Row:
    expect: dict[str, Expect]  # method -> role -> status
    kwargs: Kwargs = lambda w: {}  # noqa: E731
    data: dict[str, Data] = field(default_factory=dict)  # method -> request body
    headers: dict[str, str] = field(default_factory=dict)
    json: bool = False  # send the body as application/json


def sid(w: World) -> dict[str, Any]:
    return {"scenario_id": w.scenario.pk}


def pid(w: World) -> dict[str, Any]:
    return {"project_id": w.project.pk}


def slug(w: World) -> dict[str, Any]:
    return {"slug": w.catalog_slug}


def token(w: World) -> dict[str, Any]:
    return {"token": w.share_token}


HTMX = {"HX-Request": "true"}
NOT_ALLOWED = everyone(405)
SHARED = everyone(200)  # the token is the credential: anyone holding it

MATRIX: dict[str, Row] = {
    # --- Site ------------------------------------------------------------------------------
    "home": Row({"GET": everyone(302), "POST": everyone(302)}),
    "healthz": Row({"GET": everyone(200), "POST": everyone(200)}),
    # --- Django's auth views (login is ours, rate limited) ----------------------------------
    "login": Row({"GET": everyone(200), "POST": everyone(200)}),  # POST {}: form errors
    "logout": Row({"GET": everyone(405), "POST": everyone(LOGIN)}),
    "password_change": Row({"GET": signed_in(200), "POST": signed_in(200)}),
    "password_change_done": Row({"GET": signed_in(200), "POST": signed_in(405)}),
    "password_reset": Row({"GET": everyone(200), "POST": everyone(200)}),
    "password_reset_done": Row({"GET": everyone(200), "POST": everyone(405)}),
    "password_reset_confirm": Row(
        {"GET": everyone(200), "POST": everyone(200)},
        kwargs=lambda w: {"uidb64": "MQ", "token": "bad-token"},
    ),
    "password_reset_complete": Row({"GET": everyone(200), "POST": everyone(405)}),
    # --- Accounts --------------------------------------------------------------------------
    "accounts:signup": Row(
        {
            "GET": {**everyone(302), **dict.fromkeys(ANONYMOUS_LIKE, 200)},
            "POST": {**everyone(302), **dict.fromkeys(ANONYMOUS_LIKE, 200)},
        }
    ),
    "accounts:switch": Row(
        {"GET": signed_in(405), "POST": members(302)},
        data={"POST": lambda w: {"organisation": w.organisation.pk}},
    ),
    "accounts:members": Row(
        {"GET": members(200), "POST": html(viewer=403, editor=403, owner=200, outsider=404)},
        kwargs=lambda w: {"organisation_id": w.organisation.pk},
        data={"POST": lambda w: {"role": "editor", "days": 7}},
    ),
    # The invitation token is the credential; accepting needs a session.
    "accounts:accept": Row(
        {"GET": everyone(200), "POST": {**everyone(302), **dict.fromkeys(ANONYMOUS_LIKE, 200)}},
        kwargs=lambda w: {"token": w.invitation_token},
    ),
    "accounts:api_tokens": Row(
        {"GET": signed_in(200), "POST": signed_in(200)},
        data={"POST": lambda w: {"name": "notebook"}},
    ),
    # Only the token's own user may revoke it; for anyone else it does not exist.
    "accounts:api_token_revoke": Row(
        {"GET": signed_in(405), "POST": html(viewer=404, editor=404, owner=302, outsider=404)},
        kwargs=lambda w: {"token_id": w.users["owner"].api_tokens.get().pk},
    ),
    # --- Price catalog: global and read-only for everyone signed in -------------------------
    "pricing:catalog": Row({"GET": signed_in(200), "POST": signed_in(405)}),
    "pricing:diff": Row({"GET": signed_in(200), "POST": signed_in(405)}),
    **{
        f"pricing:{name}": Row({"GET": signed_in(200), "POST": signed_in(405)}, kwargs=slug)
        for name in ("models", "providers", "gpus", "prices", "compare")
    },
    # --- Projects --------------------------------------------------------------------------
    "decisions:project_list": Row({"GET": signed_in(200), "POST": signed_in(405)}),
    # The outsider owns Rival, so creates there: allowed, and in their own organisation.
    "decisions:project_create": Row(
        {
            "GET": html(viewer=403, editor=200, owner=200, outsider=200),
            "POST": html(viewer=403, editor=302, owner=302, outsider=302),
        },
        data={"POST": lambda w: {"name": "New project"}},
    ),
    "decisions:project_detail": Row({"GET": members(200), "POST": signed_in(405)}, kwargs=pid),
    "decisions:project_edit": Row(
        {"GET": editors(200), "POST": editors(302)},
        kwargs=pid,
        data={"POST": lambda w: {"name": "Renamed", "description": ""}},
    ),
    "decisions:project_archive": Row({"GET": editors(200), "POST": editors(302)}, kwargs=pid),
    "decisions:project_delete": Row({"GET": editors(200), "POST": editors(302)}, kwargs=pid),
    "decisions:scenario_new": Row(
        {"GET": editors(200), "POST": editors(302)},
        kwargs=pid,
        data={"POST": lambda w: {"name": "Another"}},
    ),
    # POST without a file: the form's errors, 200.
    "decisions:scenario_import": Row({"GET": editors(200), "POST": editors(200)}, kwargs=pid),
    "decisions:compare": Row({"GET": members(200), "POST": signed_in(405)}, kwargs=pid),
    # --- Scenarios -------------------------------------------------------------------------
    "decisions:scenario_detail": Row({"GET": members(200), "POST": signed_in(405)}, kwargs=sid),
    "decisions:wizard": Row(
        {"GET": members(200), "POST": editors(302)},
        kwargs=lambda w: {"scenario_id": w.scenario.pk, "step": 0},
        data={"POST": lambda w: {"go": "next"}},
    ),
    "decisions:summary": Row(
        {"GET": members(200), "POST": signed_in(405)}, kwargs=sid, headers=HTMX
    ),
    "decisions:results": Row({"GET": members(200), "POST": editors(302)}, kwargs=sid),
    "decisions:job_progress": Row(
        {"GET": members(200), "POST": signed_in(405)},
        kwargs=lambda w: {"scenario_id": w.scenario.pk, "job_id": w.job.pk},
        headers=HTMX,
    ),
    "decisions:job_retry": Row(
        {"GET": signed_in(405), "POST": editors(302)},
        kwargs=lambda w: {"scenario_id": w.scenario.pk, "job_id": w.failed_job.pk},
    ),
    "decisions:scenario_export": Row({"GET": members(200), "POST": signed_in(405)}, kwargs=sid),
    "decisions:scenario_duplicate": Row({"GET": signed_in(405), "POST": editors(302)}, kwargs=sid),
    "decisions:scenario_rename": Row(
        {"GET": editors(200), "POST": editors(302)},
        kwargs=sid,
        data={"POST": lambda w: {"name": "Renamed"}},
    ),
    "decisions:scenario_archive": Row({"GET": editors(200), "POST": editors(302)}, kwargs=sid),
    "decisions:scenario_delete": Row({"GET": editors(200), "POST": editors(302)}, kwargs=sid),
    # --- Reports ---------------------------------------------------------------------------
    # report/pdf/csv read whatever the method (no state changes): noted for the lead.
    "reports:report": Row({"GET": members(200), "POST": members(200)}, kwargs=sid),
    "reports:pdf": Row({"GET": members(200), "POST": members(200)}, kwargs=sid),
    "reports:csv": Row({"GET": members(200), "POST": members(200)}, kwargs=sid),
    "reports:share_links": Row(
        {"GET": members(200), "POST": editors(200)},
        kwargs=sid,
        data={"POST": lambda w: {"label": "Board", "days": 7}},
    ),
    "reports:share_link_revoke": Row(
        {"GET": signed_in(405), "POST": editors(302)},
        kwargs=lambda w: {"scenario_id": w.scenario.pk, "link_id": w.share_link.pk},
    ),
    "reports:shared": Row({"GET": SHARED, "POST": SHARED}, kwargs=token),
    "reports:shared_pdf": Row({"GET": SHARED, "POST": SHARED}, kwargs=token),
    "reports:shared_csv": Row({"GET": SHARED, "POST": SHARED}, kwargs=token),
    # --- Evidence: evaluations, measured runs, calibration, portfolios ---------------------
    # POSTs send an empty form: the permission decides, then the form's errors (200).
    "evidence:evaluation": Row({"GET": members(200), "POST": signed_in(405)}, kwargs=sid),
    "evidence:evaluation_test_set": Row({"GET": signed_in(405), "POST": editors(200)}, kwargs=sid),
    "evidence:evaluation_result": Row({"GET": signed_in(405), "POST": editors(200)}, kwargs=sid),
    "evidence:evaluation_upload": Row({"GET": signed_in(405), "POST": editors(200)}, kwargs=sid),
    "evidence:runs": Row({"GET": members(200), "POST": editors(200)}, kwargs=pid),
    "evidence:calibration": Row({"GET": members(200), "POST": signed_in(405)}, kwargs=pid),
    "evidence:portfolios": Row({"GET": members(200), "POST": editors(200)}, kwargs=pid),
    "evidence:portfolio": Row(
        {"GET": members(200), "POST": signed_in(405)},
        kwargs=lambda w: {"portfolio_id": w.portfolio.pk},
    ),
    # --- API: a Bearer token is the only credential ----------------------------------------
    "api:evaluate": Row(
        {"GET": NOT_ALLOWED, "POST": api_read(200, foreign=200)},
        data={"POST": lambda w: scenario_inputs()},
        json=True,
    ),
    # Creating in Acme: a viewer may not; Rival's token does not see Acme at all.
    "api:projects": Row(
        {"GET": api_read(200, foreign=200), "POST": api_change(201)},
        data={"POST": lambda w: {"name": "From the API", "organisation": w.organisation.pk}},
        json=True,
    ),
    "api:project": Row(
        {
            "GET": api_read(),
            "PATCH": api_change(200),
            "DELETE": api_change(204),
            "POST": NOT_ALLOWED,
        },
        kwargs=pid,
        data={"PATCH": lambda w: {"name": "Renamed"}},
        json=True,
    ),
    "api:project_scenarios": Row(
        {"GET": api_read(), "POST": api_change(201), "DELETE": NOT_ALLOWED},
        kwargs=pid,
        data={"POST": lambda w: scenario_inputs()},
        json=True,
    ),
    "api:scenario": Row(
        {
            "GET": api_read(),
            "PUT": api_change(200),
            "DELETE": api_change(204),
            "POST": NOT_ALLOWED,
        },
        kwargs=sid,
        data={"PUT": lambda w: scenario_inputs()},
        json=True,
    ),
    "api:result": Row(
        {"GET": api_read(), "POST": api_change(202), "DELETE": NOT_ALLOWED}, kwargs=sid
    ),
    "api:job": Row({"GET": api_read(), "POST": NOT_ALLOWED}, kwargs=lambda w: {"job_id": w.job.pk}),
    # Evidence over the API: an empty body is refused with 400 once permitted.
    "api:scenario_evaluation": Row({"GET": api_read(), "POST": api_change(400)}, kwargs=sid),
    "api:project_runs": Row({"GET": api_read(), "POST": api_change(400)}, kwargs=pid),
    "api:project_calibration": Row({"GET": api_read(), "POST": NOT_ALLOWED}, kwargs=pid),
    "api:project_portfolios": Row({"GET": api_read(), "POST": api_change(400)}, kwargs=pid),
    "api:portfolio": Row(
        {"GET": api_read(), "POST": NOT_ALLOWED},
        kwargs=lambda w: {"portfolio_id": w.portfolio.pk},
    ),
    "api:catalogs": Row({"GET": api_read(200, foreign=200), "POST": NOT_ALLOWED}),
    "api:catalog": Row({"GET": api_read(200, foreign=200), "POST": NOT_ALLOWED}, kwargs=slug),
    # The API's description is public, like any OpenAPI document; it reads on any method
    # (noted for the lead: @require_GET would answer POST with 405).
    "api:openapi": Row({"GET": everyone(200), "POST": everyone(200)}),
    "api:docs": Row({"GET": everyone(200), "POST": everyone(200)}),
}


def url_pattern_names() -> set[str]:
    """Every named pattern of the URL conf, namespaced, admin apart."""
    names: set[str] = set()

    def walk(patterns, namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if str(pattern.pattern).startswith("admin/"):
                    continue
                inner = pattern.namespace
                walk(
                    pattern.url_patterns,
                    ":".join(p for p in (namespace, inner) if p) or None,
                )
            elif isinstance(pattern, URLPattern):
                assert pattern.name, f"URL pattern {pattern.pattern} has no name"
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, None)
    return names


def test_every_url_pattern_has_a_row_in_the_matrix():
    patterns = url_pattern_names()
    missing = sorted(patterns - set(MATRIX))
    stale = sorted(set(MATRIX) - patterns)
    assert not missing, f"URL patterns without a permission row: {missing}"
    assert not stale, f"rows for URL patterns that no longer exist: {stale}"


def request_as(world: World, role: str, name: str, row: Row, method: str):
    client = client_as(world, role)
    url = reverse(name, kwargs=row.kwargs(world))
    if role == "share_holder" and not name.startswith("reports:shared"):
        # Holding a link to one report opens nothing else: the holder has no session.
        client.get(reverse("reports:shared", args=[world.share_token]))
    body = row.data.get(method, lambda w: {})(world)
    headers = dict(row.headers)
    if row.json or method in ("PUT", "PATCH", "DELETE"):
        return client.generic(
            method, url, json.dumps(body), content_type="application/json", headers=headers
        )
    send = getattr(client, method.lower())
    return send(url, body, headers=headers) if method == "POST" else send(url, headers=headers)


def outcome(response) -> int | str:
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return LOGIN
    return response.status_code


CASES = [(name, method) for name, row in MATRIX.items() for method in row.expect]


@pytest.mark.parametrize(("name", "method"), CASES, ids=[f"{n}-{m}" for n, m in CASES])
def test_each_role_gets_the_expected_status(world, fake_pdf, name, method):
    """All roles for one URL and method; each role's request is rolled back afterwards,
    so a delete by one role does not change what the next one finds."""
    row = MATRIX[name]
    wrong = []
    for role in ROLES:
        cache.clear()
        savepoint = transaction.savepoint()
        try:
            got = outcome(request_as(world, role, name, row, method))
        finally:
            transaction.savepoint_rollback(savepoint)
        expected = row.expect[method][role]
        if got != expected:
            wrong.append(f"{role}: expected {expected}, got {got}")
    assert not wrong, f"{method} {name}:\n  " + "\n  ".join(wrong)

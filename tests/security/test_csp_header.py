"""The Content-Security-Policy every response carries (the browser side, that pages
run under it without violations, is in tests/e2e/test_journeys.py)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from config.security import csp_header_value
from tests.security.conftest import client_as


def directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_the_policy_forbids_inline_script_eval_plugins_and_framing():
    policy = directives(csp_header_value(settings.CSP_DIRECTIVES))
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:", "blob:"]
    assert policy["default-src"] == ["'self'"]
    # Only style-src may be relaxed (plotly.js writes styles at run time).
    relaxed = [name for name, sources in policy.items() if "'unsafe-inline'" in sources]
    assert relaxed == ["style-src"]
    assert not any("'unsafe-eval'" in sources for sources in policy.values())
    assert not any("http" in s for sources in policy.values() for s in sources)  # no CDN


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("anonymous", lambda w: reverse("login")),
        ("owner", lambda w: reverse("decisions:results", args=[w.scenario.pk])),
        ("owner", lambda w: reverse("reports:report", args=[w.scenario.pk])),
        ("anonymous", lambda w: reverse("reports:shared", args=[w.share_token])),
        ("anonymous", lambda w: reverse("reports:shared", args=["no-such-token"])),
        ("owner", lambda w: "/no/such/page/"),
        ("owner", lambda w: reverse("api:project", args=[w.project.pk])),
        ("anonymous", lambda w: "/static/js/charts.js"),
    ],
)
def test_every_response_carries_the_policy(world, role, url):
    response = client_as(world, role).get(url(world))
    assert response["Content-Security-Policy"] == csp_header_value(settings.CSP_DIRECTIVES)


def test_pages_have_no_inline_script(world):
    """Inline <script> would be blocked: only src= scripts and JSON data blocks."""
    import re

    client = client_as(world, "owner")
    for url in (
        reverse("decisions:results", args=[world.scenario.pk]),
        reverse("decisions:wizard", args=[world.scenario.pk, 2]),
        reverse("reports:report", args=[world.scenario.pk]),
        reverse("decisions:project_detail", args=[world.project.pk]),
    ):
        html = client.get(url).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, f"{url}: {tag}"
        assert not re.search(r"\son[a-z]+=", html), f"{url} has an inline event handler"

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from decisions.models import ShareLink
from tests.factories import ProjectFactory


def create_link(client, scenario, label="Finance review", days=30) -> str:
    response = client.post(
        reverse("reports:share_links", args=[scenario.pk]), {"label": label, "days": days}
    )
    assert response.status_code == 200
    return re.search(r'value="http://testserver(/shared/[^"]+/)"', response.content.decode())[1]


def test_link_lifecycle_create_view_revoke(client_for, bob, result, scenario, client):
    url = create_link(client_for(bob), scenario)
    client.logout()
    response = client.get(url)
    assert response.status_code == 200
    assert scenario.name in response.content.decode()
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "no-store"
    assert "noindex" in response["X-Robots-Tag"]
    client.get(url)
    link = ShareLink.objects.get()
    assert link.views == 2 and link.last_viewed is not None

    client.force_login(bob)
    client.post(reverse("reports:share_link_revoke", args=[scenario.pk, link.pk]))
    client.logout()
    gone = client.get(url)
    assert gone.status_code == 410
    assert "no longer valid" in gone.content.decode()
    assert scenario.name not in gone.content.decode()


def test_expired_and_unknown_links_say_nothing_of_their_target(
    client_for, bob, result, scenario, client
):
    url = create_link(client_for(bob), scenario)
    ShareLink.objects.update(expires=timezone.now() - timedelta(seconds=1))
    client.logout()
    response = client.get(url)
    assert response.status_code == 410
    assert scenario.name not in response.content.decode()
    unknown = client.get(reverse("reports:shared", args=["x" * 43]))
    assert unknown.status_code == 404
    assert unknown.content.decode().count("no longer valid") == 1


def test_token_is_long_random_and_stored_only_as_a_hash(client_for, bob, result, scenario):
    url = create_link(client_for(bob), scenario)
    token = url.split("/")[2]
    assert len(token) >= 43  # 32 random bytes, url-safe base64: 256 bits
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM decisions_sharelink")
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert token not in stored
    assert ShareLink.objects.get().token_hash in stored


def test_link_expiry_is_limited_to_a_year(client_for, bob, result, scenario):
    response = client_for(bob).post(
        reverse("reports:share_links", args=[scenario.pk]), {"label": "Too long", "days": 400}
    )
    assert "less than or equal to 365" in response.content.decode()
    assert not ShareLink.objects.exists()


def test_viewer_cannot_create_or_revoke_links(client_for, victor, bob, result, scenario):
    url = reverse("reports:share_links", args=[scenario.pk])
    assert client_for(victor).post(url, {"label": "x", "days": 5}).status_code == 403
    assert not ShareLink.objects.exists()


def test_shared_page_shows_nothing_else_of_the_organisation(
    client_for, bob, result, scenario, organisation, client
):
    ProjectFactory(organisation=organisation, name="Secret merger plan")
    url = create_link(client_for(bob), scenario)
    client.logout()
    page = client.get(url).content.decode()
    assert "Secret merger plan" not in page
    assert organisation.name not in page
    assert "Log out" not in page and "/projects/" not in page


def test_a_link_keeps_showing_its_own_result(client_for, bob, result, scenario, client):
    from decisions.services import scenario_evaluate

    url = create_link(client_for(bob), scenario)
    newer = scenario_evaluate(scenario=scenario)
    client.logout()
    page = client.get(url).content.decode()
    assert "Newer results exist" in page
    assert result.created.strftime("%Y-%m-%d %H:%M") in page
    assert newer.pk != result.pk


def test_lookups_are_rate_limited(client_for, bob, result, scenario, client, settings):
    from django.core.cache import cache

    cache.clear()
    settings.SHARE_LOOKUPS_PER_MINUTE = 3
    url = create_link(client_for(bob), scenario)
    client.logout()
    statuses = [client.get(url).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    limited = client.get(url)
    assert limited.status_code == 429
    assert limited["Retry-After"] == "60"
    cache.clear()


@pytest.mark.parametrize("suffix", ["report.csv"])
def test_shared_exports_work_without_an_account(client_for, bob, result, scenario, client, suffix):
    url = create_link(client_for(bob), scenario)
    client.logout()
    response = client.get(url + suffix)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"

from __future__ import annotations

import pytest
from django.urls import reverse

URL = reverse("pricing:catalog")


def test_anonymous_is_sent_to_login(client_for, db):
    response = client_for(None).get(URL)
    assert response.status_code == 302 and "/login" in response["Location"]


@pytest.mark.parametrize("who", ["alice", "bob", "victor", "charlie"])
def test_every_signed_in_user_sees_the_catalog(client_for, default_catalog, request, who):
    response = client_for(request.getfixturevalue(who)).get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Latest: 2026-11" in body
    assert "Oldest price in use" in body
    assert "2026-02-01" in body  # the Together rows are the oldest


def test_it_shows_the_stale_count(client_for, alice, default_catalog, settings):
    settings.PRICE_STALE_DAYS = 90
    body = client_for(alice).get(URL).content.decode()
    assert "older than 90 days" in body


def test_it_says_when_nothing_is_published(client_for, alice):
    assert "No catalog is published yet" in client_for(alice).get(URL).content.decode()


def test_drafts_are_listed_only_for_staff(client_for, alice, draft):
    assert "2026-12" not in client_for(alice).get(URL).content.decode()
    alice.is_staff = True
    alice.save()
    assert "2026-12" in client_for(alice).get(URL).content.decode()

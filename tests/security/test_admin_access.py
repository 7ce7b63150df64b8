"""Django's admin, outside the matrix: anonymous and non-staff users go to its login,
staff see the price catalog's changelist."""

from __future__ import annotations

import pytest
from django.urls import reverse

CHANGELIST = "admin:pricing_catalogversion_changelist"


@pytest.mark.parametrize("who", [None, "alice", "charlie"])
def test_the_admin_sends_non_staff_to_its_login(client_for, alice, charlie, who):
    user = {"alice": alice, "charlie": charlie}.get(who)
    response = client_for(user).get(reverse(CHANGELIST))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_see_the_pricing_changelist(client_for, alice, default_catalog):
    alice.is_staff = alice.is_superuser = True
    alice.save()
    response = client_for(alice).get(reverse(CHANGELIST))
    assert response.status_code == 200
    assert default_catalog.slug in response.content.decode()


def test_an_admin_action_needs_the_csrf_token(alice, default_catalog):
    from django.test import Client

    alice.is_staff = alice.is_superuser = True
    alice.save()
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(
        reverse(CHANGELIST), {"action": "clone", "_selected_action": [default_catalog.pk]}
    )
    assert response.status_code == 403

from __future__ import annotations

import re

from django.urls import reverse

from accounts.models import Membership, Role


def members_url(organisation):
    return reverse("accounts:members", args=[organisation.pk])


def test_owner_invites_a_colleague_who_joins_by_link(client_for, alice, organisation, charlie):
    client = client_for(alice)
    response = client.post(members_url(organisation), {"role": "editor", "days": 7})
    assert response.status_code == 200
    link = re.search(r'value="(http[^"]+/invitations/[^"]+/)"', response.content.decode())[1]

    client.logout()
    client.force_login(charlie)
    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response.status_code == 302
    assert Membership.objects.get(user=charlie, organisation=organisation).role == Role.EDITOR
    # A used link cannot be used again.
    assert client.get(link).status_code == 404


def test_viewer_cannot_invite(client_for, victor, organisation):
    response = client_for(victor).post(members_url(organisation), {"role": "owner", "days": 7})
    assert response.status_code == 403


def test_outsider_gets_404_on_member_list(client_for, charlie, organisation, alice):
    assert client_for(charlie).get(members_url(organisation)).status_code == 404


def test_switcher_only_switches_to_own_organisations(client_for, charlie, organisation, alice):
    client = client_for(charlie)
    response = client.post(reverse("accounts:switch"), {"organisation": organisation.pk})
    assert response.status_code == 404

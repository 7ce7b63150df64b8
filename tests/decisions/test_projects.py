from __future__ import annotations

import pytest
from django.urls import reverse

from decisions.models import Project


def test_anonymous_is_sent_to_login(client, project):
    for url in (
        reverse("decisions:project_list"),
        reverse("decisions:project_detail", args=[project.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ["alice", "bob", "victor"])
def test_members_see_the_project(request, client_for, project, who):
    user = request.getfixturevalue(who)
    response = client_for(user).get(reverse("decisions:project_detail", args=[project.pk]))
    assert response.status_code == 200
    assert "Support bot" in response.content.decode()


def test_outsider_gets_404_not_403(client_for, charlie, project):
    client = client_for(charlie)
    assert client.get(reverse("decisions:project_detail", args=[project.pk])).status_code == 404
    assert client.get(reverse("decisions:project_edit", args=[project.pk])).status_code == 404
    assert "Support bot" not in client.get(reverse("decisions:project_list")).content.decode()


def test_viewer_cannot_modify(client_for, victor, project):
    client = client_for(victor)
    url = reverse("decisions:project_edit", args=[project.pk])
    assert client.post(url, {"name": "Hijacked"}).status_code == 403
    assert client.post(reverse("decisions:project_create"), {"name": "New"}).status_code == 403
    project.refresh_from_db()
    assert project.name == "Support bot"
    assert Project.objects.count() == 1


def test_editor_creates_a_project_in_their_organisation(client_for, bob, organisation):
    response = client_for(bob).post(reverse("decisions:project_create"), {"name": "Invoices"})
    assert response.status_code == 302
    assert Project.objects.get(name="Invoices").organisation == organisation


def test_blank_name_is_refused_with_a_message(client_for, bob):
    response = client_for(bob).post(reverse("decisions:project_create"), {"name": ""})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not Project.objects.exists()


def test_htmx_list_is_a_fragment(client_for, alice, project):
    response = client_for(alice).get(
        reverse("decisions:project_list"), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert "Support bot" in response.content.decode()


def test_htmx_detail_is_a_fragment(client_for, alice, project):
    url = reverse("decisions:project_detail", args=[project.pk])
    response = client_for(alice).get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert 'id="scenarios"' in response.content.decode()


@pytest.mark.parametrize("action", ["project_archive", "project_delete"])
def test_archive_and_delete_ask_for_confirmation_first(client_for, alice, project, action):
    url = reverse(f"decisions:{action}", args=[project.pk])
    response = client_for(alice).get(url)
    assert response.status_code == 200
    assert '<form method="post"' in response.content.decode()
    assert Project.objects.filter(pk=project.pk, archived=False).exists()


def test_owner_archives_and_restores_a_project(client_for, alice, project):
    client = client_for(alice)
    url = reverse("decisions:project_archive", args=[project.pk])
    assert client.post(url).status_code == 302
    project.refresh_from_db()
    assert project.archived
    listing = client.get(reverse("decisions:project_list"), headers={"HX-Request": "true"})
    assert "Support bot" not in listing.content.decode()
    archived = client.get(reverse("decisions:project_list") + "?archived=1").content.decode()
    assert "Support bot" in archived
    client.post(url)
    project.refresh_from_db()
    assert not project.archived


def test_editor_deletes_a_project(client_for, bob, project):
    response = client_for(bob).post(reverse("decisions:project_delete", args=[project.pk]))
    assert response.status_code == 302
    assert not Project.objects.filter(pk=project.pk).exists()


@pytest.mark.parametrize("action", ["project_archive", "project_delete", "project_edit"])
def test_viewer_gets_403_and_outsider_404_on_changes(client, victor, charlie, project, action):
    url = reverse(f"decisions:{action}", args=[project.pk])
    client.force_login(victor)
    assert client.post(url, {"name": "x"}).status_code == 403
    client.force_login(charlie)
    assert client.post(url, {"name": "x"}).status_code == 404
    assert client.get(url).status_code == 404
    assert Project.objects.filter(pk=project.pk, archived=False, name="Support bot").exists()

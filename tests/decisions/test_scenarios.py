"""Scenario pages: create, overview, rename, duplicate, archive, delete."""

from __future__ import annotations

import pytest
from django.urls import reverse

from decisions.models import Scenario
from tests.decisions.conftest import ROLES, assert_fragment, assert_page, html


def test_anonymous_is_sent_to_login(client, scenario):
    for url in (
        reverse("decisions:scenario_detail", args=[scenario.pk]),
        reverse("decisions:scenario_new", args=[scenario.project_id]),
        reverse("decisions:scenario_rename", args=[scenario.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ROLES)
def test_members_see_the_overview(request, client_for, scenario, who):
    client = client_for(request.getfixturevalue(who))
    response = client.get(reverse("decisions:scenario_detail", args=[scenario.pk]))
    assert_page(response)
    assert "Brand voice" in html(response)
    assert "Payback" in html(response)
    can_edit = who != "victor"
    assert ("Duplicate" in html(response)) is can_edit


def test_overview_htmx_is_the_summary_fragment(client_for, alice, scenario):
    url = reverse("decisions:scenario_detail", args=[scenario.pk])
    response = client_for(alice).get(url, headers={"HX-Request": "true"})
    assert_fragment(response)
    assert 'id="summary"' in html(response)


def test_outsider_gets_404_everywhere(client_for, charlie, scenario):
    client = client_for(charlie)
    for name in (
        "scenario_detail",
        "scenario_rename",
        "scenario_archive",
        "scenario_delete",
        "scenario_export",
        "results",
        "summary",
    ):
        assert client.get(reverse(f"decisions:{name}", args=[scenario.pk])).status_code == 404
    assert (
        client.post(reverse("decisions:scenario_duplicate", args=[scenario.pk])).status_code == 404
    )
    new = reverse("decisions:scenario_new", args=[scenario.project_id])
    assert client.post(new, {"name": "Sneaky"}).status_code == 404
    assert Scenario.objects.count() == 1


def test_viewer_cannot_change_scenarios(client_for, victor, scenario):
    client = client_for(victor)
    for name in ("scenario_rename", "scenario_archive", "scenario_delete", "scenario_duplicate"):
        url = reverse(f"decisions:{name}", args=[scenario.pk])
        assert client.post(url, {"name": "Hijacked"}).status_code == 403
    new = reverse("decisions:scenario_new", args=[scenario.project_id])
    assert client.post(new, {"name": "New"}).status_code == 403
    scenario.refresh_from_db()
    assert (scenario.name, scenario.archived) == ("Brand voice", False)
    assert Scenario.objects.count() == 1


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_editors_create_a_scenario_and_land_on_step_0(
    request, client_for, default_catalog, project, who
):
    client = client_for(request.getfixturevalue(who))
    url = reverse("decisions:scenario_new", args=[project.pk])
    assert_page(client.get(url))
    response = client.post(url, {"name": "Invoices to JSON"})
    scenario = Scenario.objects.get(name="Invoices to JSON")
    assert response["Location"] == reverse("decisions:wizard", args=[scenario.pk, 0])
    # Every default is written out, so the wizard shows values rather than blanks.
    assert scenario.inputs["training"]["base_model"] == "llama-3.1-8b"
    assert scenario.inputs["inference"]["daily_calls"] == 10000
    assert scenario.inputs["name"] == "Invoices to JSON"


def test_blank_name_is_refused(client_for, alice, default_catalog, project):
    url = reverse("decisions:scenario_new", args=[project.pk])
    response = client_for(alice).post(url, {"name": "  "})
    assert response.status_code == 200
    assert "This field is required" in html(response)
    assert not Scenario.objects.exists()


def test_rename_changes_the_name_in_the_inputs_too(client_for, bob, scenario):
    url = reverse("decisions:scenario_rename", args=[scenario.pk])
    assert_page(client_for(bob).get(url))
    client_for(bob).post(url, {"name": "Tone of voice"})
    scenario.refresh_from_db()
    assert scenario.name == "Tone of voice"
    assert scenario.inputs["name"] == "Tone of voice"


def test_duplicate_copies_the_inputs_not_the_results(client_for, alice, scenario):
    scenario.inputs["inference"]["daily_calls"] = "12 thousand"  # a draft as typed
    scenario.save()
    client = client_for(alice)
    response = client.post(reverse("decisions:scenario_duplicate", args=[scenario.pk]))
    copy = Scenario.objects.exclude(pk=scenario.pk).get()
    assert response["Location"] == reverse("decisions:scenario_detail", args=[copy.pk])
    assert copy.name == "Copy of Brand voice"
    assert copy.inputs["inference"]["daily_calls"] == "12 thousand"
    assert copy.project == scenario.project
    assert not copy.results.exists()


def test_duplicate_over_htmx_redirects_the_client(client_for, alice, scenario):
    url = reverse("decisions:scenario_duplicate", args=[scenario.pk])
    response = client_for(alice).post(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "HX-Redirect" in response


def test_duplicate_is_post_only(client_for, alice, scenario):
    url = reverse("decisions:scenario_duplicate", args=[scenario.pk])
    assert client_for(alice).get(url).status_code == 405


def test_archive_asks_then_archives_and_restores(client_for, alice, scenario):
    client = client_for(alice)
    url = reverse("decisions:scenario_archive", args=[scenario.pk])
    assert "Archive scenario" in html(client.get(url))
    client.post(url)
    scenario.refresh_from_db()
    assert scenario.archived
    project_page = html(client.get(reverse("decisions:project_detail", args=[scenario.project_id])))
    assert "Archived scenarios (1)" in project_page
    client.post(url)
    scenario.refresh_from_db()
    assert not scenario.archived


def test_delete_asks_then_deletes(client_for, bob, scenario):
    client = client_for(bob)
    url = reverse("decisions:scenario_delete", args=[scenario.pk])
    assert "cannot be undone" in html(client.get(url))
    assert Scenario.objects.filter(pk=scenario.pk).exists()
    response = client.post(url)
    assert response["Location"] == reverse("decisions:project_detail", args=[scenario.project_id])
    assert not Scenario.objects.filter(pk=scenario.pk).exists()

"""The wizard: every step for every role, drafts kept as typed, live HTMX updates."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from decisions.forms import LAST_STEP, STEPS
from tests.decisions.conftest import ROLES, assert_fragment, assert_page, html

HX = {"HX-Request": "true"}


def url(scenario, step: int) -> str:
    return reverse("decisions:wizard", args=[scenario.pk, step])


def step_post(scenario, step: int, **changes) -> dict:
    """What the browser posts for a step: every field as currently shown, plus changes."""
    from decisions.forms import WizardForm
    from decisions.services import scenario_check

    checked = scenario_check(inputs=scenario.inputs)
    form = WizardForm(STEPS[step], checked.inputs, checked.book)
    data: dict = {}
    for f in form.fields:
        if f.kind == "bool":
            if f.checked:
                data[f.name] = "on"
        elif f.kind == "multi":
            data[f.name] = [o["value"] for o in f.options if o["selected"]]
        elif f.kind == "choice":
            data[f.name] = next((o["value"] for o in f.options if o["selected"]), "")
        else:
            data[f.name] = f.text
    data.update(changes)
    return data


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("step", range(LAST_STEP + 1))
def test_members_see_every_step(request, client_for, scenario, who, step):
    client = client_for(request.getfixturevalue(who))
    response = client.get(url(scenario, step))
    assert_page(response)
    assert STEPS[step].question in html(response)
    assert 'aria-current="step"' in html(response)
    fragment = client.get(url(scenario, step), headers=HX)
    assert_fragment(fragment)
    assert 'id="wizard"' in html(fragment)


def test_viewer_sees_disabled_fields_and_no_autosave(client_for, victor, scenario):
    page = html(client_for(victor).get(url(scenario, 2)))
    assert "hx-post" not in page
    assert "disabled" in page
    assert "only editors can change it" in page


@pytest.mark.parametrize("step", [0, 2, 5])
def test_outsider_gets_404(client_for, charlie, scenario, step):
    client = client_for(charlie)
    assert client.get(url(scenario, step)).status_code == 404
    assert client.post(url(scenario, step), {"inference__daily_calls": "1"}).status_code == 404


def test_anonymous_is_sent_to_login(client, scenario):
    response = client.get(url(scenario, 1))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_viewer_cannot_save_a_draft(client_for, victor, scenario):
    response = client_for(victor).post(url(scenario, 2), {"inference__daily_calls": "5"})
    assert response.status_code == 403
    scenario.refresh_from_db()
    assert scenario.inputs["inference"]["daily_calls"] == 10000


def test_unknown_step_is_404(client_for, alice, scenario):
    assert client_for(alice).get(url(scenario, LAST_STEP + 1)).status_code == 404


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_autosave_stores_the_value_and_answers_with_live_fragments(
    request, client_for, scenario, who
):
    client = client_for(request.getfixturevalue(who))
    data = step_post(scenario, 2, inference__daily_calls="20,000")
    response = client.post(url(scenario, 2), data, headers=HX)
    assert_fragment(response)
    scenario.refresh_from_db()
    assert scenario.inputs["inference"]["daily_calls"] == 20000
    body = html(response)
    assert 'id="summary"' in body and 'hx-swap-oob="true"' in body
    assert 'id="stepnav"' in body and 'id="step-panel"' in body
    assert 'id="err-inference__daily_calls"' in body
    # $2.50/$10.00 per 1M, 800 in + 200 out: 20,000 calls a day is $2,433.33 a month.
    assert "$2,433.33" in body


def test_summary_moves_when_daily_calls_change(client_for, alice, scenario):
    client = client_for(alice)
    before = html(client.post(url(scenario, 2), step_post(scenario, 2), headers=HX))
    changed = step_post(scenario, 2, inference__daily_calls="50000")
    after = html(client.post(url(scenario, 2), changed, headers=HX))
    assert "$1,216.67" in before
    assert "$6,083.33" in after


def test_invalid_value_is_kept_as_typed_with_its_message(client_for, alice, scenario):
    client = client_for(alice)
    data = step_post(scenario, 2, inference__daily_calls="lots")
    live = html(client.post(url(scenario, 2), data, headers=HX))
    assert "must be a number" in live
    scenario.refresh_from_db()
    assert scenario.inputs["inference"]["daily_calls"] == "lots"
    page = html(client.get(url(scenario, 2)))
    assert 'value="lots"' in page
    assert 'aria-invalid="true"' in page
    assert "must be a number" in page
    assert "needs fixing" in page  # the step navigation marks the step


def test_out_of_range_value_shows_the_engine_message(client_for, alice, scenario):
    client = client_for(alice)
    data = step_post(scenario, 2, inference__daily_calls="-5")
    live = html(client.post(url(scenario, 2), data, headers=HX))
    assert "must be &gt;= 0" in live
    assert "To see the numbers, fix" in live


def test_blank_number_falls_back_to_the_default(client_for, alice, scenario):
    client = client_for(alice)
    client.post(url(scenario, 3), step_post(scenario, 3, data__train_examples=""), headers=HX)
    scenario.refresh_from_db()
    assert "train_examples" not in scenario.inputs["data"]
    assert 'placeholder="default 2000"' in html(client.get(url(scenario, 3)))


def test_next_moves_on_even_with_errors_and_marks_the_step(client_for, bob, scenario):
    client = client_for(bob)
    data = step_post(scenario, 2, inference__daily_calls="abc", go="next")
    response = client.post(url(scenario, 2), data)
    assert response.status_code == 302
    assert response["Location"] == url(scenario, 3)
    scenario.refresh_from_db()
    assert scenario.step == 3  # the furthest step reached
    page = html(client.get(url(scenario, 3)))
    assert "has-errors" in page


def test_back_goes_to_the_previous_step(client_for, bob, scenario):
    data = step_post(scenario, 1, go="back")
    response = client_for(bob).post(url(scenario, 1), data)
    assert response["Location"] == url(scenario, 0)


def test_save_with_errors_re_renders_at_200(client_for, bob, scenario):
    data = step_post(scenario, 3, data__train_examples="2k", go="save")
    response = client_for(bob).post(url(scenario, 3), data)
    assert_page(response)
    assert "must be an integer" in html(response) or "must be a number" in html(response)
    assert 'value="2k"' in html(response)


def test_save_when_valid_redirects_to_the_same_step(client_for, bob, scenario):
    data = step_post(scenario, 3, data__train_examples="5000", go="save")
    response = client_for(bob).post(url(scenario, 3), data)
    assert response["Location"] == url(scenario, 3)
    scenario.refresh_from_db()
    assert scenario.inputs["data"]["train_examples"] == 5000


def test_checkboxes_and_multiple_choices_are_saved(client_for, alice, scenario):
    data = step_post(
        scenario,
        1,
        prompting__failure_modes=["format", "tone"],
        prompting__needs_fresh_knowledge="on",
    )
    client_for(alice).post(url(scenario, 1), data, headers=HX)
    scenario.refresh_from_db()
    assert scenario.inputs["prompting"]["failure_modes"] == ["format", "tone"]
    assert scenario.inputs["prompting"]["needs_fresh_knowledge"] is True
    data.pop("prompting__needs_fresh_knowledge")
    client_for(alice).post(url(scenario, 1), data, headers=HX)
    scenario.refresh_from_db()
    assert scenario.inputs["prompting"]["needs_fresh_knowledge"] is False


def test_unknown_model_slug_is_kept_and_explained(client_for, alice, scenario):
    data = step_post(scenario, 0, training__base_model="llama-9-1b")
    live = html(client_for(alice).post(url(scenario, 0), data, headers=HX))
    assert "unknown model" in live
    page = html(client_for(alice).get(url(scenario, 0)))
    assert "llama-9-1b (not in the catalog)" in page


def test_step_0_shows_the_licence_of_the_model(client_for, alice, scenario):
    page = html(client_for(alice).get(url(scenario, 0)))
    assert "Licence" in page and "check its terms" in page  # Llama's custom licence
    data = step_post(scenario, 0, training__base_model="qwen3-8b")
    live = html(client_for(alice).post(url(scenario, 0), data, headers=HX))
    assert "clean" in live


def test_step_3_places_the_examples_against_the_thresholds(client_for, alice, scenario):
    page = html(client_for(alice).get(url(scenario, 3)))
    assert "<meter" in page and "needs 500" in page
    data = step_post(scenario, 3, data__train_examples="100")
    live = html(client_for(alice).post(url(scenario, 3), data, headers=HX))
    assert "too few" in live


def test_step_4_shows_memory_and_fitting_gpus(client_for, alice, scenario):
    page = html(client_for(alice).get(url(scenario, 4)))
    assert "Memory per GPU (GB)" in page
    assert "h100-80gb" in page and "qlora" in page


def test_verdict_step_lists_the_four_answers(client_for, victor, scenario):
    page = html(client_for(victor).get(url(scenario, 5)))
    assert 'data-testid="verdict"' in page
    for question in ("Prompting", "Volume", "Data", "Velocity"):
        assert question in page


def test_verdict_step_refuses_with_errors_and_links_to_their_step(client_for, alice, scenario):
    scenario.inputs["data"]["train_examples"] = "many"
    scenario.save()
    page = html(client_for(alice).get(url(scenario, 5)))
    assert "The verdict needs valid inputs" in page
    assert f'href="{url(scenario, 3)}"' in page


def test_reloading_keeps_every_typed_value(client_for, alice, scenario):
    client = client_for(alice)
    client.post(
        url(scenario, 2),
        step_post(scenario, 2, inference__daily_calls="1234", inference__monthly_growth="0.05"),
        headers=HX,
    )
    page = html(client.get(url(scenario, 2)))
    assert 'value="1234"' in page
    assert 'value="0.05"' in page


POSTED = st.dictionaries(
    st.sampled_from([f.name for s in STEPS for f in s.fields] + ["go", "junk"]),
    st.one_of(st.text(max_size=40), st.sampled_from(["1e308", "nan", "-0", "auto", "1,000"])),
    max_size=8,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(step=st.integers(0, LAST_STEP), data=POSTED)
def test_garbage_posts_never_fail(client_for, alice, scenario, step, data):
    response = client_for(alice).post(url(scenario, step), data, headers=HX)
    assert response.status_code in (200, 302)
    follow = client_for(alice).get(url(scenario, step))
    assert follow.status_code == 200
    results = client_for(alice).get(reverse("decisions:results", args=[scenario.pk]))
    assert results.status_code == 200


def test_a_beacon_flush_saves_and_answers_204(client_for, alice, scenario):
    data = step_post(scenario, 2, inference__daily_calls="777", go="autosave")
    response = client_for(alice).post(url(scenario, 2), data)
    assert response.status_code == 204
    scenario.refresh_from_db()
    assert scenario.inputs["inference"]["daily_calls"] == 777

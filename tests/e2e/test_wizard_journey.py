"""A new user's walk through the wizard in Debian's Chromium, from sign-in to the verdict.

Screenshots of every step go to $SCREENSHOT_DIR (or a fresh temporary folder); the test
prints the folder. They are not committed.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="session")
def screenshots(pytestconfig) -> Path:
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tempfile.mkdtemp(prefix="tunecase-e2e-"))
    folder.mkdir(parents=True, exist_ok=True)
    capture = pytestconfig.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(f"\nScreenshots of the wizard journey: {folder}")
    return folder


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


def log_in(page, base: str, username: str = "alice") -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "password")
    page.click("form button[type=submit], form input[type=submit]")


def test_a_new_user_walks_the_wizard_to_the_verdict(
    page, live_server, default_catalog, alice, screenshots
):
    from playwright.sync_api import expect

    base = live_server.url
    shot = 0

    def snap(name: str) -> None:
        nonlocal shot
        page.screenshot(path=str(screenshots / f"{shot:02d}-{name}.png"), full_page=True)
        shot += 1

    # Sign in through the login page.
    log_in(page, base)
    expect(page.get_by_role("heading", name=re.compile("Projects"))).to_be_visible()

    # A project, then a scenario.
    page.get_by_role("link", name="New project").click()
    page.fill("input[name=name]", "Support desk")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="New scenario").first.click()
    page.fill("input[name=name]", "Replies in brand voice")
    page.get_by_role("button", name="Start the wizard").click()

    # htmx and the live summary work on the live server (static files served).
    page.wait_for_function("() => typeof window.htmx === 'object'")
    summary = page.locator("#summary")
    expect(summary).to_contain_text("Payback")

    # Step 0: use case and base model, with the licence shown.
    expect(page.get_by_test_id("step-label")).to_have_text("Step 0 of 5")
    page.select_option("#id_use_case", "format")
    page.select_option("#id_training__base_model", "qwen3-8b")
    expect(page.locator("#step-panel")).to_contain_text("clean")
    snap("step-0-use-case")
    page.get_by_role("button", name="Next").click()

    # Step 1: where prompting falls short.
    expect(page.get_by_test_id("step-label")).to_have_text("Step 1 of 5")
    page.get_by_label("Output format is unreliable").check()
    page.fill("#id_prompting__prompting_quality", "0.8")
    expect(summary).to_contain_text("Verdict so far")
    snap("step-1-prompting")
    page.get_by_role("button", name="Next").click()

    # Step 2: volume. Typing a new daily volume updates the summary without a reload.
    expect(page.get_by_test_id("step-label")).to_have_text("Step 2 of 5")
    expect(page.get_by_test_id("api-spend")).to_have_text("$1,216.67")
    payback_before = page.get_by_test_id("payback").inner_text()
    page.fill("#id_inference__daily_calls", "50000")
    expect(page.get_by_test_id("api-spend")).to_have_text("$6,083.33")
    expect(page.get_by_test_id("payback")).not_to_have_text(payback_before)
    snap("step-2-volume")

    # A typing mistake shows its message next to the field and is kept as typed.
    page.fill("#id_inference__monthly_growth", "five percent")
    expect(page.locator("#err-inference__monthly_growth")).to_contain_text("must be a number")
    expect(summary).to_contain_text("To see the numbers, fix")
    expect(page.locator("#id_inference__monthly_growth")).to_have_attribute("aria-invalid", "true")
    snap("step-2-invalid")

    # Reloading mid-way loses nothing: both the valid and the invalid value are back.
    page.reload()
    expect(page.locator("#id_inference__daily_calls")).to_have_value("50000")
    expect(page.locator("#id_inference__monthly_growth")).to_have_value("five percent")
    expect(page.locator("#err-inference__monthly_growth")).to_contain_text("must be a number")
    page.fill("#id_inference__monthly_growth", "0.02")
    expect(page.locator("#err-inference__monthly_growth")).to_be_empty()
    expect(page.get_by_test_id("payback")).to_contain_text("months")
    page.get_by_role("button", name="Next").click()

    # Step 3: data against the thresholds of a format use case (500-2,000).
    expect(page.get_by_test_id("step-label")).to_have_text("Step 3 of 5")
    page.fill("#id_data__train_examples", "100")
    expect(page.locator("#step-panel")).to_contain_text("too few")
    page.fill("#id_data__train_examples", "1500")
    expect(page.locator("#step-panel")).to_contain_text("enough")
    snap("step-3-data")

    # A change typed just before leaving (inside the autosave delay) is flushed too.
    page.fill("#id_data__eval_set_examples", "90")
    page.reload()
    page.wait_for_timeout(500)  # the beacon and the reload may cross on the server
    page.reload()
    expect(page.locator("#id_data__eval_set_examples")).to_have_value("90")
    page.get_by_role("button", name="Next").click()

    # Step 4: velocity, method and the memory estimate.
    expect(page.get_by_test_id("step-label")).to_have_text("Step 4 of 5")
    expect(page.locator("#step-panel")).to_contain_text("Memory per GPU")
    page.select_option("#id_training__method", "qlora")
    snap("step-4-velocity")
    page.get_by_role("button", name="Next").click()

    # Step 5: the verdict with the four answers.
    expect(page.get_by_test_id("step-label")).to_have_text("Step 5 of 5")
    expect(page.get_by_test_id("verdict")).to_be_visible()
    for question in ("Prompting", "Volume", "Data", "Velocity"):
        expect(page.locator(".questions")).to_contain_text(question)
    snap("step-5-verdict")

    # Results: compute, then the charts render as SVG.
    page.get_by_role("link", name="See results and charts").click()
    page.get_by_role("button", name="Compute results").click()
    cumulative = page.locator("[data-figure='chart-cumulative-data'].js-plotly-plot .main-svg")
    expect(cumulative.first).to_be_visible()
    assert page.locator(".js-plotly-plot").count() == 6
    expect(page.locator(".chart-table").first).to_contain_text("Table")
    snap("results")


def test_the_wizard_works_without_javascript_on_a_phone(
    browser, live_server, default_catalog, alice, project, screenshots
):
    from playwright.sync_api import expect

    from decisions.services import scenario_create

    scenario = scenario_create(project=project, user=alice, name="No script")
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    base = live_server.url
    log_in(page, base)
    page.goto(f"{base}/scenarios/{scenario.pk}/wizard/2/")
    page.fill("#id_inference__daily_calls", "oops")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#err-inference__daily_calls")).to_contain_text("must be a number")
    expect(page.locator("#id_inference__daily_calls")).to_have_value("oops")
    page.fill("#id_inference__daily_calls", "25000")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("api-spend")).to_have_text("$3,041.67")
    page.screenshot(path=str(screenshots / "phone-step-2-no-js.png"), full_page=True)
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_test_id("step-label")).to_have_text("Step 3 of 5")
    page.get_by_role("link", name="2 Volume").click()
    expect(page.locator("#id_inference__daily_calls")).to_have_value("25000")
    page.goto(f"{base}/scenarios/{scenario.pk}/results/")
    page.get_by_role("button", name="Compute results").click()
    page.locator(".chart-table summary").first.click()
    expect(page.locator(".chart-table table").first).to_contain_text("Month")
    page.screenshot(path=str(screenshots / "phone-results-no-js.png"), full_page=True)
    context.close()

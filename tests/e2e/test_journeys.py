"""The buyer's journeys in Debian's Chromium, under the production Content-Security-Policy:

1. sign up -> organisation -> project -> wizard -> results -> share link opened in a fresh
   browser context (no cookies) -> PDF downloaded;
2. an admin clones the catalog in the Django admin, changes prices and publishes: the owner
   sees "What changed since the new prices" on the project page.

Every console message is collected; none may be a CSP violation, and no page may throw.
Screenshots go to $SCREENSHOT_DIR (or a fresh temporary folder), printed by the test.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest
from django.db.models import F

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-Long-passphrase-42"


@pytest.fixture(scope="module")
def screenshots(pytestconfig) -> Path:
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tempfile.mkdtemp(prefix="tunecase-e2e-"))
    folder.mkdir(parents=True, exist_ok=True)
    capture = pytestconfig.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(f"\nScreenshots of the journeys: {folder}")
    return folder


class Console:
    """Console messages and page errors of every page of every context."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self.errors: list[str] = []

    def watch(self, page) -> None:
        page.on("console", lambda m: self.messages.append(f"{m.type}: {m.text} ({page.url})"))
        page.on("pageerror", lambda e: self.errors.append(f"{e} ({page.url})"))

    def csp_violations(self) -> list[str]:
        return [m for m in self.messages if "Content Security Policy" in m]


@pytest.fixture
def console() -> Console:
    return Console()


@pytest.fixture
def new_page(browser, console):
    """new_page() -> a page in a new browser context: its own cookies, nothing shared."""
    contexts = []

    def make(**options):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        console.watch(page)
        return page

    yield make
    for context in contexts:
        context.close()
    assert not console.csp_violations(), console.csp_violations()
    assert not console.errors, f"JavaScript errors: {console.errors}"


class Shots:
    def __init__(self, folder: Path, prefix: str) -> None:
        self.folder, self.prefix, self.count = folder, prefix, 0

    def __call__(self, page, name: str) -> None:
        path = self.folder / f"{self.prefix}-{self.count:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        self.count += 1


def sign_up(page, base: str, username: str, organisation: str) -> None:
    page.goto(f"{base}/accounts/signup/")
    page.fill("input[name=username]", username)
    page.fill("input[name=email]", f"{username}@example.com")
    page.fill("input[name=organisation_name]", organisation)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.get_by_role("button", name="Sign up").click()


def create_scenario(page, project: str, scenario: str) -> int:
    """A project and a scenario through the pages; returns the scenario's id."""
    page.get_by_role("link", name="New project").click()
    page.fill("input[name=name]", project)
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="New scenario").first.click()
    page.fill("input[name=name]", scenario)
    page.get_by_role("button", name="Start the wizard").click()
    page.wait_for_url(re.compile(r"/scenarios/\d+/wizard/0/"))
    return int(re.search(r"/scenarios/(\d+)/", page.url)[1])


def compute_results(page, base: str, scenario_id: int) -> None:
    page.goto(f"{base}/scenarios/{scenario_id}/results/")
    page.get_by_role("button", name="Compute results").click()
    # Results may come after a progress page: the charts' SVG means they are drawn.
    page.locator(".main-svg").first.wait_for(timeout=60_000)


def test_sign_up_to_a_shared_report_and_its_pdf(
    new_page, live_server, default_catalog, screenshots, console
):
    from playwright.sync_api import expect

    base, snap = live_server.url, Shots(screenshots, "share")
    page = new_page()

    sign_up(page, base, "dana", "Dana Analytics")
    expect(page.get_by_text("Dana Analytics is ready")).to_be_visible()
    snap(page, "signed-up")

    scenario_id = create_scenario(page, "Claims triage", "Triage in house")
    page.wait_for_function("() => typeof window.htmx === 'object'")
    expect(page.get_by_test_id("step-label")).to_have_text("Step 0 of 5")
    page.select_option("#id_use_case", "format")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_test_id("step-label")).to_have_text("Step 1 of 5")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_test_id("step-label")).to_have_text("Step 2 of 5")
    # The live preview: typing updates the summary over HTMX, under the CSP.
    page.fill("#id_inference__daily_calls", "40000")
    expect(page.get_by_test_id("api-spend")).to_have_text(re.compile(r"\$[\d,]+"))
    snap(page, "wizard-volume")

    compute_results(page, base, scenario_id)
    snap(page, "results")

    page.goto(f"{base}/scenarios/{scenario_id}/share/")
    page.fill("input[name=label]", "Finance review")
    page.get_by_role("button", name="Create link").click()
    link = page.get_by_label("New share link").input_value()
    assert "/shared/" in link
    snap(page, "share-link")

    # A stakeholder without an account: a new context holds no cookie of Dana's.
    guest = new_page()
    guest.goto(link)
    expect(guest.get_by_role("heading", level=1)).to_contain_text("Triage in house")
    guest.locator(".main-svg").first.wait_for()
    assert guest.context.cookies() == [] or all(
        "session" not in c["name"] for c in guest.context.cookies()
    )
    snap(guest, "shared-report")

    with guest.expect_download(timeout=60_000) as download:
        guest.get_by_role("link", name="Download PDF").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF"), pdf[:20]
    (screenshots / "share-report.pdf").write_bytes(pdf)

    # The link shows that report and nothing else of the organisation.
    guest.goto(f"{base}/scenarios/{scenario_id}/results/")
    assert "/accounts/login/" in guest.url


def test_a_new_catalog_shows_the_owner_what_changed(
    new_page, live_server, default_catalog, screenshots, django_user_model
):
    from playwright.sync_api import expect

    from pricing.models import CatalogVersion, GpuRentalPrice, InferencePrice

    base, snap = live_server.url, Shots(screenshots, "catalog")
    owner = new_page()
    sign_up(owner, base, "omar", "Omar Insurance")
    scenario_id = create_scenario(owner, "Underwriting", "Summaries")
    compute_results(owner, base, scenario_id)

    django_user_model.objects.create_superuser("root", "root@example.com", PASSWORD)
    admin = new_page()
    admin.goto(f"{base}/admin/login/")
    admin.fill("input[name=username]", "root")
    admin.fill("input[name=password]", PASSWORD)
    admin.get_by_role("button", name="Log in").click()

    changelist = f"{base}/admin/pricing/catalogversion/"
    admin.goto(changelist)
    admin.check(f"input[name=_selected_action][value='{default_catalog.pk}']")
    admin.select_option("select[name=action]", "clone")
    admin.get_by_role("button", name="Run").or_(admin.get_by_role("button", name="Go")).click()
    expect(admin.locator(".messagelist")).to_contain_text("Cloned")
    draft = CatalogVersion.objects.get(cloned_from=default_catalog)
    snap(admin, "cloned")

    # The new prices: a dearer API and cheaper GPUs move every payback.
    InferencePrice.objects.filter(version=draft).update(
        input_per_1m=F("input_per_1m") * 3, output_per_1m=F("output_per_1m") * 3
    )
    GpuRentalPrice.objects.filter(version=draft).update(
        on_demand_per_hour=F("on_demand_per_hour") * 0.5
    )

    admin.goto(changelist)
    admin.check(f"input[name=_selected_action][value='{draft.pk}']")
    admin.select_option("select[name=action]", "publish")
    admin.get_by_role("button", name="Run").or_(admin.get_by_role("button", name="Go")).click()
    expect(admin.locator(".messagelist")).to_contain_text("Published")
    snap(admin, "published")

    owner.goto(f"{base}/projects/")
    owner.get_by_role("link", name="Underwriting").click()
    changes = owner.locator("#price-changes")
    expect(changes.get_by_role("heading")).to_contain_text("What changed since the new prices")
    expect(changes).to_contain_text("Summaries")
    snap(owner, "what-changed")

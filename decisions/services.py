"""Actions that span models or enqueue work: `<thing>_<verb>(*, ...)`.

The wizard, the results page, imports and exports all reach the engine through here:
`price_book_resolve` is the one place a scenario's `catalog` becomes a PriceBook, and
`scenario_check` the one place a draft is validated (by the engine's parse_scenario).
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from accounts.services import organisation_create
from decisions.engine import (
    ScenarioError,
    evaluate,
    parse_scenario,
    preview,
    scenario_to_dict,
)
from decisions.engine.pricebook import PriceBook
from decisions.engine.scenario import SCENARIO_SCHEMA
from decisions.engine.scenario import Scenario as EngineScenario
from decisions.models import Project, Result, Scenario

logger = logging.getLogger(__name__)

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "tunecase-demo"
DEFAULT_BASE_MODEL = "llama-3.1-8b"
IMPORT_MAX_BYTES = 1024 * 1024


class CatalogUnavailable(Exception):
    """The scenario names a catalog version that does not exist (or none is published)."""


def price_book_resolve(catalog: Any) -> PriceBook:
    """The PriceBook for a scenario's `catalog` value ("latest" or a version slug)."""
    from pricing.services import CatalogNotFound, price_book_for

    if not isinstance(catalog, str) or not catalog:
        catalog = "latest"
    try:
        return price_book_for(catalog)
    except CatalogNotFound as e:
        raise CatalogUnavailable(str(e)) from None


@dataclass
class Checked:
    """A draft after validation: the engine scenario when valid, else the errors."""

    inputs: dict[str, Any]
    book: PriceBook | None = None
    scenario: EngineScenario | None = None
    errors: list[dict[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.scenario is not None

    def valid(self) -> Checked:
        """This check, or ScenarioError naming every problem: for callers that refuse
        to go on with an invalid draft."""
        if not self.ok:
            raise ScenarioError(self.errors)
        return self

    @property
    def normalized(self) -> dict[str, Any] | None:
        return scenario_to_dict(self.scenario) if self.scenario is not None else None


def scenario_check(*, inputs: Any) -> Checked:
    """Validate a draft as typed; never raises for any JSON-like value."""
    raw = inputs if isinstance(inputs, dict) else {}
    if not isinstance(inputs, dict):
        return Checked(raw, errors=[{"field": "", "message": "must be a JSON object"}])
    try:
        book = price_book_resolve(raw.get("catalog", "latest"))
    except CatalogUnavailable as e:
        return Checked(raw, errors=[{"field": "catalog", "message": str(e)}])
    try:
        scenario = parse_scenario(raw, book)
    except ScenarioError as e:
        return Checked(raw, book=book, errors=list(e.errors))
    return Checked(raw, book=book, scenario=scenario)


def scenario_checked(*, scenario: Scenario) -> Checked:
    """Validate a stored scenario together with its stored evidence (evaluation results
    and measured runs), which the engine reads as the `evaluation` and `measured_runs`
    keys. The draft itself is not changed."""
    from decisions.evidence import scenario_inputs_with_evidence

    return scenario_check(inputs=scenario_inputs_with_evidence(scenario))


def scenario_preview(*, checked: Checked) -> dict[str, Any] | None:
    """The deterministic result (no Monte Carlo) for the live panels; None if invalid."""
    if not checked.ok:
        return None
    try:
        return preview(checked.scenario, checked.book)
    except ScenarioError as e:
        checked.errors = list(e.errors)
        return None


def default_inputs(*, name: str, book: PriceBook | None = None) -> dict[str, Any]:
    """A new scenario: every default of the format written out, so the wizard shows them."""
    minimal: dict[str, Any] = {"schema": SCENARIO_SCHEMA, "name": name, "catalog": "latest"}
    try:
        book = book or price_book_resolve("latest")
    except CatalogUnavailable:
        return minimal | {"training": {"base_model": DEFAULT_BASE_MODEL}}
    base_model = DEFAULT_BASE_MODEL
    if base_model not in book.models:
        open_models = [m.slug for m in book.models.values() if m.open_weight and m.layers]
        base_model = open_models[0] if open_models else DEFAULT_BASE_MODEL
    minimal["training"] = {"base_model": base_model}
    try:
        return scenario_to_dict(parse_scenario(minimal, book))
    except ScenarioError:
        return minimal


def scenario_create(
    *, project: Project, user: User | None, name: str, inputs: dict[str, Any] | None = None
) -> Scenario:
    inputs = copy.deepcopy(inputs) if inputs is not None else default_inputs(name=name)
    inputs["name"] = name
    return Scenario.objects.create(project=project, name=name, inputs=inputs, created_by=user)


def scenario_rename(*, scenario: Scenario, name: str) -> Scenario:
    scenario.name = name
    if isinstance(scenario.inputs, dict):
        scenario.inputs["name"] = name
    scenario.save(update_fields=["name", "inputs", "updated"])
    return scenario


# --- Drafts --------------------------------------------------------------------------------

DELETE = object()  # a value that removes the key, so the format's default applies


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set (or with DELETE remove) `data[a][b][c]` for the dotted path "a.b.c"."""
    keys = path.split(".")
    node = data
    for key in keys[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            if value is DELETE:
                return
            child = node[key] = {}
        node = child
    if value is DELETE:
        node.pop(keys[-1], None)
    else:
        node[keys[-1]] = value


def get_path(data: Any, path: str, default: Any = None) -> Any:
    node = data
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            return default
        node = node[key]
    return node


def scenario_save_draft(*, scenario: Scenario, values: dict[str, Any], step: int) -> Checked:
    """Merge typed values (dotted path -> value or DELETE) into the draft and keep it,
    valid or not, then validate the whole draft."""
    inputs = copy.deepcopy(scenario.inputs) if isinstance(scenario.inputs, dict) else {}
    for path, value in values.items():
        set_path(inputs, path, value)
    scenario.inputs = inputs
    scenario.step = max(scenario.step, step)
    scenario.save(update_fields=["inputs", "step", "updated"])
    return scenario_checked(scenario=scenario)


def scenario_reach_step(*, scenario: Scenario, step: int) -> None:
    if step > scenario.step:
        scenario.step = step
        scenario.save(update_fields=["step", "updated"])


# --- Results -------------------------------------------------------------------------------


def inputs_digest(normalized: dict[str, Any], catalog_version: str) -> str:
    blob = json.dumps([normalized, catalog_version], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def scenario_current_result(*, scenario: Scenario, checked: Checked) -> Result | None:
    """The newest Result computed from exactly the current inputs and catalog, if any."""
    if not checked.ok:
        return None
    normalized = checked.normalized
    for result in scenario.results.filter(catalog_version=checked.book.version)[:5]:
        if result.inputs == normalized:
            return result
    return None


def scenario_evaluate(*, scenario: Scenario, user: User | None = None) -> Result:
    """Validate, resolve the catalog, run the full engine (Monte Carlo) and keep a Result.

    Raises ScenarioError when the draft does not validate. The one place results are
    computed: the lead moves this call onto a job queue later.
    """
    checked = scenario_checked(scenario=scenario).valid()
    output = evaluate(checked.scenario, checked.book)
    framework = output.get("framework") or {}
    return Result.objects.create(
        scenario=scenario,
        catalog_version=checked.book.version,
        inputs=checked.normalized,
        output=output,
        verdict=str(framework.get("verdict", ""))[:20],
        payback_months=output.get("payback_months"),
        monthly_savings=(output.get("monthly") or {}).get("savings"),
    )


# --- Import and export ---------------------------------------------------------------------


class ImportRejected(Exception):
    def __init__(self, errors: list[dict[str, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))


def scenario_export(*, scenario: Scenario) -> dict[str, Any]:
    """scenario-format JSON: the full validated scenario, else the draft as typed."""
    checked = scenario_checked(scenario=scenario)
    if checked.ok:
        return checked.normalized
    raw = copy.deepcopy(checked.inputs)
    raw.setdefault("schema", SCENARIO_SCHEMA)
    return {"schema": raw.pop("schema"), **raw}


def decode_scenario_file(content: bytes) -> dict[str, Any]:
    """Bytes of an uploaded file -> a JSON object, or ImportRejected with a clear reason."""
    if len(content) > IMPORT_MAX_BYTES:
        raise ImportRejected(
            [{"field": "file", "message": f"is larger than {IMPORT_MAX_BYTES // 1024} KB"}]
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejected([{"field": "file", "message": "is not UTF-8 text"}]) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        message = f"is not JSON: {e.msg} (line {e.lineno}, column {e.colno})"
        raise ImportRejected([{"field": "file", "message": message}]) from None
    except RecursionError:
        raise ImportRejected(
            [{"field": "file", "message": "is not JSON: nested too deeply"}]
        ) from None
    if not isinstance(data, dict):
        raise ImportRejected(
            [{"field": "file", "message": "must hold one JSON object (a scenario)"}]
        )
    return data


@transaction.atomic
def scenario_import(*, project: Project, user: User | None, content: bytes) -> Scenario:
    """Create a scenario from scenario-format JSON; on any problem create nothing."""
    data = decode_scenario_file(content)
    checked = scenario_check(inputs=data)
    if not checked.ok:
        raise ImportRejected(checked.errors)
    name = (checked.scenario.name or "Imported scenario").strip()[:120] or "Imported scenario"
    return scenario_create(project=project, user=user, name=name, inputs=checked.normalized)


# --- Compare -------------------------------------------------------------------------------


@dataclass
class Compared:
    scenario: Scenario
    checked: Checked
    result: dict[str, Any] | None


def scenarios_compare(*, scenarios: list[Scenario]) -> list[Compared]:
    """Each scenario's deterministic figures (fast, always current) side by side."""
    rows = []
    for scenario in scenarios:
        checked = scenario_checked(scenario=scenario)
        rows.append(Compared(scenario, checked, scenario_preview(checked=checked)))
    return rows


# --- Demo ----------------------------------------------------------------------------------


@transaction.atomic
def demo_seed() -> bool:
    """The embedded demo: a user, their organisation, a sample project and, once a
    catalog is published, a sample scenario. Idempotent."""
    if User.objects.filter(username=DEMO_USERNAME).exists():
        return False
    user = User.objects.create_user(
        username=DEMO_USERNAME, email="demo@example.com", password=DEMO_PASSWORD
    )
    organisation = organisation_create(name="Demo Co", owner=user)
    project = Project.objects.create(
        organisation=organisation,
        name="Customer support assistant",
        description="Should we fine-tune an open 8B model instead of paying GPT-4o per call?",
        created_by=user,
    )
    try:
        book = price_book_resolve("latest")
    except CatalogUnavailable:
        return True
    # Two contrasting scenarios, with results, so a newcomer sees a verdict at once:
    # the format-and-tone case of scenario-format.md at 20,000 calls a day, and the same
    # bot at 300 calls a day, where the seed says fine-tuning rarely pays.
    for name, daily_calls in (
        ("Support replies in brand voice", 20_000),
        ("Same bot at 300 calls a day", 300),
    ):
        inputs = default_inputs(name=name, book=book)
        set_path(inputs, "prompting.failure_modes", ["format", "tone"])
        set_path(inputs, "inference.daily_calls", daily_calls)
        scenario = scenario_create(project=project, user=user, name=name, inputs=inputs)
        scenario_reach_step(scenario=scenario, step=5)
        scenario_evaluate(scenario=scenario, user=user)
    return True

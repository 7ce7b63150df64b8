"""Evidence: measured quality per scenario, measured training runs per project, portfolios.

Every value is validated by the engine's parse_scenario (the one validation layer), so
the pages, the API and imported scenario files refuse the same things with the same
messages. `scenario_inputs_with_evidence` is the hook that puts the stored evidence into
a scenario's inputs (`evaluation`, `measured_runs`) before the engine sees them.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from decisions.engine import ScenarioError, parse_scenario
from decisions.engine.calibration import calibrate, mean_absolute_error, validation_rows
from decisions.engine.evidence import OutcomesError, evaluation_block, parse_outcomes
from decisions.engine.portfolio import PortfolioError, evaluate_portfolio
from decisions.engine.pricebook import PriceBook
from decisions.engine.scenario import MAX_MEASURED_RUNS
from decisions.engine.scenario import MeasuredRun as EngineRun
from decisions.models import (
    EvaluationResult,
    EvaluationSet,
    MeasuredRun,
    Portfolio,
    Project,
    Scenario,
)
from decisions.services import CatalogUnavailable, price_book_resolve, scenario_check

JSONL_MAX_BYTES = 5 * 1024 * 1024
# The keys of an `evaluation.candidates` item besides `candidate` itself.
RESULT_KEYS = (
    "model",
    "accuracy",
    "format_reliability",
    "measured_on",
    "notes",
    "correct",
    "total",
)


# --- The hook: stored evidence into a scenario's inputs -------------------------------------


def evaluation_inputs(scenario: Scenario) -> dict[str, Any] | None:
    """The scenario-format `evaluation` of the stored test set and results (or None).

    Only the newest measurement of each (candidate, model) counts: a re-measured
    adapter replaces its older figure instead of competing with it.
    """
    evaluation_set = EvaluationSet.objects.filter(scenario=scenario).first()
    if evaluation_set is None:
        return None
    newest: dict[tuple[str, str], EvaluationResult] = {}
    for result in evaluation_set.results.order_by("measured_on", "pk"):
        newest[(result.candidate, result.model_label)] = result
    return {
        "test_set": {
            "examples": evaluation_set.examples,
            "description": evaluation_set.description,
        },
        "candidates": [r.as_format() for r in newest.values()],
    }


def measured_runs_inputs(project: Project) -> list[dict[str, Any]]:
    runs = project.measured_runs.order_by("-created", "-pk")[:MAX_MEASURED_RUNS]
    return [run.as_format() for run in reversed(runs)]


def scenario_inputs_with_evidence(scenario: Scenario) -> dict[str, Any]:
    """The scenario's inputs with its stored evidence; stored evidence replaces any
    `evaluation` / `measured_runs` typed into the draft (the draft itself is unchanged)."""
    inputs = copy.deepcopy(scenario.inputs) if isinstance(scenario.inputs, dict) else {}
    evaluation = evaluation_inputs(scenario)
    if evaluation is not None:
        inputs["evaluation"] = evaluation
    runs = measured_runs_inputs(scenario.project)
    if runs:
        inputs["measured_runs"] = runs
    return inputs


# --- Validation through the engine ---------------------------------------------------------


def _book(catalog: Any = "latest") -> PriceBook:
    try:
        return price_book_resolve(catalog)
    except CatalogUnavailable as e:
        raise ScenarioError([{"field": "catalog", "message": str(e)}]) from None


def evidence_validate(
    *, evidence: dict[str, Any], prefix: str, book: PriceBook | None = None
) -> list[dict[str, str]]:
    """Errors of the evidence keys alone, by parse_scenario on a minimal scenario.

    `prefix` ("evaluation" or "measured_runs") keeps only the errors about the evidence;
    the minimal scenario around it is not the user's to fix.
    """
    book = book or _book()
    try:
        parse_scenario({"training": {"base_model": _any_open_model(book)}, **evidence}, book)
    except ScenarioError as e:
        return [err for err in e.errors if err["field"].startswith(prefix)]
    return []


def _any_open_model(book: PriceBook) -> str:
    return next((slug for slug, m in book.models.items() if m.open_weight and m.layers), "")


def _relative(errors: list[dict[str, str]], prefix: str) -> list[dict[str, str]]:
    """Field paths relative to one item: "measured_runs.0.gpu" -> "gpu"."""
    return [{**e, "field": e["field"].removeprefix(prefix).lstrip(".")} for e in errors]


# --- Evaluation ----------------------------------------------------------------------------


def evaluation_set_save(
    *, scenario: Scenario, examples: Any, description: str = ""
) -> EvaluationSet:
    """Create or change the scenario's test set."""
    test_set = {"examples": examples, "description": description}
    evaluation = {"evaluation": {"test_set": test_set, "candidates": []}}
    errors = evidence_validate(evidence=evaluation, prefix="evaluation")
    if errors:
        raise ScenarioError(_relative(errors, "evaluation"))
    evaluation_set, _ = EvaluationSet.objects.update_or_create(
        scenario=scenario, defaults={"examples": examples, "description": description}
    )
    return evaluation_set


def evaluation_result_add(
    *,
    scenario: Scenario,
    user: User | None,
    candidate: Any,
    model: Any = "",
    accuracy: Any,
    format_reliability: Any = None,
    measured_on: Any = None,
    notes: Any = "",
    correct: Any = None,
    total: Any = None,
) -> EvaluationResult:
    """Record one candidate's measured quality; the scenario needs a test set first."""
    evaluation_set = EvaluationSet.objects.filter(scenario=scenario).first()
    if evaluation_set is None:
        raise ScenarioError(
            [{"field": "test_set", "message": "describe the test set before adding results"}]
        )
    if measured_on is None:
        measured_on = date.today().isoformat()
    if isinstance(measured_on, date):
        measured_on = measured_on.isoformat()
    item = {
        "candidate": candidate,
        "model": model,
        "accuracy": accuracy,
        "format_reliability": format_reliability,
        "measured_on": measured_on,
        "notes": notes,
    }
    if correct is not None or total is not None:
        item.update(correct=correct, total=total)
    evidence = {
        "evaluation": {"test_set": {"examples": evaluation_set.examples}, "candidates": [item]}
    }
    errors = evidence_validate(evidence=evidence, prefix="evaluation")
    if errors:
        raise ScenarioError(_relative(errors, "evaluation.candidates.0"))
    return EvaluationResult.objects.create(
        evaluation_set=evaluation_set,
        candidate=candidate,
        model_label=model or "",
        accuracy=float(accuracy),
        format_reliability=format_reliability,
        measured_on=date.fromisoformat(measured_on),
        notes=notes or "",
        correct=correct,
        total=total,
        created_by=user,
    )


@transaction.atomic
def evaluation_add(*, scenario: Scenario, user: User | None, data: dict[str, Any]) -> None:
    """Scenario-format `evaluation` JSON (a `test_set` and/or `candidates` to add), all
    or nothing: one bad candidate rejects the whole request."""
    errors = [
        {"field": k, "message": "unknown key"} for k in data if k not in ("test_set", "candidates")
    ]
    candidates = data.get("candidates", [])
    if not isinstance(candidates, list):
        errors.append({"field": "candidates", "message": "must be a list"})
    if errors:
        raise ScenarioError(errors)
    if "test_set" in data:
        test_set = data["test_set"] if isinstance(data["test_set"], dict) else {"examples": None}
        unknown = set(test_set) - {"examples", "description"}
        if unknown:
            raise ScenarioError(
                [{"field": f"test_set.{k}", "message": "unknown key"} for k in unknown]
            )
        evaluation_set_save(scenario=scenario, examples=test_set.get("examples"),
                            description=test_set.get("description") or "")  # fmt: skip
    for i, item in enumerate(candidates):
        if not isinstance(item, dict):
            raise ScenarioError([{"field": f"candidates.{i}", "message": "must be an object"}])
        unknown = sorted(set(item) - set(RESULT_KEYS) - {"candidate"})
        try:
            if unknown:
                raise ScenarioError([{"field": k, "message": "unknown key"} for k in unknown])
            values = {k: item[k] for k in RESULT_KEYS if k in item}
            values.setdefault("accuracy", None)
            evaluation_result_add(
                scenario=scenario, user=user, candidate=item.get("candidate"), **values
            )
        except ScenarioError as e:
            raise ScenarioError(
                [{**err, "field": f"candidates.{i}.{err['field']}"} for err in e.errors]
            ) from None


def decode_jsonl(content: bytes) -> str:
    if len(content) > JSONL_MAX_BYTES:
        limit = JSONL_MAX_BYTES // (1024 * 1024)
        raise ScenarioError([{"field": "file", "message": f"is larger than {limit} MB"}])
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ScenarioError([{"field": "file", "message": "is not UTF-8 text"}]) from None


@transaction.atomic
def evaluation_jsonl_import(
    *,
    scenario: Scenario,
    user: User | None,
    content: bytes,
    models: dict[str, str] | None = None,
    measured_on: date | None = None,
    notes: str = "",
) -> list[EvaluationResult]:
    """Per-example outcomes (JSON Lines) -> one result per candidate, with its counts.

    All or nothing: any bad line rejects the file, with every problem by line number.
    Without a test set, one is created with the number of examples in the file.
    """
    try:
        counts = parse_outcomes(decode_jsonl(content))
    except OutcomesError as e:
        raise ScenarioError(e.errors) from None
    if not EvaluationSet.objects.filter(scenario=scenario).exists():
        examples = max(c.total for c in counts.values())
        evaluation_set_save(scenario=scenario, examples=examples, description="")
    models = models or {}
    return [
        evaluation_result_add(
            scenario=scenario,
            user=user,
            candidate=count.candidate,
            model=models.get(count.candidate, ""),
            accuracy=count.accuracy,
            measured_on=measured_on,
            notes=notes,
            correct=count.correct,
            total=count.total,
        )
        for count in counts.values()
    ]


def evaluation_summary(*, scenario: Scenario) -> dict[str, Any] | None:
    """The engine's `evaluation` block for the stored evidence (intervals, target)."""
    inputs = scenario_inputs_with_evidence(scenario)
    if "evaluation" not in inputs:
        return None
    checked = scenario_check(inputs=inputs)
    if checked.ok:
        s = checked.scenario
        return evaluation_block(s.evaluation, s.prompting.target_quality)
    # The draft does not validate yet: the evidence alone still has its intervals.
    book = _book()
    training = {"base_model": _any_open_model(book)}
    s = parse_scenario({"training": training, "evaluation": inputs["evaluation"]}, book)
    return evaluation_block(s.evaluation, s.prompting.target_quality)


# --- Measured runs and calibration ---------------------------------------------------------


def measured_run_add(*, project: Project, user: User | None, run: dict[str, Any]) -> MeasuredRun:
    """Record a training run the team did (fields as scenario-format `measured_runs`)."""
    if not isinstance(run, dict):
        raise ScenarioError([{"field": "", "message": "must be a JSON object"}])
    errors = evidence_validate(evidence={"measured_runs": [run]}, prefix="measured_runs")
    if errors:
        raise ScenarioError(_relative(errors, "measured_runs.0"))
    return MeasuredRun.objects.create(project=project, created_by=user, **run)


def calibration_report(*, project: Project) -> dict[str, Any]:
    """The validation table: every run's estimate vs actual, before and after the fit.

    Runs whose GPU or model the latest catalog no longer knows are listed apart.
    """
    book = _book()
    usable, skipped = [], []
    for stored in project.measured_runs.order_by("created", "pk"):
        run = EngineRun(**stored.as_format())
        known = run.gpu in book.gpus and run.base_model in book.models
        (usable if known else skipped).append((stored, run))
    runs = [run for _, run in usable]
    rows = validation_rows(runs, book)
    for (stored, _), row in zip(usable, rows, strict=True):
        row["stored"] = stored
    fits = sorted(calibrate(runs, book).values(), key=lambda f: (f.gpu, f.method))
    return {
        "catalog_version": book.version,
        "rows": rows,
        "fits": fits,
        "skipped": [stored for stored, _ in skipped],
        "errors": {
            key: mean_absolute_error(rows, key)
            for key in (
                "hours_error_before",
                "hours_error_after",
                "memory_error_before",
                "memory_error_after",
            )
        },
    }


# --- Portfolios ----------------------------------------------------------------------------


def portfolio_create(
    *,
    project: Project,
    user: User | None,
    name: str,
    scenarios: list[Scenario],
    latency_target_seconds: float | None = None,
) -> Portfolio:
    """A named group of the project's scenarios; they must share one base model."""
    errors = []
    if not name or len(name) > 120:
        errors.append({"field": "name", "message": "must be 1 to 120 characters"})
    if any(s.project_id != project.pk for s in scenarios):
        errors.append({"field": "scenarios", "message": "must belong to this project"})
    elif len(scenarios) < 2:
        errors.append({"field": "scenarios", "message": "choose at least 2 scenarios"})
    else:
        bases = {_base_model(s) for s in scenarios}
        if len(bases) != 1:
            listed = ", ".join(sorted(str(b) for b in bases))
            errors.append(
                {"field": "scenarios", "message": f"must share one base model (got {listed})"}
            )
    if latency_target_seconds is not None and not 0 < latency_target_seconds <= 3600:
        errors.append({"field": "latency_target_seconds", "message": "must be > 0 and <= 3600"})
    if errors:
        raise ScenarioError(errors)
    with transaction.atomic():
        portfolio = Portfolio.objects.create(
            project=project,
            name=name,
            latency_target_seconds=latency_target_seconds,
            created_by=user,
        )
        portfolio.scenarios.set(scenarios)
    return portfolio


def _base_model(scenario: Scenario) -> Any:
    inputs = scenario.inputs if isinstance(scenario.inputs, dict) else {}
    training = inputs.get("training")
    return training.get("base_model") if isinstance(training, dict) else None


def portfolio_evaluate(*, portfolio: Portfolio) -> dict[str, Any]:
    """Adapters vs merged vs API for the portfolio's scenarios (with their evidence).

    Every scenario is priced with the catalog of the first one, so the options compare
    like with like. Raises PortfolioError naming a scenario that does not validate.
    """
    scenarios = list(portfolio.scenarios.order_by("name", "pk"))
    if not scenarios:
        raise PortfolioError("the portfolio has no scenarios")
    catalog = scenarios[0].catalog
    parsed = []
    for scenario in scenarios:
        inputs = scenario_inputs_with_evidence(scenario)
        inputs["catalog"] = catalog
        checked = scenario_check(inputs=inputs)
        if not checked.ok:
            first = checked.errors[0]
            raise PortfolioError(
                f"{scenario.name} does not validate yet ({first['field']}: {first['message']})"
            )
        parsed.append((scenario.name, checked.scenario))
        book = checked.book
    result = evaluate_portfolio(
        parsed, book, latency_target_seconds=portfolio.latency_target_seconds
    )
    result["catalog_version"] = book.version
    return result

"""Evidence pages: a scenario's measured quality, a project's measured runs and
calibration, and adapter portfolios. Each view loads through decisions.access, validates
a small form, calls decisions.evidence and renders one page (no JavaScript needed)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from decisions import evidence_charts
from decisions.access import portfolio_for, project_for, scenario_for
from decisions.engine import ScenarioError
from decisions.engine.portfolio import PortfolioError
from decisions.evidence import (
    calibration_report,
    evaluation_jsonl_import,
    evaluation_result_add,
    evaluation_set_save,
    evaluation_summary,
    measured_run_add,
    portfolio_create,
    portfolio_evaluate,
)
from decisions.evidence_forms import (
    EvaluationResultForm,
    HeldOutSetForm,
    MeasuredRunForm,
    OutcomesUploadForm,
    PortfolioForm,
)
from decisions.models import EvaluationResult, EvaluationSet
from decisions.services import CatalogUnavailable, price_book_resolve

GET_POST = require_http_methods(["GET", "POST"])
FIELD_NAMES = {"model": "model_label"}  # format key -> form field, where they differ


def _add_errors(form, errors: list[dict[str, str]]) -> None:
    """Put the engine's errors next to their fields (or on the form when unknown)."""
    for error in errors:
        field = FIELD_NAMES.get(error["field"], error["field"])
        where = field if field in form.fields else None
        prefix = "" if where else (f"{error['field']}: " if error["field"] else "")
        form.add_error(where, prefix + error["message"])


# --- Evaluation ----------------------------------------------------------------------------


def evaluation_context(scenario, membership, **forms) -> dict:
    evaluation_set = EvaluationSet.objects.filter(scenario=scenario).first()
    summary = evaluation_summary(scenario=scenario)
    initial = {}
    if evaluation_set is not None:
        initial = {"examples": evaluation_set.examples, "description": evaluation_set.description}
    context = {
        "scenario": scenario,
        "project": scenario.project,
        "membership": membership,
        "evaluation_set": evaluation_set,
        "results": EvaluationResult.objects.filter(evaluation_set__scenario=scenario),
        "summary": summary,
        "figure": evidence_charts.accuracy_figure(summary) if summary else None,
        "set_form": forms.get("set_form") or HeldOutSetForm(initial=initial),
        "result_form": forms.get("result_form") or EvaluationResultForm(),
        "upload_form": forms.get("upload_form") or OutcomesUploadForm(),
    }
    return context


@login_required
@require_GET
def evaluation(request, scenario_id: int):
    scenario, membership = scenario_for(request, scenario_id)
    return render(
        request, "decisions/evidence_evaluation.html", evaluation_context(scenario, membership)
    )


@login_required
@require_POST
def evaluation_test_set(request, scenario_id: int):
    scenario, membership = scenario_for(request, scenario_id, edit=True)
    form = HeldOutSetForm(request.POST)
    if form.is_valid():
        try:
            evaluation_set_save(scenario=scenario, **form.cleaned_data)
        except ScenarioError as e:
            _add_errors(form, e.errors)
        else:
            messages.success(request, "Test set saved.")
            return redirect("evidence:evaluation", scenario.pk)
    context = evaluation_context(scenario, membership, set_form=form)
    return render(request, "decisions/evidence_evaluation.html", context)


@login_required
@require_POST
def evaluation_result(request, scenario_id: int):
    scenario, membership = scenario_for(request, scenario_id, edit=True)
    form = EvaluationResultForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        data["model"] = data.pop("model_label")
        try:
            evaluation_result_add(scenario=scenario, user=request.user, **data)
        except ScenarioError as e:
            _add_errors(form, e.errors)
        else:
            messages.success(request, "Result added.")
            return redirect("evidence:evaluation", scenario.pk)
    context = evaluation_context(scenario, membership, result_form=form)
    return render(request, "decisions/evidence_evaluation.html", context)


@login_required
@require_POST
def evaluation_upload(request, scenario_id: int):
    scenario, membership = scenario_for(request, scenario_id, edit=True)
    form = OutcomesUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            added = evaluation_jsonl_import(
                scenario=scenario,
                user=request.user,
                content=form.cleaned_data["file"].read(),
                measured_on=form.cleaned_data["measured_on"],
                notes=form.cleaned_data["notes"],
            )
        except ScenarioError as e:
            _add_errors(form, e.errors)
        else:
            messages.success(request, f"Imported outcomes for {len(added)} candidate(s).")
            return redirect("evidence:evaluation", scenario.pk)
    context = evaluation_context(scenario, membership, upload_form=form)
    return render(request, "decisions/evidence_evaluation.html", context)


# --- Measured runs and calibration ---------------------------------------------------------


def _book_or_none():
    try:
        return price_book_resolve("latest")
    except CatalogUnavailable:
        return None


@login_required
@GET_POST
def runs(request, project_id: int):
    project, membership = project_for(request, project_id, edit=request.method == "POST")
    book = _book_or_none()
    form = MeasuredRunForm(request.POST or None, book=book)
    if request.method == "POST" and form.is_valid():
        try:
            measured_run_add(project=project, user=request.user, run=form.cleaned_data)
        except ScenarioError as e:
            _add_errors(form, e.errors)
        else:
            messages.success(request, "Run recorded: the calibration now includes it.")
            return redirect("evidence:runs", project.pk)
    context = {
        "project": project,
        "membership": membership,
        "runs": project.measured_runs.all(),
        "form": form,
        "catalog_missing": book is None,
    }
    return render(request, "decisions/evidence_runs.html", context)


@login_required
@require_GET
def calibration(request, project_id: int):
    project, membership = project_for(request, project_id)
    try:
        report = calibration_report(project=project)
    except ScenarioError as e:
        report, problem = None, e.errors[0]["message"]
    else:
        problem = ""
    context = {"project": project, "membership": membership, "report": report, "problem": problem}
    return render(request, "decisions/evidence_calibration.html", context)


# --- Portfolios ----------------------------------------------------------------------------


@login_required
@GET_POST
def portfolios(request, project_id: int):
    project, membership = project_for(request, project_id, edit=request.method == "POST")
    form = PortfolioForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            portfolio = portfolio_create(
                project=project,
                user=request.user,
                name=form.cleaned_data["name"],
                scenarios=list(form.cleaned_data["scenarios"]),
                latency_target_seconds=form.cleaned_data["latency_target_seconds"],
            )
        except ScenarioError as e:
            _add_errors(form, e.errors)
        else:
            return redirect("evidence:portfolio", portfolio.pk)
    context = {
        "project": project,
        "membership": membership,
        "portfolios": project.portfolios.prefetch_related("scenarios"),
        "form": form,
    }
    return render(request, "decisions/evidence_portfolios.html", context)


@login_required
@require_GET
def portfolio(request, portfolio_id: int):
    portfolio, membership = portfolio_for(request, portfolio_id)
    context = {"portfolio": portfolio, "project": portfolio.project, "membership": membership}
    try:
        result = portfolio_evaluate(portfolio=portfolio)
    except PortfolioError as e:
        context["problem"] = str(e)
    else:
        context.update(
            result=result,
            monthly_figure=evidence_charts.portfolio_monthly_figure(result),
            cumulative_figure=evidence_charts.portfolio_cumulative_figure(result),
            options=[
                {"key": key, "label": evidence_charts.OPTION_LABELS[key], **result["options"][key]}
                for key in ("adapters", "merged", "api")
            ],
        )
    return render(request, "decisions/evidence_portfolio.html", context)

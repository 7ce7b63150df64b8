from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from decisions import charts
from decisions.access import project_for, scenario_for
from decisions.engine.framework import DATA_THRESHOLDS, MIN_EVAL_SET
from decisions.forms import (
    LAST_STEP,
    STEPS,
    ProjectForm,
    ScenarioImportForm,
    ScenarioNameForm,
    Step,
    WizardForm,
    step_of,
)
from decisions.jobs import job_request, job_retry
from decisions.models import Job, JobStatus, Project, Result, Scenario
from decisions.recompute import project_price_changes
from decisions.reports import gpu_memory
from decisions.services import (
    IMPORT_MAX_BYTES,
    Checked,
    ImportRejected,
    get_path,
    scenario_checked,
    scenario_create,
    scenario_current_result,
    scenario_export,
    scenario_import,
    scenario_preview,
    scenario_reach_step,
    scenario_rename,
    scenario_save_draft,
    scenarios_compare,
)

GET_POST = require_http_methods(["GET", "POST"])


def _partial(request, template: str, name: str) -> str:
    """The page, or only its named region for an HTMX (non-boosted) request."""
    if request.htmx and not request.htmx.boosted:
        return f"{template}#{name}"
    return template


# --- Projects ------------------------------------------------------------------------------


@login_required
@require_GET
def project_list(request):
    membership = request.membership
    archived = request.GET.get("archived") == "1"
    projects = Project.objects.none()
    if membership is not None:
        projects = Project.objects.filter(organisation=membership.organisation, archived=archived)
    return render(
        request,
        _partial(request, "decisions/project_list.html", "projects"),
        {"projects": projects, "membership": membership, "archived": archived},
    )


@login_required
@GET_POST
def project_create(request):
    membership = request.membership
    if membership is None or not membership.can_edit:
        raise PermissionDenied("Viewers cannot create projects.")
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        project = form.save(commit=False)
        project.organisation = membership.organisation
        project.created_by = request.user
        project.save()
        messages.success(request, f"Project “{project.name}” created.")
        return redirect("decisions:project_detail", project.pk)
    return render(request, "decisions/project_form.html", {"form": form})


@login_required
@require_GET
def project_detail(request, project_id: int):
    project, membership = project_for(request, project_id)
    scenarios = list(project.scenarios.all())
    return render(
        request,
        _partial(request, "decisions/project_detail.html", "scenarios"),
        {
            "project": project,
            "membership": membership,
            "scenarios": [s for s in scenarios if not s.archived],
            "archived_scenarios": [s for s in scenarios if s.archived],
            "import_form": ScenarioImportForm(),
            "price_changes": project_price_changes(project=project),
        },
    )


@login_required
@GET_POST
def project_edit(request, project_id: int):
    project, membership = project_for(request, project_id, edit=True)
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Project saved.")
        return redirect("decisions:project_detail", project.pk)
    return render(request, "decisions/project_form.html", {"form": form, "project": project})


@login_required
@GET_POST
def project_archive(request, project_id: int):
    project, membership = project_for(request, project_id, edit=True)
    if request.method == "POST":
        project.archived = not project.archived
        project.save(update_fields=["archived", "updated"])
        verb = "archived" if project.archived else "restored"
        messages.success(request, f"Project “{project.name}” {verb}.")
        return redirect("decisions:project_detail", project.pk)
    return render(request, "decisions/confirm.html", _confirm_project(project, "archive"))


@login_required
@GET_POST
def project_delete(request, project_id: int):
    project, membership = project_for(request, project_id, edit=True)
    if request.method == "POST":
        name = project.name
        project.delete()
        messages.success(request, f"Project “{name}” and its scenarios deleted.")
        return redirect("decisions:project_list")
    return render(request, "decisions/confirm.html", _confirm_project(project, "delete"))


def _confirm_project(project: Project, action: str) -> dict:
    count = project.scenarios.count()
    if action == "delete":
        title = f"Delete project “{project.name}”?"
        text = f"This deletes its {count} scenario(s) and their results. It cannot be undone."
    elif project.archived:
        title, text = f"Restore project “{project.name}”?", "It will be listed again."
    else:
        title = f"Archive project “{project.name}”?"
        text = "It leaves the project list; its scenarios and results are kept."
    return {
        "title": title,
        "text": text,
        "action": action,
        "confirm_label": "Delete" if action == "delete" else title.split()[0],
        "cancel_url": reverse("decisions:project_detail", args=[project.pk]),
    }


# --- Scenarios -----------------------------------------------------------------------------


@login_required
@GET_POST
def scenario_new(request, project_id: int):
    project, membership = project_for(request, project_id, edit=True)
    form = ScenarioNameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        scenario = scenario_create(
            project=project, user=request.user, name=form.cleaned_data["name"]
        )
        return redirect("decisions:wizard", scenario.pk, 0)
    return render(request, "decisions/scenario_form.html", {"form": form, "project": project})


@login_required
@require_GET
def scenario_detail(request, scenario_id: int):
    scenario, membership = scenario_for(request, scenario_id)
    checked = scenario_checked(scenario=scenario)
    context = summary_context(scenario, checked)
    context.update(
        membership=membership,
        steps=STEPS,
        current_result=scenario_current_result(scenario=scenario, checked=checked),
    )
    return render(request, _partial(request, "decisions/scenario_detail.html", "summary"), context)


@login_required
@GET_POST
def scenario_rename_view(request, scenario_id: int):
    scenario, membership = scenario_for(request, scenario_id, edit=True)
    form = ScenarioNameForm(request.POST or None, initial={"name": scenario.name})
    if request.method == "POST" and form.is_valid():
        scenario_rename(scenario=scenario, name=form.cleaned_data["name"])
        messages.success(request, "Scenario renamed.")
        return redirect("decisions:scenario_detail", scenario.pk)
    return render(
        request,
        "decisions/scenario_form.html",
        {"form": form, "project": scenario.project, "scenario": scenario},
    )


@login_required
@require_POST
def scenario_duplicate(request, scenario_id: int):
    scenario, membership = scenario_for(request, scenario_id, edit=True)
    copy = scenario.duplicate(user=request.user)
    messages.success(request, f"Scenario duplicated as “{copy.name}”.")
    url = reverse("decisions:scenario_detail", args=[copy.pk])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@login_required
@GET_POST
def scenario_archive(request, scenario_id: int):
    scenario, membership = scenario_for(request, scenario_id, edit=True)
    if request.method == "POST":
        scenario.archived = not scenario.archived
        scenario.save(update_fields=["archived", "updated"])
        verb = "archived" if scenario.archived else "restored"
        messages.success(request, f"Scenario “{scenario.name}” {verb}.")
        return redirect("decisions:project_detail", scenario.project_id)
    if scenario.archived:
        title, text = f"Restore scenario “{scenario.name}”?", "It will be listed again."
    else:
        title = f"Archive scenario “{scenario.name}”?"
        text = "It moves to the archived list of its project; its inputs and results are kept."
    return render(
        request,
        "decisions/confirm.html",
        {
            "title": title,
            "text": text,
            "confirm_label": title.split()[0],
            "cancel_url": reverse("decisions:scenario_detail", args=[scenario.pk]),
        },
    )


@login_required
@GET_POST
def scenario_delete(request, scenario_id: int):
    scenario, membership = scenario_for(request, scenario_id, edit=True)
    if request.method == "POST":
        project_id, name = scenario.project_id, scenario.name
        scenario.delete()
        messages.success(request, f"Scenario “{name}” deleted.")
        return redirect("decisions:project_detail", project_id)
    return render(
        request,
        "decisions/confirm.html",
        {
            "title": f"Delete scenario “{scenario.name}”?",
            "text": "Its inputs and results are deleted. It cannot be undone.",
            "confirm_label": "Delete",
            "action": "delete",
            "cancel_url": reverse("decisions:scenario_detail", args=[scenario.pk]),
        },
    )


@login_required
@require_GET
def scenario_export_view(request, scenario_id: int):
    scenario, membership = scenario_for(request, scenario_id)
    data = scenario_export(scenario=scenario)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False) + "\n",
        content_type="application/json; charset=utf-8",
    )
    filename = f"{slugify(scenario.name) or 'scenario'}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@GET_POST
def scenario_import_view(request, project_id: int):
    project, membership = project_for(request, project_id, edit=True)
    form = ScenarioImportForm(request.POST or None, request.FILES or None)
    errors: list[dict[str, str]] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            scenario = scenario_import(
                project=project, user=request.user, content=_read_upload(upload)
            )
        except ImportRejected as e:
            errors = e.errors
        else:
            messages.success(request, f"Scenario “{scenario.name}” imported.")
            return redirect("decisions:scenario_detail", scenario.pk)
    return render(
        request,
        _partial(request, "decisions/import.html", "importform"),
        {"form": form, "project": project, "errors": errors},
    )


def _read_upload(upload) -> bytes:
    # Read one byte past the limit so an oversized file is refused without reading it all.
    return upload.read(IMPORT_MAX_BYTES + 1)


# --- The wizard ----------------------------------------------------------------------------


@login_required
@GET_POST
def wizard(request, scenario_id: int, step: int):
    if step > LAST_STEP:
        raise Http404("No such step.")
    editing = request.method == "POST"
    scenario, membership = scenario_for(request, scenario_id, edit=editing)
    current = STEPS[step]
    if editing:
        values = WizardForm.values_from_post(current, request.POST)
        checked = scenario_save_draft(scenario=scenario, values=values, step=step)
        go = request.POST.get("go", "")
        if go in ("next", "back"):
            target = min(step + 1, LAST_STEP) if go == "next" else max(step - 1, 0)
            scenario_reach_step(scenario=scenario, step=target)
            return redirect("decisions:wizard", scenario.pk, target)
        if go == "autosave":  # wizard.js flushing a last change as the page closes
            return HttpResponse(status=204)
        context = wizard_context(scenario, membership, current, checked)
        if request.htmx and not go:
            return render(request, "decisions/wizard.html#live", context)
        if not context["form"].has_errors:
            messages.success(request, "Saved.")
            return redirect("decisions:wizard", scenario.pk, step)
        return render(request, "decisions/wizard.html", context)
    checked = scenario_checked(scenario=scenario)
    context = wizard_context(scenario, membership, current, checked)
    return render(request, _partial(request, "decisions/wizard.html", "wizard"), context)


@login_required
@require_GET
def scenario_summary(request, scenario_id: int):
    """The live summary panel; a full request gets the scenario's overview page."""
    scenario, membership = scenario_for(request, scenario_id)
    if not request.htmx:
        return redirect("decisions:scenario_detail", scenario.pk)
    context = summary_context(scenario, scenario_checked(scenario=scenario))
    return render(request, "decisions/wizard.html#summary", context)


# --- Results and compare -------------------------------------------------------------------


@login_required
@GET_POST
def results(request, scenario_id: int):
    scenario, membership = scenario_for(request, scenario_id, edit=request.method == "POST")
    if request.method == "POST":
        if scenario_checked(scenario=scenario).ok:
            job_request(scenario=scenario, user=request.user)
        else:
            messages.error(request, "Fix the inputs listed below before computing results.")
        url = reverse("decisions:results", args=[scenario.pk])
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    checked = scenario_checked(scenario=scenario)
    result = scenario_current_result(scenario=scenario, checked=checked)
    context = results_context(scenario, membership, checked, result)
    return render(request, _partial(request, "decisions/results.html", "results"), context)


@login_required
@require_GET
def job_progress(request, scenario_id: int, job_id: int):
    """The progress bar, polled over HTMX; 286 stops the polling once the job is done."""
    scenario, membership = scenario_for(request, scenario_id)
    job = get_object_or_404(Job, pk=job_id, scenario=scenario)
    if not request.htmx:
        return redirect("decisions:results", scenario.pk)
    response = render(
        request, "decisions/results.html#progress", {"job": job, "scenario": scenario}
    )
    if job.is_finished:
        response.status_code = 286  # htmx: stop polling
        response["HX-Refresh"] = "true"  # and reload the page to show the results
    return response


@login_required
@require_POST
def job_retry_view(request, scenario_id: int, job_id: int):
    scenario, _ = scenario_for(request, scenario_id, edit=True)
    job = get_object_or_404(Job, pk=job_id, scenario=scenario, status=JobStatus.FAILED)
    job_retry(job=job)
    return redirect("decisions:results", scenario.pk)


@login_required
@require_GET
def compare(request, project_id: int):
    project, membership = project_for(request, project_id)
    context = compare_context(project, request.GET.getlist("s"))
    context["membership"] = membership
    return render(request, _partial(request, "decisions/compare.html", "comparison"), context)


# --- Context builders: presentation only, the numbers come from the engine -----------------


def _problems(scenario: Scenario, checked: Checked) -> list[dict]:
    """The draft's errors, each with a link to the wizard step that asks for it."""
    problems = []
    for error in checked.errors:
        step = step_of(error["field"])
        url = reverse("decisions:wizard", args=[scenario.pk, step]) if step is not None else ""
        problems.append({**error, "step": step, "url": url})
    return problems


def summary_context(scenario: Scenario, checked: Checked, preview: dict | None = None) -> dict:
    if preview is None:
        preview = scenario_preview(checked=checked)
    return {
        "scenario": scenario,
        "project": scenario.project,
        "checked": checked,
        "preview": preview,
        "framework": (preview or {}).get("framework"),
        "problems": _problems(scenario, checked),
    }


def wizard_context(scenario: Scenario, membership, step: Step, checked: Checked) -> dict:
    preview = scenario_preview(checked=checked)
    context = summary_context(scenario, checked, preview)
    error_steps = {p["step"] for p in context["problems"] if p["step"] is not None}
    context.update(
        membership=membership,
        can_edit=membership.can_edit,
        step=step,
        form=WizardForm(step, checked.inputs, checked.book, checked.errors),
        nav=[
            {
                "step": s,
                "url": reverse("decisions:wizard", args=[scenario.pk, s.number]),
                "current": s.number == step.number,
                "errors": s.number in error_steps,
                "reached": s.number <= max(scenario.step, step.number),
            }
            for s in STEPS
        ],
        previous=step.number - 1 if step.number > 0 else None,
        next=step.number + 1 if step.number < LAST_STEP else None,
        panel=_step_panel(step, checked, preview),
    )
    return context


def _step_panel(step: Step, checked: Checked, preview: dict | None) -> dict:
    """The numbers the step's live panel shows beside its form ({}: nothing to show)."""
    s, book = checked.scenario, checked.book
    if step.number == 0 and book is not None:
        model = book.models.get(get_path(checked.inputs, "training.base_model"))
        return {"model": model} if model is not None else {}
    if s is None or preview is None:
        return {}
    if step.number == 2:
        return {"volume": True}
    if step.number == 3:
        return {"data": _data_scale(s.use_case, s.data.train_examples, s.data.eval_set_examples)}
    if step.number == 4:
        return {"fits": charts.fits_by_gpu(preview), "method": s.training.method}
    return {}


def _data_scale(use_case: str, examples: int, eval_set: int) -> dict:
    """Where the example count stands on the seed's scale for this use case."""
    low, high = DATA_THRESHOLDS.get(use_case, (500, None))
    top = int(max(high or low * 2, examples, 1) * 1.15)
    return {
        "use_case": use_case,
        "examples": examples,
        "low": low,
        "high": high,
        "top": top,
        "status": "below"
        if examples < low
        else ("within" if not high or examples <= high else "above"),
        "eval_set": eval_set,
        "eval_ok": eval_set >= MIN_EVAL_SET,
        "min_eval": MIN_EVAL_SET,
    }


def scenario_job_shown(scenario: Scenario) -> Job | None:
    """The job to show while no current result exists: one still to finish, or the last
    failure (unless a result came after it)."""
    job = scenario.jobs.order_by("-created").first()
    if job is None or job.status == JobStatus.DONE:
        return None
    return job


def results_context(scenario: Scenario, membership, checked: Checked, result: Result | None):
    context = (
        summary_context(scenario, checked)
        if result is None
        else {
            "scenario": scenario,
            "project": scenario.project,
            "checked": checked,
            "problems": _problems(scenario, checked),
        }
    )
    context.update(
        membership=membership,
        result=result,
        latest=scenario.latest_result(),
        job=None if result is not None else scenario_job_shown(scenario),
    )
    if result is not None:
        output = result.output
        context.update(
            output=output,
            framework=output.get("framework"),
            charts=charts.result_charts(output, gpu_memory(result.catalog_version)),
            fits=charts.fits_by_gpu(output),
        )
    return context


COMPARE_MIN, COMPARE_MAX = 2, 4


def compare_context(project: Project, ids: list[str]) -> dict:
    chosen = [int(i) for i in ids if i.isdigit()][:50]
    available = list(project.scenarios.filter(archived=False))
    selected = [s for s in available if s.pk in chosen]
    context = {"project": project, "available": available, "chosen": chosen, "rows": []}
    if not ids:
        return context
    if not COMPARE_MIN <= len(selected) <= COMPARE_MAX:
        context["problem"] = f"Choose {COMPARE_MIN} to {COMPARE_MAX} scenarios of this project."
        return context
    rows = scenarios_compare(scenarios=selected)
    named = [(r.scenario.name, r.result) for r in rows if r.result is not None]
    context["rows"] = rows
    if named:
        context["figure"] = charts.compare_curves_figure(named)
        context["table"] = charts.compare_curves_table(named)
    return context

"""The HTTP API, /api/v1/: scenario-format JSON in, result JSON out, with the same
validation as the wizard and the command line.

Clients authenticate with `Authorization: Bearer <token>` (`manage.py create_api_token`
or the API tokens page). No token: 401. Another organisation's object: 404. A viewer
changing something: 403. Bad input: 400 with `{"errors": [{"field", "message"}]}`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from accounts.models import ApiToken, Membership
from decisions.access import project_for, scenario_for
from decisions.engine import ScenarioError
from decisions.evaluation import scenario_evaluate_json
from decisions.jobs import job_request
from decisions.models import Job, Project, Result, Scenario
from decisions.openapi import openapi_document
from decisions.services import (
    ImportRejected,
    decode_scenario_file,
    scenario_check,
    scenario_checked,
    scenario_create,
    scenario_rename,
)
from pricing.models import CatalogVersion
from pricing.services import CatalogNotFound, catalog_get, catalog_to_dict


def error(status: int, message: str, field: str = "") -> JsonResponse:
    return JsonResponse({"errors": [{"field": field, "message": message}]}, status=status)


def api_view(*methods: str) -> Callable:
    """Token authentication, allowed methods and the error shapes, once for every view."""

    def decorator(view: Callable) -> Callable:
        @csrf_exempt  # no cookies are used: the bearer token is the credential
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in methods:
                response = error(405, f"method {request.method} not allowed")
                response["Allow"] = ", ".join(methods)
                return response
            header = request.headers.get("Authorization", "")
            token = None
            if header.startswith("Bearer "):
                token = ApiToken.authenticate(header.removeprefix("Bearer ").strip())
            if token is None:
                response = error(401, "missing or invalid API token")
                response["WWW-Authenticate"] = 'Bearer realm="tunecase"'
                return response
            request.user = token.user
            try:
                return view(request, *args, **kwargs)
            except Http404:
                return error(404, "not found")
            except PermissionDenied as exc:
                return error(403, str(exc) or "not allowed")
            except (ScenarioError, ImportRejected) as exc:
                return JsonResponse({"errors": exc.errors}, status=400)

        return wrapper

    return decorator


def json_body(request) -> dict[str, Any]:
    """The request body as a JSON object; the errors name the body, not a file."""
    try:
        return decode_scenario_file(request.body)
    except ImportRejected as exc:
        raise ImportRejected(
            [{"field": "", "message": "body " + e["message"]} for e in exc.errors]
        ) from None


# --- Serialisers ---------------------------------------------------------------------------


def project_json(project: Project) -> dict[str, Any]:
    return {
        "id": project.pk,
        "name": project.name,
        "description": project.description,
        "organisation": {"id": project.organisation_id, "name": project.organisation.name},
        "archived": project.archived,
        "created": project.created.isoformat(),
        "updated": project.updated.isoformat(),
        "url": reverse("api:project", args=[project.pk]),
    }


def scenario_json(scenario: Scenario) -> dict[str, Any]:
    return {
        "id": scenario.pk,
        "project": scenario.project_id,
        "name": scenario.name,
        "inputs": scenario.inputs,
        "archived": scenario.archived,
        "created": scenario.created.isoformat(),
        "updated": scenario.updated.isoformat(),
        "url": reverse("api:scenario", args=[scenario.pk]),
        "result_url": reverse("api:result", args=[scenario.pk]),
    }


def result_json(result: Result) -> dict[str, Any]:
    return {
        "id": result.pk,
        "scenario": result.scenario_id,
        "catalog_version": result.catalog_version,
        "created": result.created.isoformat(),
        "inputs": result.inputs,
        "result": result.output,
    }


def job_json(job: Job) -> dict[str, Any]:
    return {
        "id": job.pk,
        "scenario": job.scenario_id,
        "status": job.status,
        "progress": job.progress,
        "error": job.error,
        "result": job.result_id,
        "url": reverse("api:job", args=[job.pk]),
    }


# --- Loading within the token owner's organisations ----------------------------------------


def scenario_for_api(request, scenario_id: int, *, edit: bool = False) -> Scenario:
    return scenario_for(request, scenario_id, edit=edit)[0]


def validated_inputs(data: dict[str, Any]) -> dict[str, Any]:
    """The API stores only valid scenarios, written out in full (defaults filled)."""
    return scenario_check(inputs=data).valid().normalized


# --- Views ---------------------------------------------------------------------------------


@api_view("POST")
def evaluate(request):
    return JsonResponse(scenario_evaluate_json(json_body(request)))


@api_view("GET", "POST")
def projects(request):
    memberships = Membership.objects.filter(user=request.user)
    if request.method == "GET":
        rows = (
            Project.objects.filter(organisation__in=memberships.values("organisation"))
            .select_related("organisation")
            .order_by("pk")
        )
        return JsonResponse({"projects": [project_json(p) for p in rows]})
    data = json_body(request)
    organisation_id = data.get("organisation")
    membership = (
        memberships.filter(organisation_id=organisation_id).first()
        if organisation_id is not None
        else memberships.editors().order_by("pk").first()
    )
    if membership is None:
        raise Http404
    if not membership.can_edit:
        raise PermissionDenied("viewers cannot create projects")
    name, description = project_fields(data, required=True)
    project = Project.objects.create(
        organisation=membership.organisation,
        name=name,
        description=description or "",
        created_by=request.user,
    )
    return JsonResponse(project_json(project), status=201)


def project_fields(data: dict[str, Any], *, required: bool) -> tuple[str | None, str | None]:
    errors = []
    unknown = set(data) - {"name", "description", "organisation", "archived"}
    errors += [{"field": key, "message": "unknown key"} for key in sorted(unknown)]
    name = data.get("name")
    if name is None and required:
        errors.append({"field": "name", "message": "is required"})
    elif name is not None and (not isinstance(name, str) or not name.strip() or len(name) > 120):
        errors.append(
            {"field": "name", "message": "must be a non-empty string of <= 120 characters"}
        )
    description = data.get("description")
    if description is not None and not isinstance(description, str):
        errors.append({"field": "description", "message": "must be a string"})
    if "archived" in data and not isinstance(data["archived"], bool):
        errors.append({"field": "archived", "message": "must be true or false"})
    if errors:
        raise ScenarioError(errors)
    return (name.strip() if isinstance(name, str) else None), description


@api_view("GET", "PATCH", "DELETE")
def project(request, project_id: int):
    project, membership = project_for(request, project_id, edit=request.method != "GET")
    if request.method == "DELETE":
        project.delete()
        return HttpResponse(status=204)
    if request.method == "PATCH":
        data = json_body(request)
        name, description = project_fields(data, required=False)
        project.name = name or project.name
        project.description = project.description if description is None else description
        project.archived = data.get("archived", project.archived)
        project.save()
    return JsonResponse(project_json(project))


@api_view("GET", "POST")
def project_scenarios(request, project_id: int):
    project, _ = project_for(request, project_id, edit=request.method == "POST")
    if request.method == "GET":
        rows = project.scenarios.order_by("pk")
        return JsonResponse({"scenarios": [scenario_json(s) for s in rows]})
    inputs = validated_inputs(json_body(request))
    name = (inputs.get("name") or "").strip()[:120] or "Scenario from the API"
    scenario = scenario_create(project=project, user=request.user, name=name, inputs=inputs)
    return JsonResponse(scenario_json(scenario), status=201)


@api_view("GET", "PUT", "DELETE")
def scenario(request, scenario_id: int):
    scenario = scenario_for_api(request, scenario_id, edit=request.method != "GET")
    if request.method == "DELETE":
        scenario.delete()
        return HttpResponse(status=204)
    if request.method == "PUT":
        scenario.inputs = validated_inputs(json_body(request))
        scenario.save(update_fields=["inputs", "updated"])
        name = (scenario.inputs.get("name") or "").strip()[:120]
        if name and name != scenario.name:
            scenario_rename(scenario=scenario, name=name)
    return JsonResponse(scenario_json(scenario))


@api_view("GET", "POST")
def result(request, scenario_id: int):
    """GET: the newest result. POST: compute one (202 with the job to poll)."""
    scenario = scenario_for_api(request, scenario_id, edit=request.method == "POST")
    if request.method == "POST":
        scenario_checked(scenario=scenario).valid()  # refuse what cannot compute
        job = job_request(scenario=scenario, user=request.user)
        job.refresh_from_db()
        return JsonResponse(job_json(job), status=202)
    latest = scenario.latest_result()
    if latest is None:
        return error(404, "no result yet: POST to this URL to compute one")
    return JsonResponse(result_json(latest))


@api_view("GET")
def job(request, job_id: int):
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        raise Http404
    scenario_for_api(request, job.scenario_id)
    return JsonResponse(job_json(job))


@api_view("GET")
def catalogs(request):
    rows = CatalogVersion.objects.exclude(status="draft").order_by("-published_at")
    latest = CatalogVersion.objects.latest_published()
    return JsonResponse(
        {
            "catalogs": [
                {
                    "slug": v.slug,
                    "status": v.status,
                    "published_at": v.published_at.isoformat() if v.published_at else None,
                    "latest": latest is not None and v.pk == latest.pk,
                    "url": reverse("api:catalog", args=[v.slug]),
                }
                for v in rows
            ]
        }
    )


@api_view("GET")
def catalog(request, slug: str):
    try:
        version = catalog_get(slug)
    except CatalogNotFound:
        raise Http404 from None
    if version.status == "draft":
        raise Http404  # drafts are work in progress of the admins
    return JsonResponse(catalog_to_dict(version))


def openapi(request):
    return JsonResponse(openapi_document(), json_dumps_params={"indent": 2})


def docs(request):
    return render(request, "decisions/api_docs.html", {"spec": openapi_document()})

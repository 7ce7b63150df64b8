from django.urls import path

from decisions import api, evidence_api

app_name = "api"
urlpatterns = [
    path("evaluate", api.evaluate, name="evaluate"),
    path("projects", api.projects, name="projects"),
    path("projects/<int:project_id>", api.project, name="project"),
    path("projects/<int:project_id>/scenarios", api.project_scenarios, name="project_scenarios"),
    path("scenarios/<int:scenario_id>", api.scenario, name="scenario"),
    path("scenarios/<int:scenario_id>/result", api.result, name="result"),
    path("jobs/<int:job_id>", api.job, name="job"),
    path("catalogs", api.catalogs, name="catalogs"),
    path("catalogs/<slug:slug>", api.catalog, name="catalog"),
    path(
        "scenarios/<int:scenario_id>/evaluation",
        evidence_api.scenario_evaluation,
        name="scenario_evaluation",
    ),
    path("projects/<int:project_id>/runs", evidence_api.project_runs, name="project_runs"),
    path(
        "projects/<int:project_id>/calibration",
        evidence_api.project_calibration,
        name="project_calibration",
    ),
    path(
        "projects/<int:project_id>/portfolios",
        evidence_api.project_portfolios,
        name="project_portfolios",
    ),
    path("portfolios/<int:portfolio_id>", evidence_api.portfolio, name="portfolio"),
    path("openapi.json", api.openapi, name="openapi"),
    path("docs", api.docs, name="docs"),
]

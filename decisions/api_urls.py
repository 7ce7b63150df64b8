from django.urls import path

from decisions import api

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
    path("openapi.json", api.openapi, name="openapi"),
    path("docs", api.docs, name="docs"),
]

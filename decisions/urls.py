from django.urls import path

from decisions import views

app_name = "decisions"
urlpatterns = [
    path("projects/", views.project_list, name="project_list"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:project_id>/", views.project_detail, name="project_detail"),
    path("projects/<int:project_id>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:project_id>/archive/", views.project_archive, name="project_archive"),
    path("projects/<int:project_id>/delete/", views.project_delete, name="project_delete"),
    path("projects/<int:project_id>/scenarios/new/", views.scenario_new, name="scenario_new"),
    path("projects/<int:project_id>/import/", views.scenario_import_view, name="scenario_import"),
    path("projects/<int:project_id>/compare/", views.compare, name="compare"),
    path("scenarios/<int:scenario_id>/", views.scenario_detail, name="scenario_detail"),
    path("scenarios/<int:scenario_id>/wizard/<int:step>/", views.wizard, name="wizard"),
    path("scenarios/<int:scenario_id>/summary/", views.scenario_summary, name="summary"),
    path("scenarios/<int:scenario_id>/results/", views.results, name="results"),
    path(
        "scenarios/<int:scenario_id>/jobs/<int:job_id>/",
        views.job_progress,
        name="job_progress",
    ),
    path(
        "scenarios/<int:scenario_id>/jobs/<int:job_id>/retry/",
        views.job_retry_view,
        name="job_retry",
    ),
    path(
        "scenarios/<int:scenario_id>/export.json",
        views.scenario_export_view,
        name="scenario_export",
    ),
    path(
        "scenarios/<int:scenario_id>/duplicate/",
        views.scenario_duplicate,
        name="scenario_duplicate",
    ),
    path("scenarios/<int:scenario_id>/rename/", views.scenario_rename_view, name="scenario_rename"),
    path("scenarios/<int:scenario_id>/archive/", views.scenario_archive, name="scenario_archive"),
    path("scenarios/<int:scenario_id>/delete/", views.scenario_delete, name="scenario_delete"),
]

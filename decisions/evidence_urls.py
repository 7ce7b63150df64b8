from django.urls import path

from decisions import evidence_views as views

app_name = "evidence"
urlpatterns = [
    path("scenarios/<int:scenario_id>/evaluation/", views.evaluation, name="evaluation"),
    path(
        "scenarios/<int:scenario_id>/evaluation/test-set/",
        views.evaluation_test_set,
        name="evaluation_test_set",
    ),
    path(
        "scenarios/<int:scenario_id>/evaluation/results/",
        views.evaluation_result,
        name="evaluation_result",
    ),
    path(
        "scenarios/<int:scenario_id>/evaluation/upload/",
        views.evaluation_upload,
        name="evaluation_upload",
    ),
    path("projects/<int:project_id>/runs/", views.runs, name="runs"),
    path("projects/<int:project_id>/calibration/", views.calibration, name="calibration"),
    path("projects/<int:project_id>/portfolios/", views.portfolios, name="portfolios"),
    path("portfolios/<int:portfolio_id>/", views.portfolio, name="portfolio"),
]

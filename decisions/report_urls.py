from django.urls import path

from decisions import report_views as views

app_name = "reports"
urlpatterns = [
    path("scenarios/<int:scenario_id>/report/", views.report, name="report"),
    path("scenarios/<int:scenario_id>/report.pdf", views.report_pdf, name="pdf"),
    path("scenarios/<int:scenario_id>/report.csv", views.report_csv, name="csv"),
    path("scenarios/<int:scenario_id>/share/", views.share_links, name="share_links"),
    path(
        "scenarios/<int:scenario_id>/share/<int:link_id>/revoke/",
        views.share_link_revoke_view,
        name="share_link_revoke",
    ),
    path("shared/<str:token>/", views.shared_report, name="shared"),
    path("shared/<str:token>/report.pdf", views.shared_report_pdf, name="shared_pdf"),
    path("shared/<str:token>/report.csv", views.shared_report_csv, name="shared_csv"),
]

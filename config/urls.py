from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from accounts.views import login_view
from config.health import healthz

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="decisions:project_list"), name="home"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # Before Django's auth URLs, so this rate-limited view answers for the name "login".
    path("accounts/login/", login_view, name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/", include("accounts.urls")),
    path("catalog/", include("pricing.urls")),
    path("api/v1/", include("decisions.api_urls")),
    path("", include("decisions.report_urls")),
    path("", include("decisions.evidence_urls")),
    path("", include("decisions.urls")),
]

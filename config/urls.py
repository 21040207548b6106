from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from accounts.views import health
from inspections.views import HomeView

admin.site.site_header = settings.SERVICE_NAME
admin.site.site_title = settings.SERVICE_NAME
admin.site.login_url = "/accounts/sign-in/"

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("accounts/", include("accounts.urls")),
    # Every app's pages live under /inspections/<reference>/...; each app owns its own urls.py.
    path("inspections/", include("inspections.urls")),
    path("inspections/", include("sampling.urls")),
    path("inspections/", include("cases.urls")),
    path("inspections/", include("alerts.urls")),
    path("inspections/", include("fieldwork.urls")),
    path("inspections/", include("ratings.urls")),
    path("inspections/", include("reports.urls")),
    path("", include("agreement.urls")),  # inspections/<reference>/agreement/... and agreement/
    path("security-events/", include("audit.urls")),
    path("health/", health, name="health"),
    path("accessibility/", TemplateView.as_view(template_name="accessibility.html"), name="accessibility"),
    path(getattr(settings, "ADMIN_URL", "admin/"), admin.site.urls),
]

# The database or job queue out of reach is a 503 in words, not a traceback (accounts.views.server_error).
handler500 = "accounts.views.server_error"

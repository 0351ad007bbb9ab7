from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.decorators.cache import cache_control
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from jineng.core import twofactor_views
from jineng.core import views as core_views

handler400 = core_views.error_page(400, "400.html")
handler403 = core_views.error_page(403, "403.html")
handler404 = core_views.error_page(404, "404.html")
handler500 = core_views.server_error


@cache_control(public=True, max_age=86400)
def favicon(request):
    """Browsers ask for /favicon.ico wherever a page names no icon: the static one answers."""
    return redirect(static("core/favicon.png"))


urlpatterns = [
    path("", core_views.home, name="home"),
    path("favicon.ico", favicon, name="favicon"),
    path("healthz", lambda request: HttpResponse("ok", content_type="text/plain"), name="healthz"),
    path("accounts/login/", core_views.LoginView.as_view(), name="login"),
    path("accounts/login/code/", twofactor_views.login_code, name="login-code"),
    path("accounts/login/enrol/", twofactor_views.login_enrol, name="login-enrol"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("jineng.core.urls")),
    path("", include("jineng.catalog.urls")),
    path("", include("jineng.people.urls")),
    path("", include("jineng.institutions.urls")),
    path("", include("jineng.training.urls")),
    path("", include("jineng.faces.urls")),
    path("", include("jineng.vouchers.urls")),
    path("", include("jineng.evaluation.urls")),
    path("", include("jineng.certificates.urls")),
    path("", include("jineng.claims.urls")),
    path("", include("jineng.targets.urls")),
    path("", include("jineng.stats.urls")),
    path("", include("jineng.supervision.urls")),
    path("", include("jineng.reports.urls")),
    path("", include("jineng.whatif.urls")),
    path("", include("jineng.offers.urls")),
    path("", include("jineng.portal.urls")),
    path("api/v1/", include(("jineng.api_urls", "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        # The docs with a way back to the site (the template adds a bar above Swagger UI).
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="core/swagger_ui.html"
        ),
        name="api-docs",
    ),
    path("admin/", admin.site.urls),
]

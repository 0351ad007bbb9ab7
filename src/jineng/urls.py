from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from jineng.core import views as core_views

handler400 = core_views.error_page(400, "400.html")
handler403 = core_views.error_page(403, "403.html")
handler404 = core_views.error_page(404, "404.html")

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", lambda request: HttpResponse("ok", content_type="text/plain"), name="healthz"),
    path("accounts/login/", core_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("jineng.core.urls")),
    path("", include("jineng.catalog.urls")),
    path("", include("jineng.people.urls")),
    path("", include("jineng.institutions.urls")),
    path("", include("jineng.training.urls")),
    path("", include("jineng.vouchers.urls")),
    path("", include("jineng.evaluation.urls")),
    path("", include("jineng.certificates.urls")),
    path("", include("jineng.claims.urls")),
    path("api/v1/", include(("jineng.api_urls", "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from jineng.core import api

router = DefaultRouter()
router.register("organisations", api.OrganisationViewSet, basename="organisation")
router.register("users", api.UserViewSet, basename="user")
router.register("audit-entries", api.AuditEntryViewSet, basename="auditentry")

urlpatterns = [
    path("me/", api.me, name="me"),
    path("auth/token/", api.obtain_token, name="obtain-token"),
    path("", include(router.urls)),
]

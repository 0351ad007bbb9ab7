"""The routes of /api/v1/: every app's viewsets on one router. Top-level wiring, like urls.py:
it may import every app and no app imports it (docs/architecture.md, "Layers")."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from jineng.catalog import api as catalog_api
from jineng.certificates import api as certificates_api
from jineng.claims import api as claims_api
from jineng.core import api
from jineng.core.replica import replica_view
from jineng.evaluation import api as evaluation_api
from jineng.faces import api as faces_api
from jineng.institutions import api as institutions_api
from jineng.offers import api as offers_api
from jineng.people import api as people_api
from jineng.portal import api as portal_api
from jineng.reports import api as reports_api
from jineng.stats import api as stats_api
from jineng.supervision import api as supervision_api
from jineng.targets import api as targets_api
from jineng.training import api as training_api
from jineng.training import bench as training_bench
from jineng.vouchers import api as vouchers_api

router = DefaultRouter()
router.register("organisations", api.OrganisationViewSet, basename="organisation")
router.register("users", api.UserViewSet, basename="user")
router.register("audit-entries", api.AuditEntryViewSet, basename="auditentry")
router.register("tokens", api.ApiTokenViewSet, basename="apitoken")
for slug, viewset in catalog_api.CATALOG_VIEWSETS.items():
    router.register(f"catalogs/{slug}", viewset, basename=f"catalog-{slug}")
router.register("policy-packs", catalog_api.PolicyPackVersionViewSet, basename="policypack")
router.register("decisions", catalog_api.DecisionRecordViewSet, basename="decision")
router.register("people", people_api.PersonViewSet, basename="person")
router.register("imports", api.ImportJobViewSet, basename="import")
router.register("institutions", institutions_api.InstitutionViewSet, basename="institution")
router.register("teachers", institutions_api.EngagementViewSet, basename="teacher")
router.register("enterprises", institutions_api.EnterpriseViewSet, basename="enterprise")
router.register("classes", training_api.TrainingClassViewSet, basename="trainingclass")
router.register("devices", training_api.DeviceViewSet, basename="device")
router.register("vouchers", vouchers_api.VoucherViewSet, basename="voucher")
router.register("offers/published", offers_api.PublishedOfferViewSet, basename="publishedoffer")
router.register("offers", offers_api.OfferViewSet, basename="offer")
router.register("sign-ups", offers_api.ApplicationViewSet, basename="signup")
router.register("evaluations", evaluation_api.EvaluationBookingViewSet, basename="evaluation")
router.register("certificates", certificates_api.CertificateViewSet, basename="certificate")
router.register("claims/batches", claims_api.PaymentBatchViewSet, basename="paymentbatch")
router.register("claims", claims_api.ClaimViewSet, basename="claim")
router.register("findings", supervision_api.FindingViewSet, basename="finding")
router.register("targets/plans", targets_api.PlanViewSet, basename="targetplan")
router.register("targets/versions", targets_api.PlanVersionViewSet, basename="targetversion")
router.register("targets/allocations", targets_api.AllocationViewSet, basename="allocation")
router.register("reports", reports_api.ReportViewSet, basename="report")
router.register("me/notifications", portal_api.NotificationViewSet, basename="notification")

urlpatterns = [
    path("me/", api.me, name="me"),
    path("auth/token/", api.obtain_token, name="obtain-token"),
    path(
        "attendance/events/",
        training_api.AttendanceEventsView.as_view(),
        name="attendance-events",
    ),
    path(
        "attendance/signed-batches/",
        training_api.SignedBatchView.as_view(),
        name="attendance-signed-batches",
    ),
    path("faces/enrol/", faces_api.FaceEnrolView.as_view(), name="faces-enrol"),
    path("faces/check-in/", faces_api.FaceCheckInView.as_view(), name="faces-check-in"),
    # Statistics and dashboards: read-only work the read replica may serve (core.replica).
    path("stats/measures/", replica_view(stats_api.MeasuresView.as_view()), name="stats-measures"),
    path(
        "stats/indicators/",
        replica_view(stats_api.IndicatorsView.as_view()),
        name="stats-indicators",
    ),
    path(
        "targets/dashboard/",
        replica_view(targets_api.DashboardView.as_view()),
        name="targets-dashboard",
    ),
    path("", include(router.urls)),
]
if training_bench.enabled():  # bench/checkin_load.py only: the demo with JINENG_BENCH_ANCHOR=1
    urlpatterns.append(path("bench/anchor/", training_bench.anchor, name="bench-anchor"))

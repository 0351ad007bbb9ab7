"""The reports API: the kept reports within the caller's region (the page's selector and
filter), their two files (the page's download), and "generate now" (the page's form, the
worker's task, run as the caller)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.reverse import reverse

from jineng.core.api import CapabilityPermission, IdField, SelectorFilterBackend, invalid_form
from jineng.core.roles import Capability, has_capability
from jineng.reports import selectors
from jineng.reports.filters import ReportFilter
from jineng.reports.forms import GenerateForm
from jineng.reports.models import Report
from jineng.reports.tasks import generate_report
from jineng.reports.views import TYPES, file_response


class ReportSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    region_code = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    xlsx_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = ["id", "kind", "kind_label", "region", "region_code", "region_name",
                  "period_start", "period_end", "generated_at", "generated_by_label",
                  "on_schedule", "xlsx_url", "pdf_url"]  # fmt: skip
        read_only_fields = fields

    def _url(self, report, fmt) -> str:
        return reverse(f"api:report-{fmt}", args=[report.pk], request=self.context.get("request"))

    def get_xlsx_url(self, report) -> str:
        return self._url(report, "xlsx")

    def get_pdf_url(self, report) -> str:
        return self._url(report, "pdf")


class GenerateSerializer(serializers.Serializer):
    """For the schema: the body is read by the page's form (reports.forms.GenerateForm)."""

    kind = serializers.ChoiceField(choices=GenerateForm.base_fields["kind"].choices)
    region = IdField(help_text="a bureau of your region (organisation id)")
    start = serializers.DateField(required=False, help_text="empty: the last period ended")
    end = serializers.DateField(required=False)


def _file_schema(fmt: str):
    return extend_schema(responses={(200, TYPES[fmt]): OpenApiResponse(OpenApiTypes.BINARY)})


class ReportViewSet(viewsets.ReadOnlyModelViewSet):
    """Kept reports (周调度, 月小结, 季通报, 绩效评估) of the caller's region and the regions under
    it: a county reviewer gets its county's only; another's answers 404."""

    serializer_class = ReportSerializer
    permission_classes = [permissions.IsAuthenticated, CapabilityPermission]
    capability = Capability.VIEW_REPORTS
    filterset_class = ReportFilter
    filter_backends = [SelectorFilterBackend]

    def get_queryset(self):
        if self.action == "list":
            return selectors.report_list(self.request.user, self.request.query_params)
        return selectors.reports_for(self.request.user)

    @_file_schema("xlsx")
    @action(detail=True, methods=["get"])
    def xlsx(self, request, pk=None):
        """The report as an .xlsx workbook (its figures, a sheet per table)."""
        return file_response(self.get_object(), "xlsx")

    @_file_schema("pdf")
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        """The report as a PDF with its charts."""
        return file_response(self.get_object(), "pdf")

    @extend_schema(
        request=GenerateSerializer,
        responses={
            202: inline_serializer(
                "ReportQueued",
                {
                    "task": serializers.CharField(),
                    "status": serializers.CharField(),
                    "report": serializers.IntegerField(
                        allow_null=True, help_text="the report, once the worker made it"
                    ),
                },
            )
        },  # fmt: skip
    )
    def create(self, request):
        """Generate a report now (capability reports.generate) for a region within yours: the
        worker makes it as you and keeps it; it then appears in the list."""
        if not has_capability(request.user, Capability.GENERATE_REPORTS):
            raise exceptions.PermissionDenied()
        form = GenerateForm(selectors.regions_for(request.user), request.data)
        if not form.is_valid():
            raise invalid_form(form)
        data = form.cleaned_data
        result = generate_report.enqueue(
            data["kind"], data["region"].pk, data["start"].isoformat(), data["end"].isoformat(),
            request.user.pk,
        )  # fmt: skip
        done = result.is_finished and not getattr(result, "errors", None)
        return Response(
            {"task": str(result.id), "status": str(result.status),
             "report": result.return_value if done else None},
            status=status.HTTP_202_ACCEPTED,
        )  # fmt: skip

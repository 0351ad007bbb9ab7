"""The statistics API: every measure and indicator with period, region and department as
parameters (the page's form; a bad parameter answers 400 with its message)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from jineng.core.api import CapabilityPermission
from jineng.core.roles import Capability
from jineng.stats import views
from jineng.stats.forms import StatsForm
from jineng.stats.measures import BY, COUNTED_AT

PARAMETERS = [
    OpenApiParameter("start", OpenApiTypes.DATE, description="first day (default: 1 January)"),
    OpenApiParameter("end", OpenApiTypes.DATE, description="last day (default: today)"),
    OpenApiParameter("by", OpenApiTypes.STR, enum=list(BY), description="default: county"),
    OpenApiParameter("counted_at", OpenApiTypes.STR, enum=list(COUNTED_AT),
                     description="training counted at completion (default) or enrolment"),
    OpenApiParameter("as_of", OpenApiTypes.DATE,
                     description="a past day: year to date as of it (its kept snapshot, else "
                     "the rollup up to it); start and end are then 1 January and that day"),
    OpenApiParameter("region", OpenApiTypes.INT, description="a bureau's organisation id"),
    OpenApiParameter("department", OpenApiTypes.INT, description="a department's id"),
]  # fmt: skip


def _params(request) -> dict:
    form = StatsForm(request.query_params)
    if not form.is_valid():
        raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
    return form.cleaned_data


class StatsView(APIView):
    permission_classes = [permissions.IsAuthenticated, CapabilityPermission]
    capability = Capability.VIEW_STATS


class MeasuresView(StatsView):
    @extend_schema(
        parameters=PARAMETERS,
        responses=inline_serializer(
            "StatsMeasures",
            {
                "by": serializers.CharField(),
                "as_of": serializers.DictField(
                    allow_null=True,
                    help_text=("with as_of: day, source (snapshot or rollup), taken_at"),
                ),
                "measures": serializers.ListField(child=serializers.DictField()),
                "rows": serializers.ListField(child=serializers.DictField()),
            },
        ),
        description="Every measure's total, its week up to `end`, and its values by `by`.",
    )
    def get(self, request):
        data = views.tables(request.user, _params(request))
        return Response({
            "by": data["by"],
            "as_of": data["as_of"],
            "measures": [
                {"code": m["code"], "name": str(m["measure"].name), "unit": str(m["measure"].unit),
                 "definition": str(m["measure"].definition), "cite": m["measure"].cite,
                 "total": m["total"], "week": m["week"], "rows_url": m["url"]}
                for m in data["measures"]
            ],
            "rows": [
                {"key": r["key"], "label": str(r["label"]),
                 "values": {v["measure"]: v["value"] for v in r["values"]}}
                for r in data["rows"]
            ],
        })  # fmt: skip


class IndicatorsView(StatsView):
    @extend_schema(
        parameters=PARAMETERS,
        responses=inline_serializer(
            "StatsIndicators",
            {
                "as_of": serializers.DictField(allow_null=True),
                "indicators": serializers.ListField(child=serializers.DictField()),
            },
        ),
        description="Every indicator with its formula, numerator, denominator and rate (%).",
    )
    def get(self, request):
        data = views.tables(request.user, _params(request))
        return Response({
            "as_of": data["as_of"],
            "indicators": [
                {"code": i["code"], "name": str(i["indicator"].name),
                 "formula": str(i["indicator"].formula), "cite": i["indicator"].cite,
                 "available": i["available"], "numerator": i["numerator"],
                 "denominator": i["denominator"], "rate": i["rate"],
                 "numerator_url": i.get("numerator_url"),
                 "denominator_url": i.get("denominator_url")}
                for i in data["indicators"]
            ]
        })  # fmt: skip

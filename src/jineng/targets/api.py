"""The target plans API: plans, their versions and allocation rows, through the same selectors
and filters as the pages (a county or a department gets its own rows only)."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from jineng.core.api import CapabilityPermission, IdField, SelectorFilterBackend, invalid_form
from jineng.core.filters import MAX_ID
from jineng.core.roles import Capability, has_capability
from jineng.stats.measures import INDICATORS, MEASURES, NO_DATA
from jineng.targets import dashboard, selectors, services
from jineng.targets.annex import persons_to_wan
from jineng.targets.filters import AllocationFilter, PlanFilter, VersionFilter
from jineng.targets.forms import DashboardForm, PlanForm, ReallocateForm
from jineng.targets.models import Allocation, Plan, PlanVersion

UNKNOWN_MEASURE = gettext_lazy("no such measure for this plan")
UNKNOWN_CELL = gettext_lazy("no such unit of your bureau or measure")
UNKNOWN_ROW = gettext_lazy("No such row in this version.")


class TotalSerializer(serializers.Serializer):
    measure = serializers.CharField(source="measure.code")
    value = serializers.IntegerField(help_text="whole persons (or person-times)")


class PlanSerializer(serializers.ModelSerializer):
    bureau_code = serializers.CharField(source="bureau.code", read_only=True)
    bureau_name = serializers.CharField(source="bureau.name", read_only=True)
    latest_version = serializers.SerializerMethodField()

    class Meta:
        model = Plan
        fields = ["id", "title", "bureau", "bureau_code", "bureau_name", "start_year",
                  "end_year", "latest_version"]  # fmt: skip
        read_only_fields = fields

    def get_latest_version(self, plan) -> int | None:
        latest = selectors.latest_version(plan)
        return latest.number if latest else None


class VersionSerializer(serializers.ModelSerializer):
    totals = TotalSerializer(many=True, read_only=True)

    class Meta:
        model = PlanVersion
        fields = ["id", "plan", "number", "reason", "document_number", "created_by_label",
                  "created_at", "totals"]  # fmt: skip
        read_only_fields = fields


class AllocationSerializer(serializers.ModelSerializer):
    plan = serializers.IntegerField(source="version.plan_id", read_only=True)
    version_number = serializers.IntegerField(source="version.number", read_only=True)
    measure = serializers.CharField(source="measure.code", read_only=True)
    unit_code = serializers.CharField(source="organisation.code", default="", read_only=True)
    value = serializers.IntegerField(read_only=True, help_text="whole persons (or person-times)")

    class Meta:
        model = Allocation
        fields = ["id", "plan", "version", "version_number", "measure", "axis", "position",
                  "label", "organisation", "unit_code", "programme", "value"]  # fmt: skip
        read_only_fields = fields


class PersonsField(serializers.IntegerField):
    """A target in whole persons: from 0 to what the database holds (PositiveBigIntegerField)."""

    def __init__(self, **kwargs):
        super().__init__(min_value=0, max_value=MAX_ID, **kwargs)


class CellSerializer(serializers.Serializer):
    axis = serializers.ChoiceField(choices=["county", "department"])
    unit = IdField(help_text="the county bureau's or department's id")
    measure = serializers.CharField()
    value = PersonsField(help_text="whole persons (or person-times)")


class NewPlanSerializer(serializers.Serializer):
    """The body of a new plan: the page's form (targets.forms.PlanForm), figures in persons."""

    bureau = IdField(help_text="your bureau or one below it")
    start_year = serializers.IntegerField(min_value=2000, max_value=2100)
    end_year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.CharField()
    reason = serializers.CharField(help_text="of version 1")
    document_number = serializers.CharField(help_text="文件号 of version 1")
    training_counted_at = serializers.ChoiceField(choices=["completion", "enrolment"],
                                                  required=False)  # fmt: skip
    copy_from = IdField(
        required=False, allow_null=True, help_text="a plan of the same bureau whose rows to copy"
    )
    totals = serializers.DictField(child=PersonsField(), help_text="{measure code: persons}")
    allocations = CellSerializer(many=True, required=False,
                                 help_text="rows of the counties and departments under your "
                                 "bureau (not with copy_from)")  # fmt: skip


class ValueSerializer(serializers.Serializer):
    axis = serializers.ChoiceField(choices=["county", "department", "programme"])
    position = IdField(help_text="the row's position in its table")
    measure = serializers.CharField()
    value = PersonsField(help_text="whole persons (or person-times)")


class ReallocationSerializer(serializers.Serializer):
    """A new version from the latest (the page's ReallocateForm): what is not given stays."""

    reason = serializers.CharField()
    document_number = serializers.CharField(help_text="文件号")
    totals = serializers.DictField(
        child=PersonsField(),
        required=False,
        help_text="{measure code: persons}: the totals that change",
    )
    values = ValueSerializer(many=True, required=False, help_text="the cells that change")


class ChangeSerializer(serializers.Serializer):
    axis = serializers.CharField(help_text='"" for a total')
    label = serializers.CharField()
    measure = serializers.CharField(source="measure.code")
    before = serializers.IntegerField(allow_null=True)
    after = serializers.IntegerField(allow_null=True)


def _wan(persons: int) -> str:
    return persons_to_wan(persons)


def _body(serializer_class, data) -> dict:
    body = serializer_class(data=data)
    body.is_valid(raise_exception=True)
    return body.validated_data


def _refused(problem) -> ValidationError:
    """A service's refusal as the API's 400 (a PermissionDenied of the region too: the form
    already offered only the caller's bureaus)."""
    if isinstance(problem, PermissionDenied):
        return ValidationError({"detail": [str(problem)]})
    return ValidationError(problem.message_dict if hasattr(problem, "error_dict")
                           else {"detail": problem.messages})  # fmt: skip


def _plan_form(user, body: dict) -> PlanForm:
    """The page's form, filled from the API's body (persons turned into 万 as the page takes
    them). A total or a cell the form has no field for is refused by name."""
    data = {name: body[name] for name in ("bureau", "start_year", "end_year", "title", "reason",
                                          "document_number") if name in body}  # fmt: skip
    data["training_counted_at"] = body.get("training_counted_at") or "completion"
    if body.get("copy_from"):
        data["copy_from"] = body["copy_from"]
    form = PlanForm(data, user=user)
    unknown = {}
    for code, value in body["totals"].items():
        if f"t_{code}" not in form.fields:
            unknown.setdefault("totals", []).append(f"{code}: " + str(UNKNOWN_MEASURE))
        data[f"t_{code}"] = _wan(value)
    for i, cell in enumerate(body.get("allocations") or []):
        name = f"a_{cell['axis']}_{cell['unit']}_{cell['measure']}"
        if name not in form.fields:
            unknown.setdefault("allocations", []).append(f"{i}: " + str(UNKNOWN_CELL))
        data[name] = _wan(cell["value"])
    if unknown:
        raise ValidationError(unknown)
    return PlanForm(data, user=user)


def _reallocate_form(latest, body: dict) -> ReallocateForm:
    """The page's reallocation form, every figure as in force but those the body changes."""
    form = ReallocateForm(latest)
    data = {name: str(field.initial) for name, field in form.fields.items()
            if name in form.total_fields or name in form.cell_fields}  # fmt: skip
    data.update(reason=body["reason"], document_number=body["document_number"])
    unknown = {}
    for code, value in (body.get("totals") or {}).items():
        if f"t_{code}" not in form.total_fields:
            unknown.setdefault("totals", []).append(f"{code}: " + str(UNKNOWN_MEASURE))
        data[f"t_{code}"] = _wan(value)
    for i, cell in enumerate(body.get("values") or []):
        name = f"c_{cell['axis']}_{cell['position']}_{cell['measure']}"
        if name not in form.cell_fields:
            unknown.setdefault("values", []).append(f"{i}: " + str(UNKNOWN_ROW))
        data[name] = _wan(cell["value"])
    if unknown:
        raise ValidationError(unknown)
    return ReallocateForm(latest, data)


def _form_refusal(form) -> ValidationError:
    """The form's errors as the API names them: a total under `totals`, a cell under
    `allocations` or `values` (with its label), the rest by field."""
    errors = invalid_form(form).detail
    named = {}
    for name, messages in errors.items():
        if name.startswith("t_"):
            named.setdefault("totals", {})[name[2:]] = messages
        elif name.startswith(("a_", "c_")):
            key = "allocations" if name.startswith("a_") else "values"
            label = form.fields[name].label
            named.setdefault(key, []).extend(f"{label}: {m}" for m in messages)
        else:
            named[name] = messages
    return ValidationError(named)


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    """Target plans of the caller's region, and those in which the caller has a row. A bureau
    (targets.manage) makes a plan and its reallocations here as on the pages."""

    serializer_class = PlanSerializer
    permission_classes = [permissions.IsAuthenticated, CapabilityPermission]
    capability = Capability.VIEW_TARGETS
    filterset_class = PlanFilter
    filter_backends = [SelectorFilterBackend]

    def get_queryset(self):
        if self.action == "list":
            return selectors.plan_list(self.request.user, self.request.query_params)
        return selectors.plans_for(self.request.user)

    def _require_manage(self):
        if not has_capability(self.request.user, Capability.MANAGE_TARGETS):
            raise exceptions.PermissionDenied()

    @extend_schema(request=NewPlanSerializer, responses={201: PlanSerializer})
    def create(self, request):
        """新建计划 (targets.manage): a plan of your bureau or one below it, version 1 with its
        reason and 文件号, its totals and optionally its county and department rows (or the
        rows of a plan of the same bureau to copy). 400 with the reasons by field."""
        self._require_manage()
        form = _plan_form(request.user, _body(NewPlanSerializer, request.data))
        if not form.is_valid():
            raise _form_refusal(form)
        data = form.cleaned_data
        try:
            plan = services.create_plan(
                bureau=data["bureau"], start_year=data["start_year"], end_year=data["end_year"],
                title=data["title"], reason=data["reason"],
                document_number=data["document_number"], totals=form.totals(),
                training_counted_at=data["training_counted_at"], copy_from=data["copy_from"],
                rows=form.rows(),
            )  # fmt: skip
        except (DjangoValidationError, PermissionDenied) as problem:
            raise _refused(problem) from problem
        return Response(PlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReallocationSerializer, responses={201: inline_serializer(
        "PlanReallocated", {"version": VersionSerializer(), "changes": ChangeSerializer(many=True)}
    )})  # fmt: skip
    @action(detail=True, methods=["post"])
    def versions(self, request, pk=None):
        """A reallocation (targets.manage; the plan's whole region): the next version from the
        latest, with its reason and 文件号; totals and cells not given stay. The answer lists
        what changed."""
        self._require_manage()
        plan = self.get_object()
        if not selectors.sees_whole(request.user, plan):
            raise Http404
        latest = selectors.latest_version(plan)
        form = _reallocate_form(latest, _body(ReallocationSerializer, request.data))
        if not form.is_valid():
            raise _form_refusal(form)
        try:
            version = services.reallocate(
                latest, reason=form.cleaned_data["reason"],
                document_number=form.cleaned_data["document_number"],
                totals=form.totals(), values=form.values(),
            )  # fmt: skip
        except (DjangoValidationError, PermissionDenied) as problem:
            raise _refused(problem) from problem
        changes = selectors.diff(request.user, latest, version)
        return Response(
            {"version": VersionSerializer(version).data,
             "changes": ChangeSerializer(changes, many=True).data},
            status=status.HTTP_201_CREATED,
        )  # fmt: skip


class PlanVersionViewSet(viewsets.ReadOnlyModelViewSet):
    """Versions of the plans the caller sees, each with its totals (old versions stay)."""

    serializer_class = VersionSerializer
    permission_classes = [permissions.IsAuthenticated, CapabilityPermission]
    capability = Capability.VIEW_TARGETS
    filterset_class = VersionFilter
    filter_backends = [SelectorFilterBackend]

    def get_queryset(self):
        if self.action == "list":
            queryset = selectors.version_list(self.request.user, self.request.query_params)
        else:
            queryset = selectors.versions_for(self.request.user)
        return queryset.prefetch_related("totals__measure")


class AllocationViewSet(viewsets.ReadOnlyModelViewSet):
    """Allocation rows (filter by plan, version, measure code, axis, latest=true): the plan's
    region sees every row, a county or a department its own."""

    serializer_class = AllocationSerializer
    permission_classes = [permissions.IsAuthenticated, CapabilityPermission]
    capability = Capability.VIEW_TARGETS
    filterset_class = AllocationFilter
    filter_backends = [SelectorFilterBackend]

    def get_queryset(self):
        if self.action == "list":
            return selectors.allocation_list(self.request.user, self.request.query_params)
        return selectors.allocations_for(self.request.user)


class DashboardView(APIView):
    """The figures of the dashboards, as the page's tables show them (targets.dashboard.data)."""

    permission_classes = [permissions.IsAuthenticated, CapabilityPermission]
    capability = Capability.VIEW_STATS

    @extend_schema(
        parameters=[
            OpenApiParameter("plan", OpenApiTypes.INT,
                             description="a plan's id (default: the caller's plan of this year)"),
            OpenApiParameter("measure", OpenApiTypes.STR, enum=list(MEASURES),
                             description=f"default: {dashboard.DEFAULT_MEASURE}"),
            OpenApiParameter("indicator", OpenApiTypes.STR,
                             enum=[i for i in INDICATORS if i not in NO_DATA],
                             description=f"default: {dashboard.DEFAULT_INDICATOR}"),
        ],
        responses=OpenApiTypes.OBJECT,
        description="Progress against target by county and by department (target, counted, "
        "percent, left, link to the rows), the map's settings, trends by week and month, and "
        "one indicator per institution; within the caller's data scope.",
    )  # fmt: skip
    def get(self, request):
        form = DashboardForm(request.user, request.query_params)
        if not form.is_valid():
            raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
        return Response(dashboard.data(request.user, form.cleaned_data))

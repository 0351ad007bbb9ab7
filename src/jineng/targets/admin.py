"""Target plans in the Django admin, read-only: plans, versions, totals, allocations, measures and
programmes change only through the targets services (fail closed, audited; a version is never
edited, a reallocation makes the next one)."""

from django.contrib import admin

from jineng.core.admin import ReadOnlyAdmin
from jineng.targets import models


@admin.register(models.Measure)
class MeasureAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "unit", "bureau", "position"]
    list_filter = ["unit"]
    search_fields = ["code", "name"]


@admin.register(models.Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ["title", "bureau", "start_year", "end_year", "created_at"]
    list_filter = ["start_year"]
    search_fields = ["title", "bureau__name"]


@admin.register(models.PlanVersion)
class PlanVersionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "number", "document_number", "reason", "created_by_label",
                    "created_at"]  # fmt: skip
    search_fields = ["plan__title", "document_number"]


@admin.register(models.PlanTotal)
class PlanTotalAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "measure", "value"]


@admin.register(models.Allocation)
class AllocationAdmin(ReadOnlyAdmin):
    list_display = ["version", "axis", "position", "label", "measure", "value"]
    list_filter = ["axis"]
    search_fields = ["label", "version__plan__title"]


@admin.register(models.Programme)
class ProgrammeAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "bureau", "responsible", "targets_text"]
    search_fields = ["name", "responsible"]


@admin.register(models.ProgrammeTarget)
class ProgrammeTargetAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "measure", "value", "rate_percent"]

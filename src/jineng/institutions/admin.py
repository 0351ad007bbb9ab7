"""Institutions in the Django admin, for system administrators: annual inspections, year
records and credit files can be entered here too; every edit is audited. The state history is
evidence and read-only; states change only through the reviewer's page (with reasons)."""

from django.contrib import admin

from jineng.core.admin import AuditedAdmin, ReadOnlyAdmin
from jineng.institutions import models

for model in (
    models.Inspection,
    models.YearRecord,
    models.CreditEvent,
    models.Examiner,
    models.Filing,
    models.Listing,
    models.InstitutionListing,
    models.Teacher,
    models.Engagement,
):
    admin.site.register(
        model, type(f"{model.__name__}Admin", (AuditedAdmin,), {"list_display": ["__str__"]})
    )


@admin.register(
    models.Institution,
    models.EvaluationOrg,
    models.Designation,
    models.DesignationRequest,
    models.Enterprise,  # recorded and changed through the enterprise pages, with their rules
)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["__str__"]

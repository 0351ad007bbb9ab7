"""Evaluation bookings, results and the trainees' free-evaluation agreements in the Django admin,
for system administrators: evidence, read-only. Bookings change only through evaluation.services
(with their checks and reasons); a result, once recorded, may have issued a certificate."""

from django.contrib import admin

from jineng.core.admin import ReadOnlyAdmin
from jineng.evaluation import models


@admin.register(models.EvaluationBooking)
class EvaluationBookingAdmin(ReadOnlyAdmin):
    list_display = ["training_class", "evaluation_org", "planned_date", "due_on", "state"]
    list_filter = ["state"]
    search_fields = ["training_class__code", "evaluation_org__organisation__name"]
    date_hierarchy = "planned_date"


@admin.register(models.EvaluationResult)
class EvaluationResultAdmin(ReadOnlyAdmin):
    list_display = ["enrollment", "booking", "theory_score", "practical_score", "passed"]
    list_filter = ["passed"]
    search_fields = ["booking__training_class__code", "enrollment__person__name"]


@admin.register(models.ApplicantAgreement)
class ApplicantAgreementAdmin(ReadOnlyAdmin):
    """Each trainee's free-evaluation agreement (004 §四(五)); the scan stays encrypted and is
    read on the booking's page, where each view is audited."""

    list_display = ["enrollment", "evaluation_org", "signed_on", "signatory", "recorded_at"]
    search_fields = ["enrollment__person__name", "evaluation_org__organisation__name"]
    date_hierarchy = "signed_on"
    exclude = ["scan"]

"""Subsidy claims in the Django admin, read-only: claims, lines, notices, objections, payments and
recoveries change only through the claims services (with their checks, decisions, history and
the persons' ledgers), and every one of them is evidence of money paid or refused."""

from django.contrib import admin

from jineng.claims import models
from jineng.core.admin import ReadOnlyAdmin


@admin.register(models.Claim)
class ClaimAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "state", "organisation", "bureau", "requested_total",
                    "approved_total", "created_at"]  # fmt: skip
    list_filter = ["kind", "state"]
    search_fields = ["number", "organisation__name", "payee_name", "payee_uscc"]
    date_hierarchy = "created_at"


@admin.register(models.ClaimLine)
class ClaimLineAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "subsidy_type", "amount", "granted", "state"]
    list_filter = ["subsidy_type", "state", "granted"]
    search_fields = ["claim__number", "person__name"]


@admin.register(models.EvaluationAgreement)
class EvaluationAgreementAdmin(ReadOnlyAdmin):
    list_display = ["number", "evaluation_org", "bureau", "valid_from", "valid_to"]
    search_fields = ["number"]


@admin.register(models.Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "claim", "working_days", "ended_at"]


@admin.register(models.Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "notice", "line", "contact_masked"]
    list_filter = ["state"]
    exclude = ["contact_cipher"]


@admin.register(models.PaymentBatch)
class PaymentBatchAdmin(ReadOnlyAdmin):
    list_display = ["number", "bureau", "fund_channel", "state", "total", "created_at"]
    list_filter = ["state"]
    search_fields = ["number"]


@admin.register(models.Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "batch", "outcome", "recorded_at"]
    list_filter = ["outcome"]


@admin.register(models.Recovery)
class RecoveryAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "cause", "state", "recovered_amount", "opened_at"]
    list_filter = ["state", "cause"]

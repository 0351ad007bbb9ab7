"""Vouchers in the Django admin, read-only: a voucher changes state only through the services
(with their checks, history and ledger), and its history is evidence."""

from django.contrib import admin

from jineng.core.admin import ReadOnlyAdmin
from jineng.vouchers import models


@admin.register(models.Voucher)
class VoucherAdmin(ReadOnlyAdmin):
    list_display = ["number", "person", "state", "value", "issued_on", "valid_until",
                    "organisation"]  # fmt: skip
    list_filter = ["state"]
    search_fields = ["number", "person__name"]
    date_hierarchy = "issued_on"


@admin.register(models.VoucherRule)
class VoucherRuleAdmin(ReadOnlyAdmin):
    list_display = ["name", "organisation", "value", "validity_days", "last_run_at"]

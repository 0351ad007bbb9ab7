"""Catalogs in the Django admin (system administrators): edits go through the audited writes.
Policy pack versions and decisions are read-only: they are evidence."""

from django.contrib import admin

from jineng.catalog.models import DecisionRecord, PolicyPackVersion
from jineng.catalog.registry import CATALOGS
from jineng.core.admin import AuditedAdmin, ReadOnlyAdmin

for catalog in CATALOGS.values():
    admin.site.register(
        catalog.model,
        type(
            f"{catalog.model.__name__}Admin",
            (AuditedAdmin,),
            {"search_fields": catalog.search_fields, "list_display": ["__str__"]},
        ),
    )


@admin.register(PolicyPackVersion)
class PolicyPackVersionAdmin(ReadOnlyAdmin):
    list_display = ["pack_id", "version", "title", "region_code", "effective_from", "loaded_at"]


@admin.register(DecisionRecord)
class DecisionRecordAdmin(ReadOnlyAdmin):
    list_display = ["kind", "outcome", "amount", "pack", "subject_type", "subject_id", "decided_at"]
    list_filter = ["kind", "outcome"]

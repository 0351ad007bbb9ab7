"""Catalogs in the Django admin (system administrators): edits go through the audited writes.
Policy pack versions and decisions are read-only: they are evidence."""

from django.contrib import admin

from jineng.catalog.models import DecisionRecord, PolicyPackVersion
from jineng.catalog.registry import CATALOGS
from jineng.core import writes
from jineng.core.admin import ReadOnlyAdmin


class CatalogAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        if change:
            original = type(obj).objects.get(pk=obj.pk)
            writes.update(
                original,
                **{
                    name: getattr(obj, name)
                    for name in form.changed_data
                    if name in {f.name for f in obj._meta.concrete_fields}
                },
            )
            obj.pk = original.pk
        else:
            writes.create(obj)

    def has_delete_permission(self, request, obj=None):
        return False  # decisions and claims refer to catalog rows: correct them instead


for catalog in CATALOGS.values():
    admin.site.register(
        catalog.model,
        type(
            f"{catalog.model.__name__}Admin",
            (CatalogAdmin,),
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

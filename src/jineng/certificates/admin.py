"""Certificates in the Django admin: read-only evidence. They are issued, recorded and revoked
only through the services (numbered, signed, audited, on the holder's ledger)."""

from django.contrib import admin

from jineng.certificates import models
from jineng.core.admin import ReadOnlyAdmin


@admin.register(models.Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "occupation", "level", "issued_on", "issuer_name", "status"]
    list_filter = ["kind", "status", "issued_here"]
    search_fields = ["number"]


admin.site.register(models.NumberSequence, ReadOnlyAdmin)

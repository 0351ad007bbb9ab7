"""Reads, always through the data-scope filter of the asking user."""

from django.db.models import Q, QuerySet

from jineng.core.filters import AuditEntryFilter, ImportJobFilter, run
from jineng.core.models import AuditEntry, ImportJob, Organisation, User
from jineng.core.scope import scoped


def organisations_for(user, *, search: str = "", kind: str = "") -> QuerySet[Organisation]:
    queryset = scoped(user, Organisation.objects.select_related("parent"))
    if search:
        queryset = queryset.filter(Q(name__icontains=search) | Q(code__icontains=search))
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset


def users_for(user, *, search: str = "", role: str = "") -> QuerySet[User]:
    queryset = scoped(user, User.objects.select_related("organisation").prefetch_related("roles"))
    if search:
        queryset = queryset.filter(Q(username__icontains=search) | Q(full_name__icontains=search))
    if role:
        queryset = queryset.filter(roles__role=role)
    return queryset


def audit_entries_for(user) -> QuerySet[AuditEntry]:
    return scoped(user, AuditEntry.objects.all())


def audit_entry_list(user, filters=None) -> QuerySet[AuditEntry]:
    """The audit log's page and API list: newest first."""
    return run(AuditEntryFilter, audit_entries_for(user), filters).order_by("-at", "-id")


def import_jobs_for(user) -> QuerySet[ImportJob]:
    return scoped(user, ImportJob.objects.all())


def import_job_list(user, filters=None) -> QuerySet[ImportJob]:
    """The imports page and the API's list: newest first."""
    return run(ImportJobFilter, import_jobs_for(user), filters).order_by("-created_at", "-id")

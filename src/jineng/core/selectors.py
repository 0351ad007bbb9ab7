"""Reads, always through the data-scope filter of the asking user."""

from django.db.models import QuerySet

from jineng.core.filters import (
    ApiTokenFilter,
    AuditEntryFilter,
    ImportJobFilter,
    OrganisationFilter,
    UserFilter,
    run,
)
from jineng.core.models import ApiToken, AuditEntry, ImportJob, Organisation, User
from jineng.core.roles import Capability, has_capability
from jineng.core.scope import scoped


def organisations_for(user) -> QuerySet[Organisation]:
    return scoped(user, Organisation.objects.select_related("parent"))


def organisation_list(user, filters=None) -> QuerySet[Organisation]:
    """The organisation list of the page and the API: in tree order."""
    return run(OrganisationFilter, organisations_for(user), filters).order_by("path", "id")


def users_for(user) -> QuerySet[User]:
    return scoped(user, User.objects.select_related("organisation").prefetch_related("roles"))


def user_list(user, filters=None) -> QuerySet[User]:
    """The user list of the page and the API: by username."""
    return run(UserFilter, users_for(user), filters).order_by("username", "id")


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


def api_tokens_for(user) -> QuerySet[ApiToken]:
    """A user's own tokens; for a user manager, also those of the users in their scope. Not the
    token's data scope: a reviewer sees the region's rows, never its colleagues' tokens."""
    tokens = ApiToken.objects.select_related("user")
    if not getattr(user, "is_authenticated", False):
        return tokens.none()
    if has_capability(user, Capability.MANAGE_USERS):
        return tokens.filter(user__in=scoped(user, User.objects).values("pk"))
    return tokens.filter(user=user)


def api_token_list(user, filters=None) -> QuerySet[ApiToken]:
    """The tokens page and the API's list: newest first."""
    return run(ApiTokenFilter, api_tokens_for(user), filters).order_by("-created_at", "-id")

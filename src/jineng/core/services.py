"""Writes to organisations, users, roles and API tokens, each in a transaction and audited."""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.cn import uscc

from jineng.core import audit, writes
from jineng.core.models import (
    DEFAULT_TOKEN_LIFETIME,
    TOKEN_LIFETIMES,
    ApiToken,
    AuditAction,
    Organisation,
    User,
    UserRole,
)
from jineng.core.roles import (
    ADMINISTRATOR_ROLES,
    ROLE_ORG_KINDS,
    Capability,
    OrgKind,
    Role,
    acting_user,
    has_capability,
    require_actor,
    require_capability,
)
from jineng.core.scope import rewrite_path_copies, scoped


@transaction.atomic
def create_organisation(
    *, kind: str, name: str, code: str, parent: Organisation | None, region_code: str = ""
) -> Organisation:
    if kind != OrgKind.BUREAU and parent is None:
        raise ValidationError(_("Only a bureau can be at the top of the tree."))
    if kind in {OrgKind.INSTITUTION, OrgKind.EVALUATION_ORG} and not uscc.is_valid(code):
        # Institutions and evaluation organisations are known by their 统一社会信用代码.
        raise ValidationError(
            {"code": _("“%(code)s” is not a valid unified social credit code.") % {"code": code}}
        )
    writes.ensure_can_write()
    org = Organisation(kind=kind, name=name, code=code, parent=parent, region_code=region_code)
    # The path needs the primary key: save once with a unique placeholder, then set it.
    org.path = f"~{secrets.token_hex(8)}"
    org.depth = parent.depth + 1 if parent else 0
    org.full_clean()
    org.save(force_insert=True)
    org.path = (parent.path if parent else "/") + Organisation.path_segment(org.pk)
    org.save(update_fields=["path"])
    audit.record(AuditAction.CREATE, org, after=audit.snapshot(org))
    return org


@transaction.atomic
def move_organisation(org: Organisation, new_parent: Organisation) -> Organisation:
    """Re-hang a subtree: rewrite the path of the node and of everything below it, and the
    copies of those paths that rows keep for their data scope."""
    if new_parent.path.startswith(org.path):
        raise ValidationError(_("An organisation cannot be moved below itself."))
    old_path = org.path
    new_path = new_parent.path + Organisation.path_segment(org.pk)
    depth_change = new_parent.depth + 1 - org.depth
    descendants = list(Organisation.objects.filter(path__startswith=old_path).exclude(pk=org.pk))
    writes.update(org, parent=new_parent, path=new_path, depth=org.depth + depth_change)
    for node in descendants:
        writes.update(
            node,
            path=new_path + node.path[len(old_path) :],
            depth=node.depth + depth_change,
            message=_("moved with its parent"),
        )
    # The rows that keep a copy of a path for their scope (core.scope.PathCopies) follow.
    rewrite_path_copies(old_path, new_path)
    return org


def _check_roles_fit(roles: list[str], organisation: Organisation | None) -> None:
    if not roles:
        raise ValidationError(_("A user needs at least one role."))
    administrator = sorted(set(roles) & ADMINISTRATOR_ROLES)
    if len(administrator) > 1:
        # 三权分立 (GB/T 22239-2019 8.1.5): three administrators, three people.
        raise ValidationError(
            _("One account cannot hold two of the administrator roles (%(roles)s).")
            % {"roles": "、".join(str(Role(role).label) for role in administrator)}
        )
    for role in roles:
        if role not in Role.values:
            raise ValidationError(_("Unknown role: %(role)s") % {"role": role})
        if organisation is None:
            raise ValidationError(_("A user must belong to an organisation."))
        if organisation.kind not in ROLE_ORG_KINDS[Role(role)]:
            raise ValidationError(
                _("The role “%(role)s” does not fit an organisation of kind “%(kind)s”.")
                % {"role": Role(role).label, "kind": organisation.get_kind_display()}
            )


NOT_SECURITY_ADMIN = gettext_lazy(
    "Only the security administrator creates accounts and sets roles."
)


def _admin_flags(roles) -> tuple[bool, bool]:
    """(is_staff, is_superuser): the Django admin is for the three administrators; only the
    system administrator is a superuser there, and core.admin still keeps the accounts to the
    security administrator and the audit log to the audit administrator (by capability)."""
    return bool(set(roles) & ADMINISTRATOR_ROLES), Role.SYSTEM_ADMIN in roles


@transaction.atomic
def create_user(
    *,
    username: str,
    password: str,
    organisation: Organisation,
    roles: list[str],
    full_name: str = "",
    email: str = "",
) -> User:
    require_capability(Capability.MANAGE_USERS, NOT_SECURITY_ADMIN)
    _check_roles_fit(roles, organisation)
    user = User(
        username=username.strip(), full_name=full_name, email=email, organisation=organisation
    )
    validate_password(password, user)
    user.set_password(password)
    user.is_staff, user.is_superuser = _admin_flags(roles)
    writes.create(user)
    for role in roles:
        writes.create(UserRole(user=user, role=role))
    return user


@transaction.atomic
def set_roles(user: User, roles: list[str]) -> User:
    require_capability(Capability.MANAGE_USERS, NOT_SECURITY_ADMIN)
    _check_roles_fit(roles, user.organisation)
    current = {r.role: r for r in user.roles.all()}
    for role, assignment in current.items():
        if role not in roles:
            writes.delete(assignment)
    for role in roles:
        if role not in current:
            writes.create(UserRole(user=user, role=role))
    is_staff, is_superuser = _admin_flags(roles)
    writes.update(user, is_staff=is_staff, is_superuser=is_superuser)
    user.__dict__.pop("role_set", None)
    return user


@transaction.atomic
def set_password(user: User, password: str) -> User:
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(AuditAction.UPDATE, user, message=_("password changed"))
    return user


def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _token_lifetime(days) -> int:
    if days not in TOKEN_LIFETIMES:
        raise ValidationError(
            {
                "days": _("A token lives %(choices)s days; choose one of them.")
                % {"choices": "、".join(str(d) for d in TOKEN_LIFETIMES)}
            }
        )
    return days


@transaction.atomic
def issue_api_token(
    user: User, name: str, days: int = DEFAULT_TOKEN_LIFETIME
) -> tuple[ApiToken, str]:
    """Create a token and return it with its key, which is shown this once and never stored.
    It lives one of TOKEN_LIFETIMES days (none for ever). A user's own credential: audited, and
    not refused to a read-only role (as a password change)."""
    require_actor()
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken(
        user=user,
        name=name,
        prefix=key[:8],
        key_hash=hash_token(key),
        created_at=now,
        expires_at=now + timedelta(days=_token_lifetime(days)),
    )
    writes.check_valid(token)
    token.save(force_insert=True)
    audit.record(AuditAction.CREATE, token, after=audit.snapshot(token))
    return token, key


NOT_YOURS = gettext_lazy(
    "Only the token's owner or an administrator who manages users may do this."
)


def may_manage_token(user, token: ApiToken) -> bool:
    """The owner, or a user manager whose scope holds the owner."""
    if user is None or not user.is_authenticated:
        return False
    if token.user_id == user.pk:
        return True
    return has_capability(user, Capability.MANAGE_USERS) and (
        scoped(user, User.objects).filter(pk=token.user_id).exists()
    )


@transaction.atomic
def revoke_api_token(token: ApiToken) -> ApiToken:
    """Stop a token at once (kept, shown as revoked). The owner or a user manager; audited."""
    require_actor()
    actor = acting_user()
    if actor is not None and not may_manage_token(actor, token):
        raise PermissionDenied(str(NOT_YOURS))
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise ValidationError(_("This token has already been revoked."))
    before = audit.snapshot(token)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(
        AuditAction.UPDATE,
        token,
        before=before,
        after=audit.snapshot(token),
        message=_("API token revoked"),
    )
    return token

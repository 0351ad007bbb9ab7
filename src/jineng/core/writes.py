"""Audited writes: the building blocks every service uses to change a model.

Each validates the object, saves it inside the caller's transaction and appends an audit entry
with the before and after values, so no service can forget the log.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import (
    NON_FIELD_ERRORS,
    ImproperlyConfigured,
    PermissionDenied,
    ValidationError,
)
from django.db import models
from django.utils.translation import gettext as _

from jineng.core import audit
from jineng.core.models import AuditAction
from jineng.core.roles import (
    READ_ONLY_EXCEPTIONS,
    READ_ONLY_ROLES,
    has_capability,
    require_actor,
)

# The capability whose service is running and lets a read-only role write (None: no exception).
_exception: ContextVar[str | None] = ContextVar("read_only_exception", default=None)


@contextmanager
def read_only_exception(capability: str):
    """Inside this block a read-only user who holds `capability` writes: the one service that
    opens it (payment.record_outcomes) has checked the capability, the scope and the state
    first. Only the capabilities of roles.READ_ONLY_EXCEPTIONS open one."""
    if capability not in READ_ONLY_EXCEPTIONS:
        raise ImproperlyConfigured(f"{capability} is not a write of a read-only role")
    token = _exception.set(capability)
    try:
        yield
    finally:
        _exception.reset(token)


def ensure_can_write() -> None:
    """Nobody writes anonymously (the system names its work), and finance and audit users read;
    they never write, whatever the page or API lets through, except inside the one narrow
    service that opens a read-only exception for a capability they hold."""
    require_actor()
    user = audit.current().acting_user()
    if user is not None and user.role_set and user.role_set <= READ_ONLY_ROLES:
        allowed = _exception.get()
        if allowed is None or not has_capability(user, allowed):
            raise PermissionDenied(_("Your role is read-only."))


def _rows_already_known(obj: models.Model, unchanged: frozenset[str]) -> set[str]:
    """The foreign keys of `obj` whose row needs no look-up: the related object the service
    holds (loaded or saved: it exists) and, on an update, every key the update leaves as it was
    (it pointed at a row when it was saved). The database's own constraint still guards both."""
    known = set()
    for field in obj._meta.concrete_fields:
        if not field.is_relation:
            continue
        if field.name in unchanged:
            known.add(field.name)
        elif field.is_cached(obj):
            related = field.get_cached_value(obj)
            if related is not None and related.pk is not None and not related._state.adding:
                known.add(field.name)
    return known


def check_valid(obj: models.Model, *, unchanged: frozenset[str] = frozenset()) -> None:
    """Django's `full_clean`, less the look-ups of related rows already known to exist
    (`_rows_already_known`): `ForeignKey.validate` queries its row every time, a tenth of a
    service's queries. Uniqueness and constraints are checked on every field, as full_clean does."""
    errors: dict = {}
    for check in (lambda: obj.clean_fields(exclude=_rows_already_known(obj, unchanged)), obj.clean):
        try:
            check()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    failed = {name for name in errors if name != NON_FIELD_ERRORS}
    for check in (obj.validate_unique, obj.validate_constraints):
        try:
            check(exclude=failed)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def create(obj: models.Model, *, message: str = "", validate: bool = True) -> models.Model:
    ensure_can_write()
    if validate:
        check_valid(obj)
    obj.save(force_insert=True)
    audit.record(AuditAction.CREATE, obj, after=audit.snapshot(obj), message=message)
    return obj


def create_many(objs: list[models.Model], *, message: str = "", validate: bool = True) -> list:
    """`create` for many objects of one model: the same checks of each, then one bulk insert
    (their primary keys set) and their "create" entries in bulk, chained in order in one link
    (audit.record_created): one round trip per table where `create` makes four per object.
    For models without a save() of their own or signals on saving (bulk_create calls neither);
    a model's scope path copies (core.scope.PathCopies) are filled here instead."""
    if not objs:
        return objs
    ensure_can_write()
    if validate:
        for obj in objs:
            check_valid(obj)
    model = type(objs[0])
    spec = getattr(model, "scope", None)
    if spec is not None and spec.path_copies:  # bulk_create skips PathCopies.save
        for obj in objs:
            spec.fill_path_copies(obj)
    model.objects.bulk_create(objs)
    if any(obj.pk is None for obj in objs):  # a backend that returns no keys from a bulk insert
        raise ImproperlyConfigured(f"{model.__name__}: bulk insert returned no primary keys")
    audit.record_created(objs, message=message)
    return objs


def update(obj: models.Model, *, message: str = "", validate: bool = True, **changes):
    """Set the given fields, save only those, and log what changed (nothing when nothing did)."""
    ensure_can_write()
    before = audit.snapshot(obj)
    for name, value in changes.items():
        setattr(obj, name, value)
    if validate:
        check_valid(obj, unchanged=frozenset(
            field.name for field in obj._meta.concrete_fields
            if field.is_relation and not {field.name, field.attname} & changes.keys()
        ))  # fmt: skip
    after = audit.snapshot(obj)
    if before == after:
        return obj
    obj.save(update_fields=list(changes))
    audit.record(AuditAction.UPDATE, obj, before=before, after=after, message=message)
    return obj


def delete(obj: models.Model, *, message: str = "") -> None:
    ensure_can_write()
    before = audit.snapshot(obj)
    audit.record(AuditAction.DELETE, obj, before=before, message=message)
    obj.delete()

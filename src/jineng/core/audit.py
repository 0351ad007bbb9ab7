"""The one audit-log writer.

Services call `record()` for every write; the request middleware (or `system_context()` in the
CLI and tasks) supplies who, from which address, and the request id that ties bulk changes
together. Personal fields are masked in the before/after snapshots.
"""

import contextlib
import contextvars
import dataclasses
import datetime
import decimal
import uuid
from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone

from jineng.core.personal import mask_id_number, mask_phone, mask_text


@dataclass(frozen=True)
class AuditContext:
    actor: object = None  # a user
    ip: str | None = None
    request_id: str = ""
    request: object = None  # the HttpRequest, whose user API authentication may set later
    # The named work of the system itself (a task, a command, the demo, a public page) when no
    # user acts. Services fail closed: with neither a user nor this name, they refuse.
    system: str = ""

    def acting_user(self):
        user = getattr(self.request, "user", None) if self.request is not None else self.actor
        return user if getattr(user, "is_authenticated", False) else None

    def label(self) -> str:
        """Who acts, as the audit log shows it: a username, `system:<work>`, or `anonymous`."""
        user = self.acting_user()
        if user is not None:
            return mask_text(user.get_username())
        return f"system:{self.system}" if self.system else "anonymous"


_NO_CONTEXT = AuditContext()
_context: contextvars.ContextVar[AuditContext] = contextvars.ContextVar("jineng_audit_context")


def new_request_id() -> str:
    return uuid.uuid4().hex


def current() -> AuditContext:
    return _context.get(_NO_CONTEXT)


@contextlib.contextmanager
def audit_context(
    actor=None, ip: str | None = None, request_id: str | None = None, request=None, system=""
):
    """Set who is acting for the duration of a block (requests, or a user's work in a task)."""
    ctx = AuditContext(
        actor=actor,
        ip=ip,
        request_id=request_id or new_request_id(),
        request=request,
        system=system,
    )
    token = _context.set(ctx)
    try:
        yield ctx
    finally:
        _context.reset(token)


@contextlib.contextmanager
def system_context(work: str):
    """Act as the system itself, saying which work (`task:expire_vouchers`, `command:setup`,
    `device:12`, `public:objection`): the only way a service runs without a signed-in user,
    written into the log. No user acts inside it; inside a request, its address and request id
    are kept."""
    if not work:
        raise ValueError("system work needs a name")
    outer = _context.get(None)
    ctx = (
        dataclasses.replace(outer, system=work, actor=None, request=None)
        if outer is not None
        else AuditContext(request_id=new_request_id(), system=work)
    )
    token = _context.set(ctx)
    try:
        yield ctx
    finally:
        _context.reset(token)


def acts_as_system() -> bool:
    """True inside `system_context()` when no user acts."""
    ctx = current()
    return ctx.acting_user() is None and bool(ctx.system)


def _json_value(value):
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        return "<binary>"
    return value


def snapshot(obj: models.Model) -> dict:
    """The object's concrete field values, JSON-ready, with personal fields masked.

    A model lists what to leave out in `audit_exclude` and what to mask in
    `personal_fields` ({"field": "id_number" | "phone"}).
    """
    exclude = getattr(obj, "audit_exclude", frozenset())
    personal = getattr(obj, "personal_fields", {})
    maskers = {"id_number": mask_id_number, "phone": mask_phone}
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude:
            continue
        value = getattr(obj, field.attname)
        if field.name in personal and value:
            value = maskers[personal[field.name]](str(value))
        data[field.attname] = _json_value(value)
    return data


def _entry(
    action: str, obj, *, before=None, after=None, message="", org_path=None, who=None
) -> dict:
    """The values of an audit entry for `obj` (or for no object): who, where, which request.
    `who`: (context, user, moment, label), read once for the many entries of one write."""
    ctx, user, at, label = who or _who()
    object_type = object_id = object_repr = ""
    if obj is not None:
        object_type = obj._meta.label_lower
        object_id = str(obj.pk)
        object_repr = mask_text(str(obj))[:200]
        if org_path is None:
            spec = getattr(type(obj), "scope", None)
            org_path = spec.org_path_of(obj) if spec else ""
    return {
        "at": at,
        "actor_id": user.pk if user else None,
        "actor_label": label,
        "ip": ctx.ip,
        "request_id": ctx.request_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr,
        "org_path": org_path or "",
        "before": before,
        "after": after,
        "message": mask_text(message)[:300],
    }


def _who() -> tuple:
    ctx = current()
    return ctx, ctx.acting_user(), timezone.now(), ctx.label()


def record(
    action: str,
    obj: models.Model | None = None,
    *,
    before: dict | None = None,
    after: dict | None = None,
    message: str = "",
    org_path: str | None = None,
):
    """Append one entry to the audit log, linked into its hash chain (core.chain)."""
    from jineng.core import chain
    from jineng.core.models import AuditEntry

    values = _entry(action, obj, before=before, after=after, message=message, org_path=org_path)
    # Joins the caller's transaction (no savepoint); alone, it makes one: the chain's head and
    # the entry are written together or not at all.
    with transaction.atomic(savepoint=False):
        chain.link([values])
        entry = AuditEntry(**values)
        entry.save(force_insert=True)
    return entry


def record_read(what: str, entry: models.Model | None = None) -> None:
    """Audit a read of the audit log itself (a list, an entry, an export): who read what,
    whatever their role, so the audit administrator's own reads are on the record."""
    from jineng.core.models import AuditAction

    record(AuditAction.READ_AUDIT, entry, message=what)


def record_created(objects: list[models.Model], message: str = "") -> None:
    """One "create" entry per object, inserted in bulk (imports of thousands of rows)."""
    from jineng.core import bulk, chain
    from jineng.core.models import AuditEntry

    who = _who()  # one write: one actor, one moment, one label for all its entries
    entries = [
        _entry("create", obj, after=snapshot(obj), message=message, who=who) for obj in objects
    ]
    with transaction.atomic(savepoint=False):
        chain.link(entries)
        bulk.insert(AuditEntry, entries)

"""Logins, logouts and failed logins go to the audit log; a failed task's stored traceback is
masked."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django_tasks_db.models import DBTaskResult

from jineng.core import audit
from jineng.core.models import AuditAction
from jineng.core.personal import mask_text


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    audit.record(AuditAction.LOGIN, user)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record(AuditAction.LOGOUT, user)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    from jineng.core.middleware import client_ip
    from jineng.core.security import is_locked

    username = credentials.get(get_user_model().USERNAME_FIELD, "") or ""
    ip = client_ip(request) if request is not None else None
    action = AuditAction.LOCKED_OUT if is_locked(username, ip) else AuditAction.LOGIN_FAILED
    audit.record(action, message=f"username: {mask_text(username)}"[:300])


@receiver(pre_save, sender=DBTaskResult)
def mask_stored_traceback(sender, instance: DBTaskResult, **kwargs) -> None:
    """A failed task's traceback is kept in the database (django_tasks_db): masked like a log
    line, since it repeats what the exception says (an ID number in a cell's value)."""
    if instance.traceback:
        instance.traceback = mask_text(instance.traceback)

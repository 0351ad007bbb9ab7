"""Who runs a service in a test: one helper for every test module.

Services fail closed (no signed-in user and no named system work: refused), so a test says who
acts: `with act("city_reviewer"):`, `with act(user):`, or `with act(None):` for the system's own
work (written in the audit log as `system:test`).
"""

from django.contrib.auth import get_user_model

from jineng.core import audit


def act(who):
    """A context in which services run as `who`: a username, a user, or None for the system."""
    if who is None:
        return audit.system_context("test")
    user = get_user_model().objects.get(username=who) if isinstance(who, str) else who
    return audit.audit_context(actor=user)

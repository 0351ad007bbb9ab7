"""Background work of the what-if app, run by `jineng worker`."""

from django_tasks import task

from jineng.core import audit
from jineng.core.models import User


@task()
def run_scenario(scenario_id: int, user_id: int | None) -> dict:
    """Replay one queued scenario as the user who asked for it."""
    from jineng.whatif import services
    from jineng.whatif.models import Scenario

    user = User.objects.filter(pk=user_id).first() if user_id else None
    context = audit.audit_context(actor=user) if user else audit.system_context("task:whatif")
    with context:
        scenario = services.run_scenario(Scenario.objects.get(pk=scenario_id))
    return {"state": scenario.state, "lines": scenario.lines, "changed": scenario.changed}

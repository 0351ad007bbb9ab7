"""The one state machine of every stateful model.

A model declares its workflow as data: the states (a TextChoices) and each step from one state
to another, with the capabilities that may take it (any one of them) and whether it needs a
reason:

    workflow = Workflow(ClassState, [
        Step(DRAFT, SUBMITTED, RUN_CLASSES),
        Step(SUBMITTED, REJECTED, REVIEW_CLASSES, reason=True),
        ...
    ], refusal=_("A class that is “%(from)s” cannot become “%(to)s”."))

`move()` is the one way a state changes: it checks that the step is declared, that the acting
user may take it (the system's own named work may take any), that a reason is given where one is
needed, writes the step into the one shared history (`StateChange`) and updates the object,
both through the audited writes. The app's service checks its own preconditions first (a full
roster, a date come) and holds the row lock.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from jineng.core import writes
from jineng.core.models import StateChange
from jineng.core.roles import acting_user, has_capability, require_actor

NOT_YOURS = _("Your role does not take a “%(from)s” to “%(to)s”.")
GIVE_A_REASON = _("Give the reason for the change.")


@dataclass(frozen=True)
class Step:
    """One declared change of state and who may make it (no capability: the system only)."""

    source: str
    target: str
    capabilities: frozenset[str]
    needs_reason: bool = False
    refusal: object = None  # the message for a user who may not take it (default NOT_YOURS)

    def __init__(self, source, target, *capabilities, reason=False, refusal=None):
        object.__setattr__(self, "source", str(source))
        object.__setattr__(self, "target", str(target))
        object.__setattr__(self, "capabilities", frozenset(str(c) for c in capabilities))
        object.__setattr__(self, "needs_reason", reason)
        object.__setattr__(self, "refusal", refusal)


class Workflow:
    """The states of one model and the steps between them."""

    def __init__(self, states: type[models.TextChoices], steps: list[Step], *, refusal):
        self.states = states
        self.steps = {(step.source, step.target): step for step in steps}
        self.refusal = refusal  # "A … that is “%(from)s” cannot become “%(to)s”."
        unknown = {s for pair in self.steps for s in pair} - set(states.values)
        if unknown:
            raise ValueError(f"steps name states {sorted(unknown)} not in {states.__name__}")

    def label(self, state: str) -> str:
        return str(self.states(state).label) if state in self.states.values else state

    def targets(self, source: str) -> set[str]:
        return {target for (start, target) in self.steps if start == source}

    def transitions(self) -> dict[str, set[str]]:
        """{state: the states it may become}, every state listed (for pages and tests)."""
        return {state: self.targets(state) for state in self.states.values}

    def step(self, from_state: str, to_state: str, subject=None) -> Step:
        """The declared step, or a refusal naming both states (and the subject, as
        `%(subject)s`, for messages that name it)."""
        step = self.steps.get((str(from_state), str(to_state)))
        if step is None:
            raise self.refused(from_state, to_state, subject)
        return step

    def refused(self, from_state: str, to_state: str, subject=None) -> ValidationError:
        values = {"from": self.label(from_state), "to": self.label(to_state)}
        return ValidationError(self.refusal % {**values, "subject": str(subject or "")})


def history(query_name: str) -> GenericRelation:
    """A stateful model's `changes`: its steps in the shared history, newest last; the history
    filters by `query_name` (`StateChange.objects.filter(claim=…)`)."""
    return GenericRelation(
        "core.StateChange",
        content_type_field="subject_type",
        object_id_field="subject_id",
        related_query_name=query_name,
    )


def workflow_of(obj_or_model) -> Workflow:
    return obj_or_model.workflow


def check(obj, to_state: str) -> Step:
    """The step from the object's state to `to_state` is declared (who takes it is not checked:
    a service asks this before its own, costlier checks)."""
    return workflow_of(obj).step(obj.state, to_state, obj)


def may_take(user, obj, to_state: str) -> bool:
    """Whether `user` may take the step now (for the buttons a page offers)."""
    step = workflow_of(obj).steps.get((obj.state, str(to_state)))
    return step is not None and any(has_capability(user, c) for c in step.capabilities)


def may_reach(user, workflow: Workflow, to_state: str) -> bool:
    """Whether some step into `to_state` is `user`'s to take (a page refuses the others' buttons
    with 403 before asking the service)."""
    return any(
        step.target == str(to_state) and any(has_capability(user, c) for c in step.capabilities)
        for step in workflow.steps.values()
    )


def _require_step(step: Step, workflow: Workflow) -> None:
    require_actor()
    user = acting_user()
    if user is None:
        return  # the system's own named work (audit.system_context) takes any declared step
    if not any(has_capability(user, capability) for capability in step.capabilities):
        message = step.refusal or NOT_YOURS % {
            "from": workflow.label(step.source),
            "to": workflow.label(step.target),
        }
        raise PermissionDenied(str(message))


def move(
    obj, to_state: str, *, reason="", document="", values: dict | None = None, validate=True
) -> StateChange:
    """Take the declared step to `to_state`: checked, written in the history with its reason,
    and the object updated (with its other `values`, in the same audited write). Call inside the
    service's transaction, after its own checks."""
    workflow = workflow_of(obj)
    step = workflow.step(obj.state, to_state, obj)
    _require_step(step, workflow)
    reason = (reason or "").strip()
    if step.needs_reason and not reason:
        raise ValidationError({"reason": str(GIVE_A_REASON)})
    change = _record(obj, obj.state, to_state, reason=reason, document=document)
    writes.update(obj, validate=validate, **{**(values or {}), "state": to_state})
    return change


def record_start(obj, *, reason: str = "", document: str = "") -> StateChange:
    """The first line of an object's history: created in its first state."""
    require_actor()
    return _record(obj, "", obj.state, reason=(reason or "").strip(), document=document)


def _record(obj, from_state: str, to_state: str, *, reason: str, document: str) -> StateChange:
    spec = getattr(type(obj), "scope", None)
    return writes.create(
        StateChange(
            subject=obj,
            from_state=from_state,
            to_state=to_state,
            reason=reason[:300],
            document=(document or "").strip()[:200],
            by=acting_user(),
            org_path=spec.org_path_of(obj) if spec else "",
            owner=spec.owner_of(obj) if spec else None,
        ),
        validate=False,  # `by` is empty for the system's own work
    )

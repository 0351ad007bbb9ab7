"""One state machine (issue 13): each stateful model declares its steps as data, and
core.states.move checks the step, the role and the reason, writes the one shared history and the
audit log. The four histories the apps kept before moved into it with nothing lost."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from jineng.claims.models import Claim
from jineng.core import states
from jineng.core.models import AuditEntry, StateChange
from jineng.evaluation.models import EvaluationBooking
from jineng.institutions.models import Institution
from jineng.supervision.models import Finding
from jineng.training.models import ClassState, TrainingClass
from jineng.vouchers.models import Voucher
from tests.factories import TrainingClassFactory, VoucherFactory
from tests.live import jineng, prepared_environment

STATEFUL = [TrainingClass, Voucher, Claim, Institution, EvaluationBooking, Finding]


@pytest.mark.parametrize("model", STATEFUL, ids=lambda m: m.__name__)
def test_each_stateful_model_declares_its_steps_and_reads_its_history(model):
    workflow = model.workflow
    assert set(workflow.transitions()) == set(workflow.states.values)
    for step in workflow.steps.values():
        assert step.source != step.target
    assert model.changes.field.related_model is StateChange


def submitted_class() -> TrainingClass:
    """An opening application of 鸿鹄 submitted for a class that starts in two weeks."""
    return TrainingClassFactory(state="submitted", start=timezone.localdate() + timedelta(days=14))


def test_a_step_not_declared_is_refused_naming_both_states(act):
    training_class = submitted_class()
    with act("city_reviewer"), pytest.raises(ValidationError, match="不能变为“已关闭”"):
        states.move(training_class, ClassState.CLOSED)
    assert TrainingClass.objects.get(pk=training_class.pk).state == ClassState.SUBMITTED


def test_a_step_is_taken_only_by_a_role_that_may(act):
    training_class = submitted_class()
    with act("institution"), pytest.raises(PermissionDenied, match="只有人社部门"):
        states.move(training_class, ClassState.APPROVED)
    assert not training_class.changes.filter(to_state=ClassState.APPROVED).exists()


def test_a_step_that_needs_a_reason_is_refused_without_one(act):
    training_class = submitted_class()
    with act("city_reviewer"), pytest.raises(ValidationError) as refused:
        states.move(training_class, ClassState.REJECTED, reason="   ")
    assert "reason" in refused.value.message_dict


def test_a_step_writes_the_history_and_the_audit_log(act, users):
    training_class = submitted_class()
    entries = AuditEntry.objects.count()
    with act("city_reviewer"):
        change = states.move(training_class, ClassState.REJECTED, reason="课表缺少实操课次")
    assert (change.from_state, change.to_state) == (ClassState.SUBMITTED, ClassState.REJECTED)
    assert change.by == users["city_reviewer"] and change.subject == training_class
    assert change.org_path == training_class.institution.organisation.path
    assert change.get_to_state_display() == ClassState.REJECTED.label
    assert training_class.changes.last() == change
    assert TrainingClass.objects.get(pk=training_class.pk).state == ClassState.REJECTED
    logged = AuditEntry.objects.order_by("id")[entries:]
    assert {(e.action, e.object_type) for e in logged} == {
        ("create", "core.statechange"),
        ("update", "training.trainingclass"),
    }


def test_the_system_takes_a_step_that_no_user_role_may(act):
    """Expiry is the system's daily work: no user's capability takes it, the named task does."""
    voucher = VoucherFactory()
    with (
        act("city_reviewer"),
        pytest.raises(PermissionDenied, match="您的角色不能将“已发放”变为“已过期”"),
    ):
        states.move(voucher, "expired", validate=False)
    with act(None):
        change = states.move(voucher, "expired", validate=False)
    assert change.by is None


COUNT = (
    "import json; from django.db import connection; c = connection.cursor(); "
    "out = {{}}\n"
    "for t in {tables!r}:\n"
    "    c.execute('SELECT COUNT(*) FROM ' + t); out[t] = c.fetchone()[0]\n"
    "print(json.dumps(out))"
)
OLD_TABLES = [
    "training_classstatechange",
    "vouchers_voucherstatechange",
    "claims_claimstatechange",
    "institutions_statechange",
]
BEFORE_THE_MOVE = [
    ("training", "0001"),
    ("vouchers", "0001"),
    ("claims", "0001"),
    ("institutions", "0005"),
]
SUBJECTS = "training.trainingclass vouchers.voucher claims.claim institutions.institution"


def counts(env, tables: list[str]) -> dict[str, int]:
    result = jineng(env, "shell", "-c", COUNT.format(tables=tables))
    return json.loads(result.stdout.strip().splitlines()[-1])


def shared_counts(env) -> dict[str, int]:
    """core.StateChange's rows by the kind of their subject ("app.model"), every kind there is."""
    script = (
        "import json; from django.db.models import Count\n"
        "from jineng.core.models import StateChange\n"
        "rows = StateChange.objects.values_list('subject_type__app_label', "
        "'subject_type__model').annotate(n=Count('id'))\n"
        "print(json.dumps({f'{app}.{model}': n for app, model, n in rows}))"
    )
    return json.loads(jineng(env, "shell", "-c", script).stdout.strip().splitlines()[-1])


def test_the_histories_move_into_the_shared_one_and_back_with_nothing_lost(tmp_path):
    """The data migrations run on the demo's histories as processes: back to the four tables
    of before, then forward into core.StateChange again, the rows counted at each stage."""
    with prepared_environment(tmp_path, "demo") as env:
        shared = shared_counts(env)
        moved = {label: shared.get(label, 0) for label in SUBJECTS.split()}
        assert all(moved.values()), shared  # the demo has a history of each kind
        for app, migration in BEFORE_THE_MOVE:
            jineng(env, "migrate", app, migration)
        assert list(counts(env, OLD_TABLES).values()) == list(moved.values())
        # Only the histories no retired table held (bookings, findings, sign-ups) stay in the
        # shared one (the findings' table goes back with training, its rows' history stays).
        left = counts(env, ["core_statechange"])["core_statechange"]
        assert left == sum(n for label, n in shared.items() if label not in moved)
        jineng(env, "migrate")
        assert shared_counts(env) == shared

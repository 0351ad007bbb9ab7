"""Background tasks go through the database queue and are run by the worker command."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jineng.core.models import LoginFailure
from jineng.core.tasks import purge_expired_security_records

pytestmark = pytest.mark.django_db


def test_worker_runs_a_queued_task():
    old = LoginFailure.objects.create(username_hash="a" * 64, ip="192.0.2.1")
    LoginFailure.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(hours=1))
    recent = LoginFailure.objects.create(username_hash="b" * 64, ip="192.0.2.2")
    result = purge_expired_security_records.enqueue()
    assert DBTaskResult.objects.get(id=result.id).status == "READY"
    call_command("worker", "--batch", "--interval", "0")
    result.refresh()
    assert result.status == "SUCCESSFUL"
    assert result.return_value["login_failures"] == 1
    assert list(LoginFailure.objects.values_list("pk", flat=True)) == [recent.pk]

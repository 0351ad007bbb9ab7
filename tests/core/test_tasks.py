"""Background tasks go through the database queue and are run by `jineng worker`, a process of
its own, as in production."""

import json

from tests.live import jineng, prepared_environment

SEED_AND_ENQUEUE = """
from datetime import timedelta
from django.utils import timezone
from jineng.core.models import LoginFailure
from jineng.core.tasks import purge_expired_security_records
old = LoginFailure.objects.create(username_hash="a" * 64, ip="192.0.2.1")
LoginFailure.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(hours=1))
LoginFailure.objects.create(username_hash="b" * 64, ip="192.0.2.2")
print(purge_expired_security_records.enqueue().id)
"""

READ_RESULT = """
import json, sys
from django_tasks_db.models import DBTaskResult
from jineng.core.models import LoginFailure
result = DBTaskResult.objects.get(id=sys.argv[-1]).task_result
print(json.dumps({"status": str(result.status), "value": result.return_value,
                  "left": list(LoginFailure.objects.values_list("ip", flat=True))}))
"""


def test_worker_runs_a_queued_task(tmp_path):
    with prepared_environment(tmp_path, "migrated") as env:
        task_id = jineng(env, "shell", "-v0", "-c", SEED_AND_ENQUEUE).stdout.strip()
        jineng(env, "worker", "--batch", "--interval", "0")
        script = READ_RESULT.replace("sys.argv[-1]", repr(task_id))
        outcome = json.loads(jineng(env, "shell", "-v0", "-c", script).stdout)
    assert outcome["status"].endswith("SUCCESSFUL")
    assert outcome["value"] == {"login_failures": 1, "sessions": 0}
    assert outcome["left"] == ["192.0.2.2"]

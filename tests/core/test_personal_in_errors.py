"""Issue 20, finding 4: a control character in a rejected row neither stops an import nor lets
a whole ID number out. The error report writes any character (an illegal one as U+FFFD), and
tracebacks are masked like log messages: in every log record and in the task results the worker
stores (django_tasks_db's DBTaskResult.traceback)."""

import io
import json
import logging

import pytest
from django_tasks_db.models import DBTaskResult

from tests.data import make_roster
from tests.live import jineng, prepared_environment

NUMBER = make_roster.A  # a valid ID number, planted whole in a row that is rejected

UPLOAD_AND_ENQUEUE = """
from jineng.core import audit, jobs
from jineng.core.models import Organisation, User, UserRole
top = Organisation.objects.order_by("path").first()
admin = User.objects.create(username="probe-admin", organisation=top)
UserRole.objects.create(user=admin, role="system_admin")
# a region's name holding an ID number and a control character, its code refused
content = "name,code,valid_from\\nNUMBER\\x01,99999,1997\\n".encode()
with audit.audit_context(actor=admin):
    job = jobs.start_import(admin, "regions", content, "regions.csv")
print(job.pk)
"""

GREP_TABLES = """
import json
from django.apps import apps
from django.db import models
found = []
for model in apps.get_models():
    texts = [f.attname for f in model._meta.concrete_fields
             if isinstance(f, (models.CharField, models.TextField, models.JSONField))]
    for values in model._default_manager.values_list(*texts) if texts else []:
        if any("NUMBER" in json.dumps(v, ensure_ascii=False) for v in values):
            found.append(model._meta.label)
from jineng.core.models import ImportJob
job = ImportJob.objects.get()
print(json.dumps({"found": sorted(set(found)), "status": job.status, "report": job.report}))
"""


def test_a_control_character_in_a_rejected_row_neither_crashes_nor_leaks(tmp_path):
    with prepared_environment(tmp_path, "setup") as env:
        env = {**env, "JINENG_LOG_LEVEL": "DEBUG"}
        jineng(env, "shell", "-v0", "-c", UPLOAD_AND_ENQUEUE.replace("NUMBER", NUMBER))
        worker = jineng(env, "worker", "--batch", "--interval", "0", check=False)
        script = GREP_TABLES.replace("NUMBER", NUMBER)
        outcome = json.loads(jineng(env, "shell", "-v0", "-c", script).stdout)
    assert NUMBER not in worker.stdout + worker.stderr
    assert outcome["found"] == []
    assert outcome["status"] == "done", worker.stderr[-2000:]
    assert outcome["report"]["rejected"] == 1


@pytest.mark.django_db
def test_tracebacks_are_masked_in_the_log_and_in_stored_task_results():
    """The log filter masks the traceback of a record, not only its message; a failed task's
    stored traceback is masked before it is saved."""
    logger = logging.getLogger("jineng")
    console = logger.handlers[0]  # settings.LOGGING: the console, with its filter
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    handler.setFormatter(console.formatter)
    for each in console.filters:
        handler.addFilter(each)
    logger.addHandler(handler)
    try:
        raise ValueError(f"{NUMBER} cannot be used in worksheets.")
    except ValueError as problem:
        logger.exception("the import stopped")
        failure = problem
    finally:
        logger.removeHandler(handler)
    logged = written.getvalue()
    assert "cannot be used in worksheets" in logged and NUMBER not in logged
    stored = DBTaskResult.objects.create(  # as the worker finds it before running it
        task_path="jineng.core.tasks.purge_expired_security_records", args_kwargs={},
        priority=0, queue_name="default", backend_name="default",
    )  # fmt: skip
    stored.set_failed(failure)
    stored.refresh_from_db()
    assert "cannot be used in worksheets" in stored.traceback and NUMBER not in stored.traceback

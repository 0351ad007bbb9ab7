"""An import job whose worker died is noticed: running without a heartbeat for over a minute,
it shows as interrupted (已中断) on its page, in the list and in the API, with its run-again
button; a job whose worker is alive cannot be run a second time beside it."""

from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from jineng.core import audit, jobs
from jineng.core.models import ImportJob, ImportStatus

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent.parent / "data"


@pytest.fixture
def started_job(users):
    """A regions import whose worker started it and saved its first heartbeat, then went quiet."""
    content = (DATA / "regions-import.csv").read_bytes()
    with audit.audit_context(actor=users["admin"]):
        job = jobs.start_import(users["admin"], "regions", content, "regions.csv")
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, heartbeat_at=timezone.now()
    )
    job.refresh_from_db()
    return job


def seen(client, job):
    page = client.get(f"/imports/{job.pk}/").content.decode()
    listing = client.get("/imports/").content.decode()
    api = client.get(f"/api/v1/imports/{job.pk}/").json()
    return page, listing, api


def test_a_running_job_with_a_recent_heartbeat_is_running(started_job, login):
    client = login("admin")
    with time_machine.travel(started_job.heartbeat_at + timedelta(seconds=59), tick=False):
        page, listing, api = seen(client, started_job)
        assert api["status"] == "running"
        assert "已中断" not in page and "已中断" not in listing
        assert "/rerun/" not in page  # no button beside a live worker
        client.post(f"/imports/{started_job.pk}/rerun/")
        page = client.get(f"/imports/{started_job.pk}/").content.decode()
    assert "此导入仍在运行" in page
    started_job.refresh_from_db()
    assert started_job.status == ImportStatus.RUNNING


def test_a_job_without_a_heartbeat_for_a_minute_is_interrupted_and_runs_again(
    started_job, login, django_capture_on_commit_callbacks
):
    client = login("admin")
    with time_machine.travel(started_job.heartbeat_at + timedelta(seconds=61), tick=False):
        page, listing, api = seen(client, started_job)
        assert api["status"] == "interrupted"
        assert 'id="import-interrupted"' in page and "已中断" in page and "已中断" in listing
        assert f"/imports/{started_job.pk}/rerun/" in page
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/imports/{started_job.pk}/rerun/")
    started_job.refresh_from_db()
    assert started_job.status == ImportStatus.DONE
    assert client.get(f"/api/v1/imports/{started_job.pk}/").json()["status"] == "done"


def test_the_worker_saves_its_heartbeat(users):
    content = (DATA / "regions-import.csv").read_bytes()
    with audit.audit_context(actor=users["admin"]):
        job = jobs.start_import(users["admin"], "regions", content, "regions.csv")
    assert job.heartbeat_at is None  # queued: no worker yet
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        job = jobs.run_job(job)
        assert job.heartbeat_at == timezone.now()  # at the start and after the chunk it ran
    assert job.status == ImportStatus.DONE and job.state == ImportStatus.DONE


def test_the_workers_queue_again_a_job_whose_worker_died(
    started_job, users, django_capture_on_commit_callbacks
):
    """core.worker calls requeue_interrupted when it starts and then now and then: a job with
    a stale heartbeat runs again by itself; one with a live worker, or one run in a single
    transaction (a trial run's heartbeats show only at its end), is left alone."""
    with audit.audit_context(actor=users["admin"]):
        trial = jobs.start_import(
            users["admin"], "regions", (DATA / "regions-import.csv").read_bytes(),
            "regions.csv", dry_run=True,
        )  # fmt: skip
    ImportJob.objects.filter(pk=trial.pk).update(
        status=ImportStatus.RUNNING, heartbeat_at=started_job.heartbeat_at
    )
    with time_machine.travel(started_job.heartbeat_at + timedelta(seconds=59), tick=False):
        assert jobs.requeue_interrupted() == []
    with (
        time_machine.travel(started_job.heartbeat_at + timedelta(seconds=61), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert [job.pk for job in jobs.requeue_interrupted()] == [started_job.pk]
    started_job.refresh_from_db()
    assert started_job.status == ImportStatus.DONE  # queued again and run (tasks run at once)
    trial.refresh_from_db()
    assert trial.status == ImportStatus.RUNNING

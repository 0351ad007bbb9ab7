"""Issue 20, faults survived: a PostgreSQL server of the test's own (initdb and pg_ctl in a
temporary directory, on a spare port) is stopped in the middle of a claim submission, of a
payment batch and of an import run by the task worker, then started again.

"In the middle" is made certain, not hoped for: the test holds a lock on a table the work writes
(EXCLUSIVE: reads go on, writes wait), waits until the server's own view (pg_stat_activity)
shows the request or the job waiting on it, inside its open transaction, and then stops the
server (`pg_ctl stop -m immediate`, as a crash). After the restart: nothing of the interrupted
work is in the database; the web answered 503 with a message in Chinese and no traceback; the
same request succeeds once the database is back (the web server reconnects by itself); the task
worker did not die, reconnected by itself and ran the import to the end; and a worker killed
mid-job (SIGKILL) has its job picked up by another one once its heartbeat is stale.

The data is the demo, copied from the PostgreSQL run's prepared stage (tests/live.py) with
pg_dump into the throwaway server, so these tests run in the PostgreSQL run of the suite; they
run on one xdist worker, one after the other (group "faults")."""

import contextlib
import json
import shutil
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request

import psycopg
import pytest

from jineng.core.demo import DEMO_PASSWORD
from tests.live import JINENG, free_port, wait_until_up
from tests.pgcluster import (
    NEEDS_POSTGRES_RUN,
    NEEDS_SERVER_BINARIES,
    Cluster,
    demo_copy,
    new_root,
)

pytestmark = [pytest.mark.xdist_group("faults"), NEEDS_SERVER_BINARIES, NEEDS_POSTGRES_RUN]
OUTAGE_MESSAGE = "数据库暂时无法连接"
STALE_SECONDS = 3


@pytest.fixture(scope="module")
def cluster():
    """The throwaway server (tests.pgcluster) holding a copy of the demo, and the demo's data
    directory (keys)."""
    root = new_root("jineng-faults-")
    cluster = Cluster(root)
    cluster.init()
    cluster.start()
    try:
        cluster.env = demo_copy(cluster, {
            "JINENG_JOB_STALE_SECONDS": str(STALE_SECONDS),
            "JINENG_WEB_WORKERS": "1",
        })  # fmt: skip
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def server(cluster):
    """`jineng serve` (gunicorn) on the throwaway server's database."""
    port = free_port()
    log_path = cluster.root / "web.log"
    with open(log_path, "w") as log:
        web = subprocess.Popen([*JINENG, "serve", "--bind", f"127.0.0.1:{port}"],
                               env=cluster.env, stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
        try:
            wait_until_up(f"http://127.0.0.1:{port}/healthz", web, log_path)
            yield f"http://127.0.0.1:{port}"
        finally:
            web.terminate()
            web.wait(timeout=20)


def api(base: str, method: str, path: str, token: str = "", body=None, timeout=30):
    """(status, JSON answer, raw text) of an API call; an error status is an answer too."""
    headers = {"Content-Type": "application/json", "Accept-Language": "zh-hans"}
    if token:
        headers["Authorization"] = f"Token {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            text = response.read().decode()
            return response.status, json.loads(text or "null"), text
    except urllib.error.HTTPError as error:
        text = error.read().decode()
        try:
            return error.code, json.loads(text), text
        except ValueError:
            return error.code, None, text


def token_of(server: str, username: str) -> str:
    status, answer, text = api(server, "POST", "/api/v1/auth/token/", body={
        "username": username, "password": DEMO_PASSWORD, "name": "faults"})  # fmt: skip
    assert status == 201, text
    return answer["token"]


@contextlib.contextmanager
def held_lock(cluster: Cluster, table: str):
    """Hold an EXCLUSIVE lock on `table` (reads go on, writes wait) until the block ends."""
    conn = psycopg.connect(cluster.url)
    try:
        conn.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        yield
    finally:
        with contextlib.suppress(psycopg.Error):
            conn.close()


def wait_for_waiter(cluster: Cluster, timeout: float = 30) -> None:
    """Until a backend of the server waits on a lock: the work is inside its transaction."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        waiting = cluster.value(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND state = 'active' AND pid <> pg_backend_pid()"
        )
        if waiting:
            return
        time.sleep(0.1)
    raise AssertionError("nothing came to wait on the lock")


def crash_while_waiting(cluster: Cluster, table: str, call):
    """Run `call` in a thread; once it waits on `table`'s lock, crash the server; restart it.
    Returns what `call` returned."""
    outcome: dict = {}
    thread = threading.Thread(target=lambda: outcome.update(result=call()))
    with held_lock(cluster, table):
        thread.start()
        wait_for_waiter(cluster)
        cluster.crash()
    thread.join(timeout=60)
    assert not thread.is_alive()
    cluster.start()
    return outcome["result"]


def assert_outage_answer(status, answer, text):
    assert status == 503, text
    assert OUTAGE_MESSAGE in answer["detail"]
    assert "Traceback" not in text and "psycopg" not in text and "OperationalError" not in text


def test_a_claim_submission_cut_by_a_crash(cluster, server):
    token = token_of(server, "institution")
    claim = cluster.value(
        "SELECT c.id FROM claims_claim c JOIN core_user u ON u.organisation_id = c.organisation_id"
        " WHERE c.state = 'draft' AND u.username = 'institution' ORDER BY c.id LIMIT 1"
    )
    changes = (
        "SELECT count(*) FROM core_statechange s JOIN django_content_type t"
        " ON t.id = s.subject_type_id WHERE t.model = 'claim' AND s.subject_id = %s"
    )
    before = cluster.value(changes, claim)
    path = f"/api/v1/claims/{claim}/submit/"
    status, answer, text = crash_while_waiting(
        cluster, "core_auditentry", lambda: api(server, "POST", path, token)
    )
    assert_outage_answer(status, answer, text)
    # Nothing half-written: the claim is still a draft, with no step in its history.
    assert cluster.value("SELECT state FROM claims_claim WHERE id = %s", claim) == "draft"
    assert cluster.value(changes, claim) == before
    # The same request, once the database is back: the server reconnected by itself.
    status, answer, text = api(server, "POST", path, token)
    assert status == 200, text
    assert answer["state"] == "submitted"
    assert cluster.value("SELECT state FROM claims_claim WHERE id = %s", claim) == "submitted"


def test_a_payment_batch_cut_by_a_crash_and_a_page_meanwhile(cluster, server):
    token = token_of(server, "city_reviewer")
    channel = cluster.value(
        "SELECT f.code FROM claims_claim c JOIN catalog_fundchannel f ON f.id = c.fund_channel_id"
        " WHERE c.state = 'payable' ORDER BY c.id LIMIT 1"
    )
    batches = cluster.value("SELECT count(*) FROM claims_paymentbatch")
    payments = cluster.value("SELECT count(*) FROM claims_payment")
    body = {"fund_channel": channel}
    status, answer, text = crash_while_waiting(
        cluster, "core_auditentry",
        lambda: api(server, "POST", "/api/v1/claims/batches/", token, body),
    )  # fmt: skip
    assert_outage_answer(status, answer, text)
    assert cluster.value("SELECT count(*) FROM claims_paymentbatch") == batches
    assert cluster.value("SELECT count(*) FROM claims_payment") == payments
    # While the database is down, a page says so too (503, in Chinese, no traceback).
    cluster.crash()
    try:
        status, _answer, page = api(server, "GET", "/api/v1/me/", token)
        assert_outage_answer(status, _answer, page)
        request = urllib.request.Request(  # noqa: S310 - loopback
            server + "/",
            headers={
                "Cookie": "sessionid=0123456789abcdefghijklmnopqrstuv",
                "Accept-Language": "zh-hans",
            },
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)  # noqa: S310
        page = refused.value.read().decode()
        assert refused.value.code == 503
        assert OUTAGE_MESSAGE in page and "Traceback" not in page
    finally:
        cluster.start()
    status, answer, text = api(server, "POST", "/api/v1/claims/batches/", token, body)
    assert status == 201, text
    assert cluster.value("SELECT count(*) FROM claims_paymentbatch") == batches + 1


REGIONS = "code,name,valid_from,valid_to,is_local\n{rows}"
NEW_REGIONS = [("419901", "故障测试甲区"), ("419902", "故障测试乙区"), ("419903", "故障测试丙区")]


def upload_regions(server: str, token: str, codes) -> int:
    """Queue a regions import through the API (multipart), as the admin; the job's id."""
    boundary = "jinengfaults"
    content = REGIONS.format(rows="".join(f"{code},{name},2020,,是\n" for code, name in codes))
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nregions\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="r.csv"\r\n'
        f"Content-Type: text/csv\r\n\r\n{content}\r\n--{boundary}--\r\n"
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - loopback
        server + "/api/v1/imports/", data=body, method="POST",
        headers={"Authorization": f"Token {token}",
                 "Content-Type": f"multipart/form-data; boundary={boundary}"})  # fmt: skip
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        assert response.status == 202
        return json.loads(response.read())["id"]


def start_worker(cluster: Cluster, name: str) -> subprocess.Popen:
    log = open(cluster.root / f"{name}.log", "w")  # noqa: SIM115 - the process holds it
    return subprocess.Popen([*JINENG, "worker", "--interval", "0.2"], env=cluster.env,
                            stdout=log, stderr=subprocess.STDOUT)  # fmt: skip


def wait_for_job(cluster: Cluster, job: int, status: str, timeout: float = 40) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(psycopg.OperationalError):
            if cluster.value("SELECT status FROM core_importjob WHERE id = %s", job) == status:
                return
        time.sleep(0.2)
    found = cluster.value("SELECT status FROM core_importjob WHERE id = %s", job)
    raise AssertionError(f"import job {job} is {found}, not {status}")


def stored_regions(cluster: Cluster, codes) -> list:
    with cluster.connect() as conn:
        return conn.execute(
            "SELECT code FROM catalog_region WHERE code = ANY(%s) ORDER BY code",
            ([code for code, _name in codes],),
        ).fetchall()


def test_an_import_cut_by_a_crash_completes_when_the_database_is_back(cluster, server):
    token = token_of(server, "admin")
    worker = start_worker(cluster, "worker-crash")
    try:
        with held_lock(cluster, "catalog_region"):
            job = upload_regions(server, token, NEW_REGIONS)
            wait_for_job(cluster, job, "running")
            wait_for_waiter(cluster)
            cluster.crash()
        time.sleep(1.5)  # the worker meets the outage and waits
        assert worker.poll() is None, (cluster.root / "worker-crash.log").read_text()
        cluster.start()
        wait_for_job(cluster, job, "done")
        assert worker.poll() is None  # the same worker, reconnected by itself
    finally:
        worker.terminate()
        worker.wait(timeout=20)
    assert [code for (code,) in stored_regions(cluster, NEW_REGIONS)] == [
        code for code, _name in NEW_REGIONS
    ]
    # Nothing of the cut run was stored: the run again created every row (a row the cut chunk
    # had left would have been found unchanged), each once.
    report = cluster.value("SELECT report FROM core_importjob WHERE id = %s", job)
    assert (report["created"], report["unchanged"], report["rejected"]) == (3, 0, 0)
    log = (cluster.root / "worker-crash.log").read_text()
    assert "database unavailable" in log and "queued again" in log


def test_a_job_of_a_killed_worker_is_picked_up_by_another(cluster, server):
    token = token_of(server, "admin")
    codes = [("419911", "故障测试丁区"), ("419912", "故障测试戊区")]
    first = start_worker(cluster, "worker-killed")
    with held_lock(cluster, "catalog_region"):
        job = upload_regions(server, token, codes)
        wait_for_job(cluster, job, "running")
        wait_for_waiter(cluster)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=20)
    # The killed worker's connection ends with it: its chunk was never committed.
    assert stored_regions(cluster, codes) == []
    second = start_worker(cluster, "worker-second")
    try:
        wait_for_job(cluster, job, "done", timeout=STALE_SECONDS + 30)
    finally:
        second.terminate()
        second.wait(timeout=20)
    assert len(stored_regions(cluster, codes)) == 2
    assert "had no heartbeat: queued again" in (cluster.root / "worker-second.log").read_text()

"""Devices offline over real HTTP (issue 18, docs/devices.md): the reference client
(jineng.training.device_client) signs 500 events with no network, then syncs them to the live
server (tests/live.py) through a proxy that cuts connections mid-batch, both ways: a batch cut
while it is uploaded (the server never gets it whole) and an answer cut after the server stored
the batch (the client never learns it). It syncs twice; every event is stored exactly once.
A revoked device's batch is then refused and its event stays queued."""

import json
import socket
import threading
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from jineng.training import device_client
from tests.core.test_api_http import call, token_for
from tests.live import ENVIRONMENTS, jineng

PEOPLE = 50
EVENTS = 500

# The class runs now on the live server (a separate process whose clock the test cannot move),
# prepared in the server's own environment (tests/devicesync.py), with the device registered
# with the public key the client made.
SETUP = """
import json
from tests.devicesync import prepare
print(json.dumps(prepare(%(people)d, "%(key)s")))
"""
COUNT = r"""
import json
from jineng.training.models import CheckIn, SignedEvent
print(json.dumps({"checkins": CheckIn.objects.filter(device_id=%(device)d).count(),
                  "signed": SignedEvent.objects.filter(device_id=%(device)d).count(),
                  "distinct": CheckIn.objects.filter(device_id=%(device)d)
                  .values("event_id").distinct().count()}))
"""


def _read_request(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _sep, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _colon, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def _read_all(conn: socket.socket) -> bytes:
    data = b""
    while chunk := conn.recv(65536):
        data += chunk
    return data


class CuttingProxy:
    """A TCP proxy in front of the live server that cuts chosen connections mid-batch. `plan`
    maps a connection's number (from 1) to "upload" (half the request forwarded, then both
    sides closed: the server never gets the batch whole) or "answer" (the request forwarded
    whole and the server's answer read, then half of it sent and the connection closed: the
    batch is stored but the client never learns it). Other connections pass through."""

    def __init__(self, target: str, plan: dict[int, str]):
        host, port = target.removeprefix("http://").split(":")
        self.target = (host, int(port))
        self.plan, self.count, self.cuts = plan, 0, []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                conn, _address = self.listener.accept()
            except OSError:
                return
            self.count += 1
            self._one(conn, self.plan.get(self.count))

    def _one(self, conn: socket.socket, mode: str | None) -> None:
        with conn, socket.create_connection(self.target) as upstream:
            request = _read_request(conn)
            if mode == "upload":
                upstream.sendall(request[: len(request) // 2])
                self.cuts.append(mode)
                return
            upstream.sendall(request)
            response = _read_all(upstream)
            if mode == "answer":
                conn.sendall(response[: len(response) // 2])
                self.cuts.append(mode)
                return
            conn.sendall(response)

    def close(self):
        self.listener.close()


def test_500_events_signed_offline_are_stored_once_through_connections_cut_mid_batch(
    live_url, tmp_path
):
    today = timezone.localdate()
    if today.month == 12 and today.day == 31:
        pytest.skip("the class runs over two days; the demo's designations cover this year")
    public = device_client.Device.keygen(tmp_path / "device")
    assert oct((tmp_path / "device" / device_client.KEY_FILE).stat().st_mode & 0o777) == "0o600"
    out = jineng(ENVIRONMENTS[live_url], "shell", "-c",
                 SETUP % {"people": PEOPLE, "key": public}).stdout  # fmt: skip
    setup = json.loads(out.strip().splitlines()[-1])
    client = device_client.Device(tmp_path / "device")
    client.set(device=setup["device"])
    # Offline: 500 events signed and queued, ten for each person, in and out in turn.
    opens = datetime.fromisoformat(setup["opens"])
    for n in range(EVENTS):
        client.record(session=setup["session"], person=setup["people"][n % PEOPLE],
                      direction="in" if n // PEOPLE % 2 == 0 else "out",
                      at=opens + timedelta(minutes=30, seconds=n), match="passed",
                      distance=0.35)  # fmt: skip
    assert client.counts() == {"pending": EVENTS}
    # Back online, through a proxy that cuts batches 2 and 4 while they are uploaded and the
    # answers of batches 3 and 4 once the server has stored them.
    plan = {2: "upload", 4: "answer", 6: "answer", 7: "upload", 10: "answer", 12: "upload"}
    proxy = CuttingProxy(live_url, plan)
    try:
        client.set(url=proxy.url)
        said: list[str] = []
        first = client.sync(batch=100, retries=5, say=said.append)
        assert client.counts() == {"stored": 300, "duplicate": 200}, said
        assert first == {"stored": 300, "duplicate": 200, "refused": 0}, said
        assert proxy.cuts == ["upload", "answer", "answer", "upload"], said
        # Synced a second time, every event (as a device that lost its answers): all duplicate.
        second = client.sync(batch=100, retries=5, everything=True, say=said.append)
        assert second == {"stored": 0, "duplicate": EVENTS, "refused": 0}, said
        assert proxy.cuts[4:] == ["answer", "upload"], said
    finally:
        proxy.close()
    out = jineng(ENVIRONMENTS[live_url], "shell", "-c", COUNT % {"device": setup["device"]})
    counts = json.loads(out.stdout.strip().splitlines()[-1])
    assert counts == {"checkins": EVENTS, "signed": EVENTS, "distinct": EVENTS}
    # Revoked: the next batch is refused whole and its event stays queued on the device.
    client.set(url=live_url)
    staff = token_for(live_url, "institution")
    status, _raw, _headers = call(live_url, f"/api/v1/devices/{setup['device']}/deactivate/",
                                  method="POST", token=staff)  # fmt: skip
    assert status == 200
    client.record(session=setup["session"], person=setup["people"][0], direction="out")
    said = []
    assert client.sync(say=said.append) == {"stored": 0, "duplicate": 0, "refused": 0}
    assert "(403)" in said[-1] and "吊销" in said[-1], said
    assert client.counts()["pending"] == 1

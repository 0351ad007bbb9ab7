"""Devices offline (issue 18, docs/devices.md): each device's own Ed25519 key pair registered by
its public key (page and API), signed events uploaded in signed batches, verified, counters that
only go up, replays and tampering refused with their reason, a revoked device refused whole, a
clock that is off flagged, each event stored once whatever the retries, through training's own
check-in rules (000 §三(八) 人脸识别考勤; 003 §三10 远程监控、过程留痕)."""

import json
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client
from django.utils import timezone

from jineng.people.services import decrypt_id_number
from jineng.training import services, signing
from jineng.training.models import CheckIn, Device, Flag, SignedEvent

BATCHES = "/api/v1/attendance/signed-batches/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def running(make_class):
    return make_class(state="in_progress")


class Terminal:
    """A device as the reference client is: its key, its counter, its signed events."""

    def __init__(self, device: Device, key: Ed25519PrivateKey):
        self.device, self.key, self.counter = device, key, 0

    def event(self, session, person, direction="in", *, event_id=None, counter=None,
              minutes=0, match="passed", distance=0.38) -> dict:  # fmt: skip
        if counter is None:
            self.counter += 1
            counter = self.counter
        time = session.starts_at if direction == "in" else session.ends_at
        event = signing.Event(
            device=self.device.pk, counter=counter, event_id=event_id or f"ev-{counter}",
            session=session.pk, person=person, direction=direction,
            device_time=timezone.localtime(time + timedelta(minutes=minutes)), match=match,
            distance=distance,
        )  # fmt: skip
        payload, signature = signing.sign(self.key, event)
        return {"payload": payload, "signature": signature}

    def batch(self, events: list[dict], *, sent_at=None) -> dict:
        return signing.sign_batch(self.key, self.device.pk, sent_at or timezone.now(), events)


@pytest.fixture
def terminal(act, institution):
    key = Ed25519PrivateKey.generate()
    with act("institution"):
        device, _token = services.register_device(institution, "离线考勤机",
                                                  signing.public_text(key))  # fmt: skip
    return Terminal(device, key)


def upload(body, **headers) -> tuple[int, dict]:
    response = Client().post(BATCHES, json.dumps(body), content_type="application/json",
                             **headers)  # fmt: skip
    return response.status_code, json.loads(response.content)


def number(enrollment) -> str:
    return decrypt_id_number(enrollment.person)


def test_a_device_registers_its_public_key_once_and_a_bad_or_shared_key_is_refused(
    api, institution
):
    key = Ed25519PrivateKey.generate()
    public = signing.public_text(key)
    status, body = api("institution", "POST", "/api/v1/devices/",
                       {"name": "离线一号", "public_key": public})  # fmt: skip
    assert status == 201, body
    assert body["public_key"] == public and body["counter"] == 0
    assert body["key_fingerprint"] == signing.fingerprint(public)
    # The same key for a second device: refused, nothing registered.
    status, body = api("institution", "POST", "/api/v1/devices/",
                       {"name": "离线二号", "public_key": public}, **EN)  # fmt: skip
    assert status == 400 and "Another device already has this public key" in str(body)
    assert not Device.objects.filter(name="离线二号").exists()
    status, body = api("institution", "POST", "/api/v1/devices/",
                       {"name": "离线三号", "public_key": "not-a-key"}, **EN)  # fmt: skip
    assert status == 400 and "not an Ed25519 public key" in str(body)
    # A device registered with its token only gets its key once, through its own action.
    status, plain = api("institution", "POST", "/api/v1/devices/", {"name": "在线机"})
    other = signing.public_text(Ed25519PrivateKey.generate())
    url = f"/api/v1/devices/{plain['id']}/key/"
    status, body = api("institution", "POST", url, {"public_key": other})
    assert status == 200 and body["public_key"] == other
    status, body = api("institution", "POST", url, {"public_key": other}, **EN)
    assert status == 400 and "already has its key" in str(body)
    assert api("city_reviewer", "POST", url, {"public_key": other})[0] == 403


def test_the_devices_page_registers_a_key_and_revokes(login, institution):
    client = login("institution")
    public = signing.public_text(Ed25519PrivateKey.generate())
    client.post("/classes/devices/", {"name": "门口离线机", "public_key": public})
    device = Device.objects.get(name="门口离线机")
    assert device.public_key == public
    page = client.get("/classes/devices/").content.decode()
    assert device.key_fingerprint in page
    response = client.post("/classes/devices/", {"name": "坏钥匙", "public_key": "xyz"},
                           HTTP_ACCEPT_LANGUAGE="en", follow=True)  # fmt: skip
    assert "not an Ed25519 public key" in response.content.decode()
    assert not Device.objects.filter(name="坏钥匙").exists()
    client.post(f"/classes/devices/{device.pk}/deactivate/")
    device.refresh_from_db()
    assert not device.active and device.revoked_at is not None


def test_a_signed_batch_is_stored_once_and_a_resent_batch_stores_nothing(running, terminal):
    session = running.sessions.first()
    enrollments = list(running.enrollments.all())
    events = [terminal.event(session, number(e), direction) for e in enrollments
              for direction in ("in", "out")]  # fmt: skip
    status, body = upload(terminal.batch(events))
    assert status == 200, body
    assert (body["stored"], body["duplicate"], body["refused"]) == (6, 0, 0), body
    assert body["counter"] == 6 and abs(body["clock_skew"]) <= 2
    stored = CheckIn.objects.filter(device=terminal.device)
    assert stored.count() == 6 and all(event.in_window for event in stored)
    signed = SignedEvent.objects.get(device=terminal.device, counter=1)
    assert signed.checkin.event_id == "ev-1" and signed.local_match == "passed"
    assert signed.match_distance == pytest.approx(0.38)
    # The same batch again (the answer was lost): every event "duplicate", nothing stored.
    status, body = upload(terminal.batch(events))
    assert status == 200 and body["duplicate"] == 6 and body["stored"] == 0, body
    assert CheckIn.objects.filter(device=terminal.device).count() == 6
    assert SignedEvent.objects.filter(device=terminal.device).count() == 6
    terminal.device.refresh_from_db()
    assert terminal.device.counter == 6 and terminal.device.last_seen_at is not None


def test_a_tampered_event_and_a_replayed_counter_are_refused_with_their_reason(running, terminal):
    session = running.sessions.first()
    first, second, third = (number(e) for e in running.enrollments.all())
    good = terminal.event(session, first)
    tampered = terminal.event(session, second)
    data = bytearray(signing.unb64url(tampered["payload"]))
    data[29:30] = b"O"  # the direction byte: "in" made "out" after signing
    tampered["payload"] = signing.b64url(bytes(data))
    status, body = upload(terminal.batch([good, tampered]), **EN)
    assert [r["status"] for r in body["results"]] == ["stored", "refused"], body
    assert body["results"][1]["reason"] == "bad_signature"
    assert body["results"][1]["error"].startswith("The signature does not verify")
    # Another event with counter 1 (already taken): a replay; one with a lower counter than the
    # last taken (3 after the next): not increasing.
    replay = terminal.event(session, third, event_id="again", counter=1)
    later = terminal.event(session, third, "out")
    lower = terminal.event(session, third, event_id="late", counter=2)
    status, body = upload(terminal.batch([replay, later, lower]), **EN)
    reasons = [(r["status"], r["reason"]) for r in body["results"]]
    assert reasons == [("refused", "replayed_counter"), ("stored", ""),
                       ("refused", "counter_not_increasing")], body  # fmt: skip
    assert "(2) is not above the last one taken from this device (3)" in body["results"][2]["error"]
    assert not CheckIn.objects.filter(event_id__in=["again", "late"]).exists()
    # An event id taken already, signed again with other content: refused, the first stands.
    reused = terminal.event(session, third, event_id="ev-1")
    status, body = upload(terminal.batch([reused]), **EN)
    assert body["results"][0]["reason"] == "event_id_reused", body
    # Signed by another key, or for another device: refused.
    stranger = Terminal(terminal.device, Ed25519PrivateKey.generate())
    stranger.counter = 50
    forged = stranger.event(session, first)
    status, body = upload({**terminal.batch([forged])}, **EN)
    assert body["results"][0]["reason"] == "bad_signature"
    status, body = upload(terminal.batch([{"payload": "!!", "signature": "x"}, {"a": 1}]), **EN)
    assert [r["reason"] for r in body["results"]] == ["malformed", "malformed"]
    assert CheckIn.objects.filter(device=terminal.device).count() == 2


def test_the_check_in_rules_still_apply_and_a_refusal_answers_the_same_when_resent(
    running, terminal, people
):
    """Training's own rules (a stranger, outside the window) judge signed events too."""
    session = running.sessions.first()
    enrollment = running.enrollments.first()
    stranger = terminal.event(session, decrypt_id_number(people[0]))
    early = terminal.event(session, number(enrollment), minutes=-180)
    by_enrolment = terminal.event(session, f"E{enrollment.pk}", "out")
    batch = terminal.batch([stranger, early, by_enrolment])
    status, body = upload(batch, **EN)
    results = body["results"]
    assert (results[0]["status"], results[0]["reason"]) == ("refused", "rule"), body
    assert results[0]["error"] == "This person is neither a trainee nor a teacher of the class."
    assert results[1]["status"] == "stored" and results[1]["flag"] == Flag.OUTSIDE_WINDOW
    assert results[2]["status"] == "stored"
    status, again = upload(batch, **EN)
    assert [r["status"] for r in again["results"]] == ["refused", "duplicate", "duplicate"]
    assert again["results"][0]["error"] == results[0]["error"]


def test_a_revoked_devices_batch_is_refused_whole(running, terminal, act):
    session = running.sessions.first()
    events = [terminal.event(session, number(running.enrollments.first()))]
    with act("institution"):
        services.deactivate_device(terminal.device)
    status, body = upload(terminal.batch(events), **EN)
    assert status == 403 and body["results"][0]["reason"] == "revoked", body
    assert body["detail"].startswith("This device was revoked on")
    assert not CheckIn.objects.filter(device=terminal.device).exists()


def test_an_unknown_device_or_a_batch_not_signed_by_it_is_refused(running, terminal):
    session = running.sessions.first()
    events = [terminal.event(session, number(running.enrollments.first()))]
    batch = terminal.batch(events)
    status, body = upload({**batch, "sent_at": (timezone.now() + timedelta(hours=1)).isoformat()},
                          **EN)  # fmt: skip
    assert status == 403 and body["results"][0]["reason"] == "bad_batch_signature"
    status, body = upload({**batch, "device": terminal.device.pk + 1000}, **EN)
    assert status == 403 and body["results"][0]["reason"] == "unknown_device"
    assert upload({"device": "x"})[0] == 400
    assert upload({**batch, "events": []})[0] == 400
    assert not CheckIn.objects.filter(device=terminal.device).exists()


def test_a_device_with_a_key_may_not_post_unsigned_events(running, act, institution):
    """Issue 18: the signature proves an event's device; with a key registered, the device's
    token alone (which travels in every request, and may be copied) posts nothing."""
    session = running.sessions.first()
    event = {"event_id": "plain-1", "session": session.pk, "direction": "in",
             "id_number": number(running.enrollments.first()),
             "device_time": timezone.localtime(session.starts_at).isoformat()}  # fmt: skip
    key = signing.public_text(Ed25519PrivateKey.generate())
    with act("institution"):
        device, token = services.register_device(institution, "离线考勤机", key)
    response = Client().post("/api/v1/attendance/events/", json.dumps(event),
                             content_type="application/json",
                             HTTP_AUTHORIZATION=f"Device {token}", **EN)  # fmt: skip
    assert response.status_code == 403
    assert "signing key" in response.json()["detail"]
    assert not CheckIn.objects.filter(device=device).exists()
    with act("institution"):  # a device without a key still posts plain events
        plain, token = services.register_device(institution, "前台考勤机")
    response = Client().post("/api/v1/attendance/events/", json.dumps(event),
                             content_type="application/json",
                             HTTP_AUTHORIZATION=f"Device {token}")  # fmt: skip
    assert response.status_code == 201, response.content
    assert CheckIn.objects.filter(device=plain).count() == 1


def test_a_device_whose_clock_is_off_has_its_events_flagged(running, terminal, settings):
    """The batch's sending time against the server's clock: off by more than the setting
    (DEVICE_CLOCK_TOLERANCE), each event of the batch is flagged; within it, none is."""
    session = running.sessions.first()
    first, second, _third = (number(e) for e in running.enrollments.all())
    settings.DEVICE_CLOCK_TOLERANCE = 600
    behind = timezone.now() - timedelta(minutes=20)
    status, body = upload(terminal.batch([terminal.event(session, first)], sent_at=behind))
    assert body["results"][0]["flag"] == Flag.DEVICE_CLOCK and body["clock_skew"] < -1100, body
    assert CheckIn.objects.get(event_id="ev-1").flag == Flag.DEVICE_CLOCK
    assert SignedEvent.objects.get(event_id="ev-1").clock_skew < -1100
    slightly = timezone.now() - timedelta(minutes=5)
    status, body = upload(terminal.batch([terminal.event(session, second)], sent_at=slightly))
    assert body["results"][0]["flag"] == "" and body["results"][0]["in_window"], body

"""Places (issue 17, check 4's data): a class's training site in the opening application (form
and API) and a session's own site; the position a device reports with a check-in, optional, in
the JSON events and in the signed events (the older layout still taken as it was). Supervision
compares them (000 §三(八) 人脸识别考勤, 003 §三10 远程监控、过程留痕, 004 §五(六);
tests/supervision/test_checks_places.py)."""

from dataclasses import replace
from datetime import timedelta
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from jineng.training import services, signing
from jineng.training.models import CheckIn, SignedEvent, TrainingClass
from jineng.training.places import distance_m
from tests.actors import act
from tests.training.test_api import (  # noqa: F401 (fixtures)
    class_body,
    device_token,
    event,
    post_events,
    running,
)
from tests.training.test_devices import number, terminal, upload  # noqa: F401 (fixtures)
from tests.training.test_pages import application

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_the_opening_application_names_the_training_site(login):
    """000 §三(八): the class's venue with its position and radius, entered with the form."""
    client = login("institution")
    page = client.get("/classes/new/").content.decode()
    assert 'name="site_latitude"' in page and 'name="site_radius"' in page
    response = client.post("/classes/new/", application(
        site_latitude="34.4146", site_longitude="115.6563", site_radius="300"))  # fmt: skip
    assert response.status_code == 302
    training_class = TrainingClass.objects.get(name="焊工（初级）培训班")
    assert (training_class.site_latitude, training_class.site_longitude) == (34.4146, 115.6563)
    assert training_class.site_radius == 300
    assert "34.4146" in client.get(response.url).content.decode()
    # Half a position is refused, nothing saved.
    response = client.post("/classes/new/", application(name="半个位置", site_latitude="34.4"),
                           **EN)  # fmt: skip
    assert response.status_code == 200
    assert "both the site's latitude and longitude" in unescape(response.content.decode())
    assert not TrainingClass.objects.filter(name="半个位置").exists()


def test_the_api_takes_a_classs_site_and_a_sessions_own(api):
    start = timezone.localdate() + timedelta(days=20)
    body = class_body(start, site_latitude=34.4146, site_longitude=115.6563)
    status, created = api("institution", "POST", "/api/v1/classes/", body)
    assert status == 201, created
    assert created["site_latitude"] == 34.4146 and created["site_radius"] is None
    status, refused = api("institution", "POST", "/api/v1/classes/",
                          class_body(start, site_radius=100), **EN)  # fmt: skip
    assert status == 400 and "radius needs its latitude" in str(refused)
    starts = timezone.make_aware(timezone.datetime.combine(start, timezone.datetime.min.time()))
    session = {"starts_at": (starts + timedelta(hours=9)).isoformat(),
               "ends_at": (starts + timedelta(hours=12)).isoformat(), "topic": "田间实操",
               "site_address": "梁园区田间实训基地", "site_latitude": 34.43,
               "site_longitude": 115.66, "site_radius": 500}  # fmt: skip
    url = f"/api/v1/classes/{created['id']}/sessions/"
    status, sessions = api("institution", "POST", url, session)
    assert status == 201, sessions
    assert sessions[0]["site_address"] == "梁园区田间实训基地"
    assert sessions[0]["site_radius"] == 500


def test_a_device_event_may_carry_its_position(running, post_events):  # noqa: F811
    session = running.sessions.first()
    people = [e.person for e in running.enrollments.order_by("id")]
    status, body = post_events(event(session, people[0], event_id="p-1", latitude=34.4146,
                                     longitude=115.6563, accuracy=12.5))  # fmt: skip
    assert status == 201, body
    stored = CheckIn.objects.get(event_id="p-1")
    assert (stored.latitude, stored.longitude, stored.accuracy) == (34.4146, 115.6563, 12.5)
    # Without one, as before.
    status, body = post_events(event(session, people[1], event_id="p-2"))
    assert status == 201 and CheckIn.objects.get(event_id="p-2").latitude is None
    # Half a position, or one off the globe, is refused with its reason.
    status, body = post_events(event(session, people[2], event_id="p-3", latitude=34.4), **EN)
    assert status == 400 and "both the latitude and the longitude" in body["error"]
    status, body = post_events(event(session, people[2], event_id="p-4", latitude=95,
                                     longitude=115), **EN)  # fmt: skip
    assert status == 400 and not CheckIn.objects.filter(event_id__in=["p-3", "p-4"]).exists()


def test_a_signed_event_may_carry_a_position_and_the_older_layout_still_reads(
    running,  # noqa: F811
    terminal,  # noqa: F811
):
    """docs/devices.md: the position block is optional; an event signed without it is the same
    bytes as before the block existed."""
    session = running.sessions.first()
    enrollments = list(running.enrollments.order_by("id"))
    plain = terminal.event(session, number(enrollments[0]))
    when = timezone.localtime(session.starts_at)
    located = signing.Event(
        device=terminal.device.pk, counter=2, event_id="ev-located", session=session.pk,
        person=number(enrollments[1]), direction="in", device_time=when,
        latitude=34.4146123, longitude=115.6563456, accuracy=8,
    )  # fmt: skip
    terminal.counter = 2
    payload, signature = signing.sign(terminal.key, located)
    bare = replace(located, latitude=None, longitude=None, accuracy=None).message()
    assert signing.unb64url(payload)[:-11] == bare and len(bare) + 11 <= signing.MAX_PAYLOAD
    status, body = upload(terminal.batch([plain, {"payload": payload, "signature": signature}]))
    assert status == 200 and body["stored"] == 2, body
    first = SignedEvent.objects.get(device=terminal.device, counter=1).checkin
    second = SignedEvent.objects.get(device=terminal.device, counter=2).checkin
    assert first.latitude is None and first.accuracy is None
    assert second.latitude == pytest.approx(34.4146123, abs=1e-7)
    assert second.longitude == pytest.approx(115.6563456, abs=1e-7) and second.accuracy == 8


def test_a_signed_position_is_checked_like_the_rest_of_the_layout():
    when = timezone.now()
    base = dict(device=1, counter=1, event_id="e", session=1, person="E1", direction="in",
                device_time=timezone.localtime(when))  # fmt: skip
    with pytest.raises(ValueError, match="together"):
        signing.Event(**base, latitude=34.4).message()
    with pytest.raises(ValueError, match="range"):
        signing.Event(**base, latitude=91, longitude=0).message()
    data = signing.Event(**base, latitude=34.4, longitude=115.6).message()
    assert signing.Event.parse(data).accuracy is None
    with pytest.raises(signing.BadEvent):
        signing.Event.parse(data[:-1])  # a cut block
    with pytest.raises(signing.BadEvent):
        signing.Event.parse(data[:-11] + b"Q" + data[-10:])  # an unknown block


def test_the_distance_is_the_great_circle():
    """About 111.2 km a degree of latitude; 商丘 to 郑州 about 190 km."""
    assert distance_m(34.0, 115.0, 35.0, 115.0) == pytest.approx(111_195, rel=1e-3)
    assert distance_m(34.4146, 115.6563, 34.7466, 113.6253) == pytest.approx(189_000, rel=0.02)


def test_the_opening_application_states_the_study_mode(login, api):
    """004 §二, 004 §五(六) (issue 17, check 3): a class is full-time (全日制) or part-time
    (非全日制, evenings and weekends), stated in the form and the API and shown on the class's
    page; supervision reads insured work only during a full-time class. Full-time unless
    stated."""
    client = login("institution")
    page = client.get("/classes/new/").content.decode()
    assert 'name="study_mode"' in page and 'value="part_time"' in page
    response = client.post("/classes/new/", application(study_mode="part_time"))
    assert response.status_code == 302
    training_class = TrainingClass.objects.get(name="焊工（初级）培训班")
    assert training_class.study_mode == "part_time"
    assert "非全日制" in client.get(response.url).content.decode()
    # An unknown mode is refused with a message, nothing saved.
    response = client.post("/classes/new/", application(name="半工半读", study_mode="night"), **EN)
    assert response.status_code == 200
    assert "Choose full-time or part-time." in unescape(response.content.decode())
    assert not TrainingClass.objects.filter(name="半工半读").exists()
    # The API: full-time unless stated; the label in the request's language.
    start = timezone.localdate() + timedelta(days=20)
    status, created = api("institution", "POST", "/api/v1/classes/", class_body(start))
    assert status == 201, created
    assert created["study_mode"] == "full_time"
    status, created = api("institution", "POST", "/api/v1/classes/",
                          class_body(start, study_mode="part_time"), **EN)  # fmt: skip
    assert status == 201, created
    assert created["study_mode"] == "part_time" and "part-time" in created["study_mode_label"]
    status, refused = api("institution", "POST", "/api/v1/classes/",
                          class_body(start, study_mode="night"), **EN)  # fmt: skip
    assert status == 400 and "study_mode" in refused


def test_the_service_refuses_an_unknown_study_mode(make_class):
    """Fail closed: the service checks the mode whoever calls it (the database too)."""
    training_class = make_class(people=0)
    with act("institution"), pytest.raises(ValidationError) as problem:
        services.update_class(training_class, study_mode="night")
    assert "study_mode" in problem.value.message_dict
    training_class.refresh_from_db()
    assert training_class.study_mode == "full_time"

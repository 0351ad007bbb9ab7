"""Check-in with a face (人脸识别考勤, 000 §三(八); 003 §三10 traceable attendance): the photo
against the claimed trainee's template, 1:1, from a device; a failed match is no attendance but a
mismatch for the institution and the reviewer. And the threshold's calibration command."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from jineng.core.models import AuditEntry
from jineng.faces.models import FaceDuplicate, FaceVerification
from jineng.supervision.checks import CHECK_BY_CODE, Scope
from jineng.training import services as training
from jineng.training.models import CheckIn
from tests.faces.conftest import PHOTOS, no_face, photo

URL = "/api/v1/faces/check-in/"


@pytest.fixture
def device_token(act, institution):
    with act("institution"):
        _device, token = training.register_device(institution, "门口平板")
    return token


@pytest.fixture
def post(device_token):
    client = Client()

    def send(session, enrollment, name_or_bytes, event_id="f-1", token=device_token, **extra):
        data = name_or_bytes if isinstance(name_or_bytes, bytes) else photo(name_or_bytes)
        from django.core.files.uploadedfile import SimpleUploadedFile

        body = {"session": session.pk, "enrollment": enrollment.pk, "event_id": event_id,
                "photo": SimpleUploadedFile("p.jpg", data, "image/jpeg"), **extra}  # fmt: skip
        response = client.post(URL, body, HTTP_AUTHORIZATION=f"Device {token}")
        return response.status_code, json.loads(response.content)

    return send


def test_the_same_face_checks_in_and_the_record_keeps_distance_threshold_model(
    running, enrolled, post
):
    enrollment = running.enrollments.order_by("id").first()
    enrolled(enrollment.person, "obama/1.jpg")
    session = running.sessions.first()
    status, body = post(session, enrollment, "obama/2.jpg")
    assert status == 201, body
    assert body["result"] == "passed" and body["distance"] < body["threshold"] == 0.55
    event = CheckIn.objects.get(pk=body["attendance"])
    assert event.verification == "passed" and event.person == enrollment.person
    verification = FaceVerification.objects.get()
    assert verification.checkin == event and verification.model_version.startswith("dlib")
    assert verification.thumbnail is None  # a pass keeps no photo
    assert set(body) == {"result", "distance", "threshold", "model_version", "attendance"}


def test_a_face_check_in_may_carry_the_devices_position(running, enrolled, post):
    """The place of attendance (issue 17, check 4: 000 §三(八); docs/devices.md): optional."""
    enrollment = running.enrollments.order_by("id").first()
    enrolled(enrollment.person, "obama/1.jpg")
    session = running.sessions.first()
    status, body = post(session, enrollment, "obama/2.jpg", latitude="34.4146",
                        longitude="115.6563", accuracy="20")  # fmt: skip
    assert status == 201, body
    event = CheckIn.objects.get(pk=body["attendance"])
    assert (event.latitude, event.longitude, event.accuracy) == (34.4146, 115.6563, 20.0)
    status, body = post(session, enrollment, "obama/2.jpg", event_id="f-2", longitude="115.6")
    assert status == 400 and not CheckIn.objects.filter(event_id="f-2").exists()


def test_another_face_is_no_attendance_but_a_mismatch_to_review(
    running, enrolled, post, login, act
):
    enrollment = running.enrollments.order_by("id").first()
    enrolled(enrollment.person, "obama/1.jpg")
    status, body = post(running.sessions.first(), enrollment, "kit_harington/2.jpg")
    assert status == 200 and body["result"] == "mismatch" and body["attendance"] is None
    assert not CheckIn.objects.exists()
    mismatch = FaceVerification.objects.get()
    assert mismatch.state == "mismatch" and mismatch.distance > mismatch.threshold
    assert mismatch.thumbnail is not None  # sealed, for the reviewer only
    # The device sends the same event again (a lost answer): the first answer stands.
    again = post(running.sessions.first(), enrollment, "kit_harington/2.jpg")
    assert again == (200, body) and FaceVerification.objects.count() == 1
    # The institution sees the mismatch in its list, without the photo.
    page = login("institution").get("/faces/mismatches/")
    assert page.status_code == 200 and enrollment.person.name in page.content.decode()
    assert login("institution").get(f"/faces/mismatches/{mismatch.pk}/photo/").status_code == 404
    # The reviewer sees the thumbnail; the look is audited.
    reviewer = login("city_reviewer")
    shown = reviewer.get(f"/faces/mismatches/{mismatch.pk}/photo/")
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"
    assert AuditEntry.objects.filter(action="view_personal", object_type="faces.faceverification")


def test_a_photo_without_one_face_is_refused_with_its_reason(running, enrolled, post):
    enrollment = running.enrollments.order_by("id").first()
    enrolled(enrollment.person, "obama/1.jpg")
    status, body = post(running.sessions.first(), enrollment, "group/two_people.jpg")
    assert status == 400 and body["code"] == "several_faces" and "2 张人脸" in body["error"]
    status, body = post(running.sessions.first(), enrollment, no_face())
    assert status == 400 and body["code"] == "no_face"
    assert not FaceVerification.objects.exists() and not CheckIn.objects.exists()


def test_a_trainee_without_a_template_or_a_bad_token_is_refused(running, post):
    enrollment = running.enrollments.order_by("id").first()
    status, body = post(running.sessions.first(), enrollment, "obama/1.jpg")
    assert status == 400 and "人脸模板" in body["error"]
    status, _body = post(running.sessions.first(), enrollment, "obama/1.jpg", token="wrong")
    assert status == 401


def test_one_face_two_names_is_found_at_enrolment_and_at_check_in(running, enrolled, post):
    """A face enrolled under a second identity is a finding (代打卡), by the 1:N search."""
    first, second = running.enrollments.order_by("id")[:2]
    enrolled(first.person, "obama/1.jpg")
    _template, duplicates = enrolled(second.person, "obama/2.jpg")
    assert len(duplicates) == 1
    found = FaceDuplicate.objects.get()
    assert {found.person, found.other} == {first.person, second.person}
    assert found.source == "enrolment" and found.distance <= found.threshold
    # The same pair found again at a check-in is the same finding.
    post(running.sessions.first(), first, "obama/2.jpg")
    assert FaceDuplicate.objects.count() == 1
    # A different face enrolled is no finding.
    third = running.enrollments.order_by("id")[2]
    assert enrolled(third.person, "kit_harington/2.jpg")[1] == []


def test_the_supervision_check_makes_a_finding_of_one_face_two_names(running, enrolled, orgs):
    """supervision's check face_two_names (004 §五(六) 数据比对) reads the 1:N hits."""
    first, second = running.enrollments.order_by("id")[:2]
    enrolled(first.person, "obama/1.jpg")
    enrolled(second.person, "obama/2.jpg")
    scope = Scope(orgs["city"], running.start_date, running.end_date, None)
    found = CHECK_BY_CODE["face_two_names"].find(scope)
    assert len(found) == 1 and found[0].subjects["person_id"] in {first.person_id, second.person_id}
    text = json.dumps(found[0].evidence, ensure_ascii=False)
    assert first.person.name in text and "template" not in text
    outside = Scope(orgs["yongcheng"], running.start_date, running.end_date, None)
    assert CHECK_BY_CODE["face_two_names"].find(outside) == []


def test_no_template_or_photo_in_the_api_answers_or_the_logs(running, enrolled, post, caplog):
    enrollment = running.enrollments.order_by("id").first()
    enrolled(enrollment.person, "obama/1.jpg")
    with caplog.at_level("DEBUG"):
        status, body = post(running.sessions.first(), enrollment, "obama/2.jpg")
    text = json.dumps(body) + caplog.text
    assert "template" not in text and "photo" not in json.dumps(body)
    assert len(json.dumps(body)) < 200  # no 128 numbers
    for entry in AuditEntry.objects.filter(object_type__startswith="faces."):
        for values in (entry.after or {}, entry.before or {}):
            assert not {"template", "photo", "thumbnail"} & set(values)


def test_calibrate_prints_distances_and_suggests_a_threshold():
    out = StringIO()
    call_command("faces", "calibrate", str(PHOTOS), stdout=out)
    text = out.getvalue()
    assert "refused group/two_people.jpg: several_faces" in text
    assert "same person (2)" in text and "suggested JINENG_FACE_THRESHOLD=" in text
    threshold = float(text.split("JINENG_FACE_THRESHOLD=")[1].split()[0])
    assert 0.45 < threshold < 0.7
    assert "false accept 0.0%, false reject 0.0%" in text

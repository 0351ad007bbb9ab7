"""The face pages: the person's consent and photo (PIPL art. 29: the consent box is required),
the door page's check-in answer, and who may open them."""

from django.core.files.uploadedfile import SimpleUploadedFile

from jineng.core.models import AuditEntry
from jineng.faces.models import FaceConsent, FaceTemplate, FaceVerification
from jineng.training.models import CheckIn
from tests.faces.conftest import photo


def upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("p.jpg", photo(name), "image/jpeg")


def test_the_institution_takes_a_trainees_face_with_the_consent_box(running, login):
    person = running.enrollments.order_by("id").first().person
    client = login("institution")
    url = f"/faces/people/{person.pk}/"
    page = client.get(url).content.decode()
    assert "单独同意" in page and "照片本身不保存" in page
    refused = client.post(url, {"photo": upload("obama/1.jpg")}, follow=True)
    assert refused.status_code == 200 and not FaceTemplate.objects.exists()
    assert not FaceConsent.objects.exists()
    taken = client.post(url, {"photo": upload("obama/1.jpg"), "consent": "on"}, follow=True)
    assert "人脸模板已采集" in taken.content.decode()
    assert FaceTemplate.objects.get().person == person
    several = client.post(url, {"photo": upload("group/two_people.jpg"), "consent": "on"},
                          follow=True)  # fmt: skip
    assert "照片中有 2 张人脸" in several.content.decode()
    # A worker or someone outside the scope does not reach the page.
    assert login("worker").get(url).status_code == 404
    assert login("finance").get(url).status_code == 404


def test_the_door_page_answers_each_capture(running, login, enrolled):
    enrollment = running.enrollments.order_by("id").first()
    enrolled(enrollment.person, "obama/1.jpg")
    session = running.sessions.first()
    client = login("institution")
    page = client.get(f"/faces/sessions/{session.pk}/door/").content.decode()
    assert "getUserMedia" not in page and "door.js" in page and enrollment.person.name in page
    assert str(session.pk) in client.get("/faces/door/").content.decode()
    url = f"/faces/sessions/{session.pk}/check-in/"
    body = client.post(url, {"enrollment": enrollment.pk, "photo": upload("obama/2.jpg")}).json()
    assert body["result"] == "passed" and "签到成功" in body["message"]
    assert CheckIn.objects.get().verification == "passed"
    body = client.post(url, {"enrollment": enrollment.pk, "photo": upload("rose_leslie/2.jpg")})
    assert body.status_code == 200 and "不符" in body.json()["message"]
    tampered = client.post(url, {"enrollment": 2**40, "photo": upload("obama/2.jpg")})
    assert tampered.status_code == 400 and tampered.json()["error"]
    assert login("city_reviewer").post(url, {"enrollment": enrollment.pk}).status_code == 404


def test_a_reviewer_decides_a_mismatch_and_sees_both_photos(running, login, enrolled, settings):
    """Both photos' faces only to a reviewer (the enrolment photo only when kept), audited."""
    settings.FACE_KEEP_PHOTOS = True
    enrollment = running.enrollments.order_by("id").first()
    enrolled(enrollment.person, "obama/1.jpg")
    session = running.sessions.first()
    url = f"/faces/sessions/{session.pk}/check-in/"
    login("institution").post(url, {"enrollment": enrollment.pk, "photo": upload("biden/2.jpg")})
    mismatch = FaceVerification.objects.get()
    reviewer = login("city_reviewer")
    for path in ("photo/", "photo/enrolled/"):
        shown = reviewer.get(f"/faces/mismatches/{mismatch.pk}/{path}")
        assert shown.status_code == 200 and shown.content[:2] == b"\xff\xd8"
    assert AuditEntry.objects.filter(action="view_personal").count() == 2
    reviewer.post(f"/faces/mismatches/{mismatch.pk}/review/",
                  {"decision": "confirmed", "note": "他人代签"})  # fmt: skip
    mismatch.refresh_from_db()
    assert mismatch.state == "confirmed" and mismatch.reviewed_by.username == "city_reviewer"
    institution = login("institution")
    assert institution.post(f"/faces/mismatches/{mismatch.pk}/review/",
                            {"decision": "dismissed"}).status_code == 404  # fmt: skip

"""POST /api/v1/faces/enrol/: the consent's text version and the photo, by the counter or the
institution; the answer names no template (PIPL art. 28-29)."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jineng.faces import services
from jineng.faces.models import FaceConsent, FaceTemplate
from tests.faces.conftest import photo

URL = "/api/v1/faces/enrol/"


def enrol(user, person_id, name="obama/1.jpg", version=services.CONSENT_VERSION):
    client = Client()
    client.force_login(user)
    body = {"person": person_id, "consent_version": version,
            "photo": SimpleUploadedFile("p.jpg", photo(name), "image/jpeg")}  # fmt: skip
    response = client.post(URL, body)
    return response.status_code, json.loads(response.content)


def test_the_api_enrols_with_the_consent_and_answers_no_template(running, users):
    person = running.enrollments.order_by("id").first().person
    status, body = enrol(users["institution"], person.pk)
    assert status == 201, body
    assert set(body) == {"person", "model_version", "enrolled_at", "duplicates"}
    consent = FaceConsent.objects.get()
    assert consent.text_version == services.CONSENT_VERSION
    assert FaceTemplate.objects.get().consent == consent
    other = running.enrollments.order_by("id")[1].person
    status, body = enrol(users["institution"], other.pk, "group/two_people.jpg")
    assert status == 400 and body["code"] == "several_faces"
    assert not FaceConsent.objects.filter(person=other).exists()  # nothing half-way


def test_the_api_refuses_an_old_consent_text_a_stranger_and_a_foreign_person(running, users):
    person = running.enrollments.order_by("id").first().person
    status, body = enrol(users["institution"], person.pk, version="2019-01")
    assert status == 400 and "旧版告知书" in body["error"]
    assert not FaceTemplate.objects.exists()
    assert enrol(users["worker"], person.pk)[0] == 403
    assert enrol(users["institution"], 2**31 - 1)[0] == 404

"""Tampered values posted to the class pages (a non-numeric id, a row outside the user's reach,
an absurd number, an impossible date): a message on the page, never a server error, and
nothing changed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jineng.institutions.models import Engagement
from jineng.training.models import Commitment, Device, TrainingClass
from tests.tampered import ABSURD, refused
from tests.training.test_pages import edit_values

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def url(training_class, tail: str) -> str:
    return f"/classes/{training_class.pk}/{tail}"


def test_a_tampered_state_or_an_overlong_reason_is_refused(login, make_class):
    training_class = make_class()
    client = login("institution")
    for state in ["completed", "abc", ""]:
        response = client.post(url(training_class, "state/"), {"state": state}, follow=True)
        refused(response, "Choose the new state.")
    response = client.post(
        url(training_class, "state/"), {"state": "withdrawn", "reason": "x" * 301}, follow=True
    )
    refused(response)
    assert TrainingClass.objects.get(pk=training_class.pk).state == "draft"


def test_teachers_outside_the_institutions_pool_are_refused(login, make_class, institution):
    training_class = make_class(people=0)
    before = set(training_class.teachers.all())
    foreign = (
        Engagement.objects.exclude(institution=institution)
        .exclude(teacher__engagements__institution=institution)[0]
        .teacher
    )
    client = login("institution")
    for value in [*ABSURD[:5], foreign.pk]:
        response = client.post(
            url(training_class, "edit/"), edit_values(training_class, teachers=[value])
        )
        refused(response)
        assert set(training_class.teachers.all()) == before, value


def test_a_session_with_an_impossible_date_or_a_foreign_teacher_is_refused(login, make_class):
    training_class = make_class(people=0)
    other = make_class(people=0)
    foreign_teacher = other.teachers.exclude(pk__in=training_class.teachers.all()).first()
    before = training_class.sessions.count()
    day = training_class.start_date.isoformat()
    client = login("institution")
    tampered = [
        {"day": "2025-02-30", "starts": "09:00", "ends": "12:00"},
        {"day": day, "starts": "25:99", "ends": "12:00"},
        {"day": day, "starts": "09:00", "ends": "12:00", "teacher": "abc"},
        {"day": day, "starts": "09:00", "ends": "12:00", "teacher": "1e999"},
        {"day": day, "starts": "09:00", "ends": "12:00", "teacher": "99999999999999999999999"},
        {"day": "1e999", "starts": "", "ends": ""},
    ]
    if foreign_teacher is not None:
        tampered.append(
            {"day": day, "starts": "09:00", "ends": "12:00", "teacher": foreign_teacher.pk}
        )
    for values in tampered:
        response = client.post(url(training_class, "sessions/"), values, headers=HTMX)
        refused(response)
        assert training_class.sessions.count() == before, values
    response = client.post(
        url(training_class, "sessions/"), {"day": "2025-02-30", "starts": "9", "ends": "x"},
        headers=HTMX,
    )  # fmt: skip
    refused(response, "Give the date and the times of the session.")


def test_enrolment_of_garbage_is_refused(login, make_class):
    training_class = make_class(people=0)
    client = login("institution")
    for number in ABSURD:
        response = client.post(
            url(training_class, "enrollments/"), {"id_number": number, "voucher": "abc"},
            headers=HTMX,
        )  # fmt: skip
        refused(response)
    assert training_class.enrollments.count() == 0


def test_a_tampered_assessment_or_withdrawal_is_refused(login, make_class):
    training_class = make_class(people=1, state="in_progress")
    enrollment = training_class.enrollments.get()
    client = login("institution")
    for passed in ["2", "abc", ""]:
        response = client.post(
            url(training_class, f"enrollments/{enrollment.pk}/assessment/"), {"passed": passed},
            headers=HTMX,
        )  # fmt: skip
        refused(response, "Choose passed or failed.")
    response = client.post(
        url(training_class, f"enrollments/{enrollment.pk}/withdraw/"), {"reason": "x" * 400},
        headers=HTMX,
    )  # fmt: skip
    refused(response)
    enrollment.refresh_from_db()
    assert enrollment.state == "enrolled" and enrollment.assessment_passed is None


def test_a_commitment_without_a_file_is_refused(login, make_class):
    training_class = make_class(commitment_reason="pre_job")
    client = login("institution")
    response = client.post(url(training_class, "commitment/upload/"), {"file": "abc"}, follow=True)
    refused(response, "Choose the file of the signed commitment.")
    empty = SimpleUploadedFile("承诺书.pdf", b"", content_type="application/pdf")
    response = client.post(url(training_class, "commitment/upload/"), {"file": empty}, follow=True)
    refused(response, "Choose the file of the signed commitment.")
    assert not Commitment.objects.filter(training_class=training_class).exists()


def test_the_bulk_review_refuses_tampered_classes_and_decisions(login, make_class):
    training_class = make_class(state="submitted")
    client = login("city_reviewer")
    for values in [
        {"classes": ["abc"], "decision": "approve"},
        {"classes": ["99999999999999999999999"], "decision": "approve"},
        {"classes": [training_class.pk], "decision": "abolish"},
        {"classes": [training_class.pk], "decision": "reject", "reason": "x" * 400},
    ]:
        response = client.post("/classes/review/decide/", values, follow=True)
        refused(response)
    response = client.post(
        "/classes/review/decide/", {"classes": [training_class.pk], "decision": "reject"},
        follow=True,
    )  # fmt: skip
    refused(response, "Give the reason for the rejection: nothing was changed.")
    # A class outside the reviewer's region is not a choice.
    response = login("county_reviewer").post(
        "/classes/review/decide/", {"classes": [training_class.pk], "decision": "approve"},
        follow=True,
    )  # fmt: skip
    refused(response)
    assert TrainingClass.objects.get(pk=training_class.pk).state == "submitted"


def test_a_device_name_too_long_or_empty_is_refused(login, institution):
    client = login("institution")
    before = Device.objects.count()
    refused(client.post("/classes/devices/", {"name": "x" * 500}))
    refused(client.post("/classes/devices/", {"name": ""}), "Name the device.")
    assert Device.objects.count() == before

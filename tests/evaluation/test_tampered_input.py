"""Tampered values posted to the evaluation pages (an examiner of another organisation or role,
a non-numeric id, an impossible date, a tampered pass or fail): a message on the page, never a
server error, and nothing changed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jineng.evaluation.models import (
    ApplicantAgreement,
    BookingState,
    EvaluationBooking,
    EvaluationResult,
)
from jineng.institutions.models import Examiner
from tests.tampered import ABSURD, refused

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def test_a_tampered_results_grid_is_refused(login, booked, examiner, supervisor, station):
    booking = booked(people=2)
    first = booking.training_class.enrollments.order_by("id").first()
    foreign = Examiner.objects.exclude(evaluation_org=booking.evaluation_org).first()
    row = {f"theory-{first.pk}": "80", f"practical-{first.pk}": "80", f"passed-{first.pk}": "1"}
    panel = {"examiners": [examiner.pk], "supervisor": supervisor.pk}
    client = login("evaluator")
    url = f"/evaluations/{booking.pk}/results/"
    for values in [
        {**row, "examiners": ["abc"], "supervisor": supervisor.pk},
        {**row, "examiners": [foreign.pk], "supervisor": supervisor.pk},
        {**row, "examiners": [supervisor.pk], "supervisor": supervisor.pk},
        {**row, "examiners": [examiner.pk], "supervisor": "1e999"},
        {**row, "examiners": ["99999999999999999999999"], "supervisor": supervisor.pk},
        {**row, **panel, "enrollment": "abc"},
        {**row, **panel, f"passed-{first.pk}": "2"},
        {**row, **panel, f"theory-{first.pk}": "1e999"},
        {**row, **panel, f"theory-{first.pk}": "8" * 50},
    ]:
        refused(client.post(url, values, headers=HTMX))
    assert not EvaluationResult.objects.filter(booking=booking).exists()


def test_an_overlong_reason_is_refused(login, booked):
    booking = booked(accept=False)
    for value in ["x" * 301]:
        response = login("evaluator").post(
            f"/evaluations/{booking.pk}/decline/", {"reason": value}, follow=True
        )
        refused(response)
    assert EvaluationBooking.objects.get(pk=booking.pk).state == BookingState.REQUESTED


def test_a_tampered_booking_form_is_refused(login, completed_class):
    training_class = completed_class()
    client = login("institution")
    for value in ABSURD:
        response = client.post(
            f"/evaluations/book/{training_class.pk}/",
            {"evaluation_org": value, "planned_date": value},
        )
        refused(response)
    assert not EvaluationBooking.objects.filter(training_class=training_class).exists()


def test_a_tampered_agreement_is_refused(login, booked):
    """004 §四(五): the free-evaluation agreement's row posted with a tampered trainee, date,
    signatory or scan: a message on the page, nothing recorded."""
    booking = booked()
    first = booking.training_class.enrollments.order_by("id").first()
    url = f"/evaluations/{booking.pk}/agreements/"
    good = {"enrollment": first.pk, "signed_on": booking.planned_date.isoformat(),
            "signatory": "王经办"}  # fmt: skip
    client = login("evaluator")
    for value in ABSURD:
        for field in ("enrollment", "signed_on", "signatory"):
            if field == "signatory" and value not in ("", "💥" * 500):
                continue  # any short text is a name
            refused(client.post(url, {**good, field: value}, follow=True))
    not_a_scan = SimpleUploadedFile(
        "x.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    refused(client.post(url, {**good, "scan": not_a_scan}, follow=True))
    assert not ApplicantAgreement.objects.filter(enrollment=first).exists()

"""The demo evaluations (jineng.evaluation.demo): the completed class of 永城市技工学校 booked
within the deadline of 004 §四(四), accepted, with two passes (each with its certificate) and one
fail, done; the closed class of 鸿鹄 booked after the deadline, waiting for the bureau's exception
and on the overdue queue. A second load creates nothing."""

import pytest
from django.utils import timezone

from jineng.certificates.models import CertificateKind
from jineng.core import audit
from jineng.evaluation import demo, selectors
from jineng.evaluation.models import (
    ApplicantAgreement,
    BookingState,
    EvaluationBooking,
    EvaluationResult,
)

# The tests marked full_demo read the demo's classes, certificates, evaluations, vouchers or
# claims (tests/conftest.py); the others build what they need.
pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("full_demo")
def test_the_demo_evaluations(users):
    done = EvaluationBooking.objects.get(training_class__name="焊工（四级）企业职工培训班")
    assert done.state == BookingState.DONE and not done.late
    results = EvaluationResult.objects.filter(booking=done).select_related("certificate")
    assert sorted(r.passed for r in results) == [False, True, True]
    certificates = [r.certificate for r in results if r.certificate]
    assert len(certificates) == 2
    assert {c.kind for c in certificates} == {CertificateKind.SKILL_LEVEL}

    # 004 §四(五): each evaluated trainee's free-evaluation agreement, signed before the day
    signed = ApplicantAgreement.objects.filter(
        evaluation_org=done.evaluation_org, enrollment__in=[r.enrollment_id for r in results]
    )
    assert signed.count() == 3 and signed.filter(scan_sha256__gt="").count() == 1
    assert all(agreement.signed_on < done.planned_date for agreement in signed)
    claim = done.claims.get()  # the claims demo's, submitted: the two passes are paid
    granted = claim.lines.filter(granted=True)
    assert claim.state == "submitted" and granted.count() == 2 and claim.requested_total > 0

    late = EvaluationBooking.objects.get(training_class__name="电工（五级）培训班（第1期）")
    assert late.state == BookingState.REQUESTED and late.needs_exception and late.late_reason
    today = timezone.localdate()
    queue = selectors.overdue_bookings(users["city_reviewer"], today)
    assert queue.filter(pk=late.pk).exists() and not queue.filter(pk=done.pk).exists()


def test_a_second_load_creates_nothing():
    with audit.system_context("test"):
        assert demo.load() == {
            "filings": 0, "bookings": 0, "agreements": 0, "results": 0, "certificates": 0,
        }  # fmt: skip

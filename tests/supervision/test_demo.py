"""The demo's findings (004 §五(六)): several kinds, open and decided, and none holding a line
of the demo's claims (whose tests move them on)."""

import pytest

from jineng.claims.models import ClaimLine
from jineng.supervision.holds import held_lines
from jineng.supervision.models import Finding, FindingState

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("full_demo")]


def test_the_demo_has_findings_of_several_kinds_open_and_closed():
    """004 §五(六); patterns: courses shortened or skipped, fake trainees (one shared phone, a
    full-time student: 004 §二), check-ins away from the training site (000 §三(八))."""
    demo = Finding.objects.filter(region__code="411400")
    kinds = set(demo.values_list("check_code", flat=True))
    planted = {"shared_phone", "checkins_outside_place", "student_in_unemployed_class"}
    assert {"hand_entered_attendance", *planted} <= kinds
    states = set(demo.values_list("state", flat=True))
    assert {FindingState.OPEN, FindingState.UNDER_REVIEW, FindingState.CLEARED,
            FindingState.CONFIRMED} <= states  # fmt: skip
    assert not held_lines(ClaimLine.objects.filter(claim__organisation__name__contains="鸿鹄"))

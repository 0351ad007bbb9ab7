"""The claim factory (tests.factories.ClaimFactory) builds each state through the services."""

import pytest
from django.utils import timezone

from jineng.claims.models import LineState, ObjectionState, RecoveryState
from tests.factories import CLAIM_STATES, ClaimFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("state", CLAIM_STATES)
def test_a_claim_in_each_state(state):
    claim = ClaimFactory(state=state, objection=True, recovery=True)
    assert claim.state == state and claim.lines.count() == 2
    if state in {"payable", "paid"}:  # noticed two weeks ago: over by the calendar
        assert claim.notice.starts_on < claim.notice.ends_on < timezone.localdate()
    if state == "in_notice":
        assert claim.notice.starts_on == timezone.localdate()
        assert claim.notice.objections.get().state == ObjectionState.OPEN
    if state == "paid":
        assert set(claim.lines.values_list("state", flat=True)) == {LineState.PAID}
        assert claim.lines.order_by("id").last().recovery.state == RecoveryState.OPEN

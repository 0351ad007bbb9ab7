"""Starting a class before its first day (issue 14): the button is disabled with the start
date, the same reason the service gives when the POST comes anyway."""

from datetime import timedelta

import pytest
from django.utils import timezone

from jineng.training import services
from jineng.training.models import ClassState
from tests.buttons import blocked, reason_in_chinese

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_an_approved_class_is_started_from_its_first_day_not_before(make_class, login):
    if (TODAY + timedelta(days=12)).year != TODAY.year:
        pytest.skip("the demo designations cover the current year only")
    training_class = make_class(TODAY + timedelta(days=10), state="approved")
    reason = reason_in_chinese(services.timing_readiness(training_class, ClassState.IN_PROGRESS))
    assert str(training_class.start_date) in reason
    client = login("institution")
    page = client.get(f"/classes/{training_class.pk}/").content.decode()
    blocked(page, "action-in_progress", reason)
    response = client.post(
        f"/classes/{training_class.pk}/state/", {"state": "in_progress"}, follow=True
    )
    assert reason in response.content.decode()
    training_class.refresh_from_db()
    assert training_class.state == ClassState.APPROVED

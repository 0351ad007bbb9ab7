"""Approval comes before training (004 §四(三): 提交开班…申请, 经当地人力资源社会保障部门审核后
组织开展培训). An opening application is submitted by the pack's lead time before the class
starts (procedure.application_lead_days, 3 calendar days in Shangqiu's pack, assumed) and is
approved only before the class starts; a late one is refused with the dates, by the service,
the bulk review, the API and the class page (its buttons shown disabled with the reason)."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from jineng.training import services
from jineng.training.models import ClassState

TODAY = timezone.localdate()
LEAD = 3  # henan-shangqiu-2022: procedure.application_lead_days


def state_of(training_class) -> str:
    training_class.refresh_from_db()
    return training_class.state


def test_the_pack_states_the_lead_time_and_the_deadline_follows_it(make_class):
    """004 §四(三): the last day to submit is the start minus the pack's lead time."""
    training_class = make_class(TODAY + timedelta(days=20))
    assert services.submission_deadline(training_class) == training_class.start_date - timedelta(
        days=LEAD
    )


def test_submitted_on_the_last_allowed_day_goes_to_the_bureau(act, make_class):
    """004 §四(三): submitted on time (the lead time before the start), approved before it."""
    training_class = make_class(TODAY + timedelta(days=LEAD))
    with act("institution"):
        services.submit(training_class)
    with act("city_reviewer"):
        services.approve(training_class)
    assert state_of(training_class) == ClassState.APPROVED


def test_submitted_after_the_lead_time_is_refused_with_the_dates(act, make_class):
    """004 §四(三): a day too late, the application is refused and stays a draft."""
    training_class = make_class(TODAY + timedelta(days=LEAD - 1))
    deadline = TODAY - timedelta(days=1)
    dates = f"{training_class.start_date}.*{deadline}.*{TODAY}"
    with act("institution"), pytest.raises(ValidationError, match=dates):
        services.submit(training_class)
    assert state_of(training_class) == ClassState.DRAFT


def test_a_class_dated_in_the_past_is_not_submitted(act, make_class):
    """004 §四(三): the issue's case, a class that has already run is never submitted."""
    training_class = make_class(TODAY - timedelta(days=14))
    with act("institution"), pytest.raises(ValidationError, match=str(TODAY - timedelta(days=14))):
        services.submit(training_class)
    assert state_of(training_class) == ClassState.DRAFT


@pytest.mark.parametrize("start_in", [0, -1], ids=["on the start date", "after the start"])
def test_approval_on_or_after_the_start_date_is_refused(act, make_class, start_in):
    """004 §四(三): submitted in time, but the bureau did not review it before the class began."""
    training_class = make_class(TODAY + timedelta(days=start_in), state="submitted")
    assert state_of(training_class) == ClassState.SUBMITTED  # submitted a week before the start
    with act("city_reviewer"), pytest.raises(ValidationError, match=str(training_class.start_date)):
        services.approve(training_class)
    assert state_of(training_class) == ClassState.SUBMITTED
    with act("city_reviewer"):  # rejecting stays possible: the institution moves its dates
        services.reject(training_class, "开班日期已过，请调整日期后重新申报。")
    assert state_of(training_class) == ClassState.REJECTED


def test_approval_the_day_before_the_start_goes_through(act, make_class):
    """004 §四(三): reviewed the day before training begins."""
    training_class = make_class(TODAY + timedelta(days=1), state="submitted")
    with act("city_reviewer"):
        services.approve(training_class)
    assert state_of(training_class) == ClassState.APPROVED


def test_the_bulk_review_refuses_the_late_class_and_approves_the_others(act, login, make_class):
    """004 §四(三): one message for the class that has started, the others approved."""
    late = make_class(TODAY, state="submitted")
    timely = [
        make_class(TODAY + timedelta(days=10), level="4", state="submitted"),
        make_class(TODAY + timedelta(days=20), occupation="6-31-01-03", state="submitted"),
    ]
    response = login("city_reviewer").post(
        "/classes/review/decide/",
        {"classes": [c.pk for c in [late, *timely]], "decision": "approve"},
        follow=True,
    )
    assert [state_of(c) for c in timely] == [ClassState.APPROVED, ClassState.APPROVED]
    assert state_of(late) == ClassState.SUBMITTED
    page = response.content.decode()
    assert late.code in page and str(late.start_date) in page
    with act("city_reviewer"):  # the service says the same
        result = services.review_many([late], approve_them=True)
    assert result["done"] == [] and str(late.start_date) in result["refused"][0][1]


def test_the_api_answers_400_with_the_reason(users, make_class):
    """004 §四(三): through /api/v1/classes/<id>/submit/ and approve/, the same refusals."""
    draft = make_class(TODAY + timedelta(days=1), people=0)
    started = make_class(TODAY, occupation="6-31-01-03", state="submitted")
    institution, reviewer = Client(), Client()
    institution.force_login(users["institution"])
    reviewer.force_login(users["city_reviewer"])
    post = {"data": json.dumps({}), "content_type": "application/json"}
    answer = institution.post(f"/api/v1/classes/{draft.pk}/submit/", **post)
    assert answer.status_code == 400 and str(draft.start_date) in str(answer.json()["detail"])
    answer = reviewer.post(f"/api/v1/classes/{started.pk}/approve/", **post)
    assert answer.status_code == 400 and str(started.start_date) in str(answer.json()["detail"])
    assert (state_of(draft), state_of(started)) == (ClassState.DRAFT, ClassState.SUBMITTED)


def test_the_class_page_disables_the_late_buttons_with_the_reason(login, make_class):
    """004 §四(三): the page says why before anyone clicks: submit and approve greyed out."""
    draft = make_class(TODAY + timedelta(days=1), people=0)
    page = login("institution").get(f"/classes/{draft.pk}/").content.decode()
    assert 'id="action-submitted" disabled' in page
    assert str(TODAY - timedelta(days=2)) in page  # the last day it could be submitted
    started = make_class(TODAY, occupation="6-31-01-03", state="submitted")
    page = login("city_reviewer").get(f"/classes/{started.pk}/").content.decode()
    assert 'id="action-approved" disabled' in page and str(started.start_date) in page
    assert 'id="action-rejected"' in page and 'id="action-rejected" disabled' not in page
    timely = make_class(TODAY + timedelta(days=10), level="4", people=0)
    page = login("institution").get(f"/classes/{timely.pk}/").content.decode()
    assert 'id="action-submitted"' in page and 'id="action-submitted" disabled' not in page

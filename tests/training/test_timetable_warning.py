"""A class planned to end after the year's training deadline (004 §四(三) 组织实施培训(4月至8月)
…确保8月底前完成培训任务): warned about on the class page, in the review queue, when it is
submitted and approved, and in the API; never refused (004 attaches no consequence to it).

The demo region's pack (Shangqiu) borrows 004's date, assumed: the warning says so."""

import json
import re
from datetime import date

import pytest
from django.test import Client
from django.utils import timezone, translation

from jineng.training import services
from jineng.training.models import ClassState
from tests.clock import on_day
from tests.factories import TrainingClassFactory

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def late_text(end: date) -> str:
    return (
        f"计划于{end}结束，晚于{YEAR}年完成培训任务的截止日期{YEAR}-08-31"
        "（依据 004 §四(三)，假定值）"
    )


def make_class(start: date, *, days: int, state: str = "draft"):
    """A class of 鸿鹄 with trainees of its own (the factory's)."""
    return TrainingClassFactory(start=start, days=days, state=state)


def messages_of(response) -> str:
    return " ".join(str(message) for message in response.context["messages"])


def test_a_class_ending_after_31_august_is_warned_about_004_section_4_3():
    """004 §四(三): ending 1 September is late, 31 August is not; the service says why, with the
    date and its cite."""
    late = make_class(date(YEAR, 8, 30), days=3)  # 30 August to 1 September
    on_time = make_class(date(YEAR, 8, 29), days=3)  # to 31 August
    assert services.timetable_warning(late) == late_text(date(YEAR, 9, 1))
    assert services.timetable_warning(on_time) == ""
    with translation.override("en"):
        assert services.timetable_warning(late) == (
            f"planned to end on {YEAR}-09-01, after the deadline for {YEAR}'s training, "
            f"{YEAR}-08-31 (per 004 §四(三), assumed)"
        )


def test_a_class_running_into_the_next_year_is_late_for_its_first_year_004_section_4_3():
    """004 §四(三): the deadline is that of the year the class starts in: a class from
    December to January ends after the year's 31 August."""
    december = make_class(date(YEAR, 12, 29), days=1)
    december.end_date = date(YEAR + 1, 1, 5)  # as planned, not saved: the check reads the dates
    assert services.timetable_warning(december) == (
        f"计划于{YEAR + 1}-01-05结束，晚于{YEAR}年完成培训任务的截止日期{YEAR}-08-31"
        "（依据 004 §四(三)，假定值）"
    )


def test_the_class_page_warns_and_still_offers_every_step_004_section_4_3(login):
    """004 §四(三): the class page shows the warning in Chinese and English; submitting it goes
    through, with the warning beside the success (a warning, not a refusal)."""
    training_class = make_class(date(YEAR, 8, 30), days=3)
    client = login("institution")
    with on_day(date(YEAR, 8, 1)):
        page = client.get(f"/classes/{training_class.pk}/").content.decode()
        english = client.get(f"/classes/{training_class.pk}/", HTTP_ACCEPT_LANGUAGE="en")
        response = client.post(
            f"/classes/{training_class.pk}/state/", {"state": ClassState.SUBMITTED}, follow=True
        )
    warning = re.search(r'<div class="alert alert-warning[^"]*"[^>]*id="timetable-warning">(.*?)'
                        r"</div>", page, re.S)  # fmt: skip
    assert warning is not None and late_text(date(YEAR, 9, 1)) in warning.group(1)
    assert "晚于年度工作时限" in warning.group(1)
    assert "after the deadline for" in english.content.decode()
    training_class.refresh_from_db()
    assert training_class.state == ClassState.SUBMITTED  # not refused
    said = messages_of(response)
    assert "已提交" in said or "提交" in said
    assert late_text(date(YEAR, 9, 1)) in said


def test_a_class_ending_in_time_shows_no_warning(login):
    training_class = make_class(date(YEAR, 8, 20), days=3)
    with on_day(date(YEAR, 8, 1)):
        page = login("institution").get(f"/classes/{training_class.pk}/").content.decode()
    assert 'id="timetable-warning"' not in page


def test_the_review_queue_marks_the_late_class_and_approval_warns_004_section_4_3(login):
    """The reviewer sees in the queue which application ends late, and is told again when
    approving it (bulk too); the class is approved all the same."""
    late = make_class(date(YEAR, 8, 30), days=3, state="submitted")
    on_time = make_class(date(YEAR, 8, 20), days=3, state="submitted")
    client = login("city_reviewer")
    with on_day(date(YEAR, 8, 2)):
        queue = client.get("/classes/review/").content.decode()
        response = client.post(
            "/classes/review/decide/",
            {"classes": [late.pk, on_time.pk], "decision": "approve", "reason": ""},
            follow=True,
        )
    late_row = re.search(rf'<tr data-id="{late.pk}">(.*?)</tr>', queue, re.S)
    on_time_row = re.search(rf'<tr data-id="{on_time.pk}">(.*?)</tr>', queue, re.S)
    assert late_row is not None and "结束逾期" in late_row.group(1)
    assert late_text(date(YEAR, 9, 1)) in late_row.group(1)
    assert on_time_row is not None and "结束逾期" not in on_time_row.group(1)
    said = messages_of(response)
    assert f"{late.code}：{late_text(date(YEAR, 9, 1))}" in said
    assert on_time.code + "：计划" not in said
    for training_class in (late, on_time):
        training_class.refresh_from_db()
        assert training_class.state == ClassState.APPROVED


def test_the_api_gives_the_warning_of_a_class_004_section_4_3(users):
    training_class = make_class(date(YEAR, 8, 30), days=3)
    client = Client()
    client.force_login(users["city_reviewer"])
    body = json.loads(client.get(f"/api/v1/classes/{training_class.pk}/").content)
    assert body["timetable_warning"] == late_text(date(YEAR, 9, 1))
    english = client.get(f"/api/v1/classes/{training_class.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "after the deadline for" in json.loads(english.content)["timetable_warning"]

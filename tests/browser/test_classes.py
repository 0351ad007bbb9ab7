"""A class from application to completion (结业) in a real browser: 鸿鹄 opens a welding class
ahead of its start, with teachers, a session and two trainees, and submits it; the city's
reviewer approves it from the queue (both before the class starts, 004 §四(三)); the class is
then moved into the last days on the server (tests.live.move_class), as if they had passed;
鸿鹄 starts it, enters the attendance by hand (the reviewer approves the late entries), records
the assessment and completes it."""

import random
import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jineng.people.demo import roster_rows
from tests.browser.test_hand_marks import approve_late_entries, enter_by_hand
from tests.browser.test_login import log_in
from tests.live import move_class

AHEAD = 10  # days: the class is opened this far ahead of its start, then moved back


def demo_trainees() -> list[dict]:
    """Two people of the demo registry (generated the same way every run), from 睢县, who
    neither teach nor examine in the demo."""
    rows = list(roster_rows(random.Random(411400)))  # noqa: S311 - the demo's own generator
    return [row for row in rows if row["身份证号码"].startswith("411422")][:2]


def test_a_class_from_application_to_completion(page, browser, live_url):
    today = timezone.localdate()
    start = max(today - timedelta(days=3), date(today.year, 1, 1))
    end = today - timedelta(days=1)
    if end < start:
        pytest.skip("on 1 January no class of this year's designation has ended yet")
    if (end + timedelta(days=AHEAD)).year != today.year:
        pytest.skip("in the last days of December the class cannot be opened ahead this year")
    trainees = demo_trainees()
    # Opened ahead of its start (004 §四(三)), moved back to `start` once approved.
    start, end = start + timedelta(days=AHEAD), end + timedelta(days=AHEAD)

    # 鸿鹄 drafts the opening application.
    log_in(page, "institution")
    page.goto("/classes/")
    page.locator("#new-class").click()
    page.locator("#id_name").fill("焊工（初级）浏览器测试班")
    page.locator("#id_occupation").select_option(label="焊工 (6-18-02-04)")
    page.locator("#id_level").select_option(label="五级/初级工")
    page.locator("#id_training_type").select_option(label="就业技能培训")
    page.locator("#id_fund_channel").select_option(index=1)
    page.locator("#id_start_date").fill(start.isoformat())
    page.locator("#id_end_date").fill(end.isoformat())
    page.locator("#id_venue").fill("商丘市鸿鹄职业技能培训学校实训楼201")
    page.locator("#id_capacity").fill("20")
    page.locator("#id_assessment_plan").fill("理论考试＋实操考核")
    # Two teachers, chosen in the application's form and saved with it.
    teachers = page.locator("#teachers input[type=checkbox]")
    teachers.nth(0).check()
    teachers.nth(1).check()
    page.locator("#save-class").click()
    expect(page.locator("#state")).to_have_attribute("data-state", "draft")
    class_url = page.url
    code = page.locator("#class-header h1 .mono").inner_text()

    # One session on the first day (htmx: the sections are swapped in place).
    expect(page.locator("#teacher-list li")).to_have_count(2)
    expect(page.locator("#session-teacher option")).to_have_count(3)
    page.locator("#session-day").fill(start.isoformat())
    page.locator("#session-starts").fill("09:00")
    page.locator("#session-ends").fill("12:00")
    page.locator("#session-topic").fill("焊接安全与基础操作")
    page.locator("#session-teacher").select_option(index=1)
    page.locator("#add-session").click()
    expect(page.locator("#sessions")).to_contain_text("焊接安全与基础操作")

    # Two trainees enrolled by their ID numbers; the roster shows them masked.
    for trainee in trainees:
        page.locator("#enrol-id-number").fill(trainee["身份证号码"])
        page.locator("#enrol").click()
        expect(page.locator("#roster-table")).to_contain_text(trainee["姓名"])
    expect(page.locator("#roster-table")).not_to_contain_text(trainees[0]["身份证号码"])
    expect(page.locator("#enrolled-count")).to_have_text("2 / 20")

    page.locator("#action-submitted").click()
    expect(page.locator("#state")).to_have_attribute("data-state", "submitted")

    # The city's reviewer approves it from the queue.
    reviewer = browser.new_context(base_url=live_url, locale="zh-CN").new_page()
    log_in(reviewer, "city_reviewer")
    reviewer.goto("/classes/review/")
    reviewer.locator("#queue tr", has_text=code).locator("input[type=checkbox]").check()
    reviewer.locator("#bulk-approve").click()
    expect(reviewer.locator(".alert-success")).to_contain_text(code)
    expect(reviewer.locator("#queue")).not_to_contain_text(code)
    reviewer.context.close()
    move_class(live_url, code, -AHEAD)  # the days until the class has run go by

    # 鸿鹄 starts the class, enters the attendance in the grid, the assessment, and completes it.
    page.goto(class_url)
    expect(page.locator("#state")).to_have_attribute("data-state", "approved")
    page.locator("#action-in_progress").click()
    expect(page.locator("#state")).to_have_attribute("data-state", "in_progress")
    # The session was days ago: the hand entries wait for the bureau's approval (003 §三10).
    for trainee in (0, 1):
        enter_by_hand(page, session=0, person=trainee, reason="考勤机未安装，手工补录")
        expect(page.locator(".alert-info")).to_be_visible()
    reviewer = browser.new_context(base_url=live_url, locale="zh-CN").new_page()
    log_in(reviewer, "city_reviewer")
    approve_late_entries(reviewer, code, "核实签到表，同意补录")
    reviewer.context.close()
    page.goto(class_url)
    expect(page.locator('#attendance-grid [data-status="hand"]')).to_have_count(2)
    expect(page.locator("#roster-table")).to_contain_text("1 / 1")

    rows = page.locator("#roster-table tbody tr")
    expect(rows).to_have_count(2)
    for enrollment_id in [rows.nth(n).get_attribute("id").split("-")[1] for n in range(2)]:
        page.locator(f"#pass-{enrollment_id}").click()
        expect(page.locator(f"#assessment-{enrollment_id}")).not_to_have_text("—")

    page.locator("#action-complete").click()
    expect(page.locator("#state")).to_have_attribute("data-state", "completed")
    expect(page.locator("#state")).to_have_text(re.compile("已结业|completed"))
    expect(page.locator(".alert-success")).to_be_visible()
    page.screenshot(path="test-results/class-completed.png", full_page=True)

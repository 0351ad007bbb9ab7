"""The voucher's closed loop 发券—培训—评价—持证—兑现 (002 §四(五)3) in a real browser, each step
by the demo user whose job it is:

1. 发券: the city's reviewer issues a welding voucher to the demo worker's own registry record;
2. 领取: the worker claims it under "My vouchers";
3. 培训: 鸿鹄 opens a welding class ahead of its start and enrols the worker with the voucher's
   number (redeemed with the enrolment); the reviewer approves the class before it starts
   (004 §四(三)); the class is moved into the last days on the server (tests.live.move_class),
   as if they had passed; 鸿鹄 runs it (attendance, assessment) and completes it;
4. 评价: 鸿鹄 books the evaluation centre from the class page; the centre accepts, records the
   worker's pass with its examiners and quality supervisor, and finishes the evaluation;
5. 持证: the pass issues a skill level certificate;
6. 兑现: the reviewer settles the voucher against that certificate (以证换券、无证无价);
7. anyone verifies the certificate on /verify/ by its number: valid, the holder's name masked.
"""

import random
import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jineng.core.personal import mask_name
from jineng.people.demo import roster_rows
from tests.browser.test_hand_marks import approve_late_entries, enter_by_hand
from tests.browser.test_login import log_in
from tests.live import move_class

WELDER = "6-18-02-04"
CENTRE = "商丘市职业技能等级认定评价中心"
AHEAD = 10  # days: the class is opened this far ahead of its start, then moved back


def demo_worker() -> dict:
    """The registry row of the demo `worker` login: the roster's first person of 梁园区
    (jineng.people.demo links them)."""
    rows = roster_rows(random.Random(411400))  # noqa: S311 - the demo's own generator
    return next(row for row in rows if row["身份证号码"].startswith("411402"))


def new_page(browser, live_url, username=None):
    page = browser.new_context(base_url=live_url, locale="zh-CN").new_page()
    if username:
        log_in(page, username)
        expect(page.get_by_role("heading", level=1)).to_contain_text("欢迎")
    return page


def test_voucher_issued_claimed_redeemed_certified_settled_and_verified(page, browser, live_url):
    today = timezone.localdate()
    start = max(today - timedelta(days=3), date(today.year, 1, 1))
    end = today - timedelta(days=1)
    if end < start:
        pytest.skip("on 1 January no class of this year's designation has ended yet")
    if (end + timedelta(days=AHEAD)).year != today.year:
        pytest.skip("in the last days of December the class cannot be opened ahead this year")
    start, end = start + timedelta(days=AHEAD), end + timedelta(days=AHEAD)  # opened ahead
    worker = demo_worker()
    name, id_number = worker["姓名"], worker["身份证号码"]

    # 1. 发券: the city's reviewer issues a welding voucher (五级) to the worker's record.
    reviewer = page
    log_in(reviewer, "city_reviewer")
    reviewer.goto("/vouchers/")
    reviewer.locator("#issue-link").click()
    reviewer.locator("#id_id_number").fill(id_number)
    reviewer.locator("#id_occupations").select_option(label=f"焊工 ({WELDER})")
    reviewer.locator("#id_level").select_option(label="五级/初级工")
    reviewer.locator("#issue-form-submit").click()
    expect(reviewer.locator("#voucher-state")).to_have_attribute("data-state", "issued")
    expect(reviewer.locator(".alert-success")).to_contain_text(name)
    voucher_url = reviewer.url
    voucher_pk = re.search(r"/vouchers/(\d+)/", voucher_url).group(1)
    number = reviewer.locator("#voucher-number").inner_text().strip()
    assert re.fullmatch(r"JQ\d{4}\d{6}\d{6}", number), number

    # 2. 领取: the worker claims it on "My vouchers", with their own login.
    holder = new_page(browser, live_url, "worker")
    holder.goto("/vouchers/mine/")
    card = holder.locator("#my-vouchers .card", has_text=number)
    expect(card.locator("[data-state]")).to_have_attribute("data-state", "issued")
    holder.locator(f"#claim-{voucher_pk}").click()
    expect(holder.locator(".alert-success")).to_contain_text(number)
    expect(card.locator("[data-state]")).to_have_attribute("data-state", "claimed")
    expect(holder.locator(f"#claim-{voucher_pk}")).to_have_count(0)

    # 3. 培训: 鸿鹄 drafts a welding class that ran over the last days ...
    institution = new_page(browser, live_url, "institution")
    institution.goto("/classes/")
    institution.locator("#new-class").click()
    institution.locator("#id_name").fill("焊工（初级）培训券闭环测试班")
    institution.locator("#id_occupation").select_option(label=f"焊工 ({WELDER})")
    institution.locator("#id_level").select_option(label="五级/初级工")
    institution.locator("#id_training_type").select_option(label="就业技能培训")
    institution.locator("#id_fund_channel").select_option(index=1)
    institution.locator("#id_start_date").fill(start.isoformat())
    institution.locator("#id_end_date").fill(end.isoformat())
    institution.locator("#id_venue").fill("商丘市鸿鹄职业技能培训学校实训楼305")
    institution.locator("#id_capacity").fill("20")
    institution.locator("#id_assessment_plan").fill("理论考试＋实操考核")
    institution.locator("#teachers input[type=checkbox]").nth(0).check()  # saved with the form
    institution.locator("#save-class").click()
    expect(institution.locator("#state")).to_have_attribute("data-state", "draft")
    class_url = institution.url
    code = institution.locator("#class-header h1 .mono").inner_text()

    # ... with a teacher and one afternoon session on its last day (not the hours other tests
    # give the same teachers) ...
    expect(institution.locator("#session-teacher option")).to_have_count(2)
    institution.locator("#session-day").fill(end.isoformat())
    institution.locator("#session-starts").fill("14:00")
    institution.locator("#session-ends").fill("17:00")
    institution.locator("#session-topic").fill("焊接安全与基础操作（培训券班）")
    institution.locator("#session-teacher").select_option(index=1)
    institution.locator("#add-session").click()
    expect(institution.locator("#sessions")).to_contain_text("焊接安全与基础操作（培训券班）")

    # ... enrols the worker with the voucher they show: the voucher is redeemed with it ...
    institution.locator("#enrol-id-number").fill(id_number)
    institution.locator("#enrol-voucher").fill(number)
    institution.locator("#enrol").click()
    expect(institution.locator("#roster-table")).to_contain_text(name)
    expect(institution.locator("#roster-table")).not_to_contain_text(id_number)
    expect(institution.locator("#enrolled-count")).to_have_text("1 / 20")
    enrollment_id = institution.locator("#roster-table tbody tr").first.get_attribute("id")
    enrollment_id = enrollment_id.split("-")[1]
    institution.goto("/vouchers/redeem/")
    redeemed = institution.locator("#redeemed tr", has_text=number)
    expect(redeemed).to_contain_text(code)
    expect(redeemed).to_contain_text(name)

    # ... and submits the application, which the city's reviewer approves from the queue.
    institution.goto(class_url)
    institution.locator("#action-submitted").click()
    expect(institution.locator("#state")).to_have_attribute("data-state", "submitted")
    reviewer.goto("/classes/review/")
    reviewer.locator("#queue tr", has_text=code).locator("input[type=checkbox]").check()
    reviewer.locator("#bulk-approve").click()
    expect(reviewer.locator(".alert-success")).to_contain_text(code)
    move_class(live_url, code, -AHEAD)  # the days until the class has run go by

    # 鸿鹄 starts the class, enters the attendance, the assessment, and completes it.
    institution.goto(class_url)
    expect(institution.locator("#state")).to_have_attribute("data-state", "approved")
    institution.locator("#action-in_progress").click()
    expect(institution.locator("#state")).to_have_attribute("data-state", "in_progress")
    # The session was yesterday: the hand entry waits for the bureau's approval (003 §三10).
    enter_by_hand(institution, session=0, person=0, reason="考勤机未安装，手工补录（浏览器测试）")
    expect(institution.locator(".alert-info")).to_be_visible()
    approve_late_entries(reviewer, code, "核实签到表，同意补录")
    institution.goto(class_url)
    expect(institution.locator('#attendance-grid [data-status="hand"]')).to_have_count(1)
    institution.locator(f"#pass-{enrollment_id}").click()
    expect(institution.locator(f"#assessment-{enrollment_id}")).not_to_have_text("—")
    institution.locator("#action-complete").click()
    expect(institution.locator("#state")).to_have_attribute("data-state", "completed")
    trainee_state = institution.locator(f"#enrollment-{enrollment_id} [data-state]")
    expect(trainee_state).to_have_attribute("data-state", "completed")

    # 4. 评价: 鸿鹄 books the evaluation centre for today, from the class page.
    institution.locator("#book-evaluation").click()
    institution.locator("#id_evaluation_org").select_option(label=CENTRE)
    expect(institution.locator("#id_planned_date")).to_have_value(today.isoformat())
    institution.locator("#book").click()
    expect(institution.locator("#state")).to_have_attribute("data-state", "requested")
    booking_url = institution.url
    institution.goto(class_url)
    expect(institution.locator("#class-bookings")).to_contain_text(CENTRE)
    institution.context.close()

    # The centre accepts the booking and records the worker's pass, with its panel.
    evaluator = new_page(browser, live_url, "evaluator")
    evaluator.goto(booking_url)
    evaluator.locator("#action-accept").click()
    expect(evaluator.locator("#state")).to_have_attribute("data-state", "accepted")
    expect(evaluator.locator("#results-count")).to_have_text("0 / 1")
    evaluator.locator("#panel input[name=examiners]").first.check()
    supervisor = evaluator.locator("#supervisor option:not([value=''])").first
    evaluator.locator("#supervisor").select_option(supervisor.get_attribute("value"))
    row = evaluator.locator(f"#result-{enrollment_id}")
    row.locator(f"[name=theory-{enrollment_id}]").fill("86")
    row.locator(f"[name=practical-{enrollment_id}]").fill("78.5")
    row.locator(f"[name=passed-{enrollment_id}]").select_option("1")
    evaluator.locator(f"#save-{enrollment_id}").click()
    expect(evaluator.locator("#results-count")).to_have_text("1 / 1")
    expect(row.locator("[data-passed]")).to_have_attribute("data-passed", "1")

    # 5. 持证: the pass issued a skill level certificate, numbered in the national format
    # (S, the centre's register code 0231, province 41, station 411001, year, level 5, serial).
    certificate_link = row.locator("a[href*='/certificates/']")
    expect(certificate_link).to_have_text(re.compile(rf"^S023141411001{today:%y}5\d{{6}}$"))
    certificate = certificate_link.inner_text().strip()
    evaluator.locator("#action-finish").click()
    expect(evaluator.locator("#state")).to_have_attribute("data-state", "done")
    evaluator.context.close()

    # 6. 兑现: the reviewer settles the redeemed voucher against the certificate.
    reviewer.goto(voucher_url)
    expect(reviewer.locator("#voucher-state")).to_have_attribute("data-state", "redeemed")
    choice = reviewer.locator("#settle-form select[name=certificate]")
    choice.select_option(choice.locator("option", has_text=certificate).get_attribute("value"))
    reviewer.locator("#settle").click()
    expect(reviewer.locator("#voucher-state")).to_have_attribute("data-state", "settled")
    expect(reviewer.locator(".alert-success")).to_be_visible()
    facts = reviewer.locator("dl", has=reviewer.locator("#voucher-number"))
    expect(facts).to_contain_text(certificate)
    expect(reviewer.locator("#history")).to_contain_text("已兑现")
    expect(reviewer.locator("#settle-form")).to_have_count(0)
    reviewer.screenshot(path="test-results/voucher-settled.png", full_page=True)

    # The worker sees the voucher settled among their own.
    holder.goto("/vouchers/mine/")
    expect(card.locator("[data-state]")).to_have_attribute("data-state", "settled")
    holder.context.close()

    # 7. Anyone verifies the certificate by its number, without logging in.
    visitor = new_page(browser, live_url)
    visitor.goto("/verify/")
    visitor.locator("#verify-q").fill(certificate)
    visitor.locator("#verify-form button[type=submit]").click()
    result = visitor.locator("#verify-result")
    expect(result).to_have_attribute("data-valid", "true")
    expect(visitor.locator("#verify-reason")).to_contain_text("签名正确")
    expect(result).to_contain_text(certificate)
    expect(result).to_contain_text("焊工")
    expect(result).to_contain_text(mask_name(name))
    expect(result).not_to_contain_text(name)
    visitor.screenshot(path="test-results/certificate-verified.png", full_page=True)
    visitor.context.close()

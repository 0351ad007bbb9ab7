"""The closed loops in a real browser, each step by the demo user whose job it is (the steps are
tests/browser/steps.py).

The subsidy's loop 开班—培训—评价—持证—申领—公示—拨付 (004 §四(三)–(五)):

0. the counter (梁园区's reviewer) registers two trainees with their category and its evidence;
1. 开班: 鸿鹄 opens a welding class ahead of its start (teachers, a session, the two trainees)
   and submits it; the city's reviewer approves it before it starts (004 §四(三)); the class is
   moved into the last days on the server (tests.live.move_class), as if they had passed;
2. 培训: 鸿鹄 registers an attendance terminal, which posts its events over HTTP with its token
   (an offline batch): one trainee checked in and out, the other checked in two hours early
   (flagged, not counted); 鸿鹄 corrects that one cell by hand with its reason, the reviewer
   approves the late entry (003 §三10), and the class page counts the device's attendance and
   the hand entry apart; the assessments pass and the class completes (结业);
3. 评价, 持证: 鸿鹄 books the evaluation centre, which records both passes: two certificates;
4. 申领: 鸿鹄 drafts the training claim and submits it; 公示: the reviewer approves its lines and
   publishes the notice, anyone sees it masked, its days go by (moved on the server) and the
   reviewer ends it;
5. 拨付: the reviewer makes the payment batch and sends it to finance (the export); finance
   (`finance`) finds it on its home page and records every line paid: the claim is paid.

The voucher's loop 发券—培训—评价—持证—兑现 (002 §四(五)3): the reviewer issues a welding voucher
to the demo worker, who claims it; 鸿鹄 enrols the worker with it; the class runs and completes
(attendance by hand), the centre certifies the worker, the reviewer settles the voucher against
the certificate, and anyone verifies the certificate on /verify/.
"""

import random
import re
from datetime import datetime, time, timedelta

from django.utils import timezone
from playwright.sync_api import expect

from jineng.core.personal import mask_name
from jineng.people import identity
from jineng.people.demo import roster_rows
from tests.browser.steps import (
    add_session,
    approve_and_publish,
    approve_late_entries,
    book_evaluation,
    check_public_notice,
    draft_claim,
    draft_class,
    end_notice,
    enrol,
    enter_by_hand,
    evaluate_and_certify,
    make_batch,
    new_page,
    pass_and_complete,
    past_days,
    post_events,
    record_all_paid,
    register_at_counter,
    register_device,
    run_days_pass,
    send_to_finance,
    submit_and_approve,
    submit_claim,
)
from tests.browser.test_login import log_in

WELDER = "焊工 (6-18-02-04)"
RURAL = "农村转移就业劳动者"  # a group the pack's training subsidy rates are for (004 §四(五))
# Two people of 梁园区 no other test or demo registers (check characters by GB 11643).
TRAINEES = [
    (name, body + identity.gb11643_check_character(body))
    for name, body in (("韩立新", "41140219870921031"), ("邵雪梅", "41140219890305042"))
]
LOOP_CLASS = "焊工（初级）全流程闭环测试班"
CORRECTION = "考勤机时钟偏差，本人实际到课（监控核实）"


def _local(day, hour: int, minute: int) -> str:
    """A terminal's time of day, ISO 8601 with its offset (+08:00)."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute))).isoformat()


def test_the_subsidy_loop_from_opening_to_payment(page, browser, live_url, tmp_path):
    start, end = past_days()
    (present, present_number), (corrected, corrected_number) = TRAINEES

    # 0. The counter registers both trainees, each in a rate group since a document of weeks ago.
    counter = page
    log_in(counter, "county_reviewer")
    for n, (name, number) in enumerate(TRAINEES):
        register_at_counter(
            counter, name=name, id_number=number, category=RURAL,
            since=start - timedelta(days=60),
            screenshot="test-results/register-form.png" if n == 0 else "",
        )  # fmt: skip
        expect(counter.locator("body")).to_contain_text(RURAL)

    # 1. 开班: 鸿鹄 opens the class ahead of its start, the city's reviewer approves it.
    institution = new_page(browser, live_url, "institution")
    class_url, code = draft_class(
        institution, name=LOOP_CLASS, occupation=WELDER, start=start, end=end, teachers=2,
        venue="商丘市鸿鹄职业技能培训学校实训楼201",
    )  # fmt: skip
    add_session(institution, day=start, hours=("09:00", "12:00"), topic="焊接安全与基础操作")
    enrollments = [enrol(institution, number, name) for name, number in TRAINEES]
    expect(institution.locator("#enrolled-count")).to_have_text("2 / 20")
    reviewer = new_page(browser, live_url, "city_reviewer")
    submit_and_approve(institution, reviewer, code)
    run_days_pass(institution, live_url, class_url, code)

    # 2. 培训: the terminal at the door posts the session's events, uploaded after it, at once.
    session = institution.locator("#hand-session option").first.get_attribute("value")
    token = register_device(institution, "实训楼201门口考勤机（闭环测试）")
    events = [
        (present_number, "in", _local(start, 8, 55)),
        (present_number, "out", _local(start, 12, 3)),
        (corrected_number, "in", _local(start, 6, 50)),  # two hours early: flagged
        (corrected_number, "out", _local(start, 12, 4)),
    ]
    answer = post_events(live_url, token, [
        {"event_id": f"loop-{n}", "session": int(session), "id_number": number,
         "direction": direction, "device_time": at}
        for n, (number, direction, at) in enumerate(events)
    ])  # fmt: skip
    assert (answer["stored"], answer["rejected"]) == (4, 0), answer
    assert [result["flag"] for result in answer["results"]] == ["", "", "outside_window", ""]
    institution.goto(class_url)
    figures = institution.locator("#attendance-figures")
    expect(figures).to_have_attribute("data-device", "1")
    expect(figures).to_have_attribute("data-hand", "0")
    present_cell, corrected_cell = (
        institution.locator("#attendance-grid tr", has_text=name).locator("[data-status]")
        for name, _number in TRAINEES
    )
    expect(present_cell).to_have_attribute("data-status", "attended")
    expect(corrected_cell).to_have_attribute("data-status", "flagged")

    # The one hand entry: the flagged cell corrected with its reason; days after the session,
    # so it waits for the reviewer's approval (003 §三10).
    enter_by_hand(institution, session=0, person=corrected, reason=CORRECTION)
    expect(institution.locator(".alert-info")).to_be_visible()
    approve_late_entries(reviewer, code, "调取监控录像核实，同意补录")
    institution.goto(class_url)
    expect(figures).to_have_attribute("data-device", "1")
    expect(figures).to_have_attribute("data-hand", "1")
    expect(figures).to_have_attribute("data-corrections", "1")
    expect(figures).to_contain_text("设备 1 次，手工补录 1 次（含更正 1 次）")
    expect(present_cell).to_have_attribute("data-status", "attended")
    expect(corrected_cell).to_have_attribute("data-status", "hand")
    expect(institution.locator("#hand-history tr", has_text=CORRECTION)).to_contain_text("更正")
    expect(institution.locator("#roster-table")).to_contain_text("1 / 1")
    institution.locator("#attendance").screenshot(path="test-results/class-device-and-hand.png")
    pass_and_complete(institution, enrollments)

    # 3. 评价, 持证: the centre records both passes, each with its certificate.
    booking_url = book_evaluation(institution, class_url)
    evaluator = new_page(browser, live_url, "evaluator")
    certificates = evaluate_and_certify(evaluator, booking_url, enrollments)
    assert len(set(certificates)) == 2
    evaluator.context.close()

    # 4. 申领, 公示: claimed, reviewed, published, over, ended.
    claim_url, number = draft_claim(institution, LOOP_CLASS)
    expect(institution.locator("#lines-table tbody tr")).to_have_count(2)
    submit_claim(institution)
    institution.context.close()
    approve_and_publish(reviewer, claim_url, lines=2)
    check_public_notice(browser, live_url, number, lines=2)
    end_notice(reviewer, live_url, number, claim_url)

    # 5. 拨付: the bureau sends the batch to finance; finance records it paid.
    batch_url = make_batch(reviewer)
    expect(reviewer.locator("#payments")).to_contain_text(number)
    send_to_finance(reviewer, batch_url, tmp_path)
    batch = reviewer.locator("#batch-number").inner_text()
    finance = new_page(browser, live_url, "finance")
    finance.locator('a[href="/claims/payments/?state=exported"]').first.click()
    finance.locator("#batches a", has_text=batch).click()
    expect(finance.locator("#close-batch")).to_have_count(0)  # the bureau's payers close it
    finance.locator("#all-paid").click()
    finance.locator("main").screenshot(path="test-results/finance-batch.png")
    record_all_paid(finance, finance.url)
    finance.context.close()

    reviewer.goto(claim_url)
    expect(reviewer.locator("#state")).to_have_attribute("data-state", "paid")
    expect(reviewer.locator('#lines-table tr[data-state="paid"]')).to_have_count(2)
    reviewer.context.close()


def demo_worker() -> dict:
    """The registry row of the demo `worker` login: the roster's first person of 梁园区
    (jineng.people.demo links them)."""
    rows = roster_rows(random.Random(411400))  # noqa: S311 - the demo's own generator
    return next(row for row in rows if row["身份证号码"].startswith("411402"))


def test_voucher_issued_claimed_redeemed_certified_settled_and_verified(page, browser, live_url):
    start, end = past_days()
    worker = demo_worker()
    name, id_number = worker["姓名"], worker["身份证号码"]

    # 发券: the city's reviewer issues a welding voucher (五级) to the worker's record.
    reviewer = page
    log_in(reviewer, "city_reviewer")
    reviewer.goto("/vouchers/")
    reviewer.locator("#issue-link").click()
    reviewer.locator("#id_id_number").fill(id_number)
    reviewer.locator("#id_occupations").select_option(label=WELDER)
    reviewer.locator("#id_level").select_option(label="五级/初级工")
    reviewer.locator("#issue-form-submit").click()
    expect(reviewer.locator("#voucher-state")).to_have_attribute("data-state", "issued")
    expect(reviewer.locator(".alert-success")).to_contain_text(name)
    voucher_url = reviewer.url
    voucher_pk = re.search(r"/vouchers/(\d+)/", voucher_url).group(1)
    number = reviewer.locator("#voucher-number").inner_text().strip()
    assert re.fullmatch(r"JQ\d{4}\d{6}\d{6}", number), number

    # 领取: the worker claims it on "My vouchers", with their own login.
    holder = new_page(browser, live_url, "worker")
    holder.goto("/vouchers/mine/")
    card = holder.locator("#my-vouchers .card", has_text=number)
    expect(card.locator("[data-state]")).to_have_attribute("data-state", "issued")
    holder.locator(f"#claim-{voucher_pk}").click()
    expect(holder.locator(".alert-success")).to_contain_text(number)
    expect(card.locator("[data-state]")).to_have_attribute("data-state", "claimed")
    expect(holder.locator(f"#claim-{voucher_pk}")).to_have_count(0)

    # 培训: 鸿鹄 opens a class with one afternoon session on its last day (not the hours other
    # tests give the same teachers) and enrols the worker with the voucher: it is redeemed.
    institution = new_page(browser, live_url, "institution")
    class_url, code = draft_class(
        institution, name="焊工（初级）培训券闭环测试班", occupation=WELDER, start=start, end=end,
        venue="商丘市鸿鹄职业技能培训学校实训楼305",
    )  # fmt: skip
    add_session(institution, day=end, hours=("14:00", "17:00"), topic="焊接安全（培训券班）")
    enrollment = enrol(institution, id_number, name, voucher=number)
    institution.goto("/vouchers/redeem/")
    redeemed = institution.locator("#redeemed tr", has_text=number)
    expect(redeemed).to_contain_text(code)
    expect(redeemed).to_contain_text(name)
    institution.goto(class_url)
    submit_and_approve(institution, reviewer, code)
    run_days_pass(institution, live_url, class_url, code)
    enter_by_hand(institution, session=0, person=0, reason="考勤机未安装，手工补录（浏览器测试）")
    expect(institution.locator(".alert-info")).to_be_visible()
    approve_late_entries(reviewer, code, "核实签到表，同意补录")
    institution.goto(class_url)
    expect(institution.locator('#attendance-grid [data-status="hand"]')).to_have_count(1)
    pass_and_complete(institution, [enrollment])

    # 评价, 持证: the centre certifies the worker.
    booking_url = book_evaluation(institution, class_url)
    institution.context.close()
    evaluator = new_page(browser, live_url, "evaluator")
    (certificate,) = evaluate_and_certify(evaluator, booking_url, [enrollment])
    evaluator.context.close()

    # 兑现: the reviewer settles the redeemed voucher against the certificate.
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

    # The worker sees the voucher settled among their own.
    holder.goto("/vouchers/mine/")
    expect(card.locator("[data-state]")).to_have_attribute("data-state", "settled")
    holder.context.close()

    # Anyone verifies the certificate by its number, without logging in.
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
    visitor.context.close()

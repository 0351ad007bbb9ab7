"""Attendance entered by hand in a real browser (000 §三(八), 003 §三10): 鸿鹄 corrects the flagged
check-in of a trainee of its running demo class, with the reason; the session was days ago, so
the city's reviewer approves it from the to-do card; the class page then counts the hand entry
apart from the devices' and shows it in its history."""

from playwright.sync_api import expect

from tests.browser.steps import approve_late_entries, enter_by_hand
from tests.browser.test_login import log_in

RUNNING = "焊工（五级）培训班（第3期）"  # the demo's class in progress, attendance from a terminal


def test_a_hand_correction_is_counted_apart_and_kept_with_its_reason(page, browser, live_url):
    log_in(page, "institution")
    page.goto("/classes/")
    row = page.locator("tr", has_text=RUNNING).first
    code = row.locator("td.mono a").inner_text()
    row.locator("td.mono a").click()
    figures = page.locator("#attendance-figures")
    hand_before = int(figures.get_attribute("data-hand"))
    grid_rows = page.locator("#attendance-grid tbody tr")
    trainees = grid_rows.filter(has_not=page.locator(".badge")).count()
    # The last trainee checked in two hours early at the first session: flagged, not counted.
    last = grid_rows.nth(trainees - 1)
    expect(last.locator('[data-status="flagged"]').first).to_be_visible()
    person_id = last.get_attribute("data-person")
    reason = "考勤机时钟偏差，本人实际到课（监控核实）"
    enter_by_hand(page, session=0, person=trainees - 1, reason=reason)
    expect(page.locator(".alert-info")).to_be_visible()  # days after the session: a request
    expect(page.locator("#hand-history")).to_contain_text(reason)
    class_url = page.url.split("#")[0]

    # The city's reviewer sees it on the to-do card and approves it, with a reason.
    reviewer = browser.new_context(base_url=live_url, locale="zh-CN").new_page()
    log_in(reviewer, "city_reviewer")
    reviewer.locator('a[href="/classes/late-attendance/"]').first.click()
    approve_late_entries(reviewer, code, "调取监控录像核实，同意补录")
    reviewer.context.close()

    page.goto(class_url)
    expect(figures).to_have_attribute("data-hand", str(hand_before + 1))
    expect(figures).to_contain_text("手工补录")
    expect(figures).to_contain_text("含更正")
    cell = page.locator(f'#attendance-grid tr[data-person="{person_id}"] [data-status]').first
    expect(cell).to_have_attribute("data-status", "hand")
    entry = page.locator("#hand-history tr", has_text=reason).first
    expect(entry).to_contain_text("更正")
    expect(entry).to_contain_text("逾期补录，经人社部门批准")
    page.screenshot(path="test-results/hand-correction.png", full_page=True)

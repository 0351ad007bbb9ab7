"""Issue 14 in a real browser: the department's home lists the class it funds (004 §五(一)) and
not the organisations of the region; the institution's running class shows 结业 disabled with
the day it may be done."""

import re

from playwright.sync_api import expect

from tests.browser.test_login import log_in

FUNDED = "焊工（五级）培训班（第3期）"  # the demo's running class, funded by 市总工会


def test_the_department_home_and_a_disabled_button_with_its_reason(page):
    log_in(page, "department")
    expect(page.get_by_role("heading", level=1)).to_contain_text("欢迎")
    funded = page.locator("#funded-classes")
    expect(funded).to_contain_text("本部门组织或出资的培训")
    row = funded.locator("tr", has_text=FUNDED)
    expect(row).to_contain_text("商丘市鸿鹄职业技能培训学校")
    expect(row.locator("td").nth(4)).to_have_text(re.compile(r"^[1-9]\d*$"))  # its trainees
    expect(page.get_by_text("您管辖范围内的机构")).to_have_count(0)
    page.screenshot(path="test-results/department-home.png", full_page=True)

    page.context.clear_cookies()
    log_in(page, "institution")
    page.goto("/classes/?state=in_progress")
    page.locator("tr", has_text=FUNDED).locator("a").first.click()
    button = page.locator("#action-complete")
    expect(button).to_be_disabled()
    expect(button).to_have_attribute("aria-disabled", "true")
    expect(button).to_have_attribute("title", re.compile(r"培训班于\d{4}-\d{2}-\d{2}结束"))
    expect(page.locator("#action-complete-why")).to_be_visible()
    expect(page.locator("#action-complete-why")).to_contain_text("须在该日之后办理结业")

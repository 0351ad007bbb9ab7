"""A reviewer imports a roster in a real browser and follows it to its report."""

from pathlib import Path

from playwright.sync_api import expect

from tests.browser.test_login import log_in, open_menu

DATA = Path(__file__).parents[1] / "data"


def test_reviewer_imports_a_roster_and_reads_the_rejections(page):
    log_in(page, "county_reviewer")
    open_menu(page, "系统", "导入")
    page.get_by_role("link", name="人员花名册").click()
    page.get_by_label("文件（.xlsx、.xls、.ods 或 .csv）").set_input_files(DATA / "roster-bad.xlsx")
    page.get_by_label("试导入：只检查，不保存").check()
    page.get_by_role("button", name="导入").click()
    summary = page.locator("#import-summary")
    expect(summary).to_contain_text("3 条新增", timeout=30_000)
    expect(summary).to_contain_text("试导入")
    expect(page.locator("#rejections tbody tr")).to_have_count(10)
    expect(page.locator("#rejections")).to_contain_text("合并单元格")
    page.screenshot(path="test-results/import-report.png", full_page=True)

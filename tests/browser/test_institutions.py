"""A reviewer designates an institution for 焊工 四级; it appears in the public directory; once
removed, it disappears from it."""

from datetime import date

from playwright.sync_api import expect

from tests.browser.test_login import log_in, open_menu

NAME = "民权县巧手家政职业培训学校"


def test_designate_then_remove_and_watch_the_public_directory(page, browser, live_url):
    log_in(page, "city_reviewer")
    open_menu(page, "机构与人员", "培训机构")
    page.get_by_role("link", name=NAME).click()
    page.get_by_label("新状态").select_option(label="已定点")
    page.get_by_label("原因").fill("2026年度遴选")
    page.get_by_label("文件依据").fill("商人社〔2026〕8号")
    page.get_by_role("button", name="变更状态").click()
    expect(page.locator("#state")).to_have_text("已定点")
    page.get_by_label("职业名称").select_option(label="焊工 (6-18-02-04)")
    page.get_by_label("级别").select_option(label="四级/中级工")
    year = date.today().year
    page.get_by_label("起始日期").fill(f"{year}-01-01")
    page.get_by_label("截止日期").fill(f"{year}-12-31")
    page.get_by_role("button", name="定点", exact=True).click()
    expect(page.locator("#designations")).to_contain_text("焊工")

    public = browser.new_context(base_url=live_url, locale="zh-CN").new_page()  # no login
    public.goto("/directory/?q=巧手")
    expect(public.locator("#directory")).to_contain_text(NAME)
    expect(public.locator("#directory")).to_contain_text("焊工 · 四级/中级工")

    page.get_by_label("新状态").select_option(label="已退出")
    page.get_by_label("原因").fill("机构申请退出")
    page.get_by_role("button", name="变更状态").click()
    expect(page.locator("#state")).to_have_text("已退出")
    public.goto("/directory/?q=巧手")
    expect(public.locator("#directory")).not_to_contain_text(NAME)
    public.context.close()

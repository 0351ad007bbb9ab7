"""A reviewer logs in through a real browser and sees the home page of their role."""

import re

from playwright.sync_api import expect

from jineng.core.demo import DEMO_PASSWORD


def log_in(page, username):
    page.goto("/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()


def open_menu(page, menu: str, entry: str) -> None:
    """Open an entry of a navigation menu (the entries are grouped: 机构与人员, 培训评价, ...)."""
    navigation = page.get_by_role("navigation")
    navigation.get_by_role("button", name=menu).click()
    navigation.get_by_role("link", name=entry, exact=True).click()


def test_reviewer_logs_in_and_sees_the_home_page(page):
    log_in(page, "city_reviewer")
    expect(page.get_by_role("heading", level=1)).to_contain_text("欢迎")
    expect(page.locator("[data-role]")).to_have_text("人社局审核员")
    navigation = page.get_by_role("navigation")
    navigation.get_by_role("button", name="机构与人员").click()
    expect(navigation.get_by_role("link", name="机构", exact=True)).to_be_visible()
    # The scope card counts Shangqiu's bureau and its 10 county units, not the province.
    expect(page.locator("li", has_text="人社部门")).to_contain_text("11")
    expect(page.locator("li", has_text="行业主管部门")).to_contain_text("28")
    page.screenshot(path="test-results/reviewer-home.png", full_page=True)


def test_wrong_password_shows_a_clear_message(page):
    page.goto("/")
    page.get_by_label("用户名").fill("city_reviewer")
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_contain_text("用户名或密码错误")


def test_organisation_search_filters_with_htmx(page):
    log_in(page, "county_reviewer")
    page.goto("/organisations/")
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(2)  # 梁园区 bureau and its institution
    page.get_by_placeholder("名称或代码").fill("启航")
    expect(rows).to_have_count(1)
    expect(page).to_have_url(re.compile(r"q=%E5%90%AF%E8%88%AA|q=启航"))


def test_english_is_one_click_away(page):
    log_in(page, "city_reviewer")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")

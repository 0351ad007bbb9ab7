"""Catalogs and policy packs in a real browser."""

from playwright.sync_api import expect

from tests.browser.test_login import log_in, open_menu


def test_find_an_occupation_and_read_a_pack(page):
    log_in(page, "institution")
    open_menu(page, "系统", "目录")
    page.get_by_role("link", name="职业（工种）").first.click()
    page.get_by_placeholder("查询").fill("养老")
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("4-10-01-05")
    page.goto("/catalogs/")
    page.get_by_role("link", name="商丘市高质量推进").click()
    rules = page.locator("#rules")
    expect(rules).to_contain_text("002 §四(二)1")
    expect(rules).to_contain_text("280")
    page.screenshot(path="test-results/policy-pack.png", full_page=True)

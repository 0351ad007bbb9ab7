"""The worker's portal on a phone (issue 19): the demo worker on a 390×844 screen visits each of
their pages, each passing axe-core with no serious or critical violation, reaches every entry of
the menu with the keyboard alone, and switches to English in one click."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.test_login import log_in

PHONE = {"width": 390, "height": 844}
PAGES = [
    ("/", "欢迎"),
    ("/me/classes/", "我的培训班"),
    ("/me/evaluations/", "我的评价"),
    ("/me/certificates/", "我的证书"),
    ("/me/subsidies/", "我的补贴"),
    ("/me/notices/", "我的公示"),
    ("/me/notifications/", "通知"),
    ("/me/data/", "我的数据"),
    ("/vouchers/mine/", "培训券"),
]


@pytest.fixture
def phone(browser, live_url):
    context = browser.new_context(
        base_url=live_url, locale="zh-CN", viewport=PHONE, device_scale_factor=2,
        is_mobile=True, has_touch=True,
    )  # fmt: skip
    page = context.new_page()
    log_in(page, "worker")
    yield page
    context.close()


def fits_the_screen(page) -> None:
    """Nothing wider than the phone: no sideways scrolling."""
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def test_every_worker_page_fits_a_phone_and_passes_axe(phone):
    for url, heading in PAGES:
        phone.goto(url)
        expect(phone.get_by_role("heading", level=1)).to_contain_text(heading)
        fits_the_screen(phone)
        assert_accessible(phone)
        if url == "/":
            phone.screenshot(path="test-results/worker-home-phone.png", full_page=True)
    # The menu opened, the details of a subsidy and of the data page opened: still accessible.
    phone.goto("/me/data/")
    phone.locator("details summary").first.click()
    assert_accessible(phone)
    phone.get_by_role("button", name="菜单").click()
    expect(phone.locator("#main-nav")).to_be_visible()
    assert_accessible(phone)


def test_the_menu_works_with_the_keyboard_alone(phone):
    """Tab to the menu button, open it with Enter, Tab to each entry and follow it with Enter:
    each page of the worker's menu opens without a pointer. The menu has no catalogs, no API."""
    phone.goto("/")
    entries = ["我的培训班", "我的评价", "我的证书", "我的补贴", "我的公示", "我的培训券"]
    entries.append("我的数据")
    for entry in entries:
        phone.goto("/")
        phone.keyboard.press("Tab")  # the skip link comes first
        expect(phone.locator(":focus")).to_have_text("跳到正文")
        toggler = phone.get_by_role("button", name="菜单")
        for _ in range(6):
            if phone.evaluate("() => document.activeElement.classList.contains('navbar-toggler')"):
                break
            phone.keyboard.press("Tab")
        expect(toggler).to_be_focused()
        phone.keyboard.press("Enter")
        expect(phone.locator("#main-nav")).to_be_visible()
        link = phone.locator("#main-nav").get_by_role("link", name=entry, exact=True)
        for _ in range(20):
            focused = "(text) => document.activeElement.textContent.trim() === text"
            if phone.evaluate(focused, entry):
                break
            phone.keyboard.press("Tab")
        expect(link).to_be_focused()
        href = link.get_attribute("href")
        phone.keyboard.press("Enter")
        expect(phone).to_have_url(re.compile(re.escape(href) + "$"))
        expect(phone.get_by_role("heading", level=1)).to_contain_text(entry)
    nav = phone.locator("#main-nav").inner_text()
    assert "目录" not in nav and "API" not in nav


def test_english_is_one_click_away(phone):
    phone.goto("/me/classes/")
    phone.get_by_role("button", name="English").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("My classes")
    assert_accessible(phone)
    phone.get_by_role("button", name="简体中文").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("我的培训班")

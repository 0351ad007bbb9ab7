"""The bureau's counter registers a person from the registry's list and lands on their ledger
(issue 14, "Registering a trainee")."""

from playwright.sync_api import expect

from jineng.people import identity
from tests.browser.test_login import log_in

BODY = "41140219910615871"  # 梁园区, born 1991-06-15: used by no other test
NUMBER = BODY + identity.gb11643_check_character(BODY)


def test_the_counter_registers_a_person_and_sees_the_ledger(page):
    log_in(page, "county_reviewer")
    page.goto("/people/")
    expect(page.locator("thead th").first).to_have_text("姓名")
    page.get_by_role("link", name="登记人员").click()
    page.get_by_label("姓名").fill("窗口登记")
    page.get_by_label("公民身份号码").fill(NUMBER[:-1] + ("0" if NUMBER[-1] != "0" else "1"))
    page.locator("#id_categories-0-category").select_option(label="农村转移就业劳动者")
    page.locator("#id_categories-0-evidence").fill("户口簿")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.locator("#register-form")).to_contain_text("校验码错误")  # nothing saved
    page.get_by_label("公民身份号码").fill(NUMBER)
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("窗口登记")
    expect(page.locator("body")).to_contain_text("下一步")
    expect(page.locator("#id-number")).to_have_text(identity.mask_id(NUMBER))
    expect(page.locator("body")).to_contain_text("农村转移就业劳动者")
    assert NUMBER not in page.url and NUMBER not in page.content()
    page.screenshot(path="test-results/register-person.png", full_page=True)

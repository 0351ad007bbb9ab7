"""A new worker on a phone (390×844) finds published training, registers by real name with the
code texted to the phone, signs up, is accepted by the institution, and reads the acceptance
(003 §三10 统一的报名平台; 002 §四(五) 实名制、一点登录; 004 §四(三) 广泛发动劳动者报名). axe-core
runs on every page visited and fails on a serious or critical violation.

The live server is another process: its text-message gateway is the demo's, which writes each
message to the server's log (core.sms.LogBackend), so the test reads the code there."""

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.test_login import log_in
from tests.factories import id_number
from tests.live import ENVIRONMENTS

PHONE = {"width": 390, "height": 844}
MOBILE = "13812340017"


def texted_code(live_url: str, phone: str, timeout: float = 15) -> str:
    log = Path(ENVIRONMENTS[live_url]["JINENG_DATA_DIR"]) / "server.log"
    masked = f"{phone[:3]}****{phone[-4:]}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = re.findall(rf"SMS to {re.escape(masked)}: \D*(\d{{6}})", log.read_text())
        if found:
            return found[-1]
        time.sleep(0.3)
    raise AssertionError(f"no code texted to {masked} in the server's log")


@pytest.fixture
def phone(browser, live_url):
    context = browser.new_context(base_url=live_url, locale="zh-CN", viewport=PHONE)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def institution(browser, live_url):
    context = browser.new_context(base_url=live_url, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


def test_a_new_worker_finds_registers_signs_up_and_is_accepted(phone, institution, live_url):
    phone.goto("/offers/")
    assert_accessible(phone)
    width = phone.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
    assert width[0] <= width[1], "the list fits a phone"
    # The demo publishes training in several counties (offers.demo).
    cards = " ".join(phone.locator("article.offer").all_inner_texts())
    assert sum(county in cards for county in ("梁园区", "永城市", "民权县", "虞城县")) >= 3
    offer = phone.locator("article.offer", has_text="可报名").first
    title = offer.get_by_role("link").inner_text()
    offer.get_by_role("link").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(title)
    expect(phone.locator("#subsidy")).to_contain_text("元")
    assert_accessible(phone)

    phone.locator("#register").click()
    assert_accessible(phone)
    phone.locator("#id_name").fill("赵新民")
    phone.locator("#id_id_number").fill(id_number("411402", 777, None))
    phone.locator("#id_phone").fill(MOBILE)
    phone.locator("#send-code").click()
    expect(phone.locator("#id_code")).to_be_visible()
    assert_accessible(phone)
    phone.locator("#id_code").fill(texted_code(live_url, MOBILE))
    phone.locator("#id_username").fill("zhaoxinmin")
    phone.locator("#id_password").fill("Worker@2026x")
    phone.locator("#confirm").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text(title)  # back to the training
    assert_accessible(phone)
    phone.locator("#apply").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("我的报名")
    card = phone.locator("article.application", has_text=title)
    expect(card).to_have_attribute("data-state", "applied")
    assert_accessible(phone)

    log_in(institution, "institution")
    institution.goto("/offers/manage/")
    assert_accessible(institution)
    institution.get_by_role("link", name=title).click()
    row = institution.locator("tr[data-application]", has_text="赵新民")
    row.get_by_role("button", name="录取").click()
    expect(institution.get_by_role("alert").first).to_contain_text("花名册")
    assert_accessible(institution)

    phone.reload()
    expect(card).to_have_attribute("data-state", "accepted")
    expect(card).to_contain_text("花名册")
    assert_accessible(phone)

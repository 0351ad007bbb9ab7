"""Two-factor sign-in in a real browser (issue 20; 等保三级 8.1.4.1 d), on a server of its own
whose setting requires it of reviewers (the demo's shared server requires it of nobody): after
the password a reviewer is sent to enrolment, reads the secret off the page, confirms with a
code, sees the recovery codes once, and signs in again with the password and a TOTP code."""

import base64
import time

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from jineng.core.demo import DEMO_PASSWORD
from tests.live import running_server


@pytest.fixture(scope="module")
def two_factor_url(tmp_path_factory):
    settings = {"JINENG_2FA_REQUIRED_ROLES": "reviewer,system_admin"}
    with running_server(tmp_path_factory.mktemp("two-factor"), settings) as url:
        yield url


@pytest.fixture
def page(browser, two_factor_url):
    context = browser.new_context(base_url=two_factor_url, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


def code_for(secret: str, steps_ahead: int = 0) -> str:
    """The app's code, computed as the app does (RFC 6238), `steps_ahead` periods of 30 s on:
    the server accepts the next period's code too, and never one of a period it has seen."""
    key = base64.b32decode(secret.replace(" ", ""))
    return f"{totp(key, step=30, t0=-30 * steps_ahead):06d}"


def password(page, username):
    page.goto("/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_a_reviewer_enrols_then_signs_in_with_a_totp_code(page):
    password(page, "county_reviewer")
    expect(page).to_have_url("/accounts/login/enrol/")
    expect(page.get_by_role("heading", level=1)).to_have_text("设置双因素登录")
    expect(page.locator("#totp-qr svg")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text().strip()
    # Nothing else opens before the code.
    page.goto("/organisations/")
    expect(page).to_have_url("/accounts/login/?next=/organisations/")
    page.goto("/accounts/login/enrol/")
    expect(page.locator("#totp-secret")).to_have_text(secret)  # the same device, still waiting
    page.get_by_label("验证码").fill(code_for(secret))
    page.get_by_role("button", name="确认并继续").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="我已妥善保存，继续").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("欢迎")

    page.context.clear_cookies()
    password(page, "county_reviewer")
    expect(page).to_have_url("/accounts/login/code/")
    page.get_by_label("验证码").fill("000000" if code_for(secret, 1) != "000000" else "111111")
    page.get_by_role("button", name="验证").click()
    expect(page.get_by_role("alert")).to_contain_text("验证码错误")
    time.sleep(1.1)  # django-otp makes the device wait a second after a wrong code
    page.get_by_label("验证码").fill(code_for(secret, 1))
    page.get_by_role("button", name="验证").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("欢迎")
    page.goto("/account/two-factor/")
    expect(page.locator("#recovery-left")).to_have_text("10")
    page.screenshot(path="test-results/two-factor-account.png", full_page=True)


def test_a_worker_is_not_asked_for_a_code(page):
    password(page, "worker")
    expect(page.get_by_role("heading", level=1)).to_contain_text("欢迎")

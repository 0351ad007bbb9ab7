import pytest
from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


# One Chromium per module, not per session: Playwright's sync API keeps an event loop running in
# the worker's thread while it is open, and Django refuses database work from a thread with a
# running loop (SynchronousOnlyOperation). Closed at the end of each module, it leaves the worker
# free for the tests that come after the live server's group.
@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_url):
    context = browser.new_context(base_url=live_url, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()

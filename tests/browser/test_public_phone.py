"""The public pages on a phone (390 px wide, issue 14): the notice list (公示, 004 §四(五):
经3个工作日公示后拨付) keeps every masked name on one line instead of squeezing it to one
character a line, and neither it nor the certificate check (/verify/) or the directory is wider
than the screen."""

import pytest

PHONE = {"width": 390, "height": 844}

# Each name cell's rendered height against its line height, and the page's widths.
MEASURE_NAMES = """() => [...document.querySelectorAll('.notice-lines td.notice-name')]
.map(cell => {
  const style = getComputedStyle(cell);
  const box = cell.getBoundingClientRect();
  return {name: cell.textContent.trim(), height: box.height, width: box.width,
          line: parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5};
})"""
PAGE_WIDTH = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"


@pytest.fixture
def phone(browser, live_url):
    context = browser.new_context(base_url=live_url, locale="zh-CN", viewport=PHONE)
    page = context.new_page()
    yield page
    context.close()


def test_notice_names_stay_on_one_line_on_a_phone(phone):
    phone.goto("/notices/")
    cells = phone.evaluate(MEASURE_NAMES)
    assert cells, "the demo publishes notices: the page lists their persons"
    for cell in cells:
        assert cell["height"] < 2 * cell["line"], cell  # one line, not a character a line
        assert cell["width"] > cell["line"] * (len(cell["name"]) - 1), cell
    scroll_width, client_width = phone.evaluate(PAGE_WIDTH)
    assert scroll_width <= client_width


@pytest.mark.parametrize("path", ["/verify/", "/directory/"])
def test_public_pages_fit_a_phone(phone, path):
    phone.goto(path)
    scroll_width, client_width = phone.evaluate(PAGE_WIDTH)
    assert scroll_width <= client_width, path

"""What-if in a real browser (issue 22): the city's reviewer copies Shangqiu's pack into a draft,
changes one rate (004 §四(五)'s 80% for certified trainees, which Shangqiu's pack borrows, set to
70%), replays 2026 (the server's worker runs the replay), opens the report and sees the
difference by county."""

from decimal import Decimal

from playwright.sync_api import expect

from tests.browser.test_login import log_in


def choose(select, text: str) -> None:
    """Select the first option whose text holds `text`."""
    select.select_option(select.locator("option", has_text=text).first.get_attribute("value"))


def test_a_reviewer_replays_2026_under_a_draft(page):
    log_in(page, "city_reviewer")
    page.goto("/whatif/")
    copy = page.locator("#copy-form")
    choose(copy.get_by_label("要复制的政策包"), "商丘")
    choose(copy.get_by_label("所属人社部门"), "商丘市人力资源")
    copy.get_by_role("button", name="复制为草稿").click()
    expect(page.locator("#draft-banner")).to_contain_text("草稿")

    form = page.locator("#value-form")
    form.get_by_label("规则").select_option("training.rates.certificate")
    form.get_by_label("新取值").fill("0.70")
    form.get_by_role("button", name="保存为新修订版").click()
    expect(page.get_by_role("alert")).to_contain_text("已保存为第 2 版")
    expect(page.locator('#rules tr[data-key="training.rates.certificate"]')).to_contain_text("70")

    replay = page.locator("#replay-form")
    replay.get_by_label("起", exact=True).fill("2026-01-01")
    replay.get_by_label("至", exact=True).fill("2026-12-31")
    replay.get_by_role("button", name="回放测算").click()
    for _attempt in range(30):
        if page.locator("#by-county").count():
            break
        page.wait_for_timeout(1000)
        page.reload()
    counties = page.locator("#by-county tbody tr")
    expect(counties.first).to_be_visible()
    differences = [Decimal(text) for text in counties.locator("td.diff").all_inner_texts()]
    assert any(difference < 0 for difference in differences), differences
    expect(page.locator("#difference")).to_contain_text("-")

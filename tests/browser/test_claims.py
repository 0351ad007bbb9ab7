"""A training subsidy claim from draft to payment in a real browser (004 §四(五): 申请 → 审核 →
经3个工作日公示 → 拨付): 鸿鹄 drafts the claim for the demo class that waits for one (each line
with its "why") and submits it; the city's reviewer approves the lines in bulk, finishes the
review and publishes the notice, which the public page lists with masked persons; the clock moves
past the notice; the reviewer ends it, makes the payment batch, downloads its xlsx export (read
back here: the claim's lines, each amount in figures and in Chinese capitals), records every line
paid and closes the batch: the claim is paid.

Moving the clock: the server is a separate gunicorn process whose clock a test cannot move, and
the notice service (rightly) never starts a notice before the review, so the notice's dates are
moved 12 days into the past in the server's own database, by a `jineng shell` command run in the
server's environment (tests.live.ENVIRONMENTS): what the server then sees is exactly a notice
published 12 days ago.
"""

import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from jineng.claims.demo import WAITING
from tests.browser.test_login import log_in
from tests.live import ENVIRONMENTS, jineng

MOVE_NOTICE = """
from datetime import timedelta
from django.utils import timezone
from jineng.claims.models import Notice
today = timezone.localdate()
moved = Notice.objects.filter(claim__number="{number}").update(
    starts_on=today - timedelta(days=12), ends_on=today - timedelta(days=7)
)
assert moved == 1
"""


def test_a_claim_from_draft_to_payment(page, browser, live_url, tmp_path):
    # 鸿鹄 drafts the claim for its completed class and submits it.
    log_in(page, "institution")
    page.goto("/claims/new/")
    row = page.locator("#claimable-classes tr", has_text=WAITING)
    if row.count() == 0:
        pytest.skip("the demo had no room this year for the class waiting for its claim")
    row.locator("button").click()
    expect(page.locator("#state")).to_have_attribute("data-state", "draft")
    number = page.locator("#claim-number").inner_text()
    claim_url = page.url
    lines = page.locator("#lines-table tbody tr")
    expect(lines).to_have_count(2)
    why = lines.first.locator("details")
    why.locator("summary").click()
    expect(why.locator("li").first).to_be_visible()
    expect(why).to_contain_text("004 §四(五)")
    page.locator("#action-submit").click()
    expect(page.locator("#state")).to_have_attribute("data-state", "submitted")
    expect(page.locator("#action-submit")).to_have_count(0)

    # The city's reviewer approves every line, finishes the review, publishes the notice.
    reviewer = browser.new_context(base_url=live_url, locale="zh-CN").new_page()
    log_in(reviewer, "city_reviewer")
    reviewer.goto(claim_url)
    reviewer.locator("#choose-all").check()
    reviewer.locator("#bulk-approve").click()
    expect(reviewer.locator('#lines-table tr[data-state="approved"]')).to_have_count(2)
    reviewer.locator("#action-finish-review").click()
    expect(reviewer.locator("#state")).to_have_attribute("data-state", "reviewed")
    reviewer.locator("#action-publish").click()
    expect(reviewer.locator("#state")).to_have_attribute("data-state", "in_notice")
    expect(reviewer.locator("#notice-ends")).to_have_text(re.compile(r"\d{4}-\d{2}-\d{2}"))

    # Anyone sees the notice, every person masked.
    public = browser.new_context(base_url=live_url, locale="zh-CN").new_page()
    public.goto("/notices/")
    notice = public.locator("section", has_text=number)
    expect(notice.locator(".notice-lines tbody tr")).to_have_count(2)
    expect(notice.locator(".notice-lines tbody tr").first).to_contain_text("*")
    public.context.close()

    # Until the notice period is over, 结束公示 is disabled with the day it may end from.
    expect(reviewer.locator("#action-end-notice")).to_be_disabled()
    expect(reviewer.locator("#action-end-notice-why")).to_contain_text("起方可结束公示")
    # The clock moves past the notice; the reviewer ends it: payable.
    jineng(ENVIRONMENTS[live_url], "shell", "-c", MOVE_NOTICE.format(number=number))
    reviewer.goto(claim_url)
    reviewer.locator("#action-end-notice").click()
    expect(reviewer.locator("#state")).to_have_attribute("data-state", "payable")

    # Paid in a batch of its fund channel, exported for finance and read back.
    reviewer.goto("/claims/payments/")
    reviewer.locator("#payable-table button").first.click()
    expect(reviewer.locator("#batch-number")).to_have_text(re.compile(r"^BF\d{4}-\d{6}$"))
    with reviewer.expect_download() as download:
        reviewer.locator("#export-xlsx").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    rows = list(load_workbook(saved).active.iter_rows(values_only=True))
    ours = [row for row in rows[1:-1] if row[1] == number]
    assert len(ours) == 2 and all(row[6] > 0 and row[7].endswith(("整", "角", "分"))
                                  for row in ours)  # fmt: skip
    assert all("*" in row[5] for row in ours)  # ID numbers masked in the export too
    reviewer.reload()
    expect(reviewer.locator("#state")).to_have_attribute("data-state", "exported")
    reviewer.locator("#all-paid").click()
    reviewer.locator("#record-outcomes").click()
    expect(reviewer.locator('#payments tr[data-outcome="pending"]')).to_have_count(0)
    reviewer.locator("#close-batch").click()
    expect(reviewer.locator("#state")).to_have_attribute("data-state", "closed")

    reviewer.goto(claim_url)
    expect(reviewer.locator("#state")).to_have_attribute("data-state", "paid")
    expect(reviewer.locator('#lines-table tr[data-state="paid"]')).to_have_count(2)
    reviewer.screenshot(path="test-results/claim-paid.png", full_page=True)
    reviewer.context.close()

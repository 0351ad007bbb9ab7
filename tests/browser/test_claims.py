"""A training subsidy claim from draft to payment in a real browser (004 §四(五): 申请 → 审核 →
经3个工作日公示 → 拨付): 鸿鹄 drafts the claim for the demo class that waits for one (each line
with its "why") and submits it; the city's reviewer approves the lines in bulk, finishes the
review and publishes the notice, which the public page lists with masked persons; the clock moves
past the notice; the reviewer ends it, makes the payment batch, downloads its xlsx export (read
back here: the claim's lines, each amount in figures and in Chinese capitals), records every line
paid and closes the batch: the claim is paid.

Moving the clock: the server is a separate gunicorn process whose clock a test cannot move, and
the notice service (rightly) never starts a notice before the review, so the notice's dates are
moved 12 days into the past in the server's own database (tests.browser.steps.end_notice): what
the server then sees is exactly a notice published 12 days ago. The whole loop from the class's
opening to the payment finance records is tests/browser/test_closed_loop.py.
"""

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from jineng.claims.demo import WAITING
from tests.browser.steps import (
    approve_and_publish,
    check_public_notice,
    draft_claim,
    end_notice,
    make_batch,
    new_page,
    record_all_paid,
    send_to_finance,
    submit_claim,
)
from tests.browser.test_login import log_in


def test_a_claim_from_draft_to_payment(page, browser, live_url, tmp_path):
    # 鸿鹄 drafts the claim for its completed class and submits it.
    log_in(page, "institution")
    page.goto("/claims/new/")
    if page.locator("#claimable-classes tr", has_text=WAITING).count() == 0:
        pytest.skip("the demo had no room this year for the class waiting for its claim")
    claim_url, number = draft_claim(page, WAITING)
    lines = page.locator("#lines-table tbody tr")
    expect(lines).to_have_count(2)
    why = lines.first.locator("details")
    why.locator("summary").click()
    expect(why.locator("li").first).to_be_visible()
    expect(why).to_contain_text("004 §四(五)")
    submit_claim(page)

    # The city's reviewer approves every line, finishes the review, publishes the notice,
    # which anyone sees, every person masked.
    reviewer = new_page(browser, live_url, "city_reviewer")
    approve_and_publish(reviewer, claim_url, lines=2)
    check_public_notice(browser, live_url, number, lines=2)

    # Until the notice period is over, 结束公示 is disabled with the day it may end from.
    expect(reviewer.locator("#action-end-notice")).to_be_disabled()
    expect(reviewer.locator("#action-end-notice-why")).to_contain_text("起方可结束公示")
    end_notice(reviewer, live_url, number, claim_url)

    # Paid in a batch of its fund channel, exported for finance and read back.
    batch_url = make_batch(reviewer)
    saved = send_to_finance(reviewer, batch_url, tmp_path)
    rows = list(load_workbook(saved).active.iter_rows(values_only=True))
    ours = [row for row in rows[1:-1] if row[1] == number]
    assert len(ours) == 2 and all(row[6] > 0 and row[7].endswith(("整", "角", "分"))
                                  for row in ours)  # fmt: skip
    assert all("*" in row[5] for row in ours)  # ID numbers masked in the export too
    record_all_paid(reviewer, batch_url)  # the bureau's payers may record outcomes too
    reviewer.locator("#close-batch").click()
    expect(reviewer.locator("#state")).to_have_attribute("data-state", "closed")

    reviewer.goto(claim_url)
    expect(reviewer.locator("#state")).to_have_attribute("data-state", "paid")
    expect(reviewer.locator('#lines-table tr[data-state="paid"]')).to_have_count(2)
    reviewer.screenshot(path="test-results/claim-paid.png", full_page=True)
    reviewer.context.close()

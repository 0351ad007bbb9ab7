"""Money waits for the data comparison, in a real browser (004 §五(六): 数据比对、现场核查; pattern:
fake trainees, many on one phone). On the server, three trainees of the demo's paid claim and of
an unpaid one (the payable claim, if no earlier test paid it) are given one phone number and the
checks run (a `jineng shell` command: the phone is the planted fact). The city's reviewer opens
the finding from the unpaid claim's line, sees its evidence (masked), puts it under review,
records an on-site check with a photo and confirms it: the line stays out of every payment. A
finding on a paid line, confirmed, opens its recovery (追回), listed on the recoveries page.
Another finding, on the unpaid claim's second line, is cleared with its reason and evidence:
the line is then paid in a batch (made, sent to finance, recorded paid) while the confirmed
one's line stays out of it."""

import re

from playwright.sync_api import expect

from tests.browser.steps import make_batch, new_page, record_all_paid, send_to_finance
from tests.live import ENVIRONMENTS, jineng

PLANT = """
from jineng.claims.models import Claim
from jineng.core import audit
from jineng.core.models import Organisation
from jineng.people.models import Person
from jineng.supervision import services
from django.utils import timezone
from datetime import timedelta
# The claim furthest on its way to payment that is not paid yet: the demo's payable one, unless
# an earlier test of the live server paid it (test_claims pays every payable claim of its batch);
# not one whose lines are with finance (the demo's stopped batch: test_paid_before_stop's).
payable = next(
    claim for state in ("payable", "in_notice", "reviewed", "submitted")
    for claim in Claim.objects.filter(state=state, kind="training")
    .exclude(lines__payments__outcome="pending").order_by("id")[:1]
)
paid = Claim.objects.filter(state="paid", kind="training").order_by("id").first()
persons = [line.person for line in payable.lines.order_by("id")[:2]]
persons += [line.person for line in paid.lines.filter(state="paid").order_by("id")[:1]]
first = persons[0]
Person.objects.filter(pk__in=[p.pk for p in persons]).update(
    phone_hash=first.phone_hash or "planted", phone_masked=first.phone_masked or "137****0999")
today = timezone.localdate()
with audit.system_context("test"):
    services.run_checks(Organisation.objects.get(code="411400", kind="bureau"),
                        today - timedelta(days=400), today, codes={"shared_phone"})
held = [line.pk for line in payable.lines.order_by("id")[:2]]
print(payable.state, payable.fund_channel.code, *held)
print(payable.pk, paid.pk, " ".join(str(p.pk) for p in persons))
"""
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def test_a_finding_holds_a_line_until_decided(browser, live_url, tmp_path):
    said = jineng(ENVIRONMENTS[live_url], "shell", "-c", PLANT).stdout.strip().splitlines()
    payable, paid, *_persons = said[-1].split()
    state, channel, first_line, second_line = said[-2].split()
    reviewer = new_page(browser, live_url, "city_reviewer")

    # The payable claim's first line shows the finding holding it; its link opens the finding.
    reviewer.goto(f"/claims/{payable}/")
    held = reviewer.locator("#lines-table tbody tr").first.locator(".finding-hold")
    expect(held).to_contain_text("疑点暂缓")
    held.locator("a").click()
    expect(reviewer.locator("h1")).to_contain_text(re.compile(r"YD\d{4}-\d{6}"))
    expect(reviewer.locator("#evidence-table")).to_contain_text("*")  # masked
    expect(reviewer.locator("#lines")).to_contain_text("补贴")

    # Under review, an on-site check with a photo, confirmed.
    reviewer.locator("#assign").click()
    expect(reviewer.locator("#finding-state")).to_have_text("核查中")
    photo = tmp_path / "site.png"
    photo.write_bytes(PNG)
    reviewer.locator("#onsite-date").fill("2026-01-05")
    reviewer.locator("#onsite-people").fill("市局审核员、学员本人")
    reviewer.locator("#onsite-result").select_option("inconsistent")
    reviewer.locator("#onsite-photos").set_input_files(str(photo))
    reviewer.locator("#record-onsite").click()
    expect(reviewer.locator("#onsite")).to_contain_text("site.png")
    reviewer.locator("#confirm-reason").fill("现场核查：三人手机号为同一中介所有，学员未参训。")
    reviewer.locator("#confirm").click()
    expect(reviewer.locator("#finding-state")).to_have_text("已查实")

    # The held line is not among the lines to pay.
    reviewer.goto(f"/claims/{payable}/")
    expect(reviewer.locator("#lines-table tbody tr").first.locator(".finding-hold")).to_be_visible()

    # The paid line's finding, opened from the paid claim and confirmed: its recovery appears.
    reviewer.goto(f"/claims/{paid}/")
    reviewer.locator('#lines-table tr[data-state="paid"] .finding-hold a').first.click()
    reviewer.locator("#assign").click()
    reviewer.locator("#confirm-reason").fill("经核实，该学员由他人代为报名参训。")
    reviewer.locator("#confirm").click()
    reviewer.goto("/claims/recoveries/")
    expect(reviewer.locator("#recoveries")).to_contain_text("经查实")
    # Another finding, on the unpaid claim's second line (another of the three trainees), is
    # cleared: the line is no longer held, and is paid; the confirmed one's line stays out.
    reviewer.goto(f"/claims/{payable}/")
    reviewer.locator(f"#line-{second_line} .finding-hold a").first.click()
    reviewer.locator("#assign").click()
    expect(reviewer.locator("#finding-state")).to_have_text("核查中")
    reviewer.locator("#clear-reason").fill(
        "现场核查：三人为同一家庭成员，共用家庭电话，均实际参训。"
    )
    reviewer.locator("#clear-evidence").fill("户口簿复印件、签到表原件")
    reviewer.locator("#clear").click()
    expect(reviewer.locator("#finding-state")).to_have_text("已排除")
    reviewer.goto(f"/claims/{payable}/")
    expect(reviewer.locator(f"#line-{second_line} .finding-hold")).to_have_count(0)
    expect(reviewer.locator(f"#line-{first_line} .finding-hold")).to_be_visible()
    if state == "payable":  # a claim still on its way is paid once it gets there
        batch_url = make_batch(reviewer, channel)
        expect(reviewer.locator(f'#payments tr[data-line="{second_line}"]')).to_have_count(1)
        expect(reviewer.locator(f'#payments tr[data-line="{first_line}"]')).to_have_count(0)
        send_to_finance(reviewer, batch_url, tmp_path)
        record_all_paid(reviewer, batch_url)
        reviewer.goto(f"/claims/{payable}/")
        expect(reviewer.locator(f"#line-{second_line}")).to_have_attribute("data-state", "paid")
    reviewer.context.close()

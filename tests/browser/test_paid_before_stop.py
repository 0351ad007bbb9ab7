"""Paid before the stop (止付前已付款) in a real browser and over HTTP: 004 §五(六) (确保资金安全;
账实相符: the books follow the money); pattern: courses shortened or skipped.

The demo's batch of class 9's claim (claims.demo.STOPPED) went to finance; then the finding on the
class's hand-entered attendance stopped its three lines (止付). The bank had paid the first before
the stop reached it, which finance recorded (the supervision demo); the two others wait.

In the browser finance (`finance`: recording payments is the one write of its read-only role,
writes.read_only_exception) opens the batch from 补贴拨付 and sees the stopped lines beside the
one paid before the stop. For the first waiting line it gives the bank's day and reference: a day
after today, a day before the batch was sent and a reference of blanks are each refused with
their message in Chinese, the line still waiting; today and a reference record it: the line is
paid and marked with the finding, the day and the reference, on the batch page and the claim
page. The city's reviewer then opens the finding from the batch page and confirms it: the
recovery (追回) of both lines paid before the stop appears, not of the line still waiting (no
money left for it). Each page is checked with axe-core (tests/browser/axe.py).

Over HTTP (the production server, a token) finance records the last waiting line through
`POST /api/v1/claims/batches/{id}/paid-before-stop/`: a day in the future is refused (400, the
message in Chinese) and changes nothing; the bank's day and reference record it."""

import json
import urllib.error
import urllib.request
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from jineng.core.demo import DEMO_PASSWORD
from tests.browser.axe import assert_accessible
from tests.browser.steps import new_page
from tests.live import ENVIRONMENTS, jineng

# The demo's stopped batch as the server's database holds it now: the batch (id, number, the day
# it was sent to finance), the server's today, the claim (id, number), then a line a row: id,
# outcome, the finding it was paid before the stop of, the finding holding it, the person.
READ = """
from django.utils import timezone
from jineng.claims.demo import STOPPED
from jineng.claims.holds import findings_of
from jineng.claims.models import Payment
payments = list(Payment.objects.filter(line__claim__training_class__name=STOPPED)
                .select_related("batch", "line__person", "line__claim").order_by("line_id"))
print("---")
if payments:
    batch, claim = payments[0].batch, payments[0].line.claim
    print(batch.pk, batch.number, timezone.localdate(batch.exported_at), timezone.localdate(),
          claim.pk, claim.number)
    for p in payments:
        held = findings_of([p.line_id]).get(p.line_id, [])
        print(p.line_id, p.outcome, p.before_stop_of or "-", held[0][0] if held else "-",
              p.line.person.name)
"""


def read_batch(live_url: str) -> dict:
    said = jineng(ENVIRONMENTS[live_url], "shell", "-c", READ).stdout
    rows = said[said.index("---") :].splitlines()[1:]
    if not rows:
        pytest.skip("the demo had no room this year for the class of the stopped batch")
    batch, number, sent, today, claim, claim_number = rows[0].split()
    lines = [dict(zip(("id", "outcome", "before_stop_of", "held_by", "name"), row.split(),
                      strict=True)) for row in rows[1:]]  # fmt: skip
    return {"batch": batch, "number": number, "sent": date.fromisoformat(sent),
            "today": date.fromisoformat(today), "claim": claim, "claim_number": claim_number,
            "lines": lines}  # fmt: skip


def test_finance_records_a_stopped_line_paid_before_the_stop(browser, live_url):
    demo = read_batch(live_url)
    paid_before, *rest = demo["lines"]
    waiting = [line for line in rest if line["outcome"] == "pending"]
    assert paid_before["outcome"] == "paid" and waiting, demo
    line, finding = waiting[0], waiting[0]["held_by"]
    assert paid_before["before_stop_of"] == finding

    # Finance opens the batch from the payments page: the lines stopped, the first paid before.
    finance = new_page(browser, live_url, "finance")
    finance.goto("/claims/payments/")
    finance.get_by_role("link", name=demo["number"]).click()
    expect(finance.locator("#state")).to_have_attribute("data-state", "exported")
    for stopped in waiting:
        expect(finance.locator(f"#stopped-{stopped['id']}")).to_contain_text(
            f"止付：疑点 {finding}"
        )
    expect(finance.locator(f"#before-stop-{paid_before['id']}")).to_contain_text(
        f"止付前已付款：疑点 {finding}"
    )
    assert_accessible(finance)
    row = finance.locator(f'#payments tr[data-line="{line["id"]}"]')
    form = finance.locator(f"#before-stop-form-{line['id']}")
    form.locator("summary").click()
    expect(form).to_contain_text("银行在止付前已付款")
    expect(finance.locator(f"#before-stop-finding-{line['id']}")).to_have_value(finding)
    assert_accessible(finance)

    # Wrong input: each refused with its message, the line still waiting.
    refusals = [
        (demo["today"] + timedelta(days=1), "HX-20261208-0521", "银行付款日期不能晚于今天。"),
        (demo["sent"] - timedelta(days=1), "HX-20261208-0521",
         f"批次 {demo['number']} 于 {demo['sent']} 报送财务：银行不可能在此之前付款。"),
        (demo["today"], "   ", "银行流水号：请填写该笔付款的银行流水号。"),  # the form's field
    ]  # fmt: skip
    for day, reference, said in refusals:
        form = finance.locator(f"#before-stop-form-{line['id']}")
        if form.get_attribute("open") is None:
            form.locator("summary").click()
        finance.locator(f"#paid-on-{line['id']}").fill(day.isoformat())
        finance.locator(f"#bank-reference-{line['id']}").fill(reference)
        finance.locator(f"#record-before-stop-{line['id']}").click()
        expect(finance.locator(".alert-danger")).to_have_text(said)
        expect(row).to_have_attribute("data-outcome", "pending")
        expect(finance.locator(f"#stopped-{line['id']}")).to_be_visible()
    assert_accessible(finance)

    # The bank's day and reference: recorded, the line paid and marked.
    form = finance.locator(f"#before-stop-form-{line['id']}")
    form.locator("summary").click()
    finance.locator(f"#paid-on-{line['id']}").fill(demo["today"].isoformat())
    finance.locator(f"#bank-reference-{line['id']}").fill("HX-20261208-0521")
    finance.locator(f"#record-before-stop-{line['id']}").click()
    expect(finance.locator(".alert-success")).to_contain_text(
        f"已登记为疑点 {finding} 止付前已付款"
    )
    expect(row).to_have_attribute("data-outcome", "paid")
    marked = finance.locator(f"#before-stop-{line['id']}")
    expect(marked).to_contain_text(f"止付前已付款：疑点 {finding}")
    expect(marked).to_contain_text(f"银行付款日期 {demo['today']}，流水号 HX-20261208-0521")
    expect(finance.locator(f"#stopped-{line['id']}")).to_have_count(0)
    assert_accessible(finance)
    finance.goto(f"/claims/{demo['claim']}/")
    expect(finance.locator(f"#line-{line['id']}")).to_have_attribute("data-state", "paid")
    expect(
        finance.locator(f'#line-{line["id"]} .before-stop[data-finding="{finding}"]')
    ).to_contain_text("HX-20261208-0521")
    finance.context.close()

    # The reviewer confirms the finding from the batch page: both lines paid before the stop
    # are to be recovered; the line still waiting had no money out.
    reviewer = new_page(browser, live_url, "city_reviewer")
    reviewer.goto(f"/claims/batches/{demo['batch']}/")
    reviewer.locator(f"#before-stop-{line['id']} a").click()
    expect(reviewer.locator("h1")).to_contain_text(finding)
    expect(reviewer.locator("#finding-state")).to_have_text("核查中")
    reviewer.locator("#confirm-reason").fill("现场核查：第2、3课未开课，考勤系事后据名单补录。")
    reviewer.locator("#confirm").click()
    expect(reviewer.locator("#finding-state")).to_have_text("已查实")
    reviewer.goto("/claims/recoveries/")
    recoveries = reviewer.locator("#recoveries tbody tr", has_text=demo["claim_number"])
    for paid in (paid_before, line):
        expect(recoveries.filter(has_text=paid["name"])).to_contain_text(finding)
    for still in waiting[1:]:
        expect(recoveries.filter(has_text=still["name"])).to_have_count(0)
    assert_accessible(reviewer)
    reviewer.context.close()


def api(live_url: str, method: str, path: str, token: str = "", body=None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json", "Accept-Language": "zh-hans"}
    if token:
        headers["Authorization"] = f"Token {token}"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(live_url + path, data=data, method=method, headers=headers)  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 - loopback
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


def test_the_api_records_paid_before_the_stop_over_http(live_url):
    demo = read_batch(live_url)
    waiting = [line for line in demo["lines"] if line["outcome"] == "pending"]
    if not waiting:
        pytest.skip("no line of the demo's stopped batch is waiting any more")
    line = waiting[-1]
    status, body = api(live_url, "POST", "/api/v1/auth/token/",
                       body={"username": "finance", "password": DEMO_PASSWORD})  # fmt: skip
    assert status == 201, body
    token = body["token"]
    url = f"/api/v1/claims/batches/{demo['batch']}/paid-before-stop/"
    wanted = {"line": int(line["id"]), "paid_on": demo["today"].isoformat(),
              "bank_reference": "HX-20261208-0733", "finding": line["held_by"]}  # fmt: skip

    tomorrow = (demo["today"] + timedelta(days=1)).isoformat()
    status, body = api(live_url, "POST", url, token, {**wanted, "paid_on": tomorrow})
    assert status == 400 and "银行付款日期不能晚于今天" in json.dumps(body, ensure_ascii=False)
    status, batch = api(live_url, "GET", f"/api/v1/claims/batches/{demo['batch']}/", token)
    row = next(p for p in batch["payments"] if p["line"] == int(line["id"]))
    assert (row["outcome"], row["before_stop_of"], row["bank_reference"]) == ("pending", "", "")

    status, batch = api(live_url, "POST", url, token, wanted)
    assert status == 200, batch
    row = next(p for p in batch["payments"] if p["line"] == int(line["id"]))
    assert (row["outcome"], row["paid_on"], row["bank_reference"], row["before_stop_of"]) == (
        "paid", wanted["paid_on"], "HX-20261208-0733", line["held_by"]
    )  # fmt: skip

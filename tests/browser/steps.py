"""The steps the browser tests share, one way each, done on the pages by the demo user whose job
it is: register a person at the counter, open a class ahead of its start and have it approved
(004 §四(三)), let its days pass on the server, book its evaluation and record the results,
claim its subsidy, review and publish the notice, end it once over, pay the claim in a batch.

The live server's clock cannot move, so what has to have happened in the past is moved on the
server's own database by a `jineng shell` command (tests.live.move_class, MOVE_NOTICE here)."""

import json
import re
import urllib.request
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_login import log_in
from tests.live import ENVIRONMENTS, jineng, move_class

AHEAD = 10  # days: a class is opened this far ahead of its start, then moved back
CENTRE = "商丘市职业技能等级认定评价中心"
EVENTS = "/api/v1/attendance/events/"


def new_page(browser, live_url, username=None):
    """A page of its own (cookies apart), logged in as `username` when one is named."""
    page = browser.new_context(base_url=live_url, locale="zh-CN").new_page()
    if username:
        log_in(page, username)
        expect(page.get_by_role("heading", level=1)).to_contain_text("欢迎")
    return page


# --- the registry -------------------------------------------------------------------------------


def register_at_counter(page, *, name: str, id_number: str, category: str, since: date,
                        screenshot: str = "") -> None:  # fmt: skip
    """The counter (a reviewer) registers a person with one category and the date of its
    evidence, and lands on the person's ledger; `screenshot`: where to save the filled form."""
    page.goto("/people/")
    page.get_by_role("link", name="登记人员").click()
    page.get_by_label("姓名").fill(name)
    page.get_by_label("公民身份号码").fill(id_number)
    page.locator("#id_categories-0-category").select_option(label=category)
    page.locator("#id_categories-0-evidence").fill("户口簿（窗口核验）")
    page.locator("#id_categories-0-valid_from").fill(since.isoformat())
    if screenshot:
        page.locator("main").screenshot(path=screenshot)
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


# --- a class --------------------------------------------------------------------------------------


def past_days() -> tuple[date, date]:
    """The first and last day of a class that ran over the last days of this year (opened
    ahead, AHEAD days later); skips the test when the year leaves no room for it."""
    today = timezone.localdate()
    start = max(today - timedelta(days=3), date(today.year, 1, 1))
    end = today - timedelta(days=1)
    if end < start:
        pytest.skip("on 1 January no class of this year's designation has ended yet")
    if (end + timedelta(days=AHEAD)).year != today.year:
        pytest.skip("in the last days of December the class cannot be opened ahead this year")
    return start, end


def draft_class(page, *, name: str, occupation: str, start: date, end: date, venue: str,
                teachers: int = 1) -> tuple[str, str]:  # fmt: skip
    """The institution drafts an opening application for the days AHEAD after start..end, with
    its first `teachers` teachers: (the class page's URL, the class code)."""
    ahead = timedelta(days=AHEAD)
    page.goto("/classes/")
    page.locator("#new-class").click()
    page.locator("#id_name").fill(name)
    page.locator("#id_occupation").select_option(label=occupation)
    page.locator("#id_level").select_option(label="五级/初级工")
    page.locator("#id_training_type").select_option(label="就业技能培训")
    page.locator("#id_fund_channel").select_option(label="就业补助资金")
    page.locator("#id_start_date").fill((start + ahead).isoformat())
    page.locator("#id_end_date").fill((end + ahead).isoformat())
    page.locator("#id_venue").fill(venue)
    page.locator("#id_capacity").fill("20")
    page.locator("#id_assessment_plan").fill("理论考试＋实操考核")
    for n in range(teachers):  # chosen in the application's form, saved with it
        page.locator("#teachers input[type=checkbox]").nth(n).check()
    page.locator("#save-class").click()
    expect(page.locator("#state")).to_have_attribute("data-state", "draft")
    expect(page.locator("#teacher-list li")).to_have_count(teachers)
    return page.url, page.locator("#class-header h1 .mono").inner_text()


def add_session(page, *, day: date, hours: tuple[str, str], topic: str) -> None:
    """A session on `day` (before the class is moved back: AHEAD days later), by its first
    teacher (htmx: the timetable is swapped in place)."""
    page.locator("#session-day").fill((day + timedelta(days=AHEAD)).isoformat())
    page.locator("#session-starts").fill(hours[0])
    page.locator("#session-ends").fill(hours[1])
    page.locator("#session-topic").fill(topic)
    page.locator("#session-teacher").select_option(index=1)
    page.locator("#add-session").click()
    expect(page.locator("#sessions")).to_contain_text(topic)


def enrol(page, id_number: str, name: str, voucher: str = "") -> str:
    """Enrol a person by the whole ID number (and the voucher they show): the enrolment's id.
    The roster shows the name, the number masked."""
    page.locator("#enrol-id-number").fill(id_number)
    if voucher:
        page.locator("#enrol-voucher").fill(voucher)
    page.locator("#enrol").click()
    row = page.locator("#roster-table tbody tr", has_text=name)
    expect(row).to_have_count(1)
    expect(page.locator("#roster-table")).not_to_contain_text(id_number)
    return row.get_attribute("id").split("-")[1]


def submit_and_approve(institution, reviewer, code: str) -> None:
    """The institution submits the application; the reviewer approves it from the queue."""
    institution.locator("#action-submitted").click()
    expect(institution.locator("#state")).to_have_attribute("data-state", "submitted")
    reviewer.goto("/classes/review/")
    reviewer.locator("#queue tr", has_text=code).locator("input[type=checkbox]").check()
    reviewer.locator("#bulk-approve").click()
    expect(reviewer.locator(".alert-success")).to_contain_text(code)
    expect(reviewer.locator("#queue")).not_to_contain_text(code)


def run_days_pass(institution, live_url: str, class_url: str, code: str) -> None:
    """The days until the approved class has run go by (its dates moved back AHEAD days on the
    server); the institution starts it."""
    move_class(live_url, code, -AHEAD)
    institution.goto(class_url)
    expect(institution.locator("#state")).to_have_attribute("data-state", "approved")
    institution.locator("#action-in_progress").click()
    expect(institution.locator("#state")).to_have_attribute("data-state", "in_progress")


def pass_and_complete(institution, enrollment_ids: list[str]) -> None:
    """Each trainee's assessment passed, then 结业."""
    for enrollment_id in enrollment_ids:
        institution.locator(f"#pass-{enrollment_id}").click()
        expect(institution.locator(f"#assessment-{enrollment_id}")).not_to_have_text("—")
    institution.locator("#action-complete").click()
    expect(institution.locator("#state")).to_have_attribute("data-state", "completed")
    expect(institution.locator(".alert-success")).to_be_visible()
    for enrollment_id in enrollment_ids:
        trainee = institution.locator(f"#enrollment-{enrollment_id} [data-state]")
        expect(trainee).to_have_attribute("data-state", "completed")


# --- attendance: from a device, by hand -------------------------------------------------------


def register_device(institution, name: str) -> str:
    """The institution registers an attendance terminal: its token, shown this once."""
    institution.goto("/classes/devices/")
    institution.locator("#device-name").fill(name)
    institution.locator("#register-device").click()
    return institution.locator("#token").inner_text().strip()


def post_events(live_url: str, token: str, events: list[dict]) -> dict:
    """What the terminal does: post its events (an offline batch) with its token, over HTTP."""
    request = urllib.request.Request(  # noqa: S310 - the loopback live server
        live_url + EVENTS, data=json.dumps({"events": events}).encode(), method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Device {token}"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
        assert response.status == 200
        return json.loads(response.read())


def enter_by_hand(page, *, session: int, person: int | str, reason: str, present: bool = True):
    """Fill the class page's hand-entry form and send it: the session by its position, the
    person by position or by name."""
    page.locator("#hand-session").select_option(index=session)
    if isinstance(person, str):
        page.locator("#hand-person").select_option(label=person)
    else:
        page.locator("#hand-person").select_option(index=person)
    page.locator("#hand-present").select_option("1" if present else "0")
    page.locator("#hand-reason").fill(reason)
    page.locator("#hand-submit").click()


def approve_late_entries(reviewer, code: str, reason: str) -> None:
    """The reviewer approves, with the reason, every late entry of the class waiting."""
    reviewer.goto("/classes/late-attendance/")
    rows = reviewer.locator("#late-waiting tr[id^=late-]", has_text=code)
    while rows.count():
        before = rows.count()
        rows.first.locator("input[name=reason]").fill(reason)
        rows.first.locator("button[value=approve]").click()
        expect(reviewer.locator(".alert-success")).to_be_visible()
        expect(rows).to_have_count(before - 1)


# --- evaluation -------------------------------------------------------------------------------


def book_evaluation(institution, class_url: str) -> str:
    """The institution books the evaluation centre for today from the class page: the
    booking's URL."""
    institution.locator("#book-evaluation").click()
    institution.locator("#id_evaluation_org").select_option(label=CENTRE)
    expect(institution.locator("#id_planned_date")).to_have_value(timezone.localdate().isoformat())
    institution.locator("#book").click()
    expect(institution.locator("#state")).to_have_attribute("data-state", "requested")
    booking_url = institution.url
    institution.goto(class_url)
    expect(institution.locator("#class-bookings")).to_contain_text(CENTRE)
    return booking_url


def evaluate_and_certify(evaluator, booking_url: str, enrollment_ids: list[str]) -> list[str]:
    """The centre accepts the booking, records each trainee's pass with its panel and finishes
    the evaluation: the certificates' numbers, in the national format (S, the centre's register
    code 0231, province 41, station 411001, year, level 5, serial)."""
    evaluator.goto(booking_url)
    evaluator.locator("#action-accept").click()
    expect(evaluator.locator("#state")).to_have_attribute("data-state", "accepted")
    evaluator.locator("#panel input[name=examiners]").first.check()
    supervisor = evaluator.locator("#supervisor option:not([value=''])").first
    evaluator.locator("#supervisor").select_option(supervisor.get_attribute("value"))
    certificates = []
    for done, enrollment_id in enumerate(enrollment_ids, start=1):
        row = evaluator.locator(f"#result-{enrollment_id}")
        row.locator(f"[name=theory-{enrollment_id}]").fill("86")
        row.locator(f"[name=practical-{enrollment_id}]").fill("78.5")
        row.locator(f"[name=passed-{enrollment_id}]").select_option("1")
        evaluator.locator(f"#save-{enrollment_id}").click()
        expect(evaluator.locator("#results-count")).to_have_text(f"{done} / {len(enrollment_ids)}")
        expect(row.locator("[data-passed]")).to_have_attribute("data-passed", "1")
        link = row.locator("a[href*='/certificates/']")
        expect(link).to_have_text(re.compile(rf"^S023141411001{timezone.localdate():%y}5\d{{6}}$"))
        certificates.append(link.inner_text().strip())
    evaluator.locator("#action-finish").click()
    expect(evaluator.locator("#state")).to_have_attribute("data-state", "done")
    return certificates


# --- the subsidy claim --------------------------------------------------------------------------

# The notice service (rightly) never starts a notice before the review; a notice that is over is
# one published 12 days ago, so its dates are moved there on the server.
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


def draft_claim(institution, class_name: str) -> tuple[str, str]:
    """The institution drafts the training claim of its completed class from "new claim":
    (the claim's URL, its number)."""
    institution.goto("/claims/new/")
    institution.locator("#claimable-classes tr", has_text=class_name).locator("button").click()
    expect(institution.locator("#state")).to_have_attribute("data-state", "draft")
    return institution.url, institution.locator("#claim-number").inner_text()


def submit_claim(institution) -> None:
    institution.locator("#action-submit").click()
    expect(institution.locator("#state")).to_have_attribute("data-state", "submitted")
    expect(institution.locator("#action-submit")).to_have_count(0)


def approve_and_publish(reviewer, claim_url: str, lines: int) -> None:
    """The reviewer approves every line, finishes the review and publishes the notice."""
    reviewer.goto(claim_url)
    reviewer.locator("#choose-all").check()
    reviewer.locator("#bulk-approve").click()
    expect(reviewer.locator('#lines-table tr[data-state="approved"]')).to_have_count(lines)
    reviewer.locator("#action-finish-review").click()
    expect(reviewer.locator("#state")).to_have_attribute("data-state", "reviewed")
    reviewer.locator("#action-publish").click()
    expect(reviewer.locator("#state")).to_have_attribute("data-state", "in_notice")
    expect(reviewer.locator("#notice-ends")).to_have_text(re.compile(r"\d{4}-\d{2}-\d{2}"))


def check_public_notice(browser, live_url: str, number: str, lines: int) -> None:
    """Anyone sees the notice without logging in, every person masked."""
    public = new_page(browser, live_url)
    public.goto("/notices/")
    notice = public.locator("section", has_text=number)
    expect(notice.locator(".notice-lines tbody tr")).to_have_count(lines)
    expect(notice.locator(".notice-lines tbody tr").first).to_contain_text("*")
    public.context.close()


def end_notice(reviewer, live_url: str, number: str, claim_url: str) -> None:
    """The notice period goes by (moved on the server); the reviewer ends it: payable."""
    jineng(ENVIRONMENTS[live_url], "shell", "-c", MOVE_NOTICE.format(number=number))
    reviewer.goto(claim_url)
    reviewer.locator("#action-end-notice").click()
    expect(reviewer.locator("#state")).to_have_attribute("data-state", "payable")


def make_batch(reviewer, channel: str = "employment_fund") -> str:
    """The reviewer makes the payment batch of the fund channel's payable claims: its URL."""
    reviewer.goto("/claims/payments/")
    reviewer.locator(f"#make-batch-{channel}").click()
    expect(reviewer.locator("#batch-number")).to_have_text(re.compile(r"^BF\d{4}-\d{6}$"))
    expect(reviewer.locator("#state")).to_have_attribute("data-state", "open")
    return reviewer.url


def send_to_finance(reviewer, batch_url: str, saved_in: Path) -> Path:
    """The reviewer sends the batch to finance: its first export (xlsx), saved in `saved_in`."""
    reviewer.goto(batch_url)
    with reviewer.expect_download() as download:
        reviewer.locator("#export-xlsx").click()
    saved = saved_in / download.value.suggested_filename
    download.value.save_as(saved)
    reviewer.reload()
    expect(reviewer.locator("#state")).to_have_attribute("data-state", "exported")
    return saved


def record_all_paid(page, batch_url: str) -> None:
    """Finance (or the bureau) records every line of the batch paid."""
    page.goto(batch_url)
    page.locator("#all-paid").click()
    page.locator("#record-outcomes").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator('#payments tr[data-outcome="pending"]')).to_have_count(0)

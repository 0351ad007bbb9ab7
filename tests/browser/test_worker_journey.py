"""A trainee from nothing to money, on a phone (390×844), as issue 19 asks: a member of the public
finds a published class, registers by real name with the code texted to the phone, signs up; the
institution accepts the sign-up into the roster; the worker sees the class under 我的培训班; the
class runs, is evaluated and certified, its subsidy claimed, approved and published (公示, 004
§四(五)); the worker sees the certificate, the subsidy line in public notice and the notice, and
objects to it from the portal. axe-core runs on every page the worker sees and fails on a serious
or critical violation (tests/browser/axe.py).

The live server is another process with a clock of its own: the steps that are not the worker's
are run on the server's database through the services, by the demo users whose job they are
(`jineng shell`, as tests.live.move_class does), and the days of the class go by as the other
browser tests make them go by, the approved class moved back on the server (AHEAD days). Its
text-message gateway is the demo's, which writes each message to the server's log: the code is
read there (test_sign_up.texted_code), as the test backend's outbox is in the test's process."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.steps import AHEAD, past_days
from tests.browser.test_sign_up import texted_code
from tests.factories import id_number
from tests.live import ENVIRONMENTS, jineng, move_class

PHONE = {"width": 390, "height": 844}
NAME, MOBILE, USERNAME = "钱学勤", "13812340019", "qianxueqin"
TITLE = "电工（五级）夜班培训（全程测试）"
OBJECTION = "我的评价成绩与证书等级不符，请核查。"

PREAMBLE = """
from datetime import date, datetime, time, timedelta
from django.utils import timezone
from jineng.core.audit import audit_context
from jineng.core.models import User
users = {{user.username: user for user in User.objects.all()}}
"""

# 鸿鹄 opens an electrician's class AHEAD days after `start`..`end`, with one evening session on
# its last day (no other test's hours for the same teacher) and a first trainee the counter
# registers (an application needs a roster), submits it; the city's reviewer approves it before
# it starts (004 §四(三)); 鸿鹄 publishes it (003 §三10). Prints its code.
OPEN_AND_PUBLISH = (
    PREAMBLE
    + """
from jineng.catalog.models import FundChannel, Occupation, SkillLevel, TrainingType
from jineng.offers import services as offers
from jineng.people import services as people
from jineng.training import services as training
staff = users["institution"]
institution = staff.organisation.institution
start, end = date.fromisoformat("{start}"), date.fromisoformat("{end}")
counter = users["county_reviewer"]
with audit_context(actor=counter):
    classmate = people.register_with_categories(
        name="孙立华", id_number="{classmate}", organisation=counter.organisation,
        categories=[{{"code": "rural_migrant", "valid_from": start - timedelta(days=60),
                     "evidence": "户口簿（窗口核验）"}}],
    )
evening = [timezone.make_aware(datetime.combine(end, time(hour))) for hour in (18, 21)]
with audit_context(actor=staff):
    opened = training.create_class(
        institution, name="{title}", occupation=Occupation.objects.get(code="6-31-01-03"),
        level=SkillLevel.objects.get(code="5"),
        training_type=TrainingType.objects.get(code="employment_skills"),
        fund_channel=FundChannel.objects.get(code="employment_fund"), start_date=start,
        end_date=end, venue="商丘市鸿鹄职业技能培训学校实训楼401", capacity=20,
        assessment_plan="理论考试＋实操考核",
    )
    teacher = institution.engagements.filter(year=start.year).first().teacher
    training.set_teachers(opened, [teacher])
    training.add_session(opened, starts_at=evening[0], ends_at=evening[1],
                         topic="电工安全（夜班）", teacher=teacher)
    training.enrol(opened, classmate)
    training.submit(opened)
with audit_context(actor=users["city_reviewer"]):
    training.approve(opened, "材料齐全，同意开班。")
opened.refresh_from_db()  # the services change a locked copy
with audit_context(actor=staff):
    offers.publish(kind="class", title="{title}", training_class=opened,
                   description="夜班授课，结业后可参加职业技能等级认定。")
print(opened.code)
"""
)

# The counter records the worker's category with its evidence, from before the class (the rate
# group of 004 §四(五)); 鸿鹄 accepts the sign-up into the roster.
ACCEPT = (
    PREAMBLE
    + """
from jineng.offers import services as offers
from jineng.offers.models import Application
from jineng.people import services as people
application = Application.objects.get(person__user__username="{username}", offer__title="{title}")
with audit_context(actor=users["city_reviewer"]):
    people.add_category(application.person, "rural_migrant",
                        valid_from=date.fromisoformat("{since}"), evidence="户口簿（窗口核验）")
with audit_context(actor=users["institution"]):
    offers.accept(application)
"""
)

# The class (moved into the past) runs to completion; the evaluation centre certifies the
# trainee today; 鸿鹄 claims the subsidy, the city's reviewer approves and publishes the notice:
# as the demo does it (jineng.claims.demo).
RUN_TO_NOTICE = (
    PREAMBLE
    + """
from jineng.claims import demo
from jineng.training.models import TrainingClass
ran = TrainingClass.objects.get(code="{code}")
trainees = [enrollment.person for enrollment in ran.enrollments.all()]
ran = demo.run_to_completion(ran, trainees, users)
demo.evaluated(ran, users, timezone.localdate())
demo.claimed_into_notice(ran, users)
"""
)

# The bureau finds the objection on the notice, about the worker's own line, with their name and
# masked phone to answer, and on the audit log as the worker's.
OBJECTED = (
    PREAMBLE
    + """
from jineng.claims.models import Objection
from jineng.core.models import AuditEntry
objection = Objection.objects.get(text="{text}")
assert objection.line.person.user.username == "{username}", objection.line
assert objection.contact_masked.endswith("0019") and objection.contact_name, objection
entry = AuditEntry.objects.filter(object_id=str(objection.pk), object_type__endswith="objection")
assert entry.filter(actor__username="{username}").exists(), list(entry.values())
"""
)


def server(live_url: str, script: str) -> str:
    """Run a script on the live server's own database: what it printed."""
    return jineng(ENVIRONMENTS[live_url], "shell", "-c", script).stdout.strip()


@pytest.fixture
def phone(browser, live_url):
    context = browser.new_context(
        base_url=live_url, locale="zh-CN", viewport=PHONE, device_scale_factor=2,
        is_mobile=True, has_touch=True,
    )  # fmt: skip
    page = context.new_page()
    yield page
    context.close()


def seen(page, heading: str) -> None:
    """The worker's page is the one expected, fits the phone and passes axe-core."""
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    width = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
    assert width[0] <= width[1], f"{page.url} is wider than the phone"
    assert_accessible(page)


def test_a_trainee_from_nothing_to_money(phone, live_url):
    start, end = past_days()
    ahead = timedelta(days=AHEAD)
    code = server(live_url, OPEN_AND_PUBLISH.format(
        title=TITLE, start=(start + ahead).isoformat(), end=(end + ahead).isoformat(),
        classmate=id_number("411402", 920, None),
    )).splitlines()[-1]  # fmt: skip

    # Finds the class on the public list, without logging in.
    phone.goto("/offers/")
    seen(phone, "培训")
    phone.locator("article.offer", has_text=TITLE).get_by_role("link", name=TITLE).click()
    seen(phone, TITLE)
    expect(phone.locator("#subsidy")).to_contain_text("元")

    # Registers by real name, the phone confirmed by the code texted to it.
    phone.locator("#register").click()
    seen(phone, "")
    phone.locator("#id_name").fill(NAME)
    phone.locator("#id_id_number").fill(id_number("411402", 919, None))
    phone.locator("#id_phone").fill(MOBILE)
    phone.locator("#send-code").click()
    expect(phone.locator("#id_code")).to_be_visible()
    assert_accessible(phone)
    phone.locator("#id_code").fill(texted_code(live_url, MOBILE))
    phone.locator("#id_username").fill(USERNAME)
    phone.locator("#id_password").fill("Worker@2026q")
    phone.locator("#confirm").click()

    # Signs up (报名) on the training's page.
    seen(phone, TITLE)
    phone.locator("#apply").click()
    seen(phone, "我的报名")
    sign_up = phone.locator("article.application", has_text=TITLE)
    expect(sign_up).to_have_attribute("data-state", "applied")

    # The institution accepts the sign-up into the class's roster.
    since = (start - timedelta(days=60)).isoformat()
    server(live_url, ACCEPT.format(username=USERNAME, title=TITLE, since=since))
    phone.reload()
    expect(sign_up).to_have_attribute("data-state", "accepted")
    assert_accessible(phone)
    phone.goto("/me/classes/")
    seen(phone, "我的培训班")
    expect(phone.locator("main")).to_contain_text(TITLE)
    expect(phone.locator("main")).to_contain_text("电工安全（夜班）")

    # The class's days go by; it runs to completion, is certified and its subsidy published.
    move_class(live_url, code, -AHEAD)
    server(live_url, RUN_TO_NOTICE.format(code=code))

    phone.goto("/")
    seen(phone, "欢迎")
    phone.goto("/me/evaluations/")
    seen(phone, "我的评价")
    expect(phone.locator("[data-booking]")).to_have_attribute("data-booking", "done")
    phone.goto("/me/certificates/")
    seen(phone, "我的证书")
    certificate = phone.locator("main section", has_text="电工")
    expect(certificate).to_have_count(1)
    certificate.get_by_role("link").first.click()  # the details, with the QR code
    expect(phone.locator("main")).to_contain_text("电工")
    assert_accessible(phone)
    phone.goto("/me/subsidies/")
    seen(phone, "我的补贴")
    line = phone.locator("section[data-stage]", has_text="电工")
    expect(line).to_have_attribute("data-stage", "in_notice")
    expect(line).to_contain_text("公示中")
    line.locator("summary").click()  # why this amount
    expect(line.locator("[data-reasons] li").first).to_be_visible()
    assert_accessible(phone)

    # Objects (异议) to the notice of their own line, from the portal.
    line.get_by_role("link").click()
    seen(phone, "我的公示")
    notice = phone.locator("main section", has_text="电工")
    expect(notice).to_contain_text("公示中")
    notice.locator("summary", has_text="提出异议").click()
    assert_accessible(phone)
    notice.get_by_label("异议内容").fill(OBJECTION)
    notice.get_by_role("button", name="提交异议").click()
    expect(phone.get_by_role("alert").first).to_contain_text("异议已登记")
    seen(phone, "我的公示")
    server(live_url, OBJECTED.format(username=USERNAME, text=OBJECTION))

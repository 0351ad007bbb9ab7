"""On a phone (390×844), someone checking a demo certificate verifies it by its number, then
types the holder's ID number and is told it matches, and a wrong one that it does not; the
number typed is not shown back (issue 14, "What a reader sees"). The favicon answers too.

The holder's clear ID number is read from the server's own database by a `jineng shell`
command run in its environment (tests.live.ENVIRONMENTS), as the person at the counter would
read it from the holder's ID card."""

import json

from playwright.sync_api import expect

from tests.live import ENVIRONMENTS, jineng

A_CERTIFICATE = """
import json
from jineng.certificates.models import Certificate
from jineng.people.services import decrypt_id_number
certificate = Certificate.objects.filter(issued_here=True, status="valid").order_by("id").first()
print(json.dumps({"number": certificate.number,
                  "id_number": decrypt_id_number(certificate.person)}))
"""


def test_a_phone_checks_the_holder_of_a_demo_certificate(browser, live_url):
    found = jineng(ENVIRONMENTS[live_url], "shell", "-c", A_CERTIFICATE).stdout
    demo = json.loads(found.strip().splitlines()[-1])
    context = browser.new_context(
        base_url=live_url, locale="zh-CN", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    try:
        page.goto("/verify/")
        page.get_by_label("证书编号或二维码文字").fill(demo["number"])
        page.get_by_role("button", name="核验").click()
        expect(page.locator("#verify-result")).to_have_attribute("data-valid", "true")

        holder = page.get_by_label("持证人身份证件号码或姓名")
        holder.fill(demo["id_number"])
        page.get_by_role("button", name="核对").click()
        expect(page.locator("#holder-answer")).to_have_text("与证书持有人一致。")
        expect(holder).to_have_value("")  # not shown back
        assert demo["id_number"] not in page.content() and demo["id_number"] not in page.url

        wrong = demo["id_number"][:-1] + ("1" if demo["id_number"][-1] != "1" else "2")
        holder.fill(wrong)
        page.get_by_role("button", name="核对").click()
        expect(page.locator("#holder-answer")).to_have_text("与证书持有人不一致。")
        # The check fits the phone's width: nothing scrolls sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path="test-results/verify-holder-phone.png", full_page=True)

        icon = page.request.get(f"{live_url}/favicon.ico")
        assert icon.status == 200 and icon.headers["content-type"] == "image/png"
    finally:
        context.close()

"""Issue 14 on the voucher pages: a button that cannot act yet (settling without a certificate,
claiming after the validity) is disabled with the reason the service gives; a done action says
what happened and what comes next (002 §四(五)3 以证换券、无证无价)."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from jineng.catalog.models import Occupation
from jineng.people.services import decrypt_id_number
from jineng.vouchers import services
from jineng.vouchers.models import Voucher, VoucherState
from tests.buttons import blocked, reason_in_chinese
from tests.vouchers.conftest import TODAY, WELDER

pytestmark = pytest.mark.django_db


def said(msgid: str, values: dict) -> str:
    """A message as a Chinese user reads it (the translation must exist: not the msgid)."""
    with translation.override("zh-hans"):
        text = gettext(msgid)
    assert text != msgid, f"untranslated: {msgid}"
    return escape(text % values)


def test_settling_waits_for_a_certificate_then_says_it_is_settled(login, redeemed, certificate):
    """以证换券、无证无价 (002 §四(五)3): without the holder's certificate the settle button is
    disabled with the reason; the POST is refused with it; with one, it settles and says so."""
    voucher, _enrollment = redeemed(0)
    with translation.override("zh-hans"):
        reason = escape(services.settle_readiness(voucher).reason)
    assert "以证换券、无证无价" in reason
    client = login("city_reviewer")
    blocked(client.get(f"/vouchers/{voucher.pk}/").content.decode(), "settle", reason)
    response = client.post(f"/vouchers/{voucher.pk}/settle/", follow=True)
    assert reason in response.content.decode()
    voucher.refresh_from_db()
    assert voucher.state == VoucherState.REDEEMED
    cert = certificate(voucher.person)
    page = client.get(f"/vouchers/{voucher.pk}/").content.decode()
    assert 'type="submit" id="settle"' in page
    response = client.post(f"/vouchers/{voucher.pk}/settle/", {"certificate": cert.pk},
                           follow=True)  # fmt: skip
    voucher.refresh_from_db()
    assert voucher.state == VoucherState.SETTLED
    assert (
        said(
            "Voucher %(number)s is settled against certificate %(certificate)s: %(amount)s yuan; "
            "its training is paid for and the voucher is used up.",
            {
                "number": voucher.number,
                "certificate": cert.number,
                "amount": voucher.settled_amount,
            },
        )
        in response.content.decode()
    )


def test_a_voucher_past_its_validity_is_not_claimed_and_says_since_when(holder, issue, client):
    person = holder(0)
    voucher = issue(person, valid_until=TODAY)
    next_day = timezone.make_aware(datetime.combine(TODAY + timedelta(days=1), time(10)))
    with time_machine.travel(next_day, tick=False):
        reason = reason_in_chinese(services.claim_readiness(voucher))
        assert voucher.number in reason and str(TODAY) in reason
        client.force_login(person.user)
        blocked(client.get(f"/vouchers/{voucher.pk}/").content.decode(), "claim", reason)
        blocked(client.get("/vouchers/mine/").content.decode(), f"claim-{voucher.pk}", reason)
        response = client.post(f"/vouchers/{voucher.pk}/claim/", follow=True)
        assert reason in response.content.decode()
    voucher.refresh_from_db()
    assert voucher.state == VoucherState.ISSUED


def test_issuing_and_voiding_say_what_comes_next(login, holder, issue):
    person = holder(0, login=False)
    client = login("city_reviewer")
    welder = Occupation.objects.get(code=WELDER)
    response = client.post(
        "/vouchers/issue/",
        {"id_number": decrypt_id_number(person), "occupations": [welder.pk]},
        follow=True,
    )
    voucher = Voucher.objects.get(person=person)
    assert (
        said(
            "Voucher %(number)s is issued to %(name)s. Next: the holder claims it with their own "
            "login, or at the counter, by %(date)s, then shows it to the training institution when "
            "enrolling.",
            {"number": voucher.number, "name": person.name, "date": voucher.valid_until},
        )
        in response.content.decode()
    )
    response = client.post(f"/vouchers/{voucher.pk}/void/", {"reason": "发错了人"}, follow=True)
    assert (
        said(
            "Voucher %(number)s is void: its holder can no longer use it; a new voucher can be "
            "issued to them when they qualify.",
            {"number": voucher.number},
        )
        in response.content.decode()
    )

"""Tampered values posted to the voucher pages (a certificate of someone else, a non-numeric
id, an absurd value or date, an unknown level): a message on the page, never a server error,
and nothing changed."""

import pytest

from jineng.catalog.models import Occupation
from jineng.people.services import decrypt_id_number
from jineng.vouchers.models import Voucher, VoucherRule, VoucherState
from tests.tampered import ABSURD, refused

pytestmark = pytest.mark.django_db


def test_settling_against_a_tampered_certificate_is_refused(login, redeemed, certificate):
    voucher, _enrollment = redeemed(0)
    someone_else = certificate(redeemed(1)[0].person)
    client = login("city_reviewer")
    for value in [*ABSURD[:5], someone_else.pk]:
        response = client.post(f"/vouchers/{voucher.pk}/settle/", {"certificate": value},
                               follow=True)  # fmt: skip
        refused(response)
    voucher.refresh_from_db()
    assert voucher.state == VoucherState.REDEEMED


def test_voiding_with_an_overlong_reason_is_refused(login, holder, issue):
    voucher = issue(holder(0))
    response = login("city_reviewer").post(
        f"/vouchers/{voucher.pk}/void/", {"reason": "x" * 301}, follow=True
    )
    refused(response)
    voucher.refresh_from_db()
    assert voucher.state == VoucherState.ISSUED


def test_tampered_issue_and_rule_forms_are_refused(login, holder):
    person = holder(0, login=False)
    welder = Occupation.objects.get(code="6-18-02-04")
    client = login("city_reviewer")
    rules = VoucherRule.objects.count()
    for value in ABSURD:
        response = client.post(
            "/vouchers/issue/",
            {"id_number": decrypt_id_number(person), "occupations": [welder.pk, value],
             "level": value, "value": value, "valid_until": value},
        )  # fmt: skip
        refused(response)
        response = client.post(
            "/vouchers/rules/",
            {"name": "x", "organisation": value, "categories": [value], "occupations": [value],
             "validity_days": value},
        )  # fmt: skip
        refused(response)
    assert not Voucher.objects.filter(person=person).exists()
    assert VoucherRule.objects.count() == rules


def test_a_tampered_redemption_is_refused(login):
    client = login("institution")
    for value in ABSURD:
        refused(client.post("/vouchers/redeem/", {"number": value, "enrollment": value}))
